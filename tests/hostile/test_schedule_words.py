"""Attack: day and timezone words that only look right. Before: `days` matched on three letters ("monkey" was
Monday, "sunburn" Sunday), "mon,,tue" was accepted, and `localtime` meant the host's own zone, so a schedule moved
with the server. Now days are full names or standard abbreviations, and zones IANA names, in the terminal and in
/schedule set; anything else is refused and nothing saved.
"""

from __future__ import annotations

import pytest

from bot.storage.database import Storage
from tests.hostile._processes import briefbot, cli_env, in_process
from tests.hostile.conftest import running_bot

BAD_DAYS = ["monkey", "sunburn", "mon,,tue", "mon,", "wedding", "fr"]
BAD_ZONES = ["localtime", "posixrules", "Factory", "/etc/localtime", "../../etc/passwd", "Europe/"]


@pytest.mark.parametrize("days", BAD_DAYS)
def test_words_that_only_start_like_a_day_are_refused(tmp_path, monkeypatch, capsys, days):
    code, _, err = in_process(monkeypatch, capsys, cli_env(tmp_path), tmp_path, "schedule", "add", "08:00", "UTC",
                              "--days", days)
    assert code == 2 and "is not a day" in err and "nothing was saved" in err
    assert not (tmp_path / "state" / "briefbot.db").exists() or not Storage.open(
        f"sqlite:///{tmp_path / 'state' / 'briefbot.db'}").schedules()


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_zones_that_are_not_iana_zones_are_refused(tmp_path, monkeypatch, capsys, zone):
    code, _, err = in_process(monkeypatch, capsys, cli_env(tmp_path), tmp_path, "schedule", "add", "08:00", zone)
    assert code == 2 and "is not a timezone" in err


def test_the_briefbot_command_refuses_them(tmp_path):
    for extra, message in ((["UTC", "--days", "monkey"], "is not a day"), (["localtime"], "is not a timezone")):
        result = briefbot("schedule", "add", "08:00", *extra, env=cli_env(tmp_path), cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_full_names_and_usual_abbreviations_are_days(tmp_path):
    result = briefbot("schedule", "add", "08:00", "europe/london", "--days", "Monday, Thurs sat", env=cli_env(tmp_path),
                      cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [schedule] = Storage.open(f"sqlite:///{tmp_path / 'state' / 'briefbot.db'}").schedules()
    assert schedule.days == frozenset({0, 3, 5}) and schedule.timezone == "Europe/London"


@pytest.mark.parametrize(("options", "message"), [
    ({"days": "monkey"}, "not a day"),
    ({"days": "mon,,tue"}, "not a day"),
    ({"timezone": "localtime"}, "not a timezone"),
])
async def test_slash_schedule_set_refuses_them_too(fake_discord, bot_settings, options, message):
    async with running_bot(bot_settings) as bot:
        reply = await (await fake_discord.invoke("schedule set", {"time": "08:00", "timezone": "UTC", **options})
                       ).callback()
    assert reply.ephemeral and message in reply.content and "Nothing was saved" in reply.content
    assert bot.storage.schedules() == []
