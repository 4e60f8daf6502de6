import threading
import time as clock_time
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.storage.database import CLAIM_LEASE, PAUSE_AFTER_FAILURES, Storage, StorageError
from briefings.history import BriefingRecord
from briefings.scheduling import DigestSchedule

DAY = date(2025, 11, 7)


class Clock:
    def __init__(self):
        self.now = datetime(2025, 11, 7, 8, tzinfo=UTC)

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def url(database_url):
    """Every storage test runs on SQLite and on the PostgreSQL server (tests/conftest.py)."""
    return database_url


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'state' / 'briefbot.db'}"


def london(guild=10):
    return DigestSchedule(0, guild, 20, time(8), "Europe/London", topic="tariffs", role_id=99)


def test_schedules_and_briefings_survive_reopening(url, clock):
    storage = Storage.open(url, clock)
    saved = storage.add_schedule(london())
    storage.record(BriefingRecord("20", clock.now, clock.now - timedelta(days=1), frozenset({"A sentence."})))
    again = Storage.open(url, clock)
    assert again.schedules(10) == [saved] and saved.id > 0
    assert again.schedule(saved.id).topic == "tariffs"
    assert again.last("20").sentences == frozenset({"A sentence."})
    assert again.remove_schedule(saved.id, guild_id=10)
    assert not again.remove_schedule(saved.id, guild_id=10)
    assert again.schedules() == []


