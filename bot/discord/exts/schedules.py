"""Admin commands for scheduled briefings: /schedule set, list, remove, test (Manage Server)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.scheduler import EmptyBriefing, PostError, ScheduleRunner
from bot.discord import render
from bot.discord.exts._admin import AdminGroupCog, may_manage
from bot.discord.exts._replies import on_engine, on_engine_acknowledged, reply_privately
from bot.ingestion.live import LiveCorpus
from bot.storage import MAX_ID
from bot.storage.database import Storage
from briefings.briefing import Briefing
from briefings.corpus import Corpus
from briefings.filters import FilterError, parse_keywords
from briefings.scheduling import (
    DigestSchedule,
    Run,
    ScheduleError,
    next_run,
    parse_days,
    parse_time,
    parse_timezone,
    timezone_names,
)
from briefings.summaries import matching_sentences
from briefings.topics import complete_topics

log = logging.getLogger(__name__)

NEEDED = ("view_channel", "send_messages", "embed_links", "read_message_history")


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SchedulesCog(AdminGroupCog, group_name="schedule", group_description="Daily briefings (Manage Server)"):
    """Daily briefings at a chosen local time: only members who can manage the server may change them."""

    subject = "schedules"

    def __init__(self, storage: Storage, runner: ScheduleRunner, live: LiveCorpus, defer_after: float = 0.25) -> None:
        self.storage = storage
        self.runner = runner
        self.live = live
        self.defer_after = defer_after  # engine work not done by then is answered after a deferral
        super().__init__()

    @app_commands.command(name="set")
    @app_commands.describe(time="Local time, 24-hour HH:MM (e.g. 08:00)", timezone="IANA timezone, e.g. Europe/London",
                           channel="Where to post (default: this channel)",
                           topic="Only news about this subject (optional)",
                           days="Which days: every day (default), weekdays, weekends, or e.g. mon,wed,fri",
                           role="A role to mention with each briefing (nobody else is ever pinged)",
                           include='Only news that mentions one of these, e.g. "oil, OPEC"',
                           exclude='Never news that mentions one of these, e.g. "football"')
    async def set_schedule(self, interaction: discord.Interaction, time: str, timezone: str,
                           channel: discord.TextChannel | None = None, topic: str | None = None,
                           days: str | None = None, role: discord.Role | None = None,
                           include: str | None = None, exclude: str | None = None) -> None:
        """Post a briefing every chosen day at a local time."""
        try:
            at, zone, chosen_days = parse_time(time), parse_timezone(timezone), parse_days(days)
            included, excluded = parse_keywords(include), parse_keywords(exclude)
        except (ScheduleError, FilterError) as error:
            await reply_privately(interaction, f"{str(error)[:1].upper()}{str(error)[1:]}. Nothing was saved.")
            return
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            await reply_privately(interaction, "Choose a text channel for the briefings. Nothing was saved.")
            return
        missing = missing_permissions(target)
        if missing:
            await reply_privately(interaction, f"Briefbot cannot post in {target.mention}: it needs "
                                  f"{', '.join(missing)}. Give it those permissions there, or pick another channel. "
                                  "Nothing was saved.")
            return
        live, guild_id = self.live, interaction.guild_id  # its index is read on the engine thread
        # Acknowledged (privately) if the engine is busy, not made to wait behind its queue; unchecked if still busy.
        if topic and not await on_engine_acknowledged(
                interaction, self.runner.engine,
                lambda: bool(matching_sentences(live.server(guild_id).index, topic).size), True,
                after=self.defer_after):
            await reply_privately(interaction, f"No article mentions “{render.safe(topic)}” yet. Nothing was saved.")
            return
        schedule = self.storage.add_schedule(DigestSchedule(
            0, interaction.guild_id or 0, target.id, at, zone, chosen_days, topic or None,
            role.id if role else None, created_by=interaction.user.id, include=included, exclude=excluded))
        self.runner.arm(schedule)
        run = self._next_run(schedule)
        await reply_privately(interaction, f"Saved schedule {schedule.id}: {render.safe(schedule.describe())} in "
                              f"{target.mention}{f', mentioning {role.mention}' if role else ''}. First briefing: "
                              f"{render.timestamp(run.due, 'F')} ({render.timestamp(run.due, 'R')}).")

    @set_schedule.autocomplete("timezone")
    async def _timezones(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in timezone_names(current)]

    @set_schedule.autocomplete("topic")
    async def _topics(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if not may_manage(interaction):
            return []
        live, guild_id = self.live, interaction.guild_id
        none: tuple[str, ...] = ()
        names = await on_engine(self.runner.engine, lambda: complete_topics(live.topic_index_for(guild_id), current),
                                none)
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names]

    @app_commands.command(name="list")
    async def list_schedules(self, interaction: discord.Interaction) -> None:
        """Show this server's schedules: next run, last post, anything skipped and why."""
        blocks = []
        for schedule in self.storage.schedules(interaction.guild_id):
            lines = [f"**#{schedule.id}** {render.safe(schedule.describe())} in <#{schedule.channel_id}>"
                     + (f", mentioning <@&{schedule.role_id}>" if schedule.role_id else "")]
            if schedule.paused:
                lines.append(f"⏸️ Paused after repeated failures: {render.safe(schedule.last_error or 'unknown')}. "
                             "Fix the channel, then remove and set the schedule again.")
            else:
                run = self._next_run(schedule)
                late = " (owed now: it posts within a minute)" if run.due <= self.runner.clock() else ""
                lines.append(f"Next: {render.timestamp(run.due, 'F')} ({render.timestamp(run.due, 'R')}){late}")
            history = self.storage.runs(schedule.id)
            posted = next((day for day, status, _ in history if status == "posted"), None)
            lines.append(f"Last posted: {posted:%a %-d %b %Y}" if posted else "Not posted yet")
            for day, status, reason in history[:5]:
                if status in {"skipped", "failed"}:
                    lines.append(f"{'Skipped' if status == 'skipped' else 'Failed'} {day:%a %-d %b}: "
                                 f"{render.safe(reason or '')}")
            blocks.append("\n".join(lines))
        if not blocks:
            blocks = ["No schedules yet. Add one with `/schedule set`."]
        pages = render.paginate("Scheduled briefings", blocks, render.FOOTER)
        await interaction.response.send_message(embed=pages[0].embed(1, len(pages)), ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())

    @app_commands.command(name="remove")
    @app_commands.describe(schedule="The schedule to remove")
    async def remove(self, interaction: discord.Interaction, schedule: str) -> None:
        """Remove a schedule."""
        chosen = self._schedule(interaction, schedule)
        if chosen is None:
            await reply_privately(interaction, "No such schedule on this server: pick one from the list as you type.")
            return
        self.storage.remove_schedule(chosen.id, chosen.guild_id)
        self.runner.disarm(chosen.id)
        await reply_privately(interaction, f"Removed schedule {chosen.id} ({render.safe(chosen.describe())}).")

    @app_commands.command(name="test")
    @app_commands.describe(schedule="The schedule to try")
    async def test(self, interaction: discord.Interaction, schedule: str) -> None:
        """Post one briefing for a schedule now, marked as a test."""
        chosen = self._schedule(interaction, schedule)
        if chosen is None:
            await reply_privately(interaction, "No such schedule on this server: pick one from the list as you type.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            await self.runner.post_test(replace(chosen, paused=False))
        except PostError as error:
            await reply_privately(interaction, f"The test post failed: {render.safe(str(error))}.")
            return
        except EmptyBriefing as empty:
            briefing = empty.briefing
            why = await asyncio.get_running_loop().run_in_executor(  # a server's view may be built: not on the loop
                self.runner.engine, lambda: _why_empty(briefing, self.live.server(chosen.guild_id), chosen,
                                                       self.runner.clock()))
            await reply_privately(interaction, why)
            return
        await reply_privately(interaction, f"Posted a test briefing in <#{chosen.channel_id}>: what the channel "
                              "would get now (it is not recorded, so the next briefing is unchanged).")

    @remove.autocomplete("schedule")
    @test.autocomplete("schedule")
    async def _schedules(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if not may_manage(interaction):
            return []  # a DM or a member without Manage Server: no server's schedules are listed
        choices = []
        for schedule in self.storage.schedules(interaction.guild_id):
            name = f"#{schedule.id} {schedule.describe()}"
            if current.lower() in name.lower():
                choices.append(app_commands.Choice(name=name[:100], value=str(schedule.id)))
        return choices[:25]

    def _next_run(self, schedule: DigestSchedule) -> Run:
        return next_run(schedule, self.runner.clock(), self.storage.done_days(schedule.id), self.runner.grace)

    def _schedule(self, interaction: discord.Interaction, value: str) -> DigestSchedule | None:
        wanted = value.strip().lstrip("#").split(" ")[0]
        if not wanted.isdigit() or int(wanted) > MAX_ID:
            return None
        schedule = self.storage.schedule(int(wanted))
        return schedule if schedule is not None and schedule.guild_id == interaction.guild_id else None


def _why_empty(briefing: Briefing, corpus: Corpus, schedule: DigestSchedule, now: datetime) -> str:
    about = f" about {render.safe(schedule.topic)}" if schedule.topic else ""
    if briefing.first:
        reason = f"no story{about} is in the articles"
    else:
        reason = (f"nothing{about} has come in since the last briefing there (it covered the news up to "
                  f"{render.timestamp(briefing.since, 'f')})")
    return (f"Nothing was posted: the briefing <#{schedule.channel_id}> would get now is empty, because {reason}. "
            f"{render.freshness(corpus, now)}")


def missing_permissions(channel: discord.TextChannel) -> list[str]:
    """Name the permissions Briefbot lacks to post in a channel."""
    permissions = channel.permissions_for(channel.guild.me)
    return [name.replace("_", " ") for name in NEEDED if not getattr(permissions, name)]


async def setup(bot: commands.Bot) -> None:
    """Load the cog (extension entry point); its services come from the bot the wiring built."""
    storage, runner, live = (getattr(bot, name, None) for name in ("storage", "runner", "live"))
    if not isinstance(storage, Storage) or not isinstance(runner, ScheduleRunner) or not isinstance(live, LiveCorpus):
        raise RuntimeError("SchedulesCog needs the storage, runner and corpus the bot was built with")
    await bot.add_cog(SchedulesCog(storage, runner, live))
