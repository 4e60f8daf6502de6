"""Two real `briefbot run` processes over one PostgreSQL database, each holding one of two shards, against the
local Discord and a local feed server; one is SIGKILLed mid-poll, or mid-post.

What must hold: each feed is polled by one process at a time and still polled after its poller died; each
scheduled briefing is posted once, by the process whose shard holds its server; nothing is lost.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest_asyncio
from aiohttp import web
from sqlalchemy import create_engine, text

from bot.storage.database import CLAIM_LEASE, SourceStore, Storage
from briefings.feeds import canonical_url
from briefings.scheduling import DigestSchedule
from tests.bot.fakediscord import EventKind
from tests.bot.fakediscord.fixtures import fake_discord  # noqa: F401 - the fixture
from tests.bot.fakediscord.gateway import shard_of
from tests.bot.ingestion.test_sources import rss
from tests.conftest import AGGREGATOR, FT, SEEDS, STRAITS_TIMES, raw_seed
from tests.hostile._processes import cli_env, start_bot, stop, wait_until

MESSAGES = "/channels/{channel_id}/messages"
SHARDS = 2
ITEMS = [(f"wire-{article}", f"https://wire.example/{article}", f"Report {n}", raw_seed(article))
         for n, article in enumerate((AGGREGATOR, STRAITS_TIMES, FT))]


class HeldFeed:
    """A feed on 127.0.0.1 whose first request is held unanswered until released (a poll in progress)."""

    def __init__(self) -> None:
        self.requests = 0
        self.reached = asyncio.Event()
        self.release = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.requests == 1:
            self.reached.set()
            await self.release.wait()
        return web.Response(body=rss("Wire", ITEMS), content_type="application/rss+xml")


@pytest_asyncio.fixture
async def held_feed():
    feed = HeldFeed()
    app = web.Application()
    app.router.add_get("/wire.xml", feed.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    feed.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/wire.xml"
    yield feed
    feed.release.set()
    await runner.cleanup()


def environment(fake, tmp_path, url, name):
    """One process's environment: the shared database, its own state folder (as if on its own machine)."""
    return cli_env(tmp_path / name, DISCORD_TOKEN=fake.token, DISCORD_API_BASE_URL=fake.rest_base,
                   DISCORD_GATEWAY_URL=fake.gateway_url, BRIEFBOT_CORPUS_DIR=str(SEEDS), BRIEFBOT_LOG_LEVEL="INFO",
                   BRIEFBOT_DATABASE_URL=url, BRIEFBOT_FETCH_ALLOW_HOSTS="127.0.0.1",
                   BRIEFBOT_INGEST_SECONDS="3")


class Process:
    """A `briefbot run --shards N/2` process (every shard with None) and its log."""

    def __init__(self, fake, tmp_path, url, shard: int | None, name: str) -> None:
        (tmp_path / name).mkdir(exist_ok=True)
        self.env = environment(fake, tmp_path, url, name)
        self.cwd = tmp_path / name
        self.log = tmp_path / name / "bot.log"
        self.args = () if shard is None else ("--shards", f"{shard}/{SHARDS}")
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> Process:
        self.process = await start_bot(self.env, self.cwd, self.log, *self.args)
        return self

    def said(self, words: str) -> bool:
        return self.log.exists() and words in self.log.read_text()

    async def wait_for(self, words: str, what: str) -> None:
        try:
            await wait_until(lambda: self.said(words), what)
        except AssertionError as error:
            raise AssertionError(f"{error}; the log ends:\n{self.log.read_text()[-3000:]}") from None

    async def stop(self, *, kill: bool = False) -> None:
        if self.process is not None:
            await stop(self.process, kill=kill)


def query(url, sql, **values):
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql), values)
            return result.fetchall() if result.returns_rows else []
    finally:
        engine.dispose()


async def test_a_feed_whose_poller_was_killed_mid_poll_is_polled_by_the_survivor_and_stored_once(
        fake_discord, postgresql_url, tmp_path, held_feed):  # noqa: F811
    store = SourceStore(Storage.open(postgresql_url))
    source = store.add(held_feed.url, canonical_url(held_feed.url), timedelta(minutes=5))
    first = await Process(fake_discord, tmp_path, postgresql_url, 0, "first").start()
    second = Process(fake_discord, tmp_path, postgresql_url, 1, "second")
    try:
        await wait_until(held_feed.reached.is_set, "the first process to start polling the feed")
        await second.start()
        await second.wait_for("servers on shards 1/2", "the second process to connect its shard")
        # The second process comes up while the first is mid-poll: it leaves the feed alone.
        await second.wait_for(f"source {source.id}: another process is polling it", "the second process's tick")
        assert held_feed.requests == 1
        await first.stop(kill=True)  # mid-poll: the request is still unanswered
        held_feed.release.set()
        # The lock died with the first process's connection: the survivor's next tick (every 3 s here) polls it.
        await second.wait_for(f"source {source.id}: 3 new articles", "the survivor to poll the feed")
    finally:
        await first.stop(kill=True)
        await second.stop()
    assert held_feed.requests == 2
    stored = query(postgresql_url, "SELECT guid FROM articles WHERE source_id = :id", id=source.id)
    assert sorted(guid for (guid,) in stored) == sorted(guid for guid, *_ in ITEMS)
    assert store.get(source.id).last_success is not None and store.get(source.id).failures == 0