def test_a_run_is_claimed_once_even_by_two_processes_at_the_same_moment(url, clock):
    first, second = Storage.open(url, clock), Storage.open(url, clock)
    schedule = first.add_schedule(london())
    results = []
    barrier = threading.Barrier(2)

    def claim(storage, name):
        barrier.wait()
        results.append(storage.claim_run(schedule.id, DAY, name))

    threads = [threading.Thread(target=claim, args=(s, n)) for s, n in ((first, "a"), (second, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [None, "new"]


def test_a_claim_left_by_a_dead_process_is_resumed_after_the_lease(url, clock):
    storage = Storage.open(url, clock)
    schedule = storage.add_schedule(london())
    assert storage.claim_run(schedule.id, DAY, "crashed") == "new"
    assert storage.claim_run(schedule.id, DAY, "restarted") is None  # still inside the lease
    clock.now += CLAIM_LEASE + timedelta(seconds=1)
    assert storage.claim_run(schedule.id, DAY, "restarted") == "resumed"
    storage.finish_run(schedule.id, DAY, "posted", message_id=123)
    assert storage.claim_run(schedule.id, DAY, "third") is None
    assert storage.runs(schedule.id) == [(DAY, "posted", None)]


def test_repeated_failures_pause_the_schedule_and_keep_the_reason(url, clock):
    storage = Storage.open(url, clock)
    schedule = storage.add_schedule(london())
    for _ in range(PAUSE_AFTER_FAILURES - 1):
        assert not storage.record_failure(schedule.id, "Missing Access").paused
    paused = storage.record_failure(schedule.id, "Missing Access")
    assert paused.paused and paused.last_error == "Missing Access"


def test_a_file_that_is_not_a_database_is_a_clear_error_and_left_untouched(tmp_path, clock):
    path = tmp_path / "briefbot.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StorageError, match="cannot be used"):
        Storage.open(f"sqlite:///{path}", clock)
    assert path.read_bytes() == b"this is not sqlite at all" * 100


def test_a_deleted_database_is_not_silently_replaced(sqlite_url, clock, tmp_path):
    Storage.open(sqlite_url, clock).add_schedule(london())
    (tmp_path / "state" / "briefbot.db").unlink()
    with pytest.raises(StorageError, match="is gone"):
        Storage.open(sqlite_url, clock)


def test_a_database_from_a_newer_briefbot_is_refused(url, clock):
    storage = Storage.open(url, clock)
    with storage.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StorageError, match="newer than this Briefbot"):
        Storage.open(url, clock)


def test_feed_articles_age_out_after_the_retention_window(url, clock):
    from bot.storage.database import SourceStore, StoredArticle

    store = SourceStore(Storage.open(url, clock))
    source = store.add("https://feed.example/rss", "https://feed.example/rss", timedelta(minutes=30))
    store.add_article(StoredArticle("old", source.id, "g1", None, "Outlet", False, "Old text."), None)
    clock.now += timedelta(days=31)
    store.add_article(StoredArticle("new", source.id, "g2", None, "Outlet", False, "New text."), None)
    assert store.forget_before(clock.now - timedelta(days=30)) == 1
    assert [article.id for article in store.articles()] == ["new"]


def test_a_poll_s_articles_are_kept_together_and_one_held_already_fails_alone(url, clock):
    from bot.storage.database import SourceStore, StoredArticle

    store = SourceStore(Storage.open(url, clock))
    source = store.add("https://feed.example/rss", "https://feed.example/rss", timedelta(minutes=30))

    def item(article_id):
        return StoredArticle(article_id, source.id, f"guid-{article_id}", None, "Outlet", False, "Text."), None

    assert store.add_articles([item(f"a{n}") for n in range(1_000)]) == [True] * 1_000
    assert store.add_articles([item("a5"), item("b1"), item("a7"), item("b2")]) == [False, True, False, True]
    assert store.article_count(source.id) == 1_002
    assert store.add_articles([]) == []


def open_at_once(url, clock, starts=4):
    """Open the database from several threads released together; return those opened and the errors."""
    opened, failed = [], []
    barrier = threading.Barrier(starts)

    def start():
        barrier.wait()
        try:
            opened.append(Storage.open(url, clock))
        except StorageError as error:
            failed.append(str(error))

    threads = [threading.Thread(target=start) for _ in range(starts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return opened, failed


def test_several_processes_starting_at_once_on_an_empty_database_all_open_it(url, clock):
    # Several `briefbot run` processes over one PostgreSQL database start together: one creates the schema, the
    # others wait for it and find it made (not "relation already exists", nor two schema_version rows).
    opened, failed = open_at_once(url, clock)
    assert failed == [] and len(opened) == 4
    with opened[0].engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM meta").scalar() == 1


def test_four_start_ups_on_a_new_sqlite_file_all_open_it_round_after_round(tmp_path, clock):
    # Switching a new file into WAL mode needs it alone for a moment and SQLite does not wait for that: before
    # Briefbot retried it, about one round of four start-ups in twenty failed with "database is locked".
    for round_ in range(30):
        opened, failed = open_at_once(f"sqlite:///{tmp_path / str(round_) / 'briefbot.db'}", clock)
        for storage in opened:
            storage.engine.dispose()
        assert failed == [] and len(opened) == 4, f"round {round_}: {failed}"


def test_two_processes_recording_the_same_destination_at_once_keep_one_record_with_both(url, clock):
    first, second = Storage.open(url, clock), Storage.open(url, clock)
    barrier = threading.Barrier(2)
    errors = []

    def merge(storage, sentence):
        barrier.wait()
        try:
            storage.merge_records([BriefingRecord("20", clock.now, clock.now, frozenset({sentence}))])
        except Exception as error:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(error)

    threads = [threading.Thread(target=merge, args=(s, n)) for s, n in ((first, "One."), (second, "Two."))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert first.last("20").sentences == frozenset({"One.", "Two."})


def test_a_feed_polled_by_one_process_is_left_alone_by_another_until_the_poll_ends(url, clock):
    from bot.storage.database import SourceStore

    first, second = SourceStore(Storage.open(url, clock)), SourceStore(Storage.open(url, clock))
    feed = first.add("https://feed.example/rss", "https://feed.example/rss", timedelta(minutes=30))
    other = first.add("https://other.example/rss", "https://other.example/rss", timedelta(minutes=30))
    sqlite = first.engine.dialect.name == "sqlite"  # SQLite serves one process: it always takes the feed
    with first.poll_locks() as polling:
        assert polling.take(feed)
        with second.poll_locks() as elsewhere:
            assert elsewhere.take(feed) is sqlite
            assert elsewhere.take(other)  # only the feed being polled is taken
    with second.poll_locks() as elsewhere:
        assert elsewhere.take(feed)  # the first poll ended


def test_a_feed_lock_dies_with_the_connection_of_the_process_that_held_it(postgresql_url, clock):
    from sqlalchemy import create_engine, text

    from bot.storage.database import SourceStore

    store = SourceStore(Storage.open(postgresql_url, clock))
    feed = store.add("https://feed.example/rss", "https://feed.example/rss", timedelta(minutes=30))
    crashed = create_engine(postgresql_url)
    connection = crashed.connect()  # a process mid-poll, as `poll_locks` holds the lock
    connection.execute(text("SELECT pg_try_advisory_lock(hashtextextended(:key, 0))"),
                       {"key": f"briefbot poll {feed.url}"})
    connection.commit()
    with store.poll_locks() as polling:
        assert not polling.take(feed)
    connection.invalidate()  # the process is killed: its connection closes, the server releases its locks
    crashed.dispose()
    for _ in range(50):
        with store.poll_locks() as polling:
            if polling.take(feed):
                break
        clock_time.sleep(0.1)
    else:
        raise AssertionError("the dead process's lock was never released")
