"""Admin commands for live sources: /source add, list, remove (Manage Server)."""

from __future__ import annotations

import logging
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.exts._admin import AdminGroupCog, may_manage
from bot.discord.exts._replies import reply_privately
from bot.discord.exts.schedules import missing_permissions
from bot.errors import StorageError
from bot.ingestion.fetch import printable_url
from bot.ingestion.sources import Ingestor
from bot.storage import MAX_ID
from briefings.addresses import AddressError, check_feed_url
from briefings.feeds import FeedError
from briefings.filters import FilterError, parse_keywords

log = logging.getLogger(__name__)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SourcesCog(AdminGroupCog, group_name="source", group_description="Feeds to follow (Manage Server)"):
    """RSS and Atom feeds whose articles join what Briefbot reads."""

    subject = "sources"

    def __init__(self, ingestor: Ingestor) -> None:
        self.ingestor = ingestor
        super().__init__()

    @app_commands.command(name="add")
    @app_commands.describe(url="The feed's address (RSS or Atom, http or https)",
                           interval="Minutes between polls (5 to 1440, default 30)",
                           channel="Post its new items in this channel as they arrive (optional)",
                           include='Only items that mention one of these, e.g. "oil, OPEC"',
                           exclude='Never items that mention one of these, e.g. "football"')
    async def add(self, interaction: discord.Interaction, url: str,
                  interval: app_commands.Range[int, 5, 1440] = 30, channel: discord.TextChannel | None = None,
                  include: str | None = None, exclude: str | None = None) -> None:
        """Follow a feed; its articles join this server's corpus (and its channel, if you choose one)."""
        try:
            url = check_feed_url(url)
            included, excluded = parse_keywords(include), parse_keywords(exclude)
        except (AddressError, FilterError) as error:
            reason = render.safe(str(error))
            await reply_privately(interaction, f"{reason[:1].upper()}{reason[1:]}. Nothing was saved.")
            return
        if channel is not None and (missing := missing_permissions(channel)):
            await reply_privately(interaction, f"Briefbot cannot post in {channel.mention}: it needs "
                                  f"{', '.join(missing)}. Nothing was saved.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            result = await self.ingestor.add_and_poll(url, timedelta(minutes=interval), interaction.guild_id or 0,
                                                      channel_id=channel.id if channel else None,
                                                      include=included, exclude=excluded)
        except StorageError as error:
            await reply_privately(interaction, f"{render.safe(printable_url(str(error)))}.")
            return
        except FeedError as error:  # a web page that announces no feed: not followed
            await reply_privately(interaction, f"Not followed: {render.safe(str(error))}. Give the address of its "
                                  "RSS or Atom feed. Nothing was saved.")
            return
        if result.note:
            await interaction.followup.send(f"{render.safe(printable_url(result.note))}.", ephemeral=True,
                                            allowed_mentions=discord.AllowedMentions.none())
        where = f" New items will be posted in {channel.mention} as they arrive." if channel else ""
        if result.error:
            text = (f"Following it, but the first poll failed: {render.safe(result.error)}. It will be retried with "
                    f"growing pauses; `/source list` shows how it goes.{where}")
        else:
            text = (f"Following it: {render.count(result.articles, 'article')} came in (its back-catalogue "
                    "is background, "
                    f"not news in the next briefing). Polled every {interval} minutes.{where}")
            if result.problems:  # entries recovered from a malformed feed, or skipped: the admin can tell its owner
                text += f"\nWhat was wrong with the feed: {render.safe('; '.join(result.problems[:3]))[:1_000]}"
        await reply_privately(interaction, text)

    @app_commands.command(name="list")
    async def list_sources(self, interaction: discord.Interaction) -> None:
        """Show the feeds: last success, last error and article count."""
        store = self.ingestor.store
        blocks = []
        for source in store.all(interaction.guild_id):
            success = render.timestamp(source.last_success, "R") if source.last_success else "never"
            shown = printable_url(source.url)  # a user:password@ in it is not shown
            address = render.link(shown, shown)  # escaped: a ">" in the address cannot end it
            name = f"{render.safe(source.title)}\n{address}" if source.title else address
            held = render.count(store.article_count(source.feed_id), "article")
            line = (f"**#{source.id}** {name} · every {int(source.interval.total_seconds() // 60)} min · {held} "
                    f"· last success {success}")
            if source.channel_id:
                line += f" · posts in <#{source.channel_id}>"
            if source.include or source.exclude:
                line += "\n" + render.safe(_filters(source.include, source.exclude))
            if source.paused:
                line += "\n⏸️ Paused after repeated failures."
            if source.last_error:
                line += f"\nLast error: {render.safe(source.last_error)}"
            blocks.append(line)
        pages = render.paginate("Sources", blocks or ["No sources yet. Add one with `/source add`."], render.FOOTER)
        await interaction.response.send_message(embed=pages[0].embed(1, len(pages)), ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())

    @app_commands.command(name="remove")
    @app_commands.describe(source="The feed to stop following")
    async def remove(self, interaction: discord.Interaction, source: str) -> None:
        """Stop following a feed (its articles leave this server's answers at once)."""
        wanted = source.strip().lstrip("#").split(" ")[0]
        chosen = self.ingestor.store.get(int(wanted)) if wanted.isdigit() and int(wanted) <= MAX_ID else None
        if chosen is None or chosen.guild_id != interaction.guild_id:
            await reply_privately(interaction, "No such source on this server: pick one from the list as you type.")
            return
        self.ingestor.store.remove(chosen.id)
        # Acknowledged first: the rebuild waits for one under way and takes seconds on a large corpus.
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.ingestor.rebuild()  # a feed nobody follows any more is gone from the operator's corpus too
        await reply_privately(interaction,
                              f"Stopped following {render.safe(chosen.title or printable_url(chosen.url))}.")

    @remove.autocomplete("source")
    async def _sources(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if not may_manage(interaction):
            return []  # a DM or a member without Manage Server: no server's sources are listed
        choices = []
        for source in self.ingestor.store.all(interaction.guild_id):
            name = f"#{source.id} {source.title or printable_url(source.url)}"
            if current.lower() in name.lower():
                choices.append(app_commands.Choice(name=name[:100], value=str(source.id)))
        return choices[:25]


def _filters(include: tuple[str, ...], exclude: tuple[str, ...]) -> str:
    parts = ([f"only items about {', '.join(include)}"] if include else []) + \
        ([f"never {', '.join(exclude)}"] if exclude else [])
    return "Filter: " + "; ".join(parts)


async def setup(bot: commands.Bot) -> None:
    """Load the cog (extension entry point); the ingestor comes from the bot the wiring built."""
    ingestor = getattr(bot, "ingestor", None)
    if not isinstance(ingestor, Ingestor):
        raise RuntimeError("SourcesCog needs the ingestor the bot was built with")
    await bot.add_cog(SourcesCog(ingestor))
