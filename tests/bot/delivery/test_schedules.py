"""Scheduled briefings through the real bot and discord.py against the local fake Discord, with time injected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta

import discord
import pytest

from bot.__main__ import build_bot
from bot.delivery.scheduler import ScheduleRunner
from bot.discord.poster import DiscordPoster
from bot.settings import load_settings
from bot.storage.database import CLAIM_LEASE, PAUSE_AFTER_FAILURES, Storage
from briefings.scheduling import DigestSchedule, parse_days
from tests.bot.fakediscord import EventKind, running_client
from tests.bot.fakediscord.fixtures import fake_discord  # noqa: F401 - the fixture
from tests.bot.screen import run_marker, screen

GRACE = timedelta(hours=2)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def settings(fake_discord, tmp_path, monkeypatch, database_url):  # noqa: F811
    """The bot's settings; every schedule test runs on SQLite and on the PostgreSQL server (tests/conftest.py)."""
    monkeypatch.chdir(tmp_path)
    for name, value in {"DISCORD_TOKEN": fake_discord.token, "DISCORD_API_BASE_URL": fake_discord.rest_base,
                        "DISCORD_GATEWAY_URL": fake_discord.gateway_url,
                        "BRIEFBOT_STATE_DIR": str(tmp_path / "state"), "BRIEFBOT_DATABASE_URL": database_url}.items():
        monkeypatch.setenv(name, value)
    return load_settings()


@asynccontextmanager
async def bot_and_runner(settings, corpus, clock) -> AsyncIterator[tuple[object, ScheduleRunner]]:
    bot = build_bot(settings, corpus, defer_after=5.0, guild_ready_timeout=0.05, run_background_jobs=False)
    async with running_client(bot, settings.discord_token.get_secret_value()) as client:
        yield client, restarted(client, settings, corpus, clock)


def restarted(client, settings, corpus, clock) -> ScheduleRunner:
    """A runner as a freshly started process would have it: its own database handle and instance id."""
    storage = Storage.open(settings.database, clock)
    return ScheduleRunner(storage, DiscordPoster(client, client.live), client.live, GRACE, client.services.engine,
                          clock=clock)


def schedule_for(fake, at="08:00", zone="Europe/London", days="every day", topic=None, role_id=None,
                 channel=None) -> DigestSchedule:
    return DigestSchedule(0, int(fake.guild.id), int((channel or fake.channel).id), time.fromisoformat(at), zone,
                          parse_days(days), topic, role_id)


def posts(fake):
    return fake.events(EventKind.CHANNEL_MESSAGE)


@pytest.mark.parametrize(
    ("zone", "due"),
    [
        ("Europe/London", datetime(2025, 3, 31, 7, 0, tzinfo=UTC)),  # 08:00 BST, the day after the change
        ("America/New_York", datetime(2025, 3, 10, 12, 0, tzinfo=UTC)),  # 08:00 EDT, the day after the change
        ("Asia/Singapore", datetime(2025, 3, 10, 0, 0, tzinfo=UTC)),
    ],
)
async def test_a_schedule_posts_at_its_local_time_in_utc(fake_discord, settings, seeds, zone, due):  # noqa: F811
    clock = Clock(due - timedelta(seconds=1))
    async with bot_and_runner(settings, seeds, clock) as (_, runner):
        schedule = runner.storage.add_schedule(schedule_for(fake_discord, zone=zone))
        assert runner.arm(schedule).due == due
        await runner.sweep()
        assert posts(fake_discord) == []  # one second early: nothing
        clock.now = due + timedelta(seconds=1)
        await runner.sweep()
        await runner.sweep()
    [post] = posts(fake_discord)
    assert run_marker(post.body) == f"schedule {schedule.id} · {due.astimezone(schedule.zone).date().isoformat()}"
    assert "schedule" not in screen(post.body)  # the marker is for the bot, never shown to readers
    assert post.body["allowed_mentions"]["parse"] == []
    assert runner.storage.runs(schedule.id)[0][1] == "posted"


async def test_the_timer_is_armed_for_the_next_local_run(fake_discord, settings, seeds):  # noqa: F811
    clock = Clock(datetime(2025, 10, 25, 12, tzinfo=UTC))
    async with bot_and_runner(settings, seeds, clock) as (_, runner):
        runner.scheduler.start(paused=True)
        schedule = runner.storage.add_schedule(schedule_for(fake_discord))
        runner.arm(schedule)
        job = runner.scheduler.get_job(f"schedule-{schedule.id}")
        assert job.next_run_time == datetime(2025, 10, 26, 8, tzinfo=UTC)  # 08:00 GMT: the clocks went back
        assert job.misfire_grace_time == GRACE.total_seconds()
        runner.stop()


