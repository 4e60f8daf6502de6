from __future__ import annotations

import os
import re
import uuid
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from briefings.corpus import Article, Corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# Timeline17 (seven long-running stories with human timelines), read in place beside the clone as CI has it.
TIMELINE17 = ROOT.parent / "shared" / "data" / "timeline17"


def timeline17_story(name: str) -> Path:
    """Return a Timeline17 story folder, failing with where it was looked for when the shared data is absent."""
    folder = TIMELINE17 / name
    assert folder.is_dir(), f"the Timeline17 data is expected at {folder} (shared/ beside the project)"
    return folder

BBC = ROOT.parent / "shared" / "data" / "bbc-news-summary" / "News Articles"
WIRE_OUTLETS = ("BBC News", "Reuters", "AFP", "Associated Press", "The Guardian", "Bloomberg")


def bbc_wire(stories: int, copies: int, *, category: str = "business", start: int = 0) -> tuple[Article, ...]:
    """Return real BBC articles as a desk sees wire copy: each story from `copies` outlets, hours apart, a day each.

    Read in place from ../shared/data (as CI has it), never copied into the project; every copy is the article's
    text, so any two copies carry the same sentences.
    """
    from datetime import UTC, datetime, timedelta

    folder = BBC / category
    assert folder.is_dir(), f"the BBC data is expected at {folder} (shared/ beside the project)"
    first = datetime(2026, 10, 1, tzinfo=UTC)
    articles = []
    for number, path in enumerate(sorted(folder.glob("*.txt"))[start : start + stories]):
        lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
        for copy in range(copies):
            when = first + timedelta(days=number + start, hours=copy)
            front = f'---\ntitle: "{lines[0].replace(chr(34), chr(39))}"\nsource: "{WIRE_OUTLETS[copy % 6]}"\n' \
                    f"published: {when.isoformat()}\n---\n"
            articles.append(Article.from_text(f"{category}-{path.stem}-{copy}", front + "\n".join(lines[1:])))
    return tuple(articles)


AGGREGATOR, STRAITS_TIMES, AFP, CNA, FT = (
    "000_7684b3e5862f0080",
    "001_2487aea8e09a5ae7",
    "002_5dac28788b35827a",
    "003_93a1b2da704e3850",
    "004_d06dc6481aa78526",
)


def raw_seed(article_id: str) -> str:
    """Return a seed as it was collected: the file without the front matter that seeds/ adds."""
    text = (SEEDS / f"{article_id}.txt").read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1]


@pytest.fixture(scope="session")
def seeds() -> Corpus:
    corpus, problems = Corpus.from_folder(SEEDS)
    assert problems == ()
    return corpus




# The storage, schedule and tenancy suites run against SQLite and against a PostgreSQL server (.ci/run starts the
# machine's): the `database_url` fixture below. Each PostgreSQL test gets a database of its own, created here and
# dropped after it, with a unique name, so tests never see each other's rows and parallel runs never collide.
POSTGRESQL_SERVER = os.environ.get("BRIEFBOT_TEST_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_postgresql_reachable: list[str | None] = []  # [None] once the server answered, [reason] once it did not
_could_not_run: dict[str, str] = {}  # test id -> why it was skipped, for the end-of-run summary


def _postgresql_down() -> str | None:
    """Return why the PostgreSQL server cannot be used (asked once per run), or None if it answers."""
    if not _postgresql_reachable:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import OperationalError

        engine = create_engine(POSTGRESQL_SERVER, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            _postgresql_reachable.append(None)
        except OperationalError as error:
            first_line = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            _postgresql_reachable.append(f"no PostgreSQL server answers at {make_url(POSTGRESQL_SERVER)!r} "
                                         f"({first_line}); start it, or point BRIEFBOT_TEST_POSTGRESQL_URL at one")
        finally:
            engine.dispose()
    return _postgresql_reachable[0]


@contextmanager
def fresh_postgresql_database() -> Iterator[str]:
    """Create an empty database on the test server, yield its URL, and drop it (with any connection left open)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"briefbot_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRESQL_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(POSTGRESQL_SERVER).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """The URL of a fresh, empty database on the PostgreSQL server (the test is skipped if no server answers)."""
    reason = _postgresql_down()
    if reason is not None:
        pytest.skip(reason)
    with fresh_postgresql_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A database URL for an empty database: SQLite in tmp_path, or a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'briefbot.db'}"
    return str(request.getfixturevalue("postgresql_url"))


def pytest_runtest_logreport(report) -> None:
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _could_not_run[report.nodeid] = reason.removeprefix("Skipped: ")


# Many tests read the development data beside the clone (../shared/data: BBC articles, Timeline17, real web pages),
# as CI has it. A user's fresh clone has no such folder: there those tests cannot run, so their failures are
# reported with the tests that could not run (below), and the suite passes on what it could run. CI sets
# BRIEFBOT_TESTS_NEED_SHARED_DATA=1 (.ci/run): there a missing folder fails the tests as it should.
SHARED_DATA = ROOT.parent / "shared" / "data"
SHARED_SETS = ("bbc-news-summary", "timeline17", "realweb")
_READS_SHARED_DATA = re.compile(r"shared|TIMELINE17|timeline17_story|\bBBC\b|bbc_|build_corpus|realweb|REALWEB")
_reads_shared_data: dict[Path, bool] = {}  # test module -> whether its code reads the development data


def _shared_data_missing() -> str | None:
    """Say which development data sets are absent, unless CI requires them (None when all are here)."""
    if os.environ.get("BRIEFBOT_TESTS_NEED_SHARED_DATA") == "1":
        return None
    missing = [name for name in SHARED_SETS if not (SHARED_DATA / name).is_dir()]
    return f"needs the development data at {SHARED_DATA}/ ({', '.join(missing)} absent)" if missing else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, None, None]:
    """Report a failure of a test that reads the absent development data as a test that could not run."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not report.failed or (reason := _shared_data_missing()) is None:
        return
    module = Path(str(item.path))
    if module not in _reads_shared_data:
        _reads_shared_data[module] = _READS_SHARED_DATA.search(module.read_text(encoding="utf-8")) is not None
    if _reads_shared_data[module]:
        report.outcome = "skipped"
        report.longrepr = (str(module), item.location[1] or 0, f"Skipped: {reason}")


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly at the end which tests could not run and why (e.g. no PostgreSQL server on this machine)."""
    if not _could_not_run:
        return
    terminalreporter.section("tests that could not run")
    by_reason: dict[str, list[str]] = {}
    for nodeid, reason in _could_not_run.items():
        by_reason.setdefault(reason, []).append(nodeid)
    for reason, nodeids in by_reason.items():
        terminalreporter.write_line(f"{len(nodeids)} test{'s' if len(nodeids) != 1 else ''} did not run: {reason}")
        for nodeid in nodeids[:20]:
            terminalreporter.write_line(f"    {nodeid}")
        if len(nodeids) > 20:
            terminalreporter.write_line(f"    ... and {len(nodeids) - 20} more")
