"""Shards split across processes: the --shards option, and the real bot on the fake Discord's sharded gateway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.__main__ import build_bot
from bot.discord.shards import ShardError, Shards
from briefings.scheduling import DigestSchedule
from tests.bot.delivery.test_schedules import settings  # noqa: F401 - the bot's settings, on both databases
from tests.bot.fakediscord import EventKind, running_client
from tests.bot.fakediscord.fixtures import fake_discord  # noqa: F401 - the fixture
from tests.bot.fakediscord.gateway import shard_of


@pytest.mark.parametrize(("text", "ids", "count"), [
    ("0-1/4", (0, 1), 4), ("2/4", (2,), 4), ("0,2-3/4", (0, 2, 3), 4), ("0/1", (0,), 1), (" 1 / 2 ", (1,), 2),
])
def test_a_shard_set_is_read_as_ids_of_a_count(text, ids, count):
    assert Shards.parse(text) == Shards(ids, count)


@pytest.mark.parametrize(("text", "message"), [
    ("4/4", "shard 4 does not exist with 4 shards"), ("0-5/4", "shard 5 does not exist"),
    ("3-1/4", "runs backwards"), ("0/0", "count must be 1"), ("0-1", "IDS/COUNT"), ("a/4", "IDS/COUNT"),
    ("", "IDS/COUNT"), ("0/99999", "count must be 1 to 16,384"),
])
def test_a_shard_set_that_cannot_be_run_is_refused_saying_why(text, message):
    with pytest.raises(ShardError, match=message):
        Shards.parse(text)


def test_a_server_belongs_to_the_shard_discord_sends_its_events_to():
    guild_id = 1_316_000_000_000_000_000  # a real-looking snowflake
    owner = (guild_id >> 22) % 4
    assert Shards((owner,), 4).owns(guild_id)
    assert not Shards(tuple(i for i in range(4) if i != owner), 4).owns(guild_id)
    assert Shards((0, 1, 2, 3), 4).owns(guild_id)


def test_run_refuses_a_bad_shard_set_before_connecting(tmp_path, monkeypatch, capsys):
    from bot.terminal.cli import main

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["run", "--shards", "2/2"])
    assert exited.value.code == 2
    assert "shard 2 does not exist with 2 shards" in capsys.readouterr().err


async def test_each_shard_identifies_and_only_the_guilds_shard_hears_of_it(fake_discord, settings, seeds):  # noqa: F811
    owner = shard_of(fake_discord.guild.id, 4)
    held = Shards(tuple(sorted({0, owner, 1 if owner == 0 else owner})), 4)  # shard 0's process syncs commands
    bot = build_bot(settings, seeds, guild_ready_timeout=0.05, run_background_jobs=False, shards=held)
    async with running_client(bot, settings.discord_token.get_secret_value(), ready_timeout=30) as client:
        identified = sorted(event.body["shard"] for event in fake_discord.events(EventKind.IDENTIFY))
        assert identified == [[shard, 4] for shard in held.ids]
        assert client.shard_count == 4 and sorted(client.shards) == list(held.ids)
        assert [guild.id for guild in client.guilds] == [int(fake_discord.guild.id)]
        assert client.get_guild(int(fake_discord.guild.id)).shard_id == owner
        reply = await (await fake_discord.invoke("help")).callback()  # the interaction arrives on the owner shard
        assert reply.ephemeral and reply.embeds
        # The owner shard is told to reconnect: it resumes its own session, and what came meanwhile is replayed.
        await fake_discord.request_reconnect(owner)
        sent = await fake_discord.invoke("help")
        resume = await fake_discord.wait_for(EventKind.RESUME, timeout=15)
        assert resume.extra["replayed"] == ["INTERACTION_CREATE"]
        assert (await sent.callback()).embeds
        assert fake_discord.recorder.count(EventKind.IDENTIFY) == len(held.ids)  # resumed, not identified again


async def test_a_process_without_the_guilds_shard_sees_no_guild_and_runs_none_of_its_schedules(
        fake_discord, settings, seeds):  # noqa: F811
    others = tuple(shard for shard in range(2) if shard != shard_of(fake_discord.guild.id, 2))
    bot = build_bot(settings, seeds, guild_ready_timeout=0.05, run_background_jobs=False, shards=Shards(others, 2))
    async with running_client(bot, settings.discord_token.get_secret_value(), ready_timeout=30) as client:
        assert list(client.guilds) == []
        now = datetime.now(UTC)
        client.storage.clock = lambda: now - timedelta(days=1)  # set up yesterday: today's run is owed
        due = (now - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
        schedule = client.storage.add_schedule(DigestSchedule(0, int(fake_discord.guild.id),
                                                              int(fake_discord.channel.id), due, "UTC"))
        client.storage.clock = lambda: datetime.now(UTC)
        assert client.runner.arm(schedule) is None
        await client.runner.sweep()
        assert fake_discord.events(EventKind.CHANNEL_MESSAGE) == []
        assert client.storage.runs(schedule.id) == []  # not even claimed: the owner's process runs it
        client.runner.owns = lambda guild_id: True  # the same runner owning the server posts it at once
        await client.runner.sweep()
        assert len(fake_discord.events(EventKind.CHANNEL_MESSAGE)) == 1


async def test_only_the_process_running_shard_0_registers_the_commands(fake_discord, settings, seeds):  # noqa: F811
    bot = build_bot(settings, seeds, guild_ready_timeout=0.05, run_background_jobs=False, shards=Shards((1,), 2))
    async with running_client(bot, settings.discord_token.get_secret_value(), ready_timeout=30):
        pass
    assert fake_discord.sync_calls == []
    bot = build_bot(settings, seeds, guild_ready_timeout=0.05, run_background_jobs=False, shards=Shards((0,), 2))
    async with running_client(bot, settings.discord_token.get_secret_value(), ready_timeout=30):
        pass
    assert len(fake_discord.sync_calls) == 1


async def test_briefbot_alone_with_a_token_runs_the_bot_on_every_shard(fake_discord, tmp_path):  # noqa: F811
    import asyncio
    import subprocess
    import sys

    from tests.conftest import SEEDS
    from tests.hostile._processes import cli_env, stop, wait_until

    env = cli_env(tmp_path, DISCORD_TOKEN=fake_discord.token, DISCORD_API_BASE_URL=fake_discord.rest_base,
                  DISCORD_GATEWAY_URL=fake_discord.gateway_url, BRIEFBOT_CORPUS_DIR=str(SEEDS),
                  BRIEFBOT_LOG_LEVEL="INFO")
    log = tmp_path / "bot.log"
    with log.open("ab") as handle:  # `python3 tasks.py start` with DISCORD_TOKEN set: no command given
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", env=env, cwd=tmp_path,
                                                       stdout=subprocess.DEVNULL, stderr=handle)
    try:
        await wait_until(lambda: "connected as" in log.read_text(), "the bot to connect")
    finally:
        await stop(process)
    assert process.returncode == 0, log.read_text()[-2000:]
    assert [event.body.get("shard") for event in fake_discord.events(EventKind.IDENTIFY)] == [None]


def test_run_refuses_shards_with_the_console(tmp_path, monkeypatch, capsys):
    from bot.terminal.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFBOT_STATE_DIR", str(tmp_path / "state"))
    assert main(["run", "--console", "--shards", "0/2"]) == 2
    assert "--console runs without Discord" in capsys.readouterr().err


async def test_a_bot_that_asks_how_many_shards_to_run_gets_the_fakes_recommendation(fake_discord):  # noqa: F811
    import discord
    from discord.ext import commands

    fake_discord.gateway.recommended_shards = 2
    bot = commands.AutoShardedBot(command_prefix="!", intents=discord.Intents(guilds=True), guild_ready_timeout=0.05)
    async with running_client(bot, fake_discord.token, ready_timeout=30) as client:
        assert client.shard_count == 2
        assert sorted(event.body["shard"] for event in fake_discord.events(EventKind.IDENTIFY)) == [[0, 2], [1, 2]]
        assert [guild.shard_id for guild in client.guilds] == [shard_of(fake_discord.guild.id, 2)]