def due_a_minute_ago(url, fake) -> DigestSchedule:
    """A schedule set up yesterday whose run fell due a minute ago: its process posts it as soon as it is up."""
    at = (datetime.now(UTC) - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    storage = Storage.open(url, lambda: datetime.now(UTC) - timedelta(days=1))
    return storage.add_schedule(DigestSchedule(0, int(fake.guild.id), int(fake.channel.id), at, "UTC"))


def briefings_posted(fake, schedule):
    marker = f"bb:b:schedule {schedule.id} · "
    return [m for m in fake.messages.in_channel(fake.channel.id)
            if any(c.get("custom_id", "").startswith(marker)
                   for row in m.get("components") or [] for c in row.get("components") or [])]


async def test_a_briefing_whose_poster_was_killed_mid_post_goes_out_once_from_its_shards_process(
        fake_discord, postgresql_url, tmp_path):  # noqa: F811
    schedule = due_a_minute_ago(postgresql_url, fake_discord)
    owner = shard_of(fake_discord.guild.id, SHARDS)
    held = fake_discord.hold("POST", MESSAGES, after_handling=True)  # the post exists; its poster never hears
    posting = await Process(fake_discord, tmp_path, postgresql_url, owner, "owner").start()
    other = await Process(fake_discord, tmp_path, postgresql_url, 1 - owner, "other").start()
    restarted = Process(fake_discord, tmp_path, postgresql_url, owner, "owner")
    try:
        await wait_until(held.reached.is_set, "the owner's process to post the briefing")
        await posting.stop(kill=True)
        held.abandon()
        await other.wait_for("caught up 0 schedules after start-up", "the other process's first sweep")
        [(status,)] = query(postgresql_url, "SELECT status FROM runs WHERE schedule_id = :id", id=schedule.id)
        assert status == "claimed"
        # Five minutes pass: the dead process's claim is past its lease.
        query(postgresql_url, "UPDATE runs SET claimed_at = :old WHERE schedule_id = :id", id=schedule.id,
              old=(datetime.now(UTC) - CLAIM_LEASE - timedelta(seconds=1)).isoformat())
        await restarted.start()  # a supervisor restarts the owner's shard
        await restarted.wait_for("went out before a restart", "the restarted process to find the post")
        await restarted.wait_for("caught up 1 schedule after start-up", "the restarted process's sweep")
    finally:
        await posting.stop(kill=True)
        await restarted.stop()
        await other.stop()
    assert len(briefings_posted(fake_discord, schedule)) == 1
    assert len(fake_discord.events(EventKind.CHANNEL_MESSAGE)) == 1
    assert query(postgresql_url, "SELECT status FROM runs WHERE schedule_id = :id", id=schedule.id) == [("posted",)]
    [(sentences,)] = query(postgresql_url, "SELECT sentences FROM briefings WHERE destination = :d",
                           d=str(schedule.channel_id))
    assert sentences != "[]"  # what the post said is recorded: the next briefing will not repeat it
    assert not other.said("posted the")


async def test_two_processes_that_both_run_a_servers_schedules_still_post_its_briefing_once(
        fake_discord, postgresql_url, tmp_path):  # noqa: F811
    # Two processes running every shard (a restart overlapping its predecessor, or a misconfiguration): both
    # sweep the same due run at start-up, and the claim in the database lets one of them post it.
    schedule = due_a_minute_ago(postgresql_url, fake_discord)
    first = await Process(fake_discord, tmp_path, postgresql_url, None, "first").start()
    second = await Process(fake_discord, tmp_path, postgresql_url, None, "second").start()
    try:
        for process in (first, second):
            await process.wait_for("caught up 1 schedule after start-up", "both processes' first sweep")
    finally:
        await first.stop()
        await second.stop()
    assert len(briefings_posted(fake_discord, schedule)) == 1
    assert len(fake_discord.events(EventKind.CHANNEL_MESSAGE)) == 1
    assert query(postgresql_url, "SELECT status FROM runs WHERE schedule_id = :id", id=schedule.id) == [("posted",)]
    assert first.said("posted the") != second.said("posted the")
