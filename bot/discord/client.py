"""The Discord client: connects, registers the slash commands (only when they changed), and hosts the cogs."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from discord.ext import commands

from bot.delivery.channels import ChannelDelivery
from bot.delivery.scheduler import ScheduleRunner
from bot.discord.exts.briefings import BriefingsCog, Services
from bot.discord.exts.schedules import SchedulesCog
from bot.discord.exts.sources import SourcesCog
from bot.discord.poster import DiscordPoster
from bot.discord.shards import Shards
from bot.ingestion.fetch import Fetcher
from bot.ingestion.live import ready
from bot.ingestion.sources import Ingestor, PollLimits
from bot.storage.database import SourceStore, Storage
from briefings.corpus import DEFAULT_MAX_FOLDER_FILES, DEFAULT_MAX_FRONT_MATTER_BYTES

log = logging.getLogger(__name__)

DISCORD_API_BASE_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


def point_discord_py_at(api_base_url: str, gateway_url: str) -> None:
    """Send discord.py's REST calls and its first gateway connection to these addresses (e.g. a proxy).

    discord.py reads both from class attributes when it builds a request or connects; tests/bot checks that
    they are still there in the installed version.
    """
    discord.http.Route.BASE = api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class _KeepAliveStampedBeforeSending(discord.gateway.KeepAliveHandler):
    """discord.py's heartbeat thread, with each heartbeat's time taken before it is sent, not after.

    discord.py 2.7.1 notes the time only once the send completed, on the keep-alive thread; when the gateway answers
    before that thread holds the GIL again (the engine thread busy), the event loop measures the acknowledgement from
    the heartbeat before: one interval early, and warns "websocket is 41.3s behind" for a latency of milliseconds
    (measured by bench/discord_load.py: the warning came right after the fake gateway acknowledged). Fixed upstream
    in Rapptz/discord.py pull request 10448 (merged May 2026, in no release yet); this is that fix's effect.
    """

    def get_payload(self) -> dict[str, Any]:
        """Return the heartbeat to send, noting when it goes (the keep-alive thread calls it just before sending)."""
        self._last_send = time.perf_counter()
        return super().get_payload()


def time_heartbeats_before_sending() -> None:
    """Make discord.py measure each heartbeat's latency from its own sending (see `_KeepAliveStampedBeforeSending`).

    discord.py makes its keep-alive handler by this module-level name when the gateway says hello.
    """
    discord.gateway.KeepAliveHandler = _KeepAliveStampedBeforeSending  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """What following feeds and the folder needs."""

    folder: Path
    max_bytes: int
    retention: timedelta
    allowed_hosts: frozenset[str]
    max_files: int = DEFAULT_MAX_FOLDER_FILES
    max_front_matter_bytes: int = DEFAULT_MAX_FRONT_MATTER_BYTES
    limits: PollLimits | None = None
    ingest_every: timedelta = timedelta(seconds=30)  # how often due feeds are polled and the folder looked at


class BriefBot(commands.Bot):
    """Briefbot on Discord: slash commands only, and it never pings anyone unless told to."""

    def __init__(self, services: Services, storage: Storage, *, guild_id: int | None, state_dir: Path,
                 grace: timedelta = timedelta(hours=2), guild_ready_timeout: float = 2.0,
                 run_background_jobs: bool = True, sources: SourceSettings | None = None,
                 shards: Shards | None = None) -> None:
        sharding: dict[str, Any] = {} if shards is None else {"shard_ids": list(shards.ids),
                                                               "shard_count": shards.count}
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            guild_ready_timeout=guild_ready_timeout,
            **sharding,
        )
        self.shards_run = shards
        self.services = services
        self.storage = storage
        self.live = services.live
        # A schedule is run by the process whose shards hold its server; the run's claim in the database stays
        # the guarantee that it is posted once (e.g. while a restarted process and its predecessor overlap).
        self.poster = DiscordPoster(self, services.live)
        self.runner = ScheduleRunner(storage, self.poster, services.live, grace, services.engine,
                                     owns=shards.owns if shards else None)
        self.channels: ChannelDelivery | None = None
        services.runner = self.runner
        self.run_background_jobs = run_background_jobs
        self.source_settings = sources
        self.ingestor: Ingestor | None = None
        self._fetcher: Fetcher | None = None
        self._ingest = AsyncIOScheduler(timezone=UTC)
        self.guild_id = guild_id
        self.sync_record = state_dir / "discord-commands.json"
        self._readying: asyncio.Future[object] | None = None

    async def setup_hook(self) -> None:
        """Add the cogs and register their commands with Discord if they changed since the last start."""
        # A corpus handed in not yet indexed is made ready on the engine thread: commands meanwhile wait there
        # (deferred in time), never on the event loop.
        self._readying = asyncio.get_running_loop().run_in_executor(self.services.engine, ready, self.live.current)
        briefings = BriefingsCog(self.services)
        await self.add_cog(briefings)
        self.add_dynamic_items(*briefings.pager.items)  # page buttons and menus sent before a restart still work
        await self.add_cog(SchedulesCog(self.storage, self.runner, self.live, self.services.defer_after))
        if self.source_settings is not None:
            self._fetcher = await Fetcher(self.source_settings.allowed_hosts).__aenter__()
            self.ingestor = Ingestor(self.live, self.source_settings.folder, self.source_settings.max_bytes,
                                     SourceStore(self.storage), self._fetcher, self.source_settings.retention,
                                     max_files=self.source_settings.max_files,
                                     max_front_matter_bytes=self.source_settings.max_front_matter_bytes,
                                     limits=self.source_settings.limits)
            self.channels = ChannelDelivery(self.ingestor.store, self.live, self.poster, self.services.engine)
            self.ingestor.arrived.append(self.deliver)
            await self.add_cog(SourcesCog(self.ingestor))
        guild = discord.Object(self.guild_id) if self.guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        if self.shards_run is None or 0 in self.shards_run.ids:  # one process registers the commands for all
            await self.sync_if_changed(guild)

    async def sync_if_changed(self, guild: discord.abc.Snowflake | None) -> bool:
        """Sync the command tree when its definition differs from what was last synced (sync is rate limited)."""
        scope = str(guild.id) if guild else "global"
        definition = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        fingerprint = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        synced = self._read_sync_record()
        if synced.get(f"{self.application_id}:{scope}") == fingerprint:
            log.info("slash commands unchanged for %s: not syncing", scope)
            return False
        await self.tree.sync(guild=guild)
        synced[f"{self.application_id}:{scope}"] = fingerprint
        self.sync_record.parent.mkdir(parents=True, exist_ok=True)
        self.sync_record.write_text(json.dumps(synced, indent=1), encoding="utf-8")
        log.info("synced %d slash commands to %s", len(definition), scope)
        return True

    async def close(self) -> None:
        """Stop the timers, disconnect, then stop the engine thread (queued work is dropped: its users are gone)."""
        self.runner.stop()
        if self._ingest.running:
            self._ingest.shutdown(wait=False)
        if self._fetcher is not None:
            await self._fetcher.__aexit__(None, None, None)
        await super().close()
        self.services.engine.shutdown(wait=False, cancel_futures=True)

    async def on_ready(self) -> None:
        """Start the schedules once connected (the first sweep catches up what was missed while away)."""
        if self.run_background_jobs and not self.runner.scheduler.running:
            self.runner.start()
        if (self.run_background_jobs and self.ingestor is not None and self.source_settings is not None
                and not self._ingest.running):
            self._ingest.start()
            every = IntervalTrigger(seconds=self.source_settings.ingest_every.total_seconds())
            self._ingest.add_job(self.ingestor.tick, every, id="ingest", coalesce=True, max_instances=1,
                                 misfire_grace_time=300, next_run_time=datetime.now(UTC))
            self._ingest.add_job(self.deliver, id="deliver", next_run_time=datetime.now(UTC))  # resume claims
        log.info("connected as %s (%s) to %d servers%s", self.user, self.user.id if self.user else "?",
                 len(self.guilds), f" on shards {self.shards_run}" if self.shards_run else "")

    async def deliver(self) -> None:
        """Post the new items of feeds followed with a channel (after each poll that brought some, and at start)."""
        if self.channels is not None:
            await self.channels.deliver()

    async def on_error(self, event_method: str, /, *args: object, **kwargs: object) -> None:
        """Log errors in event handlers with their context; never let one take the bot down."""
        log.exception("error in event %s", event_method)

    def _read_sync_record(self) -> dict[str, str]:
        try:
            data = json.loads(self.sync_record.read_text(encoding="utf-8"))
            return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}



class ShardedBriefBot(BriefBot, commands.AutoShardedBot):
    """Briefbot running some of the bot's shards (`briefbot run --shards 0-1/4`), one gateway connection each.

    discord.py's AutoShardedBot connects the shards; BriefBot's behaviour comes first in the method order.
    """
