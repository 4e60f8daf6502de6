"""Upgrade: the previous release kept the terminal's briefing history in `<state dir>/briefings.json`.

Before: the database release ignored that file without a word, so the first `brief` after the upgrade repeated the
last one. Now it is imported into the database once (and renamed `briefings.json.imported`), saying what came in;
a damaged file stops Briefbot with a message and is left untouched.
"""

from __future__ import annotations

import json

import pytest

from bot.storage.database import Storage
from tests.conftest import SEEDS
from tests.hostile._processes import assert_one_line_error, briefbot, cli_env
from tests.hostile.conftest import running_bot


def legacy_file(state, destinations):
    state.mkdir(parents=True, exist_ok=True)
    path = state / "briefings.json"
    path.write_text(json.dumps({"version": 1, "destinations": destinations}), encoding="utf-8")
    return path


def last_briefing_of_the_previous_release(tmp_path):
    """Brief once over the seeds (as the previous release did) and return what it recorded, in its file format."""
    earlier = cli_env(tmp_path / "earlier", BRIEFBOT_CORPUS_DIR=str(SEEDS))
    assert briefbot("brief", env=earlier, cwd=tmp_path).returncode == 0
    record = Storage.open(f"sqlite:///{tmp_path / 'earlier' / 'state' / 'briefbot.db'}").last("terminal")
    return {"posted_at": record.posted_at.isoformat(), "covered_until": record.covered_until.isoformat(),
            "sentences": sorted(record.sentences)}


def test_the_first_brief_after_the_upgrade_does_not_repeat_the_last_one(tmp_path):
    path = legacy_file(tmp_path / "state", {"terminal": last_briefing_of_the_previous_release(tmp_path)})
    env = cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(SEEDS))

    first = briefbot("brief", env=env, cwd=tmp_path)

    assert first.returncode == 1 and first.stdout == "", first.stdout  # nothing new since the imported briefing
    assert "imported the previous release's briefing history" in first.stderr and "terminal" in first.stderr
    assert not path.exists() and path.with_name("briefings.json.imported").exists()
    again = briefbot("brief", env=env, cwd=tmp_path)
    assert again.returncode == 1 and "imported" not in again.stderr


@pytest.mark.parametrize("content", ["{not json", '{"version": 7, "destinations": {}}', '{"version": 1}',
                                     '{"version": 1, "destinations": {"terminal": {"posted_at": "yesterday"}}}',
                                     '{"version": 1, "destinations": {"terminal": {"posted_at": '
                                     '"2025-05-01T08:00:00+00:00", "sentences": "not a list"}}}'])
def test_a_damaged_history_file_is_a_clear_message_and_is_left_untouched(tmp_path, content):
    path = tmp_path / "state" / "briefings.json"
    path.parent.mkdir()
    path.write_text(content)
    result = briefbot("brief", env=cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(SEEDS)), cwd=tmp_path)
    message = assert_one_line_error(result)
    assert "briefings.json is the previous release's briefing history, but it cannot be read" in message
    assert path.read_text() == content and result.stdout == ""


async def test_the_bot_imports_it_at_start(fake_discord, bot_settings, tmp_path):
    record = {"posted_at": "2025-05-01T08:00:00+00:00", "covered_until": "2025-04-24T00:00:00+00:00",
              "sentences": ["A sentence the channel was told."]}
    legacy_file(tmp_path / "state", {str(fake_discord.channel.id): record})
    async with running_bot(bot_settings) as bot:
        last = bot.storage.last(str(fake_discord.channel.id))
    assert last is not None and last.sentences == frozenset(record["sentences"])
