"""Attack: kill `briefbot run` at each point of a scheduled post, with a busy channel or a quiet one.

Before: killed after the post reached Discord but before it was recorded, the restarted bot looked at the last 50
messages only, so in a busy channel it posted the briefing again; in a quiet one it found the post but never
recorded what it said, so the next briefing repeated it.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.storage.database import CLAIM_LEASE, Storage
from briefings.scheduling import DigestSchedule
from tests.bot.fakediscord import EventKind
from tests.bot.fakediscord.interactions import iter_components
from tests.conftest import SEEDS
from tests.hostile._processes import cli_env, start_bot, stop, wait_until

MESSAGES = "/channels/{channel_id}/messages"


@pytest.fixture
def bot_env(fake_discord, tmp_path):
    return cli_env(tmp_path, DISCORD_TOKEN=fake_discord.token, DISCORD_API_BASE_URL=fake_discord.rest_base,
                   DISCORD_GATEWAY_URL=fake_discord.gateway_url, BRIEFBOT_CORPUS_DIR=str(SEEDS),
                   BRIEFBOT_LOG_LEVEL="INFO")


def database(tmp_path):
    return tmp_path / "state" / "briefbot.db"


def due_a_minute_ago(fake, tmp_path) -> DigestSchedule:
    """A schedule for the fake channel whose run fell due a minute ago: the bot posts it as soon as it starts.

    It was set up yesterday: a run due before its schedule existed is never owed.
    """
    at = (datetime.now(UTC) - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    storage = Storage.open(f"sqlite:///{database(tmp_path)}", lambda: datetime.now(UTC) - timedelta(days=1))
    return storage.add_schedule(DigestSchedule(0, int(fake.guild.id), int(fake.channel.id), at, "UTC"))


def query(tmp_path, sql, *args):
    with sqlite3.connect(database(tmp_path)) as connection:
        return connection.execute(sql, args).fetchall()


def run_status(tmp_path, schedule_id):
    rows = query(tmp_path, "SELECT status FROM runs WHERE schedule_id = ?", schedule_id)
    return rows[0][0] if rows else None


def lease_runs_out(tmp_path):
    """Five minutes pass: the dead process's claim is past its lease, so a new process may resume the run."""
    for day, claimed_at in query(tmp_path, "SELECT day, claimed_at FROM runs"):
        older = (datetime.fromisoformat(claimed_at) - CLAIM_LEASE - timedelta(seconds=1)).isoformat()
        query(tmp_path, "UPDATE runs SET claimed_at = ? WHERE day = ?", older, day)


def briefings_posted(fake, schedule):
    """The bot's posts that carry this schedule's run marker (in the "All stories" button's custom id)."""
    marker = f"bb:b:schedule {schedule.id} · "
    return [m for m in fake.messages.in_channel(fake.channel.id)
            if m["author"]["id"] == fake.world.bot.id
            and any(c.get("custom_id", "").startswith(marker) for c in iter_components(m["components"]))]


def recorded_sentences(tmp_path, schedule):
    rows = query(tmp_path, "SELECT covered_until, sentences FROM briefings WHERE destination = ?",
                 str(schedule.channel_id))
    return (rows[0][0], set(json.loads(rows[0][1]))) if rows else (None, set())


async def killed_while_held(fake, bot_env, tmp_path, log, *, after_handling):
    """Start the bot, wait for its post to reach the hold, kill it there (SIGKILL: no clean-up runs)."""
    held = fake.hold("POST", MESSAGES, after_handling=after_handling)
    first = await start_bot(bot_env, tmp_path, log)
    try:
        await wait_until(held.reached.is_set, "the briefing post to reach Discord")
    finally:
        await stop(first, kill=True)
    held.abandon()


