"""Attack: one article dated 2099.

Before: the briefing was "as of 2099", the destination's record then covered news "up to 2099", and every later
`brief`, `/brief`, `/changes` and scheduled briefing said "nothing new", even with real news that day.
"""

from __future__ import annotations

import json
from datetime import timedelta

from bot.storage.database import SourceStore, Storage, StoredArticle
from briefings.history import BriefingRecord
from briefings.scheduling import DigestSchedule
from tests.bot.fakediscord import EventKind
from tests.hostile._processes import briefbot, cli_env
from tests.hostile.conftest import article, now, running_bot

FUTURE = ["2099-01-01", "2099-06-30T12:00:00+02:00", "3000-01-01"]


def test_a_future_dated_file_is_skipped_and_later_news_is_still_briefed(folder, tmp_path):
    env = cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder))
    for number, when in enumerate(FUTURE):
        (folder / f"future-{number}.txt").write_text(article(f"Flying cars arrive {number}", when))

    first = briefbot("brief", "--json", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["as_of"].startswith("2025-")  # the newest real article, not 2099
    for number, when in enumerate(FUTURE):
        assert f"skipped future-{number}.txt: has a 'published' date in the future: '{when}'" in first.stderr

    (folder / "today.txt").write_text(article("Port opens a second terminal", now() - timedelta(hours=2)))
    second = briefbot("brief", "--json", env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    briefing = json.loads(second.stdout)
    assert "today" in briefing["changes"]["new_articles"]
    assert any("second container terminal" in s["text"] for s in briefing["changes"]["sentences"])


def test_a_record_poisoned_by_an_earlier_release_is_repaired_when_read(folder, tmp_path):
    env = cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder))
    said_before = json.loads(briefbot("brief", "--json", "--no-record", env=env, cwd=tmp_path).stdout)
    told = frozenset(s["text"] for story in said_before["stories"] for s in story["sentences"])
    storage = Storage.open(f"sqlite:///{tmp_path / 'state' / 'briefbot.db'}")
    poisoned_at = now() - timedelta(days=3)
    storage.record(BriefingRecord("terminal", poisoned_at, poisoned_at.replace(year=2099), told))
    (folder / "today.txt").write_text(article("Port opens a second terminal", now() - timedelta(days=1)))

    result = briefbot("brief", "--json", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    briefing = json.loads(result.stdout)
    assert not briefing["first"] and briefing["since"] < now().isoformat()
    assert "today" in briefing["changes"]["new_articles"]
    shown = {s["text"] for story in briefing["stories"] for s in story["sentences"]}
    assert not shown & told, "what the channel was told before is repeated"
    assert storage.last("terminal").covered_until <= now()


async def test_the_bot_recovers_a_poisoned_channel_and_leaves_out_a_stored_2099_feed_article(
        fake_discord, bot_settings, folder):
    storage = Storage.open(bot_settings.database)
    channel = str(fake_discord.channel.id)
    poisoned_at = now() - timedelta(days=2)
    storage.record(BriefingRecord(channel, poisoned_at, poisoned_at.replace(year=2099), frozenset()))
    future = article("A feed item from the future", "2099-01-01", source="Future Wire")
    SourceStore(storage).add_article(StoredArticle("future-feed", 1, "g", None, "Future Wire", False, future), None)
    (folder / "today.txt").write_text(article("Port opens a second terminal", now() - timedelta(hours=6)))

    at = (now() - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    # Set up yesterday: a run due before its schedule existed is never owed.
    Storage.open(bot_settings.database, lambda: now() - timedelta(days=1)).add_schedule(
        DigestSchedule(0, int(fake_discord.guild.id), int(fake_discord.channel.id), at, "UTC"))
    async with running_bot(bot_settings) as bot:
        assert "future-feed" not in bot.live.current
        brief = await (await fake_discord.invoke("brief")).callback()
        changes = await (await fake_discord.invoke("changes")).callback()
        await bot.runner.sweep()  # the scheduled briefing, due a minute ago

    assert "second container terminal" in brief.embeds[0]["description"]
    assert "2099" not in brief.embeds[0]["title"]
    assert "second container terminal" in changes.embeds[0]["description"]
    [scheduled] = fake_discord.events(EventKind.CHANNEL_MESSAGE)
    assert "second container terminal" in scheduled.embeds[0]["description"]
    assert storage.last(channel).covered_until <= now()
