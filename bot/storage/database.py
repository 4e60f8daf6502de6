"""Durable state in a real database (SQLite by default, PostgreSQL by URL) through SQLAlchemy Core.

It holds the schedules, each scheduled run (claimed, posted, skipped or failed: the record that makes a
briefing go out exactly once, even across restarts and overlapping start-ups) and what each destination was
last briefed on. The schema is versioned and upgrades itself; a database newer than this code, or a file that
is not a database, stops start-up with a clear error and is never overwritten.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import monotonic, sleep
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, IntegrityError, NoSuchModuleError, OperationalError

from bot.errors import StorageError
from briefings.corpus import Article, ArticleError
from briefings.history import BriefingRecord
from briefings.scheduling import DigestSchedule

log = logging.getLogger(__name__)

__all__ = ["Feed", "HeldArticle", "Source", "SourceStore", "Storage", "StorageError", "StoredArticle", "masked_url",
           "scrubbed"]

SCHEMA_VERSION = 4  # 1: schedules, runs, briefings; 2: sources and ingested articles; 3: pending briefings;
# 4: feeds fetched once and followed per server, channel deliveries, keyword filters
SQLITE_BUSY_SECONDS = 5  # how long a SQLite connection waits for another's lock before saying it is locked
CLAIM_LEASE = timedelta(minutes=5)  # a claim older than this belongs to a process that died mid-post
PAUSE_AFTER_FAILURES = 3
# Keys of the transactions several processes must take one at a time (see Storage._serialised).
SCHEMA_LOCK = "briefbot schema"
RECORDS_LOCK = "briefbot briefing records"  # read-then-write merges into a destination's record

metadata = MetaData()
meta = Table("meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False))
schedules = Table(
    "schedules", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guild_id", BigInteger, nullable=False, index=True),
    Column("channel_id", BigInteger, nullable=False),
    Column("at", String(5), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("days", String(20), nullable=False),
    Column("topic", Text),
    Column("role_id", BigInteger),
    Column("paused", Boolean, nullable=False, default=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("created_by", BigInteger),
    Column("created_at", String(40), nullable=False),
    Column("include_words", Text),  # comma-separated keywords (version 4); null: no filter
    Column("exclude_words", Text),
)
runs = Table(
    "runs", metadata,
    Column("schedule_id", Integer, primary_key=True),
    Column("day", String(10), primary_key=True),  # the local date the run belongs to
    Column("status", String(10), nullable=False),  # claimed, posted, skipped, failed
    Column("claimed_at", String(40), nullable=False),
    Column("claimed_by", String(64), nullable=False),
    Column("message_id", BigInteger),
    Column("reason", Text),
)
# A feed is fetched and stored once, however many servers follow it: its fetch state (conditional GET, back-off)
# lives here, and each server's entry for it in `follows`.
feeds = Table(
    "feeds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),  # as the first follower wrote it
    Column("canonical_url", Text, nullable=False, unique=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("added_at", String(40), nullable=False),
    Column("last_polled", String(40)),
    Column("last_success", String(40)),
    Column("last_error", Text),
    Column("failures", Integer, nullable=False, default=0),
    Column("paused", Boolean, nullable=False, default=False),
    Column("next_poll", String(40), nullable=False),
    Column("title", Text),
)
# A server's entry for a feed (the "source" users see): its own interval, channel and keyword filters. The feed is
# polled at the shortest interval its followers ask for.
follows = Table(
    "follows", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed_id", Integer, nullable=False, index=True),
    Column("guild_id", BigInteger, nullable=False, default=0),
    Column("url", Text, nullable=False),
    Column("interval_minutes", Integer, nullable=False),
    Column("added_at", String(40), nullable=False),
    Column("channel_id", BigInteger),  # post new items there as they arrive
    Column("include_words", Text),  # comma-separated keywords; null or empty: no filter
    Column("exclude_words", Text),
    # Articles of the feed fetched up to this moment were there before this server followed it: background, never
    # news in its briefings nor posted to its channel. Null until the follow's first poll succeeded.
    Column("backfill_until", String(40), nullable=False),
    UniqueConstraint("guild_id", "feed_id", name="follows_guild_feed"),
)
articles = Table(
    "articles", metadata,
    Column("id", String(64), primary_key=True),
    Column("source_id", Integer, index=True),  # the feed (feeds.id) that brought it
    Column("guid", Text),
    Column("canonical_url", Text),
    Column("outlet", Text),
    Column("fetched_at", String(40), nullable=False),
    Column("published", String(40)),
    Column("backfill", Boolean, nullable=False, default=False),  # came with the source's first poll
    Column("document", Text, nullable=False),  # front matter and body, as an article file holds them
)
# Items posted to a follow's channel as they arrive: claimed before posting, like a scheduled run, so each goes out
# once; a claim left by a process that died mid-post is resumed by looking for the post's marker in the channel.
deliveries = Table(
    "deliveries", metadata,
    Column("channel_id", BigInteger, primary_key=True),
    Column("article_id", String(64), primary_key=True),
    Column("marker", String(120), nullable=False, index=True),  # one post (a story's copies) shares one marker
    Column("status", String(10), nullable=False),  # claimed, posted, merged (a copy of a story posted before)
    Column("claimed_at", String(40), nullable=False),
    Column("claimed_by", String(64), nullable=False),
    Column("message_id", BigInteger),
)
# What a scheduled run's post says, written before it is posted: if the process dies after the post reached
# Discord but before the run was marked posted, the run that resumes it finds the post and records this, so the
# next briefing does not repeat it.
pending_briefings = Table(
    "pending_briefings", metadata,
    Column("schedule_id", Integer, primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("destination", String(64), nullable=False),
    Column("covered_until", String(40)),
    Column("sentences", Text, nullable=False),
)
briefings = Table(
    "briefings", metadata,
    Column("destination", String(64), primary_key=True),
    Column("posted_at", String(40), nullable=False),
    Column("covered_until", String(40)),
    Column("sentences", Text, nullable=False),
)


class Storage:
    """Briefbot's database."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine = engine
        self.clock = clock

    @classmethod
    def open(cls, url: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Storage:
        """Open (creating or upgrading) the database at a SQLAlchemy URL; raise StorageError if it cannot be used."""
        path = _sqlite_path(url)
        if path is not None:
            marker = path.with_name(path.name + ".created")
            try:
                if not path.exists() and marker.exists():
                    raise StorageError(f"the database {path} is gone, but one was created there on "
                                       f"{marker.read_text().strip()}: restore it from a backup, or delete {marker} "
                                       "to start with an empty one (schedules and briefing history would be lost)")
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StorageError(f"the state folder {path.parent} cannot be used ({_reason(error)}): set "
                                   "BRIEFBOT_STATE_DIR to a folder Briefbot can create and write") from None
        try:
            engine = create_engine(url, future=True)
        except (ArgumentError, NoSuchModuleError, ValueError):
            raise StorageError("BRIEFBOT_DATABASE_URL is not a database URL Briefbot can use: write it as "
                               "sqlite:///path/to/briefbot.db or postgresql+psycopg://user@host/briefbot") from None
        except ImportError as error:
            hint = ': .venv/bin/pip install "psycopg[binary]"' if url.startswith("postgres") else ""
            raise StorageError(f"the database driver for {masked_url(url)} is not installed ({error.name}){hint}"
                               ) from None
        if path is not None:
            event.listen(engine, "connect", _sqlite_pragmas)
        storage = cls(engine, clock)
        storage._upgrade()
        if path is not None:
            marker = path.with_name(path.name + ".created")
            try:
                if not marker.exists():
                    marker.write_text(clock().isoformat())
            except OSError as error:
                raise StorageError(f"the state folder {path.parent} cannot be written ({_reason(error)})") from None
        return storage

    @contextmanager
    def _serialised(self, key: str) -> Iterator[Connection]:
        """Open a transaction that waits for every other process's transaction holding the same key.

        For read-then-write steps several processes may take at once (a schema upgrade at start-up, merging into a
        destination's briefing record): on PostgreSQL a transaction-scoped advisory lock on the key; on SQLite the
        write lock, taken up front (BEGIN IMMEDIATE waits for the busy timeout, where a deferred transaction
        that reads first and then writes fails with "database is locked").
        """
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sql_text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})
            elif connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            yield connection

    def _upgrade(self) -> None:
        try:
            with self.engine.connect() as connection:
                if self._version(connection) == SCHEMA_VERSION:
                    return  # the usual start-up: nothing to upgrade, so nothing to wait for
            with self._serialised(SCHEMA_LOCK) as connection:
                version = self._version(connection)  # read again: another process may have upgraded it meanwhile
                if version > SCHEMA_VERSION:
                    raise StorageError(f"the database has schema version {version}, newer than this Briefbot "
                                       f"({SCHEMA_VERSION}): upgrade Briefbot")
                if version < SCHEMA_VERSION:
                    if version == 0:
                        metadata.create_all(connection)
                        connection.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                    else:
                        # One transaction (SQLite and PostgreSQL both roll DDL back): a failed upgrade leaves the
                        # database as it was.
                        connection.execute(update(meta).where(meta.c.key == "schema_version")
                                           .values(value=str(SCHEMA_VERSION)))
                        metadata.create_all(connection)  # creates only the tables a version lacks
                        if version < 4:
                            _upgrade_to_4(connection)
                    log.info("database schema upgraded from version %d to %d", version, SCHEMA_VERSION)
        except (DatabaseError, OperationalError) as error:
            raise StorageError(f"the database at {masked_url(self.engine.url)} cannot be used "
                               f"({error.orig.__class__.__name__}: {scrubbed(str(error.orig), self.engine.url)}); "
                               "it was left untouched") from error

    @staticmethod
    def _version(connection: Connection) -> int:
        if not connection.dialect.has_table(connection, "meta"):
            return 0
        value = connection.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        return int(value) if value is not None else 0

    # Schedules

    def add_schedule(self, schedule: DigestSchedule) -> DigestSchedule:
        """Store a new schedule and return it with its id."""
        created = self.clock()
        with self.engine.begin() as connection:
            result = connection.execute(insert(schedules).values(**_schedule_row(schedule),
                                                                 created_at=created.isoformat()))
            new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        return _replace(_replace_id(schedule, int(new_id or 0)), created_at=created)

    def schedules(self, guild_id: int | None = None) -> list[DigestSchedule]:
        """Return the schedules (of one server, or all)."""
        query = select(schedules).order_by(schedules.c.id)
        if guild_id is not None:
            query = query.where(schedules.c.guild_id == guild_id)
        with self.engine.connect() as connection:
            return [_schedule(row._mapping) for row in connection.execute(query)]

    def schedule(self, schedule_id: int) -> DigestSchedule | None:
        """Return one schedule."""
        with self.engine.connect() as connection:
            row = connection.execute(select(schedules).where(schedules.c.id == schedule_id)).first()
        return _schedule(row._mapping) if row else None

    def remove_schedule(self, schedule_id: int, guild_id: int) -> bool:
        """Delete a schedule of a server, with its run history; return whether it existed.

        Another server's schedule (or the terminal's) is left exactly as it was, run history included: that
        history is the record that stops a briefing from going out twice.
        """
        with self.engine.begin() as connection:
            result = connection.execute(schedules.delete().where((schedules.c.id == schedule_id)
                                                                 & (schedules.c.guild_id == guild_id)))
            if not result.rowcount:
                return False
            connection.execute(runs.delete().where(runs.c.schedule_id == schedule_id))
            connection.execute(pending_briefings.delete().where(pending_briefings.c.schedule_id == schedule_id))
        return True

    def record_failure(self, schedule_id: int, reason: str) -> DigestSchedule | None:
        """Count a failed post; pause the schedule after repeated failures."""
        with self.engine.begin() as connection:
            connection.execute(update(schedules).where(schedules.c.id == schedule_id).values(
                failures=schedules.c.failures + 1, last_error=reason))
            connection.execute(update(schedules).where((schedules.c.id == schedule_id)
                                                       & (schedules.c.failures >= PAUSE_AFTER_FAILURES))
                               .values(paused=True))
        return self.schedule(schedule_id)

    def record_success(self, schedule_id: int) -> None:
        """Reset a schedule's failure count after a good post."""
        with self.engine.begin() as connection:
            connection.execute(update(schedules).where(schedules.c.id == schedule_id).values(failures=0,
                                                                                            last_error=None))

    # Runs: the exactly-once record

    def claim_run(self, schedule_id: int, day: date, instance: str) -> str | None:
        """Claim a run for posting: "new", "resumed", or None if it is taken or done.

        A claim older than the lease belongs to a process that died while posting; it is taken over
        (compare-and-set on its claim time, so only one taker wins) and reported as "resumed": the post may
        already exist.
        """
        now = self.clock()
        with self.engine.begin() as connection:
            try:
                connection.execute(insert(runs).values(schedule_id=schedule_id, day=day.isoformat(), status="claimed",
                                                       claimed_at=now.isoformat(), claimed_by=instance))
                return "new"
            except IntegrityError:
                pass
        with self.engine.begin() as connection:
            row = connection.execute(select(runs).where((runs.c.schedule_id == schedule_id)
                                                        & (runs.c.day == day.isoformat()))).first()
            if row is None or row.status != "claimed":
                return None
            if now - datetime.fromisoformat(row.claimed_at) < CLAIM_LEASE:
                return None
            taken = connection.execute(update(runs).where((runs.c.schedule_id == schedule_id)
                                                          & (runs.c.day == day.isoformat())
                                                          & (runs.c.claimed_at == row.claimed_at)
                                                          & (runs.c.status == "claimed"))
                                       .values(claimed_at=now.isoformat(), claimed_by=instance))
            return "resumed" if taken.rowcount else None

    def finish_run(self, schedule_id: int, day: date, status: str, message_id: int | None = None,
                   reason: str | None = None) -> None:
        """Mark a run posted, failed or skipped; a posted run's held briefing is recorded in the same transaction."""
        now = self.clock()
        with self._serialised(RECORDS_LOCK) as connection:
            updated = connection.execute(update(runs).where((runs.c.schedule_id == schedule_id)
                                                            & (runs.c.day == day.isoformat()))
                                         .values(status=status, message_id=message_id, reason=reason))
            if not updated.rowcount:
                connection.execute(insert(runs).values(schedule_id=schedule_id, day=day.isoformat(), status=status,
                                                       claimed_at=now.isoformat(), claimed_by="-",
                                                       message_id=message_id, reason=reason))
            held = (pending_briefings.c.schedule_id == schedule_id) & (pending_briefings.c.day == day.isoformat())
            row = connection.execute(select(pending_briefings).where(held)).first()
            if row is not None:
                if status == "posted":
                    self._merge_record(connection, BriefingRecord(
                        row.destination, now, datetime.fromisoformat(row.covered_until) if row.covered_until else None,
                        frozenset(json.loads(row.sentences))))
                connection.execute(pending_briefings.delete().where(held))

    def is_held(self, schedule_id: int, day: date) -> bool:
        """Tell whether a run's briefing was held for posting and not yet marked posted (a crash mid-post)."""
        held = (pending_briefings.c.schedule_id == schedule_id) & (pending_briefings.c.day == day.isoformat())
        with self.engine.connect() as connection:
            return connection.execute(select(pending_briefings.c.day).where(held)).first() is not None

    def hold_briefing(self, schedule_id: int, day: date, record: BriefingRecord) -> None:
        """Keep what a run's post will say, before it is posted (recorded by `finish_run` once it is posted)."""
        values = {"destination": record.destination,
                  "covered_until": record.covered_until.isoformat() if record.covered_until else None,
                  "sentences": json.dumps(sorted(record.sentences), ensure_ascii=False)}
        held = (pending_briefings.c.schedule_id == schedule_id) & (pending_briefings.c.day == day.isoformat())
        with self.engine.begin() as connection:
            if not connection.execute(update(pending_briefings).where(held).values(**values)).rowcount:
                connection.execute(insert(pending_briefings).values(schedule_id=schedule_id, day=day.isoformat(),
                                                                    **values))

    def runs(self, schedule_id: int) -> list[tuple[date, str, str | None]]:
        """Return a schedule's runs (day, status, reason), newest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(runs).where(runs.c.schedule_id == schedule_id)
                                      .order_by(runs.c.day.desc()))
            return [(date.fromisoformat(row.day), row.status, row.reason) for row in rows]

    def done_days(self, schedule_id: int) -> set[date]:
        """Return the local days whose run is posted, skipped, failed, or being posted under a live claim.

        A claim past its lease is not done: its process died mid-post, and the run can be resumed.
        """
        now = self.clock()
        with self.engine.connect() as connection:
            rows = connection.execute(select(runs).where(runs.c.schedule_id == schedule_id))
            return {date.fromisoformat(row.day) for row in rows
                    if row.status != "claimed" or now - datetime.fromisoformat(row.claimed_at) < CLAIM_LEASE}

    # Briefing history (BriefingLog)

    def last(self, destination: str) -> BriefingRecord | None:
        """Return the latest briefing record for a destination."""
        with self.engine.connect() as connection:
            return self._read_record(connection, destination)

    def _read_record(self, connection: Connection, destination: str) -> BriefingRecord | None:
        row = connection.execute(select(briefings).where(briefings.c.destination == destination)).first()
        if row is None:
            return None
        record = BriefingRecord(destination, datetime.fromisoformat(row.posted_at),
                                datetime.fromisoformat(row.covered_until) if row.covered_until else None,
                                frozenset(json.loads(row.sentences)))
        return record.repaired(self.clock())  # a coverage "up to 2099" left by a future-dated article

    def record(self, record: BriefingRecord) -> None:
        """Keep a briefing record, replacing the destination's previous one."""
        with self._serialised(RECORDS_LOCK) as connection:
            self._write_record(connection, record)

    def merge_records(self, records: Iterable[BriefingRecord]) -> None:
        """Add briefings to their destinations' records, in one transaction.

        Sentences said before stay; coverage only moves forward.
        """
        with self._serialised(RECORDS_LOCK) as connection:
            for record in records:
                self._merge_record(connection, record)

    def _merge_record(self, connection: Connection, record: BriefingRecord) -> None:
        current = self._read_record(connection, record.destination)
        if current is not None:
            covered = [moment for moment in (current.covered_until, record.covered_until) if moment is not None]
            record = BriefingRecord(record.destination, max(record.posted_at, current.posted_at),
                                    max(covered) if covered else None, record.sentences | current.sentences)
        self._write_record(connection, record)

    @staticmethod
    def _write_record(connection: Connection, record: BriefingRecord) -> None:
        values = {"posted_at": record.posted_at.isoformat(),
                  "covered_until": record.covered_until.isoformat() if record.covered_until else None,
                  "sentences": json.dumps(sorted(record.sentences), ensure_ascii=False)}
        updated = connection.execute(update(briefings).where(briefings.c.destination == record.destination)
                                     .values(**values))
        if not updated.rowcount:
            connection.execute(insert(briefings).values(destination=record.destination, **values))