async def restart_and_catch_up(bot_env, tmp_path, log):
    process = await start_bot(bot_env, tmp_path, log)
    try:
        await wait_until(lambda: "caught up 1 schedule after start-up" in log.read_text(), "the start-up sweep")
    except AssertionError as error:
        raise AssertionError(f"{error}; the bot's log ends:\n{log.read_text()[-3000:]}") from None
    finally:
        await stop(process)
    return log.read_text()


@pytest.mark.parametrize("traffic", [0, 60], ids=["quiet channel", "60 messages since"])
async def test_killed_after_the_post_reached_discord_it_is_neither_posted_again_nor_repeated(
        fake_discord, bot_env, tmp_path, traffic):
    schedule = due_a_minute_ago(fake_discord, tmp_path)
    log = tmp_path / "bot.log"
    # The message exists in the channel; the bot never hears back.
    await killed_while_held(fake_discord, bot_env, tmp_path, log, after_handling=True)
    assert run_status(tmp_path, schedule.id) == "claimed"
    bob = fake_discord.world.add_user("bob")
    for number in range(traffic):
        await fake_discord.post_as(bob, f"chatter {number}")
    lease_runs_out(tmp_path)

    await restart_and_catch_up(bot_env, tmp_path, log)

    [post] = briefings_posted(fake_discord, schedule)
    assert run_status(tmp_path, schedule.id) == "posted"
    covered_until, said = recorded_sentences(tmp_path, schedule)
    assert covered_until is not None and said, "what the post said was never recorded"
    assert all(sentence.split(" ")[0] in post["embeds"][0]["description"] for sentence in said)
    assert query(tmp_path, "SELECT * FROM pending_briefings") == []


async def test_killed_before_the_post_reached_discord_it_is_posted_once_after_the_restart(
        fake_discord, bot_env, tmp_path):
    schedule = due_a_minute_ago(fake_discord, tmp_path)
    log = tmp_path / "bot.log"
    # The request arrives but never takes effect.
    await killed_while_held(fake_discord, bot_env, tmp_path, log, after_handling=False)
    assert briefings_posted(fake_discord, schedule) == []
    lease_runs_out(tmp_path)

    await restart_and_catch_up(bot_env, tmp_path, log)

    assert len(briefings_posted(fake_discord, schedule)) == 1
    assert run_status(tmp_path, schedule.id) == "posted"
    assert recorded_sentences(tmp_path, schedule)[1]


async def test_killed_after_the_post_was_recorded_nothing_more_happens(fake_discord, bot_env, tmp_path):
    schedule = due_a_minute_ago(fake_discord, tmp_path)
    log = tmp_path / "bot.log"
    first = await start_bot(bot_env, tmp_path, log)
    try:
        await wait_until(lambda: run_status(tmp_path, schedule.id) == "posted", "the run to be recorded as posted")
    finally:
        await stop(first, kill=True)
    recorded = recorded_sentences(tmp_path, schedule)
    assert recorded[1], "the post and its record are written together"

    await restart_and_catch_up(bot_env, tmp_path, log)

    assert len(briefings_posted(fake_discord, schedule)) == 1
    assert len(fake_discord.events(EventKind.CHANNEL_MESSAGE)) == 1
    assert recorded_sentences(tmp_path, schedule) == recorded


async def test_killed_after_posting_and_back_after_the_grace_the_day_is_not_called_skipped(
        fake_discord, bot_env, tmp_path):
    schedule = due_a_minute_ago(fake_discord, tmp_path)
    log = tmp_path / "bot.log"
    await killed_while_held(fake_discord, bot_env, tmp_path, log, after_handling=True)
    lease_runs_out(tmp_path)

    # Back too late to post it (grace 0): the post went out, so the day is posted, not skipped.
    await restart_and_catch_up({**bot_env, "BRIEFBOT_SCHEDULE_GRACE_MINUTES": "0"}, tmp_path, log)

    assert len(briefings_posted(fake_discord, schedule)) == 1
    assert run_status(tmp_path, schedule.id) == "posted"
    assert recorded_sentences(tmp_path, schedule)[1]