async def test_restarting_before_during_or_after_the_post_gives_exactly_one_post(fake_discord, settings, seeds):  # noqa: F811
    due = datetime(2025, 11, 7, 8, tzinfo=UTC)
    clock = Clock(due - timedelta(hours=1))  # the schedules existed before their runs were due
    async with bot_and_runner(settings, seeds, clock) as (client, first):
        before = first.storage.add_schedule(schedule_for(fake_discord))
        during = first.storage.add_schedule(schedule_for(fake_discord, at="08:00", zone="UTC"))
        after = first.storage.add_schedule(schedule_for(fake_discord, at="07:30", zone="UTC"))
        clock.now = due + timedelta(minutes=1)
        await first.catch_up(after)  # posted, then the process restarts
        # "during": a process claimed the run and died before posting.
        assert first.storage.claim_run(during.id, due.date(), "crashed") == "new"
        second = restarted(client, settings, seeds, clock)
        await second.sweep()  # "before" is posted now; "during" is still leased to the dead process
        clock.now += CLAIM_LEASE + timedelta(seconds=1)
        third = restarted(client, settings, seeds, clock)
        await third.sweep()
        await restarted(client, settings, seeds, clock).sweep()
    by_schedule = [run_marker(p.body).split("schedule ")[1].split(" ")[0] for p in posts(fake_discord)]
    assert sorted(by_schedule) == sorted([str(before.id), str(during.id), str(after.id)])


async def test_a_crash_after_posting_is_not_posted_again(fake_discord, settings, seeds):  # noqa: F811
    due = datetime(2025, 11, 7, 8, tzinfo=UTC)
    clock = Clock(due - timedelta(hours=1))
    async with bot_and_runner(settings, seeds, clock) as (client, first):
        schedule = first.storage.add_schedule(schedule_for(fake_discord))
        clock.now = due + timedelta(minutes=1)
        await first.catch_up(schedule)
        # Undo the record of the post, as if the process died between posting and writing it down.
        with first.storage.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE runs SET status = 'claimed', message_id = NULL")
        clock.now += CLAIM_LEASE + timedelta(seconds=1)
        await restarted(client, settings, seeds, clock).sweep()
    assert len(posts(fake_discord)) == 1
    assert first.storage.runs(schedule.id)[0][1] == "posted"  # found in the channel's history


async def test_a_post_from_before_the_marker_moved_into_its_button_is_found_by_its_footer(
        fake_discord, settings, seeds):  # noqa: F811
    due = datetime(2025, 11, 7, 8, tzinfo=UTC)
    clock = Clock(due - timedelta(hours=1))
    async with bot_and_runner(settings, seeds, clock) as (client, first):
        schedule = first.storage.add_schedule(schedule_for(fake_discord))
        clock.now = due + timedelta(minutes=1)
        # The previous release posted with the marker at the end of its footer (no button), then died unrecorded.
        assert first.storage.claim_run(schedule.id, due.date(), "crashed") == "new"
        old = discord.Embed(title="Briefing", description="• A sentence.").set_footer(
            text=f"Briefbot · 5 articles · every sentence quoted verbatim · schedule {schedule.id} · 2025-11-07")
        sent = await client.get_channel(int(fake_discord.channel.id)).send(embed=old)
        clock.now += CLAIM_LEASE + timedelta(seconds=1)
        await restarted(client, settings, seeds, clock).sweep()
    assert len(posts(fake_discord)) == 1
    assert first.storage.runs(schedule.id)[0][1] == "posted"
    with first.storage.engine.begin() as connection:
        assert connection.exec_driver_sql("SELECT message_id FROM runs").scalar() == sent.id


async def test_downtime_inside_the_grace_posts_late_and_beyond_it_skips_and_says_so(fake_discord, settings, seeds):  # noqa: F811
    clock = Clock(datetime(2025, 11, 5, 12, 0, tzinfo=UTC))  # set up on Wednesday afternoon
    async with bot_and_runner(settings, seeds, clock) as (client, runner):
        schedule = runner.storage.add_schedule(schedule_for(fake_discord, zone="UTC"))
        clock.now = datetime(2025, 11, 6, 9, 30, tzinfo=UTC)  # 90 minutes late on Thursday
        await runner.sweep()
        assert len(posts(fake_discord)) == 1
        clock.now = datetime(2025, 11, 7, 11, 0, tzinfo=UTC)  # Friday: back three hours late
        await runner.sweep()
        assert len(posts(fake_discord)) == 1
        assert runner.storage.runs(schedule.id)[0][:2] == (date(2025, 11, 7), "skipped")
        clock.now = datetime(2025, 11, 8, 8, 0, 5, tzinfo=UTC)  # Saturday, on time
        await runner.sweep()
    saturday = posts(fake_discord)[-1]
    assert "The briefing for Friday 7 November was skipped: Briefbot was not running at 08:00 UTC" in \
        saturday.embeds[0]["description"]