def _upgrade_to_4(connection: Connection) -> None:
    """Split version 3's sources (one row per feed, one server each) into feeds and each server's follows.

    Ids are kept (a feed and its one follow take the old source's id, so stored articles keep their feed), the
    fetch state moves to the feed, and schedules gain their keyword filters.
    """
    for column in ("include_words", "exclude_words"):
        connection.execute(sql_text(f"ALTER TABLE schedules ADD COLUMN {column} TEXT"))
    if not connection.dialect.has_table(connection, "sources"):
        return
    old = connection.execute(sql_text("SELECT * FROM sources ORDER BY id")).mappings().all()
    for row in old:
        connection.execute(insert(feeds).values(
            id=row["id"], url=row["url"], canonical_url=row["canonical_url"], etag=row["etag"],
            last_modified=row["last_modified"], added_at=row["added_at"], last_polled=row["last_polled"],
            last_success=row["last_success"], last_error=row["last_error"], failures=row["failures"],
            paused=bool(row["paused"]), next_poll=row["next_poll"], title=row["title"]))
        connection.execute(insert(follows).values(
            id=row["id"], feed_id=row["id"], guild_id=row["guild_id"], url=row["url"],
            interval_minutes=row["interval_minutes"], added_at=row["added_at"], backfill_until=row["added_at"]))
    connection.execute(sql_text("DROP TABLE sources"))
    if connection.dialect.name == "postgresql" and old:  # explicit ids do not move PostgreSQL's sequences
        for table in ("feeds", "follows"):
            connection.execute(sql_text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                                    f"(SELECT max(id) FROM {table}))"))
    log.info("moved %d sources to feeds followed per server", len(old))


