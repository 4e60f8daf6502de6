"""Attack: dates out of range in front matter: year 0, 30 February, year 9999 or year 1 with an offset.

Before: YAML's own date reading raised on them, and the error was not one a bad file is skipped for: every command
crashed, `briefbot run` could not start, and a running bot's folder watch stopped. Such a file is now skipped with
a reason that quotes the date; the rest loads.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import SEEDS, STRAITS_TIMES
from tests.hostile._processes import briefbot, cli_env
from tests.hostile.conftest import article, running_bot

BAD_DATES = ["0000-01-01", "2025-02-30", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00", "0025-03-01",
             "2025-13-45", "yes", "12:00", "Feb 21"]


@pytest.mark.parametrize("command", [["stories", "--json"], ["brief", "--json", "--no-record"],
                                     ["summary", "tariffs", "--json"]])
def test_files_with_impossible_dates_are_skipped_with_the_date_quoted(folder, tmp_path, command):
    for number, when in enumerate(BAD_DATES):
        (folder / f"bad-{number}.txt").write_text(article(f"Bad date {number}", when))
    result = briefbot(*command, env=cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder)), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    json.loads(result.stdout)
    for number, when in enumerate(BAD_DATES):
        assert f"skipped bad-{number}.txt: has a 'published' date" in result.stderr
        assert repr(when) in result.stderr


async def test_a_bad_date_arriving_while_the_bot_runs_does_not_stop_the_folder_watch(fake_discord, bot_settings,
                                                                                    folder):
    async with running_bot(bot_settings) as bot:
        before = len(bot.live.current)
        (folder / "bad.txt").write_text(article("Bad date", "0000-01-01"))
        await bot.ingestor.tick()
        assert len(bot.live.current) == before  # the bad file is skipped; nothing broke
        shutil.copy(SEEDS / f"{STRAITS_TIMES}.txt", folder)
        assert await bot.ingestor.tick()
        reply = await (await fake_discord.invoke("summary", {"topic": "Lifeng"})).callback()
    assert STRAITS_TIMES in bot.live.current
    # The Straits Times copy joined AFP's story: its sentences are credited to "both sources" under that heading.
    assert "· 2 sources ·" in reply.embeds[0]["description"]
