"""Slash commands over the briefing engine: /brief, /summary, /changes, /stories, /story, /help.

Each command reads the interaction, calls the domain (off the event loop), renders, and sends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.pages import PageTurner
from bot.discord.render import Reply
from bot.ingestion.live import LiveCorpus
from briefings.briefing import build_briefing
from briefings.corpus import Corpus
from briefings.digests import build_digest
from briefings.history import BriefingLog
from briefings.stories import Story, ranked_stories
from briefings.summaries import NothingToReport, matching_sentences, summarize_sentences, summarize_topic
from briefings.summarizers import LengthBudget
from briefings.topics import complete_topics, suggest_topics
from briefings.when import ACCEPTED, parse_moment

log = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
CHOICE_NAME_LIMIT = 100


@dataclass
class Services:
    """What the commands need, handed in by the wiring in `bot/__main__` (never looked up globally)."""

    live: LiveCorpus
    briefings: BriefingLog
    defer_after: float = 0.25  # answer at once if the work is done by then; otherwise defer and follow up
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # One engine thread: the engine is CPU-bound, so more threads would only take the GIL from the event loop
    # (and with it the heartbeat and every other user's acknowledgement); queued work waits behind a deferral.
    engine: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="engine"))


class UserError(Exception):
    """Input the bot cannot use; the message tells the user what to do (sent privately)."""


class BriefingsCog(commands.Cog, name="Briefings"):
    """Briefings, summaries and what changed, from the articles the bot has read."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def corpus(self) -> Corpus:
        """Return the corpus the commands read (as it is now: feeds and the folder update it)."""
        return self.services.live.current

    @app_commands.command(name="brief")
    async def brief(self, interaction: discord.Interaction) -> None:
        """Show the briefing now, as the daily schedule would post it here."""
        last = self.services.briefings.last(_destination(interaction))
        now = self.services.clock()
        await self._answer(interaction, lambda: render.briefing_reply(self.corpus, build_briefing(self.corpus,
                                                                                                  last=last, now=now)))

    @app_commands.command(name="summary")
    @app_commands.describe(topic="A subject or name the articles mention (start typing for suggestions)",
                           length="How many sentences (1-10, default 5)")
    async def summary(self, interaction: discord.Interaction, topic: str,
                      length: app_commands.Range[int, 1, 10] = 5) -> None:
        """Summarise what the articles say about a topic, each sentence quoted and credited."""
        self._require_topic(topic)
        budget = LengthBudget(sentences=length)
        await self._answer(interaction, lambda: render.summary_reply(self.corpus,
                                                                     summarize_topic(self.corpus, topic, budget)))

    @summary.autocomplete("topic")
    async def _topics(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return self._topic_choices(current)

    @app_commands.command(name="changes")
    @app_commands.describe(since="From when: a date (2025-03-01), 'yesterday', '3 days' or 'last briefing' "
                           "(default: the last briefing here)",
                           topic="Only what changed about this subject or name")
    async def changes(self, interaction: discord.Interaction, since: str | None = None,
                      topic: str | None = None) -> None:
        """Show what newer articles add: new facts, figures that moved, reversals."""
        start = self._since(interaction, since)
        if topic:
            self._require_topic(topic)

        def work() -> Reply:
            digest = build_digest(self.corpus, start, topic=topic, budget=LengthBudget(sentences=6))
            if digest.is_empty:
                return render.message_reply("Nothing changed", f"No article since {render.timestamp(start)} says "
                                            "anything new" + (f" about {render.safe(topic)}." if topic else "."),
                                            ephemeral=False)
            return render.digest_reply(self.corpus, digest)

        await self._answer(interaction, work)

    @changes.autocomplete("topic")
    async def _change_topics(self, interaction: discord.Interaction, current: str
                             ) -> list[app_commands.Choice[str]]:
        return self._topic_choices(current)

    @changes.autocomplete("since")
    async def _since_choices(self, interaction: discord.Interaction, current: str
                             ) -> list[app_commands.Choice[str]]:
        options = ["last briefing", "yesterday", "3 days", "1 week"]
        return [app_commands.Choice(name=o, value=o) for o in options if current.lower() in o]

    @app_commands.command(name="stories")
    async def stories(self, interaction: discord.Interaction) -> None:
        """List the stories, with how many outlets carry each."""
        await self._answer(interaction, lambda: render.stories_reply(self.corpus, ranked_stories(self.corpus)))

    @app_commands.command(name="story")
    @app_commands.describe(story="The story (start typing a word of its headline)")
    async def story(self, interaction: discord.Interaction, story: str) -> None:
        """Summarise one story, with its outlets and links."""
        chosen = self._find_story(story)

        def work() -> Reply:
            index = self.corpus.index
            summary = summarize_sentences(index, index.sentences_of(chosen.article_ids), LengthBudget(sentences=5))
            return render.story_reply(self.corpus, chosen, summary)

        await self._answer(interaction, work)

    @story.autocomplete("story")
    async def _story_choices(self, interaction: discord.Interaction, current: str
                             ) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        found = [s for s in ranked_stories(self.corpus) if typed in s.headline.lower()][:AUTOCOMPLETE_LIMIT]
        return [app_commands.Choice(name=_choice_name(f"{s.headline} ({s.sources})"), value=s.id) for s in found]

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """Explain what Briefbot does and each command."""
        lines = [
            "Briefbot reads news articles and quotes them: every sentence it shows is a real sentence of an "
            "article, credited to each outlet that carried it. Copies of one story from several outlets count as "
            "one story with several sources.",
            "**/brief**: the briefing now: what changed since the last one here, top stories, figures that moved.",
            "**/summary** `topic` `[length]`: what the articles say about a subject or name.",
            "**/changes** `[since]` `[topic]`: what newer articles add: new facts, moved figures, reversals.",
            "**/stories**: the stories, with their number of sources. **/story** `story`: one story in brief.",
            "**/schedule** `set` `list` `remove` `test`: a daily briefing at your server's time (Manage Server).",
            "**/source** `add` `list` `remove`: RSS and Atom feeds whose articles join the corpus (Manage Server).",
            "**/help**: this message.",
        ]
        reply = Reply([render.Page("Briefbot", tuple(lines), render.corpus_footer(self.corpus))], ephemeral=True)
        await self._send(interaction, reply, deferred=False)

    async def cog_app_command_error(self, interaction: discord.Interaction,
                                    error: app_commands.AppCommandError) -> None:
        """Answer bad input privately with what to do; log anything unexpected and apologise."""
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(cause, UserError | NothingToReport):
            text = str(cause)
            if isinstance(cause, NothingToReport) and cause.suggestions:
                text += ". Try: " + ", ".join(render.safe(s) for s in cause.suggestions)
            await _reply_privately(interaction, text)
            return
        if isinstance(cause, app_commands.TransformerError | app_commands.CheckFailure):
            await _reply_privately(interaction, str(cause))
            return
        log.error("command /%s failed for user %s in guild %s", interaction.command.name if interaction.command
                  else "?", interaction.user.id, interaction.guild_id, exc_info=cause)
        await _reply_privately(interaction, "Sorry, something went wrong while answering that. It has been logged.")

    def _topic_choices(self, current: str) -> list[app_commands.Choice[str]]:
        names = complete_topics(self.corpus.index, current, AUTOCOMPLETE_LIMIT)
        return [app_commands.Choice(name=_choice_name(name), value=name[:CHOICE_NAME_LIMIT]) for name in names]

    def _require_topic(self, topic: str) -> None:
        if matching_sentences(self.corpus.index, topic).size == 0:
            close = suggest_topics(self.corpus.index, topic)
            raise UserError(f"No article mentions “{render.safe(topic)}”. Try: " + ", ".join(render.safe(c)
                                                                                         for c in close))

    def _since(self, interaction: discord.Interaction, since: str | None) -> datetime:
        if since is None or since.strip().lower() in {"last briefing", "last"}:
            last = self.services.briefings.last(_destination(interaction))
            if last is not None and last.covered_until is not None:
                return last.covered_until + timedelta(microseconds=1)
            if since is not None:
                raise UserError("No briefing has been posted in this channel yet. Give `since` as a date "
                                "(2025-03-01), 'yesterday' or '3 days'.")
            now = self.services.clock()
            latest = min(self.corpus.latest or now, now)  # an article dated in the future is not "latest"
            return latest - timedelta(days=1)
        try:
            return parse_moment(since, self.services.clock())
        except ValueError:
            raise UserError(f"I can't read “{render.safe(since)}” as a date. Use {ACCEPTED}.") from None

    def _find_story(self, wanted: str) -> Story:
        stories = self.corpus.stories
        for story in stories:
            if story.id == wanted:
                return story
        typed = wanted.strip().lower()
        matches = [s for s in stories if typed and typed in s.headline.lower()]
        if len(matches) == 1:
            return matches[0]
        raise UserError("I don't know that story. Pick one from the suggestions as you type, or run /stories.")

    async def _answer(self, interaction: discord.Interaction, work: Callable[[], Reply]) -> None:
        """Run the engine off the event loop; answer at once, or defer and follow up if it takes a while."""
        task = asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(self.services.engine, work))
        done, _ = await asyncio.wait({task}, timeout=self.services.defer_after)
        if not done:
            await interaction.response.defer(thinking=True)
        reply = await task
        await self._send(interaction, reply, deferred=not done)

    async def _send(self, interaction: discord.Interaction, reply: Reply, deferred: bool) -> None:
        pages = reply.pages or [render.Page("Briefbot", ("Nothing to show.",), "Briefbot")]
        view = PageTurner(pages, interaction.user.id) if len(pages) > 1 else None
        embed = pages[0].embed(1, len(pages))
        mentions = discord.AllowedMentions.none()
        if deferred:
            await interaction.followup.send(embed=embed, view=view or discord.utils.MISSING,
                                            allowed_mentions=mentions, ephemeral=reply.ephemeral)
        else:
            await interaction.response.send_message(embed=embed, view=view or discord.utils.MISSING,
                                                    allowed_mentions=mentions, ephemeral=reply.ephemeral)


async def _reply_privately(interaction: discord.Interaction, text: str) -> None:
    embed = discord.Embed(title="Briefbot", description=text[: render.DESCRIPTION_LIMIT], colour=render.COLOUR)
    if interaction.response.is_done():
        await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
    else:
        await interaction.response.send_message(embed=embed, ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())


def _destination(interaction: discord.Interaction) -> str:
    return str(interaction.channel_id)


def _choice_name(text: str) -> str:
    return text if len(text) <= CHOICE_NAME_LIMIT else text[: CHOICE_NAME_LIMIT - 1] + "…"


async def setup(bot: commands.Bot) -> None:
    """Load the cog (extension entry point); services come from the bot the wiring built."""
    services = getattr(bot, "services", None)
    if not isinstance(services, Services):
        raise RuntimeError("BriefingsCog needs the Services the bot was built with")
    await bot.add_cog(BriefingsCog(services))
