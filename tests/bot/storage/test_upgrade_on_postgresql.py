"""The schema-4 upgrade on PostgreSQL: the real schema-3 database's rows, loaded into the schema 3 laid out there."""

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
)

from bot.storage.database import SCHEMA_VERSION, SourceStore, Storage
from tests.bot.storage.test_upgrade_and_follows import SCHEMA_3
from tests.conftest import _postgresql_down, fresh_postgresql_database


def schema_3() -> MetaData:
    """The previous release's tables, as its bot/storage/database.py declared them."""
    old = MetaData()
    Table("meta", old, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False))
    Table("schedules", old, Column("id", Integer, primary_key=True, autoincrement=True),
          Column("guild_id", BigInteger, nullable=False, index=True), Column("channel_id", BigInteger, nullable=False),
          Column("at", String(5), nullable=False), Column("timezone", String(64), nullable=False),
          Column("days", String(20), nullable=False), Column("topic", Text), Column("role_id", BigInteger),
          Column("paused", Boolean, nullable=False), Column("failures", Integer, nullable=False),
          Column("last_error", Text), Column("created_by", BigInteger),
          Column("created_at", String(40), nullable=False))
    Table("runs", old, Column("schedule_id", Integer, primary_key=True), Column("day", String(10), primary_key=True),
          Column("status", String(10), nullable=False), Column("claimed_at", String(40), nullable=False),
          Column("claimed_by", String(64), nullable=False), Column("message_id", BigInteger), Column("reason", Text))
    Table("sources", old, Column("id", Integer, primary_key=True, autoincrement=True),
          Column("url", Text, nullable=False),
          Column("canonical_url", Text, nullable=False, unique=True), Column("guild_id", BigInteger, nullable=False),
          Column("interval_minutes", Integer, nullable=False), Column("etag", Text), Column("last_modified", Text),
          Column("added_at", String(40), nullable=False), Column("last_polled", String(40)),
          Column("last_success", String(40)), Column("last_error", Text), Column("failures", Integer, nullable=False),
          Column("paused", Boolean, nullable=False), Column("next_poll", String(40), nullable=False),
          Column("title", Text))
    Table("articles", old, Column("id", String(64), primary_key=True), Column("source_id", Integer, index=True),
          Column("guid", Text), Column("canonical_url", Text), Column("outlet", Text),
          Column("fetched_at", String(40), nullable=False), Column("published", String(40)),
          Column("backfill", Boolean, nullable=False), Column("document", Text, nullable=False))
    Table("pending_briefings", old, Column("schedule_id", Integer, primary_key=True),
          Column("day", String(10), primary_key=True), Column("destination", String(64), nullable=False),
          Column("covered_until", String(40)), Column("sentences", Text, nullable=False))
    Table("briefings", old, Column("destination", String(64), primary_key=True),
          Column("posted_at", String(40), nullable=False), Column("covered_until", String(40)),
          Column("sentences", Text, nullable=False))
    return old


@pytest.fixture
def database_url():
    """A fresh database on the PostgreSQL server (SQLite's upgrade is tested on the file: test_upgrade_and_follows)."""
    reason = _postgresql_down()
    if reason is not None:
        pytest.skip(reason)
    with fresh_postgresql_database() as url:
        yield url


def test_the_schema_3_rows_are_upgraded_on_postgresql_and_new_ids_follow_the_old(database_url):
    old = schema_3()
    engine = create_engine(database_url)
    source = sqlite3.connect(SCHEMA_3)
    source.row_factory = sqlite3.Row
    with engine.begin() as connection:
        old.create_all(connection)
        for table in old.sorted_tables:
            rows = [dict(row) for row in source.execute(f"SELECT * FROM {table.name}")]  # noqa: S608 - our tables
            for row in rows:
                row.update({k: bool(v) for k, v in row.items() if k in {"paused", "backfill"}})
            if rows:
                connection.execute(insert(table), rows)
    engine.dispose()
    source.close()
    storage = Storage.open(database_url)
    store = SourceStore(storage)
    assert [(s.id, s.guild_id, s.feed_id) for s in store.all()] == [(1, 0, 1), (2, 4242, 2)]
    assert len(store.articles()) == 2 and len(storage.schedules()) == 2 and storage.last("terminal") is not None
    with storage.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT value FROM meta").scalar() == str(SCHEMA_VERSION)
    added = store.add("https://feed.example/rss", "https://feed.example/rss", timedelta(minutes=30), 4242)
    assert (added.id, added.feed_id) == (3, 3)  # the sequences moved past the ids kept from schema 3
