"""Attack: input at the edge that the code underneath cannot take: bad addresses, huge numbers, dates at the ends
of the calendar. Before: tracebacks (`http://[::1`, a port of 99999, `--as-of 0001-01-01`, an id of 23 digits),
or accepted and broken later (`http://`, `--interval 99999999999`). Now each is exit 2 with what to fix, in the
terminal and, for the same input, privately in Discord; nothing is saved.
"""

from __future__ import annotations

import pytest

from bot.storage.database import SourceStore, Storage
from tests.conftest import SEEDS
from tests.hostile._processes import assert_one_line_error, briefbot, cli_env, in_process
from tests.hostile.conftest import running_bot

HUGE = "99999999999999999999999"
USAGE = [
    (["source", "add", "http://[::1"], "not a web address"),
    (["source", "add", "http://example.org:99999/feed"], "Port out of range"),
    (["source", "add", "http://"], "no host name"),
    (["source", "add", "file:///etc/passwd"], "not an http or https address"),
    (["source", "add", "https://example.org/feed", "--interval", "99999999999"], "must be 5 to 1440 minutes"),
    (["source", "add", "https://example.org/feed", "--interval", "0"], "must be 1 or more"),
    (["source", "remove", HUGE], "larger than any number"),
    (["schedule", "remove", HUGE], "larger than any number"),
    (["brief", "--as-of", "0001-01-01"], "outside the years"),
    (["brief", "--as-of", "9999-12-31T23:00-05:00"], "outside the years"),
    (["brief", "--as-of", "2999-01-01"], "in the future"),
    (["changes", "--since", "0001-01-01T00:00+05:00"], "outside the years"),
    (["changes", "--since", "2025-02-30"], "not a moment"),
]


@pytest.mark.parametrize(("argv", "message"), USAGE, ids=[" ".join(argv) for argv, _ in USAGE])
def test_bad_input_is_exit_2_with_what_to_fix_and_nothing_is_saved(tmp_path, monkeypatch, capsys, argv, message):
    try:
        code, _, err = in_process(monkeypatch, capsys, cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(SEEDS)), tmp_path,
                                  *argv)
    except SystemExit as usage:  # argparse refused it, after printing why
        code, err = usage.code, capsys.readouterr().err
    assert code == 2 and message in err, err
    database = tmp_path / "state" / "briefbot.db"
    assert not database.exists() or SourceStore(Storage.open(f"sqlite:///{database}")).all() == []


def test_the_briefbot_command_says_so_in_one_line_without_a_traceback(tmp_path):
    env = cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(SEEDS))
    for argv, message in (USAGE[0], USAGE[4], USAGE[7], USAGE[8]):
        result = briefbot(*argv, env=env, cwd=tmp_path)
        assert result.returncode == 2 and "Traceback" not in result.stderr and message in result.stderr
    assert "belongs" not in assert_one_line_error(briefbot("schedule", "remove", "12345", env=env, cwd=tmp_path))


@pytest.mark.parametrize(("command", "options", "message"), [
    ("source add", {"url": "http://[::1"}, "not a web address"),
    ("source add", {"url": "http://example.org:99999/feed"}, "Port out of range"),
    ("source add", {"url": "http://"}, "no host name"),
    ("source remove", {"source": HUGE}, "No such source"),
    ("schedule remove", {"schedule": HUGE}, "No such schedule"),
    ("changes", {"since": "0001-01-01T00:00+05:00"}, "as a date"),
    ("changes", {"since": "9999-12-31T23:00-05:00"}, "as a date"),
])
async def test_the_same_input_in_discord_gets_a_private_reply_and_nothing_is_saved(fake_discord, bot_settings,
                                                                                  command, options, message):
    async with running_bot(bot_settings) as bot:
        reply = await (await fake_discord.invoke(command, options)).callback()
        assert reply.ephemeral
        text = reply.content or reply.embeds[0]["description"]
        assert message in text and "went wrong" not in text, text
        assert bot.ingestor.store.all() == []
