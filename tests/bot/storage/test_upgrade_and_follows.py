"""The schema-4 upgrade (tested on a copy of a real schema-3 database) and feeds shared between servers."""

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.errors import StorageError
from bot.storage.database import SCHEMA_VERSION, SourceStore, Storage, StoredArticle
from briefings.scheduling import EVERY_DAY

# Made by the previous release (schema 3) with `briefbot source add` (two feeds), `source poll`, `schedule add` and
# `brief`, on a local feed server; the second feed and a second schedule were then given to a Discord server (4242)
# as /source add and /schedule set would have stored them.
SCHEMA_3 = Path(__file__).parent / "data" / "schema3.db"


@pytest.fixture
def old_database(tmp_path):
    copy = tmp_path / "state" / "briefbot.db"
    copy.parent.mkdir()
    shutil.copy(SCHEMA_3, copy)
    return copy


def test_the_schema_3_database_is_upgraded_in_place_and_nothing_is_lost(old_database):
    before = sqlite3.connect(old_database)
    old_sources = before.execute("SELECT id, url, guild_id, interval_minutes, etag, last_success, title "
                                 "FROM sources ORDER BY id").fetchall()
    old_articles = before.execute("SELECT id, source_id, document FROM articles ORDER BY id").fetchall()
    old_briefings = before.execute("SELECT * FROM briefings").fetchall()
    before.close()
    assert len(old_sources) == 2 and len(old_articles) == 2

    storage = Storage.open(f"sqlite:///{old_database}")
    store = SourceStore(storage)
    sources = store.all()
    assert [(s.id, s.url, s.guild_id, int(s.interval.total_seconds() // 60), s.feed.etag,
             s.last_success.isoformat() if s.last_success else None, s.title) for s in sources] == old_sources
    assert [s.id for s in store.all(4242)] == [2] and [s.id for s in store.all(0)] == [1]
    assert [(f.id, f.interval) for f in store.feeds()] == [(1, timedelta(minutes=30)), (2, timedelta(minutes=15))]
    assert sorted((a.id, a.source_id, a.document) for a in store.articles()) == sorted(old_articles)
    [terminal, server] = storage.schedules()
    assert (terminal.guild_id, server.guild_id, server.days, server.include, server.exclude) == (0, 4242, EVERY_DAY,
                                                                                                  (), ())
    assert storage.last("terminal") is not None and len(old_briefings) == 1
    after = sqlite3.connect(old_database)
    assert after.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)
    assert "sources" not in {row[0] for row in after.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    after.close()
    # Reopening changes nothing; new follows get new ids after the old ones.
    again = SourceStore(Storage.open(f"sqlite:///{old_database}"))
    assert again.all() == sources
    assert again.add("https://feed.example/rss", "https://feed.example/rss", timedelta(minutes=30), 4242).id == 3


def test_a_failed_upgrade_leaves_the_old_database_as_it_was(old_database):
    damaged = sqlite3.connect(old_database)
    damaged.execute("CREATE TABLE follows (id INTEGER PRIMARY KEY, feed_id TEXT)")  # in the way of the upgrade
    damaged.commit()
    damaged.close()
    with pytest.raises(StorageError, match="left untouched"):
        Storage.open(f"sqlite:///{old_database}")
    check = sqlite3.connect(old_database)
    assert check.execute("SELECT value FROM meta").fetchone() == ("3",)
    assert check.execute("SELECT count(*) FROM sources").fetchone() == (2,)
    check.close()


@pytest.fixture
def url(database_url):  # SQLite and the PostgreSQL server (tests/conftest.py)
    return database_url


def test_one_feed_followed_by_two_servers_is_stored_once_with_an_entry_each(url):
    store = SourceStore(Storage.open(url))
    a = store.add("https://feed.example/rss", "https://feed.example/rss", timedelta(minutes=60), 1)
    b = store.add("https://FEED.example/rss?utm_source=x", "https://feed.example/rss", timedelta(minutes=10), 2)
    assert a.feed_id == b.feed_id and a.id != b.id
    [feed] = store.feeds()
    assert feed.interval == timedelta(minutes=10)  # the shortest interval asked for
    assert [s.url for s in store.all(2)] == ["https://FEED.example/rss?utm_source=x"]  # B's own entry
    with pytest.raises(StorageError, match="followed already on this server"):
        store.add("https://feed.example/rss", "https://feed.example/rss", timedelta(minutes=30), 2)
    store.add_article(StoredArticle("x", feed.id, "g", None, "Outlet", False, "Text."), None)
    assert store.remove(b.id) and store.article_count(feed.id) == 1  # A still follows it
    [feed] = store.feeds()
    assert feed.interval == timedelta(minutes=60)
    assert store.remove(a.id) and store.feeds() == [] and store.articles() == []  # nobody follows it: gone


def test_delivery_claims_go_out_once_per_channel(url):
    store = SourceStore(Storage.open(url))
    assert store.claim_delivery(7, ["a", "b"], "m1", "one") == ["a", "b"]
    assert store.claim_delivery(7, ["b", "c"], "m2", "two") == ["c"]  # b is m1's
    assert store.claim_delivery(8, ["a"], "m3", "two") == ["a"]  # another channel posts it too
    store.finish_delivery("m1", 123)
    assert {k: v[:2] for k, v in store.delivered(7).items()} == {"a": ("m1", "posted"), "b": ("m1", "posted"),
                                                                "c": ("m2", "claimed")}
    claimed_at = store.delivered(7)["c"][2]
    assert store.retake_delivery("m2", claimed_at, "three") and not store.retake_delivery("m2", claimed_at, "four")
    store.finish_delivery("m2", None, "failed")
    assert "c" not in store.delivered(7)
    assert isinstance(claimed_at, datetime) and claimed_at.tzinfo is UTC or claimed_at.utcoffset() is not None