# Query parameters that carry secrets: libpq reads password and sslpassword from the URL as readily as from
# user:password@; other drivers take tokens and keys.
_SECRET_PARAMETER_WORDS = ("pass", "secret", "token", "key", "credential")


def masked_url(url: str | URL) -> str:
    """Write a database URL for people: the password and every secret query parameter shown as ***."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError):
        return "(a database URL that cannot be parsed)"
    query = {key: "***" if _is_secret(key) else value for key, value in parsed.query.items()}
    return str(parsed.set(query=query).render_as_string(hide_password=True)).replace("%2A%2A%2A", "***")


def scrubbed(text: str, url: str | URL) -> str:
    """Remove a database URL's secrets from a message (a driver's error may quote a parameter's value)."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError):
        return text
    secrets = [parsed.password] if parsed.password else []
    for key, value in parsed.query.items():
        if _is_secret(key):
            secrets += [value] if isinstance(value, str) else list(value)
    for secret in sorted((str(s) for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _is_secret(parameter: str) -> bool:
    return any(word in parameter.lower() for word in _SECRET_PARAMETER_WORDS)


def _reason(error: OSError) -> str:
    if isinstance(error, FileExistsError | NotADirectoryError):
        return "a file is in the way of the folder"
    return error.strerror or str(error)


def _sqlite_path(url: str) -> Path | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite:///:memory:":
        return None
    return Path(url[len(prefix):])


def _sqlite_pragmas(connection: object, _: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")  # start-ups wait for each other, not fail
    _enter_wal(cursor)  # readers do not block the writer; a crash loses no commit
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _enter_wal(cursor: sqlite3.Cursor) -> None:
    """Put the database in WAL mode, waiting as long as the busy timeout would for other connections to let go.

    Switching a new database file into WAL needs it alone for a moment, and SQLite answers "database is locked"
    at once instead of waiting (busy_timeout does not cover it): several processes starting together on an empty
    database failed this way (8 of 150 rounds of four).
    """
    deadline = monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or monotonic() >= deadline:
                raise
            sleep(0.01)


def _schedule_row(schedule: DigestSchedule) -> dict[str, object]:
    return {
        "guild_id": schedule.guild_id, "channel_id": schedule.channel_id, "at": f"{schedule.at:%H:%M}",
        "timezone": schedule.timezone, "days": ",".join(str(d) for d in sorted(schedule.days)),
        "topic": schedule.topic, "role_id": schedule.role_id, "paused": schedule.paused,
        "failures": schedule.failures, "last_error": schedule.last_error, "created_by": schedule.created_by,
        "include_words": keywords_text(schedule.include), "exclude_words": keywords_text(schedule.exclude),
    }


def _schedule(row: object) -> DigestSchedule:
    values = dict(row)  # type: ignore[call-overload]
    hour, minute = (int(part) for part in str(values["at"]).split(":"))
    return DigestSchedule(
        id=int(values["id"]), guild_id=int(values["guild_id"]), channel_id=int(values["channel_id"]),
        at=time(hour, minute), timezone=str(values["timezone"]),
        days=frozenset(int(d) for d in str(values["days"]).split(",") if d),
        topic=values["topic"], role_id=values["role_id"], paused=bool(values["paused"]),
        created_by=values["created_by"], failures=int(values["failures"]), last_error=values["last_error"],
        created_at=datetime.fromisoformat(str(values["created_at"])) if values.get("created_at") else None,
        include=keywords_of(values.get("include_words")), exclude=keywords_of(values.get("exclude_words")),
    )


def _replace(schedule: DigestSchedule, **changes: object) -> DigestSchedule:
    from dataclasses import replace  # noqa: PLC0415

    return replace(schedule, **changes)  # type: ignore[arg-type]


def _replace_id(schedule: DigestSchedule, new_id: int) -> DigestSchedule:
    from dataclasses import replace  # noqa: PLC0415

    return replace(schedule, id=new_id)


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed as it is fetched: once, however many servers follow it, at the shortest interval they ask for."""

    id: int
    url: str
    interval: timedelta
    etag: str | None
    last_modified: str | None
    last_success: datetime | None
    last_error: str | None
    failures: int
    paused: bool
    next_poll: datetime
    title: str | None

    @property
    def first_poll_done(self) -> bool:
        """Tell whether the feed was ever fetched: its first poll's items are its back-catalogue."""
        return self.last_success is not None


@dataclass(frozen=True, slots=True)
class Source:
    """A server's entry for a feed it follows (what /source list shows), with how the feed's polling is going."""

    id: int
    url: str  # as this server wrote it
    interval: timedelta  # what this server asked for
    guild_id: int
    feed: Feed  # how its polling goes (shared by every server that follows it)
    channel_id: int | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    backfill_until: datetime | None = None
    added_at: datetime | None = None

    @property
    def feed_id(self) -> int:
        """Return the feed's id (its articles' `source_id`)."""
        return self.feed.id

    @property
    def title(self) -> str | None:
        """Return the feed's title, once a poll read it."""
        return self.feed.title

    @property
    def last_success(self) -> datetime | None:
        """Return when the feed was last fetched."""
        return self.feed.last_success

    @property
    def last_error(self) -> str | None:
        """Return why the feed's last poll failed, if it did."""
        return self.feed.last_error

    @property
    def paused(self) -> bool:
        """Tell whether the feed is paused after repeated failures."""
        return self.feed.paused

    @property
    def first_poll_done(self) -> bool:
        """Tell whether the feed was ever fetched."""
        return self.feed.first_poll_done

    @property
    def failures(self) -> int:
        """Count the feed's failed polls in a row."""
        return self.feed.failures

    @property
    def next_poll(self) -> datetime:
        """Return when the feed is polled next."""
        return self.feed.next_poll


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An ingested article as kept in the database."""

    id: str
    source_id: int  # the feed that brought it
    guid: str | None
    canonical_url: str | None
    outlet: str | None
    backfill: bool
    document: str
    fetched_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class HeldArticle:
    """A stored feed article, parsed, with where it came from (which feed, when, and whether as back-catalogue)."""

    article: Article
    feed_id: int
    backfill: bool
    fetched_at: datetime
    guid: str | None
    canonical_url: str | None


def keywords_text(words: tuple[str, ...]) -> str | None:
    """Store keywords as one comma-separated text (None for none)."""
    return ", ".join(words) if words else None


def keywords_of(value: object) -> tuple[str, ...]:
    """Read stored comma-separated keywords."""
    return tuple(word.strip() for word in str(value or "").split(",") if word.strip())


class PollLocks:
    """The feeds this process holds the right to poll (see `SourceStore.poll_locks`)."""

    def __init__(self, connection: Connection | None) -> None:
        self._connection = connection

    def take(self, source: Feed | Source) -> bool:
        """Take the right to poll a feed now; False if another process is polling it."""
        if self._connection is None:
            return True
        taken = self._connection.execute(sql_text("SELECT pg_try_advisory_lock(hashtextextended(:key, 0))"),
                                         {"key": f"briefbot poll {source.url}"}).scalar()
        self._connection.commit()
        return bool(taken)


class SourceStore:
    """Feeds, each server's entries for them, and the articles they brought, in the same database."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.engine = storage.engine
        self._parsed: dict[str, Article] = {}  # documents already parsed: a rebuild re-reads only new ones

    def add(self, url: str, canonical: str, interval: timedelta, guild_id: int = 0, *, channel_id: int | None = None,
            include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> Source:
        """Follow a feed for a server (the feed is stored once); raise StorageError if this server follows it already.

        Whether another server follows the same feed is never told: the answer is the same either way.
        """
        now = self.storage.clock().isoformat()
        try:
            with self.engine.begin() as connection:
                feed_id = connection.execute(select(feeds.c.id).where(feeds.c.canonical_url == canonical)).scalar()
                if feed_id is None:
                    result = connection.execute(insert(feeds).values(url=url, canonical_url=canonical, added_at=now,
                                                                     next_poll=now))
                    feed_id = int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0
                else:  # followed elsewhere: poll it soon at this server's interval if that is shorter
                    connection.execute(update(feeds).where(feeds.c.id == feed_id).values(paused=False))
                result = connection.execute(insert(follows).values(
                    feed_id=feed_id, guild_id=guild_id, url=url, interval_minutes=int(interval.total_seconds() // 60),
                    added_at=now, channel_id=channel_id, include_words=keywords_text(include),
                    exclude_words=keywords_text(exclude), backfill_until=now))
                new_id = int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0
        except IntegrityError as error:
            raise StorageError(f"{url} is followed already{' on this server' if guild_id else ''}") from error
        source = self.get(new_id)
        assert source is not None  # noqa: S101 - just inserted
        return source

    def get(self, source_id: int) -> Source | None:
        """Return one server's entry for a feed."""
        with self.engine.connect() as connection:
            row = connection.execute(_follow_query().where(follows.c.id == source_id)).first()
            return _source(row._mapping) if row else None

    def all(self, guild_id: int | None = None) -> list[Source]:
        """Return the sources (of one server, or every server's)."""
        query = _follow_query().order_by(follows.c.id)
        if guild_id is not None:
            query = query.where(follows.c.guild_id == guild_id)
        with self.engine.connect() as connection:
            return [_source(row._mapping) for row in connection.execute(query)]

    @contextmanager
    def poll_locks(self) -> Iterator[PollLocks]:
        """Hold, for as long as the block runs, the right to poll the feeds taken with `PollLocks.take`.

        Several `briefbot run` processes over one PostgreSQL database share the feeds: a poll takes a
        session-level advisory lock on each feed's address (pg_try_advisory_lock, which never waits), all on one
        connection. The locks end when the block does, or the moment the server sees that connection close: a
        process killed mid-poll leaves no lock behind, and the next process due to poll the feed takes it. SQLite
        serves one process, which takes every feed.
        """
        if self.engine.dialect.name != "postgresql":
            yield PollLocks(None)
            return
        with self.engine.connect() as connection:
            try:
                yield PollLocks(connection)
            finally:
                connection.execute(sql_text("SELECT pg_advisory_unlock_all()"))
                connection.commit()

    def remove(self, source_id: int) -> bool:
        """Stop following a feed on one server; a feed nobody follows any more is deleted with its articles."""
        with self.engine.begin() as connection:
            feed_id = connection.execute(select(follows.c.feed_id).where(follows.c.id == source_id)).scalar()
            if feed_id is None:
                return False
            connection.execute(follows.delete().where(follows.c.id == source_id))
            if connection.execute(select(follows.c.id).where(follows.c.feed_id == feed_id)).first() is None:
                connection.execute(articles.delete().where(articles.c.source_id == feed_id))
                connection.execute(feeds.delete().where(feeds.c.id == feed_id))
        return True

    def knows(self, canonical: str) -> bool:
        """Tell whether a feed is stored already (some server follows it)."""
        with self.engine.connect() as connection:
            return connection.execute(select(feeds.c.id).where(feeds.c.canonical_url == canonical)).first() is not None

    def settle_backfill(self, source_id: int) -> None:
        """Mark what a new follow's first poll found as its back-catalogue (background, never posted)."""
        with self.engine.begin() as connection:
            connection.execute(update(follows).where(follows.c.id == source_id)
                               .values(backfill_until=self.storage.clock().isoformat()))

    def feeds(self, feed_id: int | None = None) -> list[Feed]:
        """Return every feed someone follows (or one), each with the shortest interval asked for."""
        shortest = select(follows.c.feed_id, func.min(follows.c.interval_minutes).label("interval_minutes"))
        if feed_id is not None:
            shortest = shortest.where(follows.c.feed_id == feed_id)
        table = shortest.group_by(follows.c.feed_id).subquery()
        query = (select(feeds, table.c.interval_minutes).join(table, table.c.feed_id == feeds.c.id)
                 .order_by(feeds.c.id))
        with self.engine.connect() as connection:
            return [_feed(row._mapping) for row in connection.execute(query)]

    def feed(self, feed_id: int) -> Feed | None:
        """Return one feed (read again under its poll lock: one query, not the whole list)."""
        found = self.feeds(feed_id)
        return found[0] if found else None

    def polled(self, feed_id: int, *, ok: bool, next_poll: datetime, error: str | None = None,
               etag: str | None = None, last_modified: str | None = None, title: str | None = None,
               pause_after: int = 8, note: str | None = None) -> None:
        """Record a poll: success resets the failures; failure counts one and pauses after `pause_after`.

        A success may carry a `note` (entries skipped, XML slips recovered from), kept as the last error.
        """
        now = self.storage.clock().isoformat()
        values: dict[str, object] = {"last_polled": now, "next_poll": next_poll.isoformat()}
        with self.engine.begin() as connection:
            if ok:
                values.update(last_success=now, last_error=note, failures=0)
                if etag is not None or last_modified is not None:
                    values.update(etag=etag, last_modified=last_modified)
                if title:
                    values.update(title=title)
                connection.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))
            else:
                connection.execute(update(feeds).where(feeds.c.id == feed_id).values(
                    failures=feeds.c.failures + 1, last_error=error, **values))
                connection.execute(update(feeds).where((feeds.c.id == feed_id)
                                                       & (feeds.c.failures >= pause_after)).values(paused=True))

    def add_article(self, article: StoredArticle, published: datetime | None) -> bool:
        """Keep an ingested article; False if it is held already."""
        return self.add_articles([(article, published)])[0]

    def add_articles(self, items: Sequence[tuple[StoredArticle, datetime | None]]) -> list[bool]:
        """Keep ingested articles in one transaction (one commit, not one a row); False for each held already.

        All rows go in one statement; if one is held already (another process stored it meanwhile), each row is
        tried again on its own, under a savepoint, so that it fails alone.
        """
        if not items:
            return []
        fetched = self.storage.clock().isoformat()
        rows = [{"id": article.id, "source_id": article.source_id, "guid": article.guid,
                 "canonical_url": article.canonical_url, "outlet": article.outlet, "backfill": article.backfill,
                 "document": article.document, "fetched_at": fetched,
                 "published": published.isoformat() if published else None} for article, published in items]
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(articles), rows)
            return [True] * len(rows)
        except IntegrityError:
            pass
        kept: list[bool] = []
        with self.engine.begin() as connection:
            for row in rows:
                try:
                    with connection.begin_nested():
                        connection.execute(insert(articles).values(**row))
                    kept.append(True)
                except IntegrityError:
                    kept.append(False)
        return kept

    def articles(self, since: datetime | None = None) -> list[StoredArticle]:
        """Return the ingested articles fetched since a moment (the retention window), oldest first."""
        query = select(articles).order_by(articles.c.fetched_at)
        if since is not None:
            query = query.where(articles.c.fetched_at >= since.isoformat())
        with self.engine.connect() as connection:
            return [StoredArticle(row.id, row.source_id, row.guid, row.canonical_url, row.outlet, bool(row.backfill),
                                  row.document, datetime.fromisoformat(row.fetched_at))
                    for row in connection.execute(query)]

    def parsed(self, articles: Iterable[Article]) -> None:
        """Remember articles just stored as parsed (from their documents): `held` does not parse them again."""
        for article in articles:
            self._parsed[article.id] = article

    def held(self, since: datetime, parsed: Mapping[str, Article] | None = None) -> list[HeldArticle]:
        """Return the ingested articles fetched since a moment, parsed, with their feed and fetch time.

        `parsed` holds articles read before by id (the corpus kept between commands): a stored article never
        changes, so those are not parsed again.
        """
        held = []
        for item in self.articles(since):
            article = self._parsed.get(item.id) or (parsed.get(item.id) if parsed else None)
            if article is None:
                try:
                    # An article stored before future dates were refused (dated 2099) is left out, not loaded.
                    article = Article.from_text(item.id, item.document, now=self.storage.clock())
                except ArticleError as error:
                    log.warning("stored feed article %s left out: %s", item.id, error)
                    continue
                self._parsed[item.id] = article
            assert item.fetched_at is not None  # noqa: S101 - read from the database
            held.append(HeldArticle(article, item.source_id, item.backfill, item.fetched_at, item.guid,
                                    item.canonical_url))
        return held

    def held_articles(self, since: datetime, parsed: Mapping[str, Article] | None = None
                      ) -> list[tuple[Article, bool]]:
        """Return the ingested articles fetched since a moment, each with whether it was back-catalogue."""
        return [(item.article, item.backfill) for item in self.held(since, parsed)]

    def forget_before(self, moment: datetime) -> int:
        """Delete ingested articles fetched before a moment; return how many."""
        with self.engine.begin() as connection:
            return int(connection.execute(articles.delete().where(articles.c.fetched_at < moment.isoformat()))
                       .rowcount)

    def article_count(self, feed_id: int) -> int:
        """Count a feed's articles held."""
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(articles)
                                          .where(articles.c.source_id == feed_id)).scalar() or 0)

    # Channel delivery: the exactly-once record of items posted as they arrive

    def claim_delivery(self, channel_id: int, article_ids: Iterable[str], marker: str, instance: str,
                       status: str = "claimed") -> list[str]:
        """Claim articles for one post to a channel; return those claimed now (an article is posted once)."""
        now = self.storage.clock().isoformat()
        claimed = []
        for article_id in article_ids:
            try:
                with self.engine.begin() as connection:
                    connection.execute(insert(deliveries).values(channel_id=channel_id, article_id=article_id,
                                                                 marker=marker, status=status, claimed_at=now,
                                                                 claimed_by=instance))
                claimed.append(article_id)
            except IntegrityError:
                continue
        return claimed

    def delivered(self, channel_id: int) -> dict[str, tuple[str, str, datetime]]:
        """Return each article claimed for a channel: its post's marker, status and claim time."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(deliveries).where(deliveries.c.channel_id == channel_id))
            return {row.article_id: (row.marker, row.status, datetime.fromisoformat(row.claimed_at)) for row in rows}

    def retake_delivery(self, marker: str, claimed_at: datetime, instance: str) -> bool:
        """Take over a claim left by a process that died mid-post (compare-and-set, so one taker wins)."""
        with self.engine.begin() as connection:
            taken = connection.execute(update(deliveries).where(
                (deliveries.c.marker == marker) & (deliveries.c.status == "claimed")
                & (deliveries.c.claimed_at == claimed_at.isoformat())).values(
                claimed_at=self.storage.clock().isoformat(), claimed_by=instance))
            return bool(taken.rowcount)

    def finish_delivery(self, marker: str, message_id: int | None, status: str = "posted") -> None:
        """Mark a post's articles posted (or failed, to be tried again: their claims are dropped)."""
        with self.engine.begin() as connection:
            if status == "failed":
                connection.execute(deliveries.delete().where(deliveries.c.marker == marker))
            else:
                connection.execute(update(deliveries).where(deliveries.c.marker == marker)
                                   .values(status=status, message_id=message_id))