async def test_a_deleted_channel_pauses_its_schedule_after_repeated_failures_and_others_go_on(
        fake_discord, settings, seeds):  # noqa: F811
    doomed_channel = fake_discord.world.add_channel("doomed")
    clock = Clock(datetime(2025, 11, 3, 7, 0, tzinfo=UTC))
    async with bot_and_runner(settings, seeds, clock) as (_, runner):
        doomed = runner.storage.add_schedule(schedule_for(fake_discord, zone="UTC", channel=doomed_channel))
        healthy = runner.storage.add_schedule(schedule_for(fake_discord, zone="UTC"))
        fake_discord.world.guild.channels.remove(doomed_channel)
        for day in range(PAUSE_AFTER_FAILURES):
            clock.now = datetime(2025, 11, 3 + day, 8, 1, tzinfo=UTC)
            await runner.sweep()
    paused = runner.storage.schedule(doomed.id)
    assert paused.paused and "no longer exists" in paused.last_error
    assert [status for _, status, _ in runner.storage.runs(doomed.id)] == ["failed"] * PAUSE_AFTER_FAILURES
    assert [status for _, status, _ in runner.storage.runs(healthy.id)] == ["posted"] * PAUSE_AFTER_FAILURES


async def test_a_role_is_the_only_mention(fake_discord, settings, seeds):  # noqa: F811
    clock = Clock(datetime(2025, 11, 3, 7, 0, tzinfo=UTC))
    role = fake_discord.world.admin_role
    async with bot_and_runner(settings, seeds, clock) as (_, runner):
        runner.storage.add_schedule(schedule_for(fake_discord, zone="UTC", role_id=int(role.id)))
        clock.now = datetime(2025, 11, 3, 8, 1, tzinfo=UTC)
        await runner.sweep()
    [post] = posts(fake_discord)
    assert post.content == f"<@&{role.id}>"
    mentions = post.body["allowed_mentions"]
    assert mentions["parse"] == []  # no @everyone, no @here, no users
    assert [str(r) for r in mentions["roles"]] == [role.id]


async def test_schedule_set_list_remove_and_test_through_slash_commands(fake_discord, settings, seeds):  # noqa: F811
    clock = Clock(datetime.now(UTC))
    async with bot_and_runner(settings, seeds, clock):
        saved = await (await fake_discord.invoke(
            "schedule set", {"time": "08:00", "timezone": "Europe/London", "days": "weekdays"})).callback()
        assert saved.ephemeral and "Saved schedule" in saved.content and "<t:" in saved.content
        listing = await (await fake_discord.invoke("schedule list")).callback()
        assert listing.ephemeral and "08:00 Europe/London, Mon, Tue, Wed, Thu, Fri" in listing.embeds[0]["description"]
        choices = await (await fake_discord.autocomplete("schedule test", {"schedule": ""}, focused="schedule")
                         ).callback()
        schedule_id = choices.body["data"]["choices"][0]["value"]
        tested = await fake_discord.invoke("schedule test", {"schedule": schedule_id})
        await tested.callback()
        assert "Posted a test" in (await tested.followup()).content
        assert run_marker(posts(fake_discord)[0].body).endswith(" · test")
        assert "This is a test of the schedule." in screen(posts(fake_discord)[0].body)
        removed = await (await fake_discord.invoke("schedule remove", {"schedule": schedule_id})).callback()
        assert "Removed schedule" in removed.content


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"time": "8am", "timezone": "Europe/London"}, "HH:MM"),
        ({"time": "08:00", "timezone": "Mars/Olympus"}, "IANA"),
        ({"time": "08:00", "timezone": "UTC", "days": "funday"}, "not a day"),
    ],
)
async def test_bad_schedule_settings_are_refused_privately_and_nothing_is_saved(fake_discord, settings, seeds,  # noqa: F811
                                                                                options, message):
    clock = Clock(datetime.now(UTC))
    async with bot_and_runner(settings, seeds, clock) as (_, runner):
        reply = await (await fake_discord.invoke("schedule set", options)).callback()
    assert reply.ephemeral and message in reply.content and "Nothing was saved" in reply.content
    assert runner.storage.schedules() == []


async def test_members_without_manage_server_are_refused(fake_discord, settings, seeds):  # noqa: F811
    clock = Clock(datetime.now(UTC))
    bob = fake_discord.world.add_user("bob")
    async with bot_and_runner(settings, seeds, clock) as (_, runner):
        reply = await (await fake_discord.invoke("schedule set", {"time": "08:00", "timezone": "UTC"}, user=bob)
                       ).callback()
    assert reply.ephemeral and "manage this server" in reply.content
    assert runner.storage.schedules() == []


async def test_two_admins_setting_schedules_at_once_both_get_theirs(fake_discord, settings, seeds):  # noqa: F811
    clock = Clock(datetime.now(UTC))
    carol = fake_discord.world.add_user("carol", admin=True)
    async with bot_and_runner(settings, seeds, clock) as (_, runner):
        sent = await asyncio.gather(
            fake_discord.invoke("schedule set", {"time": "08:00", "timezone": "Europe/London"}),
            fake_discord.invoke("schedule set", {"time": "18:00", "timezone": "Asia/Singapore"}, user=carol),
        )
        replies = [await s.callback() for s in sent]
    assert all("Saved schedule" in reply.content for reply in replies)
    assert sorted(s.timezone for s in runner.storage.schedules()) == ["Asia/Singapore", "Europe/London"]
