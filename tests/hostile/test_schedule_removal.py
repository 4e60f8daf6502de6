"""Attack: `briefbot schedule remove ID` on a Discord server's schedule.

Before: it refused, but deleted that schedule's run history first (the exactly-once record), so the server could
be posted today's briefing again. Now a refusal changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.storage.database import Storage
from briefings.scheduling import DigestSchedule
from tests.hostile._processes import assert_one_line_error, briefbot, cli_env


def test_removing_a_discord_servers_schedule_from_the_terminal_is_refused_and_changes_nothing(tmp_path):
    storage = Storage.open(f"sqlite:///{tmp_path / 'state' / 'briefbot.db'}")
    theirs = storage.add_schedule(DigestSchedule(0, 4242, 99, time(8), "Europe/London"))
    today = datetime.now(UTC).date()
    storage.claim_run(theirs.id, today, "bot")
    storage.finish_run(theirs.id, today, "posted", message_id=7)
    before = (storage.schedules(), storage.runs(theirs.id), storage.done_days(theirs.id))

    result = briefbot("schedule", "remove", str(theirs.id), env=cli_env(tmp_path), cwd=tmp_path)

    assert "belongs to a Discord server" in assert_one_line_error(result)
    assert (storage.schedules(), storage.runs(theirs.id), storage.done_days(theirs.id)) == before
    assert storage.claim_run(theirs.id, today, "another process") is None  # today's briefing cannot go out again


def test_a_server_cannot_remove_another_servers_schedule_or_its_history(tmp_path):
    storage = Storage.open(f"sqlite:///{tmp_path / 'briefbot.db'}")
    theirs = storage.add_schedule(DigestSchedule(0, 1, 99, time(8), "UTC"))
    day = datetime.now(UTC).date()
    storage.finish_run(theirs.id, day, "posted", message_id=7)
    assert not storage.remove_schedule(theirs.id, guild_id=2)
    assert storage.runs(theirs.id) == [(day, "posted", None)]
    assert storage.remove_schedule(theirs.id, guild_id=1)
    assert storage.runs(theirs.id) == []
