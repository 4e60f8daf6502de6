"""Slash commands over the briefing engine: /brief, /summary, /changes, /stories, /story, /help.

Each command reads the interaction, calls the domain (off the event loop), renders, and sends.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.scheduler import ScheduleRunner
from bot.discord import render
from bot.discord.exts._replies import on_engine, on_engine_acknowledged, reply_privately
from bot.discord.pages import Pager
from bot.discord.render import Reply
from bot.ingestion.live import LiveCorpus
from briefings.briefing import build_briefing, summarize_story
from briefings.corpus import Corpus
from briefings.digests import build_digest
from briefings.history import BriefingLog
from briefings.stories import Story, ranked_stories, stories_matching
from briefings.summaries import NothingToReport, matching_sentences, summarize_topic
from briefings.summarizers import LengthBudget
from briefings.topics import close_topics, complete_topics, corpus_topics
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
    # The schedules, set by the bot: /brief previews what the channel's next scheduled post would say.
    runner: ScheduleRunner | None = None


class UserError(Exception):
    """Input the bot cannot use; the message tells the user what to do (sent privately)."""


class BriefingsCog(commands.Cog, name="Briefings"):
    """Briefings, summaries and what changed, from the articles the bot has read."""

    def __init__(self, services: Services) -> None:
        self.services = services
        # Replies are built again from their keys when a page button is used, even after a restart.
        self.pager = Pager(self.rebuild, services.engine, services.defer_after, services.clock)

    def corpus(self, guild_id: int | None) -> Corpus:
        """Return the corpus a server's commands read: the folder and its own feeds (a DM: the folder)."""
        return self.services.live.server(guild_id)

    async def cog_unload(self) -> None:
        """Stop the page timers."""
        self.pager.close()

    @app_commands.command(name="brief")
    async def brief(self, interaction: discord.Interaction) -> None:
        """Show the briefing now, as the daily schedule would post it here."""
        await self._answer(interaction, lambda: self.preview(interaction.guild_id, interaction.channel_id or 0))

    @app_commands.command(name="summary")
    @app_commands.describe(topic="A subject or name the articles mention (start typing for suggestions)",
                           length="How many sentences (1-10, default 5)")
    async def summary(self, interaction: discord.Interaction, topic: str,
                      length: app_commands.Range[int, 1, 10] = 5) -> None:
        """Summarise what the articles say about a topic, each sentence quoted and credited."""
        await self._answer(interaction, lambda: self.rebuild(f"summary|{length}|{topic.strip()}", interaction.guild_id))

    @summary.autocomplete("topic")
    async def _topics(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._topic_choices(interaction.guild_id, current)

    @app_commands.command(name="changes")
    @app_commands.describe(since="From when: a date (2025-03-01), 'yesterday', '3 days' or 'last briefing' "
                           "(default: the last briefing here)",
                           topic="Only what changed about this subject or name")
    async def changes(self, interaction: discord.Interaction, since: str | None = None,
                      topic: str | None = None) -> None:
        """Show what newer articles add: new facts, figures that moved, reversals."""
        # Read before the acknowledgement, never on the engine thread (a /changes queued there behind a first
        # briefing went unacknowledged for over a minute at 100,000 articles): a mistyped `since` is answered
        # privately at once. Only the default, the day before the newest article, needs the corpus: it is found
        # in the engine work, which the acknowledgement does not wait for.
        given = await asyncio.to_thread(self._since_given, _destination(interaction), since)
        guild_id, about = interaction.guild_id, (topic or "").strip()

        def work() -> Reply:
            start = given if given is not None else self._day_before_newest(guild_id)
            # The key page buttons rebuild the reply from, after a restart too: the moment is fixed in it.
            return self.rebuild(f"changes|{start.timestamp()!r}|{about}", guild_id)

        await self._answer(interaction, work)

    @changes.autocomplete("topic")
    async def _change_topics(self, interaction: discord.Interaction, current: str
                             ) -> list[app_commands.Choice[str]]:
        return await self._topic_choices(interaction.guild_id, current)

    @changes.autocomplete("since")
    async def _since_choices(self, interaction: discord.Interaction, current: str
                             ) -> list[app_commands.Choice[str]]:
        last = await asyncio.to_thread(self.services.briefings.last, _destination(interaction))  # off the loop
        options = (["last briefing"] if last is not None and last.covered_until is not None else []) + \
            ["yesterday", "3 days", "1 week"]
        return [app_commands.Choice(name=o, value=o) for o in options if current.lower() in o]

    @app_commands.command(name="stories")
    @app_commands.describe(search="Only stories about this (a word of the headline, a name, a subject)")
    async def stories(self, interaction: discord.Interaction, search: str | None = None) -> None:
        """List the stories, with how many outlets carry each; open one from the menu."""
        await self._answer(interaction, lambda: self.rebuild(f"stories|{(search or '').strip()}", interaction.guild_id))

    @app_commands.command(name="story")
    @app_commands.describe(story="The story (start typing a word of its headline)")
    async def story(self, interaction: discord.Interaction, story: str) -> None:
        """Summarise one story, with its outlets and links."""
        await self._answer(interaction, lambda: self.rebuild(f"story|{story.strip()}", interaction.guild_id))

    @story.autocomplete("story")
    async def _story_choices(self, interaction: discord.Interaction, current: str
                             ) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()

        def matching() -> list[Story]:
            found = []
            for candidate in ranked_stories(self.corpus(interaction.guild_id)):
                if not typed or re.search(r"(?:^|\W)" + re.escape(typed), candidate.headline.lower()):
                    found.append(candidate)
                    if len(found) == AUTOCOMPLETE_LIMIT:
                        break
            return found

        nothing: list[Story] = []
        found = await on_engine(self.services.engine, matching, nothing)
        return [app_commands.Choice(name=_choice_name(f"{render.headline(s)} ({render.count(s.sources, 'source')})"),
                                    value=s.id[:CHOICE_NAME_LIMIT]) for s in found]

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """Explain what Briefbot does and each command."""
        lines = [
            "Briefbot reads news articles and quotes them: every sentence it shows is a real sentence of an "
            "article, credited to each outlet that carried it. Copies of one story from several outlets count as "
            "one story with several sources.",
            "**/brief**: the briefing now: what changed since the last one here, top stories, figures that moved.",
            "**/summary** `topic` `[length]`: what the articles say about a subject or name, story by story.",
            "**/changes** `[since]` `[topic]`: what newer articles add: new facts, moved figures, reversals.",
            "**/stories** `[search]`: the stories, with their number of sources; open one from the menu. "
            "**/story** `story`: one story in brief.",
            "**/schedule** `set` `list` `remove` `test`: a daily briefing at your server's time (Manage Server).",
            "**/source** `add` `list` `remove`: RSS and Atom feeds whose articles join the corpus (Manage Server).",
            "**/help**: this message.",
        ]
        # The footer counts the server's corpus: the kept view at once; one still to be built is made on the engine
        # thread, and help does not wait behind other engine work for it (it goes without the count). Finding the
        # kept view reads the server's sources from the database, so that read is done off the event loop.
        guild_id, plain = interaction.guild_id, (render.FOOTER, cast(datetime | None, None))
        kept = await asyncio.to_thread(self.services.live.tenancy.kept_server, guild_id)
        footer, moment = render.corpus_footer(kept) if kept is not None else await on_engine(
            self.services.engine, lambda: render.corpus_footer(self.corpus(guild_id)), plain,
            within=self.services.defer_after)
        reply = Reply([render.Page("Briefbot", tuple(lines), footer, timestamp=moment)], ephemeral=True)
        await self.pager.send(interaction, reply, deferred=False)

    async def cog_app_command_error(self, interaction: discord.Interaction,
                                    error: app_commands.AppCommandError) -> None:
        """Answer bad input privately with what to do; log anything unexpected and apologise."""
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(cause, UserError):
            await reply_privately(interaction, str(cause))
            return
        if isinstance(cause, NothingToReport):
            guild_id = interaction.guild_id
            text = await on_engine_acknowledged(
                interaction, self.services.engine,
                lambda: self._unknown_topic(self.corpus(guild_id), str(cause), cause.suggestions), f"{cause}.",
                after=self.services.defer_after)
            await reply_privately(interaction, text)
            return
        if isinstance(cause, app_commands.TransformerError | app_commands.CheckFailure):
            await reply_privately(interaction, str(cause))
            return
        log.error("command /%s failed for user %s in guild %s", interaction.command.name if interaction.command
                  else "?", interaction.user.id, interaction.guild_id, exc_info=cause)
        await reply_privately(interaction, "Sorry, something went wrong while answering that. It has been logged.")

    def preview(self, guild_id: int | None, channel_id: int) -> Reply:
        """Build what the channel's next scheduled briefing would say now (its topic and filters); not recorded."""
        runner = self.services.runner
        schedule = runner.next_for(guild_id, channel_id) if runner is not None and guild_id else None
        if runner is not None and schedule is not None:
            briefing, corpus = runner.briefing_for(schedule)
        else:
            corpus = self.corpus(guild_id)
            briefing = build_briefing(corpus, last=self.services.briefings.last(str(channel_id)),
                                      now=self.services.clock())
        return render.briefing_reply(corpus, briefing)

    def rebuild(self, key: str, guild_id: int | None = None) -> Reply:
        """Build the reply a key names (a command and its arguments) for a server; run on the engine thread."""
        kind, _, rest = key.partition("|")
        corpus = self.corpus(guild_id)
        if kind == "summary":
            length, _, topic = rest.partition("|")
            self._require_topic(corpus, topic)
            reply = render.summary_reply(corpus, summarize_topic(corpus, topic, LengthBudget(sentences=int(length))))
        elif kind == "changes":
            stamp, _, topic = rest.partition("|")
            start = datetime.fromtimestamp(float(stamp), UTC)
            if topic:
                self._require_topic(corpus, topic)
            digest = build_digest(corpus, start, topic=topic or None, budget=LengthBudget(sentences=6))
            if digest.is_empty:
                return render.nothing_changed_reply(corpus, start, topic or None, self.services.clock())
            reply = render.digest_reply(corpus, digest)
        elif kind == "stories":
            reply = render.stories_reply(corpus, stories_matching(corpus, rest) if rest else
                                         ranked_stories(corpus), about=rest or None)
        elif kind == "story":
            reply = self._story_reply(corpus, rest)
        else:
            raise UserError("These buttons belong to a reply Briefbot can no longer build. Run the command again.")
        reply.key = reply.key or key
        return reply

    def _story_reply(self, corpus: Corpus, wanted: str) -> Reply:
        chosen = next((story for story in corpus.stories if story.id == wanted), None)
        if chosen is None:
            matches = stories_matching(corpus, wanted)
            if not matches:
                raise UserError(f"No story is about “{render.safe(wanted)}”. Pick one from the suggestions as you "
                                "type, or run /stories.")
            if len(matches) > 1:
                reply = render.stories_reply(corpus, matches, about=wanted)
                reply.key = f"stories|{wanted}"
                return reply
            chosen = matches[0]
        summary = summarize_story(corpus, chosen, LengthBudget(sentences=5))
        return render.story_reply(corpus, chosen, summary)

    async def _topic_choices(self, guild_id: int | None, current: str) -> list[app_commands.Choice[str]]:
        # On the engine thread: the first call after a swap may count the topics (seconds on a large corpus), and
        # a server's corpus may be made first.
        none: tuple[str, ...] = ()
        names = await on_engine(self.services.engine,
                                lambda: complete_topics(self.services.live.topic_index_for(guild_id), current,
                                                        AUTOCOMPLETE_LIMIT),
                                none)
        return [app_commands.Choice(name=_choice_name(name), value=name[:CHOICE_NAME_LIMIT]) for name in names]

    def _require_topic(self, corpus: Corpus, topic: str) -> None:
        if not topic.strip() or matching_sentences(corpus.index, topic).size == 0:
            raise UserError(self._unknown_topic(corpus, f"No article mentions “{render.safe(topic)}”", ()))

    def _unknown_topic(self, corpus: Corpus, message: str, suggestions: tuple[str, ...]) -> str:
        index = self.services.live.topic_index if corpus is self.services.live.current else corpus.index
        topic = message.split("“")[-1].split("”")[0] if "“" in message else ""
        close = close_topics(index, topic) if topic else ()
        if close:
            return f"{message}. Did you mean: {', '.join(render.safe(c) for c in close)}?"
        leading = suggestions or tuple(t.name for t in corpus_topics(index, 5))
        return f"{message}. Topics with the most coverage now: {', '.join(render.safe(c) for c in leading)}."

    def _since_given(self, destination: str, since: str | None) -> datetime | None:
        """Return the moment `since` names (the last briefing's end by default), None for the corpus's default.

        Reads the briefing log, never the corpus; raises UserError for a moment it cannot read.
        """
        if since is None or since.strip().lower() in {"last briefing", "last"}:
            last = self.services.briefings.last(destination)
            if last is not None and last.covered_until is not None:
                return last.covered_until + timedelta(microseconds=1)
            if since is not None:
                raise UserError("No briefing has been posted in this channel yet. Give `since` as a date "
                                "(2025-03-01), 'yesterday' or '3 days'.")
            return None
        try:
            return parse_moment(since, self.services.clock())
        except ValueError:
            raise UserError(f"I can't read “{render.safe(since)}” as a date. Use {ACCEPTED}.") from None

    def _day_before_newest(self, guild_id: int | None) -> datetime:
        """Return the day before a server's newest article (an article dated in the future is not "newest")."""
        now = self.services.clock()
        return min(self.corpus(guild_id).latest or now, now) - timedelta(days=1)

    async def _answer(self, interaction: discord.Interaction, work: Callable[[], Reply]) -> None:
        """Run the engine off the event loop; answer at once, or defer and follow up if it takes a while."""
        reply, deferred = await self.pager.run(interaction, work)
        await self.pager.send(interaction, reply, deferred)


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