def _follow_query() -> Select[Any]:
    return select(follows, feeds.c.url.label("feed_url"), feeds.c.etag, feeds.c.last_modified, feeds.c.last_success,
                  feeds.c.last_error, feeds.c.failures, feeds.c.paused, feeds.c.next_poll, feeds.c.title).join(
        feeds, feeds.c.id == follows.c.feed_id)


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _source(row: object) -> Source:
    values = dict(row)  # type: ignore[call-overload]
    return Source(
        id=int(values["id"]), url=str(values["url"]), interval=timedelta(minutes=int(values["interval_minutes"])),
        guild_id=int(values["guild_id"]), feed=_feed({**values, "id": values["feed_id"], "url": values["feed_url"]}),
        channel_id=values["channel_id"], include=keywords_of(values["include_words"]),
        exclude=keywords_of(values["exclude_words"]), backfill_until=_moment(values["backfill_until"]),
        added_at=_moment(values["added_at"]),
    )


def _feed(row: object) -> Feed:
    values = dict(row)  # type: ignore[call-overload]
    return Feed(
        id=int(values["id"]), url=str(values["url"]), interval=timedelta(minutes=int(values["interval_minutes"])),
        etag=values["etag"], last_modified=values["last_modified"], last_success=_moment(values["last_success"]),
        last_error=values["last_error"], failures=int(values["failures"]), paused=bool(values["paused"]),
        next_poll=datetime.fromisoformat(values["next_poll"]), title=values["title"],
    )
