"""Following feeds: poll each on its own interval, keep new articles, back off from failing feeds.

A failing feed is polled again after its interval doubled for each failure in a row (at most a day), and
paused after eight failed polls in a row, that is only when nothing usable came for its whole back-off; its
stored reason shows in the source list. A feed with an XML slip from which entries were recovered is a success,
and the reason (with each entry skipped and why) is stored all the same. One bad entry, page or source never
stops the others, and an unexpected error marks only its own source failed.

No lock is held across a network wait: feeds and their teaser pages are fetched concurrently, within the poll's
limits (`PollLimits`), and only the short step that checks for duplicates and stores is serialised, so another
server's `/source add` or a command never waits for a slow feed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from bot.ingestion.fetch import Fetcher, FetchError, printable_url
from bot.ingestion.live import LiveCorpus, TopicSchedule, count_topics, folder_snapshot, ready
from bot.ingestion.pages import Page, extract_page
from bot.ingestion.tenancy import Holdings, everything_corpus, holdings_of, operator_corpus
from bot.storage.database import Feed, PollLocks, Source, SourceStore, StoredArticle
from briefings.corpus import (
    DEFAULT_MAX_FOLDER_FILES,
    DEFAULT_MAX_FRONT_MATTER_BYTES,
    Article,
    ArticleError,
    Corpus,
    CorpusError,
)
from briefings.dedup import Deduplicator, signatures
from briefings.feeds import (
    FeedEntry,
    FeedError,
    canonical_url,
    entry_document,
    entry_id,
    feed_links,
    looks_like_page,
    parse_feed,
)
from briefings.text import word_count

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(days=1)
PAUSE_AFTER_FAILURES = 8
FEEDS_AT_ONCE = 8  # feeds fetched at the same time in one poll
_T = TypeVar("_T")
MAX_PROBLEMS_STORED = 5  # the stored reason names this many problems, then counts the rest
KEEP_BLOCK = 500  # entries made into documents (and their signatures) at a time while storing
# Articles another process stored are looked for this far back from the last look: an article is stamped when it
# is fetched and committed a moment later, so a look in between must not miss it for good.
STORED_ELSEWHERE_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class PollLimits:
    """What one poll may cost: entries read per feed, articles held per source, teaser pages fetched."""

    entries_per_poll: int = 500  # a feed's first entries (newest, as feeds list them); the rest wait
    articles_per_source: int = 5_000  # a source holding this many keeps no more until old ones age out
    pages_per_feed: int = 20  # teaser pages fetched for one feed in one poll
    pages_per_poll: int = 200  # teaser pages fetched in one poll of all due feeds
    page_seconds_per_poll: float = 60.0  # pages not in by then keep their teaser (fetched next time they are new)
    pages_at_once: int = 8


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll of one source did."""

    source_id: int
    new_articles: tuple[Article, ...] = ()
    duplicates: int = 0
    not_modified: bool = False
    error: str | None = None
    problems: tuple[str, ...] = ()  # entries skipped and XML slips recovered from, on a successful poll
    fault: str | None = None  # the machine failed (a full disk): the command should end with this, exit 2
    note: str | None = None  # on a first poll: the feed followed is not the address given (a page's feed)


@dataclass(frozen=True, slots=True)
class _Fetched:
    """A feed fetched and parsed, with the pages of its new teasers: what storing needs."""

    source: Feed
    title: str | None
    outlet: str | None
    etag: str | None
    last_modified: str | None
    entries: int  # entries read
    fresh: list[FeedEntry]  # not held when fetched
    marks: list[Any]  # the signature of each fresh entry's text (near-duplicates)
    pages: list[Page | None]
    problems: list[str]


@dataclass
class _PageBudget:
    """The teaser pages one poll may still fetch, and until when."""

    limits: PollLimits
    left: int = 0
    deadline: float = 0.0
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(8))

    @classmethod
    def start(cls, limits: PollLimits) -> _PageBudget:
        return cls(limits, limits.pages_per_poll, time.monotonic() + limits.page_seconds_per_poll,
                   asyncio.Semaphore(limits.pages_at_once))

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() >= self.deadline:
            return False
        self.left -= 1
        return True


class SourcePoller:
    """Polls sources and stores what is new."""

    def __init__(self, store: SourceStore, fetcher: Fetcher,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 held: list[StoredArticle] | None = None, limits: PollLimits | None = None) -> None:
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.limits = limits or PollLimits()
        # Duplicates are a feed's own (the same item again, a re-post): another feed's item with the same GUID is
        # that feed's, and whether two feeds carry one item is decided in each server's view (tenancy).
        self._seen: dict[int, Deduplicator] = {}
        self._storing = asyncio.Lock()  # the duplicate check and the writes: short, never across a fetch
        self._polling: set[int] = set()  # sources being polled now (a tick and a /source add may meet)
        self._remember(store.articles() if held is None else held)

    def seen(self, feed_id: int) -> Deduplicator:
        """Return what a feed brought before."""
        if feed_id not in self._seen:
            self._seen[feed_id] = Deduplicator()
        return self._seen[feed_id]

    async def poll_due(self) -> list[PollResult]:
        """Poll every source whose time has come, a few at a time; one failing never stops the others.

        Feeds and pages are fetched concurrently; what came is then stored source by source, in order, so which
        copy of a story shared by two feeds is kept does not depend on which answered first.
        """
        now = self.clock()
        listed = [source for source in self.store.feeds()  # each feed once, at its followers' shortest interval
                  if not source.paused and source.next_poll <= now and source.id not in self._polling]
        budget = _PageBudget.start(self.limits)
        feeds = asyncio.Semaphore(FEEDS_AT_ONCE)

        async def fetch(source: Feed) -> PollResult | _Fetched:
            async with feeds:
                return await self._guarded(source, self._fetch(source, budget))

        with self.store.poll_locks() as locks:  # other processes over the same database leave these feeds alone
            due = self._ours(listed, locks)
            self._polling.update(source.id for source in due)
            try:
                fetched = await asyncio.gather(*(fetch(source) for source in due))
                return [item if isinstance(item, PollResult) else await self._guarded(item.source, self._store(item))
                        for item in fetched]
            finally:
                self._polling.difference_update(source.id for source in due)

    def _ours(self, listed: list[Feed], locks: PollLocks) -> list[Feed]:
        """Take the due sources no other process is polling, each read again under its lock (one may just have)."""
        due = []
        for source in listed:
            if not locks.take(source):
                log.info("source %s: another process is polling it", source.id)
                continue
            current = self.store.feed(source.id)
            if current is not None and not current.paused and current.next_poll <= self.clock():
                due.append(current)
        return due

    async def poll(self, source: Feed, budget: _PageBudget | None = None) -> PollResult:
        """Poll one source: fetch (conditionally), parse, keep new entries; record how it went."""
        with self.store.poll_locks() as locks:
            if not locks.take(source):  # another process's tick is polling it already
                return PollResult(source.id)
            self._polling.add(source.id)
            try:
                fetched = await self._guarded(source, self._fetch(source, budget or _PageBudget.start(self.limits)))
                return fetched if isinstance(fetched, PollResult) else await self._guarded(source,
                                                                                            self._store(fetched))
            finally:
                self._polling.discard(source.id)

    async def take_in(self, items: list[StoredArticle]) -> None:
        """Remember articles other processes stored, so that their duplicates are found here too."""
        async with self._storing:
            self._remember(items)

    def _remember(self, items: list[StoredArticle]) -> None:
        for item, mark in zip(items, signatures([item.document for item in items]), strict=True):
            self.seen(item.source_id).remember(item.id, item.guid, item.canonical_url, item.document, item.outlet,
                                               mark)

    async def _guarded(self, source: Feed, step: Awaitable[_T]) -> _T | PollResult:
        try:
            return await step
        except Exception as error:  # noqa: BLE001 - whatever one source does, the others are polled
            return self._fault_or_failure(source, error)

    async def _fetch(self, source: Feed, budget: _PageBudget) -> PollResult | _Fetched:
        """Fetch and parse a feed and the pages of its new teasers (no lock held: this is the waiting)."""
        try:
            fetched = await self.fetcher.fetch(source.url, source.etag, source.last_modified)
            if fetched.status == 304:
                self.store.polled(source.id, ok=True, next_poll=self.clock() + source.interval)
                return PollResult(source.id, not_modified=True)
            # Parsing, hashing and sentence splitting are CPU work: off the event loop, which must keep
            # answering Discord (and its heartbeat) while hundreds of feeds come in.
            feed = await asyncio.to_thread(parse_feed, fetched.body, fetched.content_type, fetched.url)
        except FetchError as error:
            return self._failed(source, str(error))
        except FeedError as error:
            announced = feed_links(fetched.body, fetched.url) if "web page" in str(error) else []
            hint = f"; it announces the feed {announced[0]}: follow that instead" if announced else ""
            return self._failed(source, f"{error}{hint}")
        outlet = feed.title or urlsplit(source.url).hostname
        problems = list(feed.problems)
        entries = feed.entries[:self.limits.entries_per_poll]
        if len(feed.entries) > len(entries):
            problems.append(f"{len(feed.entries) - len(entries)} entries past the first "
                            f"{self.limits.entries_per_poll} left for later polls (BRIEFBOT_MAX_ENTRIES_PER_POLL)")
        async with self._storing:
            fresh, marks = await asyncio.to_thread(self._fresh, source.id, entries, outlet)
        pages = await self._pages(source, fresh, budget)
        return _Fetched(source, feed.title, outlet, fetched.etag, fetched.last_modified, len(entries), fresh, marks,
                        pages, problems)

    async def _store(self, item: _Fetched) -> PollResult:
        """Keep what is new (checked again: another feed may have brought the same story meanwhile)."""
        source = item.source
        async with self._storing:
            new, skipped, again = await asyncio.to_thread(self._keep, source, item.outlet, item.fresh, item.marks,
                                                          item.pages, self.clock())
            problems = item.problems + skipped
            self.store.polled(source.id, ok=True, next_poll=self.clock() + source.interval, etag=item.etag,
                              last_modified=item.last_modified, title=item.title,
                              note=_summarised(problems) if problems else None)
        duplicates = item.entries - len(item.fresh) + again
        log.info("source %s: %d new articles, %d already held%s", source.id, len(new), duplicates,
                 f"; {_summarised(problems)}" if problems else "")
        return PollResult(source.id, tuple(new), duplicates, problems=tuple(problems))

    def _fresh(self, feed_id: int, entries: tuple[FeedEntry, ...], outlet: str | None
               ) -> tuple[list[FeedEntry], list[Any]]:
        """Return the entries not held, and their texts' signatures (made only for those not known by GUID or URL)."""
        seen = self.seen(feed_id)
        unknown = [entry for entry in entries if seen.known(entry.guid, entry.url) is None]
        marks = signatures([entry.text for entry in unknown])
        fresh = [(entry, mark) for entry, mark in zip(unknown, marks, strict=True)
                 if seen.check(entry.guid, entry.url, entry.text, entry.source or outlet, mark).new]
        return [entry for entry, _ in fresh], [mark for _, mark in fresh]

    async def _pages(self, source: Feed, entries: list[FeedEntry], budget: _PageBudget) -> list[Page | None]:
        """Fetch the pages of teaser entries concurrently, within the feed's and the poll's budgets."""
        pages: list[Page | None] = [None] * len(entries)
        wanted = [number for number, entry in enumerate(entries) if entry.is_summary_only and entry.url]
        wanted = wanted[:self.limits.pages_per_feed]

        async def one(number: int) -> None:
            async with budget.slots:
                if budget.take():
                    pages[number] = await self._page(str(entries[number].url), source.url,
                                                     entries[number].published is None)

        tasks = [asyncio.create_task(one(number)) for number in wanted]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=max(budget.deadline - time.monotonic(), 0.0))
            for task in late:  # over the poll's time budget: these entries keep their teaser
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
                log.info("source %s: %d teaser pages not fetched within the poll's %g s", source.id, len(late),
                         self.limits.page_seconds_per_poll)
        return pages

    async def _page(self, url: str, feed: str, want_date: bool) -> Page | None:
        """Fetch the page a teaser links to and extract its article text; None keeps the teaser."""
        try:
            page = await self.fetcher.fetch(url, feed=feed)
        except FetchError as error:
            log.info("page %s not fetched (%s): keeping the feed's summary", printable_url(url), error)
            return None
        try:
            return await asyncio.to_thread(lambda: extract_page(page.body, page.content_type, page.url,
                                                                want_date=want_date))
        except Exception as error:  # noqa: BLE001 - one page the extractor chokes on keeps its teaser
            log.warning("page %s not read (%s: %s): keeping the feed's summary", printable_url(url),
                        error.__class__.__name__, error)
            return None

    def _keep(self, source: Feed, outlet: str | None, entries: list[FeedEntry], marks: list[Any],
              pages: list[Page | None], first_seen: datetime) -> tuple[list[Article], list[str], int]:
        """Store the entries not held yet; return them, the problems of those skipped, and how many were held."""
        pending: list[tuple[StoredArticle, Article]] = []
        skipped: list[str] = []
        held = 0
        room = self.limits.articles_per_source - self.store.article_count(source.id)
        seen = self.seen(source.id)
        for entry, mark, credit, document, document_mark in self._documents(source, outlet, entries, marks, pages,
                                                                             first_seen):
            if not seen.check(entry.guid, entry.url, entry.text, credit, mark).new:
                held += 1  # the same item twice in one feed
                continue
            if room <= 0:
                skipped.append(f"the source holds its {self.limits.articles_per_source:,} articles "
                               "(BRIEFBOT_MAX_ARTICLES_PER_SOURCE): newer entries wait until old ones age out")
                break
            try:
                # The id names the feed too: another feed's item with the same GUID is another article.
                article = Article.from_text(f"{entry_id(entry)}-{source.id}", document, now=first_seen)
            except ArticleError as error:
                skipped.append(f"entry {_named(entry)} skipped: it {error}")
                continue
            if not article.sentences:
                skipped.append(f"entry {_named(entry)} skipped: no sentences")
                continue
            stored = StoredArticle(article.id, source.id, entry.guid,
                                   canonical_url(entry.url) if entry.url else None, credit,
                                   backfill=not source.first_poll_done, document=document)
            seen.remember(article.id, entry.guid, entry.url, document, credit, document_mark)  # a later repeat
            pending.append((stored, article))
            room -= 1
        # One transaction for the poll's articles: a commit a row made a feed of 55,000 items take minutes.
        kept = self.store.add_articles([(stored, article.published) for stored, article in pending])
        new = [article for (_, article), ok in zip(pending, kept, strict=True) if ok]
        self.store.parsed(new)  # the corpus built next takes them as they are, not parsed from the database again
        return new, skipped, held + kept.count(False)

    @staticmethod
    def _documents(source: Feed, outlet: str | None, entries: list[FeedEntry], marks: list[Any],
                   pages: list[Page | None], first_seen: datetime
                   ) -> Iterator[tuple[FeedEntry, Any, str | None, str, Any]]:
        """Yield each entry with its text's signature, credit, document and the document's signature.

        Made a block at a time (the signatures of a block at once), so a poll stopped by the source's cap makes
        few it does not store.
        """
        for start in range(0, len(entries), KEEP_BLOCK):
            block = []
            for entry, page in zip(entries[start:start + KEEP_BLOCK], pages[start:start + KEEP_BLOCK], strict=True):
                credit = entry.source or outlet
                text = page.text if page is not None and word_count(page.text) > word_count(entry.text) else None
                # The rankable date: the feed's, else the page's, else when Briefbot first saw it, but only for an
                # entry that arrived since the feed is followed; an undated back-catalogue entry ranks as the
                # oldest.
                published = entry.published or (page.published if page is not None else None) or (
                    first_seen if source.first_poll_done else None)
                block.append((entry, credit, entry_document(entry, credit, text, published=published)))
            document_marks = signatures([document for _, _, document in block])
            for (entry, credit, document), mark, document_mark in zip(block, marks[start:start + KEEP_BLOCK],
                                                                      document_marks, strict=True):
                yield entry, mark, credit, document, document_mark

    def _failed(self, source: Feed, reason: str, level: int = logging.WARNING) -> PollResult:
        reason = _without_secrets(reason, source.url)
        wait = min(source.interval * (2 ** (source.failures + 1)), MAX_BACKOFF)
        self.store.polled(source.id, ok=False, error=reason, next_poll=self.clock() + wait,
                          pause_after=PAUSE_AFTER_FAILURES)
        log.log(level, "source %s (%s) failed: %s; next try in %s", source.id, printable_url(source.url), reason, wait)
        return PollResult(source.id, error=reason)

    def _fault_or_failure(self, source: Feed, error: Exception) -> PollResult:
        """Mark the source failed for an unexpected error; a fault of the machine is also said as one."""
        from sqlalchemy.exc import SQLAlchemyError  # noqa: PLC0415

        fault = None
        if isinstance(error, SQLAlchemyError | OSError):
            text = str(getattr(error, "orig", None) or error).splitlines()[0]
            fault = f"the database could not be written ({text}: the disk is full or failing)"
            reason = fault
        else:
            log.error("source %s: unexpected error", source.id, exc_info=error)
            reason = f"unexpected error ({error.__class__.__name__}: {error})"
        try:
            result = self._failed(source, reason, logging.INFO if fault else logging.WARNING)  # a fault is said once
        except Exception as again:  # noqa: BLE001 - the failure itself could not be recorded (a full disk)
            log.warning("source %s: the failure could not be recorded either (%s)", source.id, again)
            return PollResult(source.id, error=reason, fault=fault and f"{fault}; source {source.id} could not "
                              "be marked failed either")
        return PollResult(source.id, error=result.error, fault=fault and f"{fault}; source {source.id} is marked "
                          "failed and will be polled again")


async def find_feed(fetcher: Fetcher, url: str) -> tuple[str, str | None]:
    """Return the feed to follow for an address, and a note if it is not the address itself.

    An HTML page that announces its feed (`<link rel="alternate" type="application/rss+xml">`) gives that feed;
    one that announces none raises FeedError (nothing should be saved). An address that cannot be fetched now
    is kept as given: its polls will say why.
    """
    try:
        fetched = await fetcher.fetch(url)
    except FetchError as error:
        return url, f"it could not be fetched now ({error}); it will be polled again"
    if not looks_like_page(fetched.body, fetched.content_type):
        return url, None  # a feed, or a broken one: its polls read it (and say what is wrong), not this look
    try:
        await asyncio.to_thread(parse_feed, fetched.body, fetched.content_type, fetched.url)
    except FeedError as error:
        if "web page" not in str(error):
            return url, None  # a broken feed is still the feed: its polls say what is wrong
        announced = feed_links(fetched.body, fetched.url)
        if not announced:
            raise FeedError(f"{printable_url(url)} is a web page (HTML) that announces no RSS or Atom feed") from None
        return announced[0], f"{printable_url(url)} is a web page; following the feed it announces instead"
    return url, None


def _named(entry: FeedEntry) -> str:
    name = entry.title or entry.guid or entry.url or "without a title"
    return repr(name[:60])


def _summarised(problems: list[str]) -> str:
    shown = "; ".join(problems[:MAX_PROBLEMS_STORED])
    more = len(problems) - MAX_PROBLEMS_STORED
    return shown + (f"; and {more} more" if more > 0 else "")


def _without_secrets(text: str, url: str) -> str:
    """Take a feed URL's `user:password@` out of a message that may quote it."""
    try:
        parts = urlsplit(url)
        secrets = [value for value in (parts.password, parts.username) if value]
    except ValueError:
        return text
    text = text.replace(url, printable_url(url))
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


@dataclass(frozen=True, slots=True)
class Followed:
    """What following a feed on a server did: the entry, its first poll, and how many articles it shows there."""

    source: Source
    poll: PollResult
    articles: int

    @property
    def error(self) -> str | None:
        """Say why the first poll failed, if it did."""
        return self.poll.error

    @property
    def note(self) -> str | None:
        """Say what the poll noted (the feed a page announces)."""
        return self.poll.note

    @property
    def problems(self) -> tuple[str, ...]:
        """Say what was wrong with the feed (an XML slip recovered from, entries skipped)."""
        return self.poll.problems


class Ingestor:
    """Keeps the live corpus current: polls due feeds and watches the corpus folder, rebuilding when either adds.

    The folder is watched by comparing file times and sizes every half minute (no platform file-watch API, so it
    works on network drives and in containers alike). Polls run without a lock (a slow feed never holds up a
    `/source add`); only rebuilding the corpus is one at a time.
    """

    def __init__(self, live: LiveCorpus, folder: Path, max_bytes: int, store: SourceStore, fetcher: Fetcher,
                 retention: timedelta, clock: Callable[[], datetime] = lambda: datetime.now(UTC), *,
                 max_files: int = DEFAULT_MAX_FOLDER_FILES,
                 max_front_matter_bytes: int = DEFAULT_MAX_FRONT_MATTER_BYTES,
                 limits: PollLimits | None = None) -> None:
        self.live = live
        self.folder = folder
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.max_front_matter_bytes = max_front_matter_bytes
        self.store = store
        live.tenancy.store = store
        held = store.articles()
        self.poller = SourcePoller(store, fetcher, clock, held, limits)
        self.retention = retention
        self._snapshot = folder_snapshot(folder)
        from_feeds = {item.id for item in held}
        read = tuple(article for article in live.current if article.id not in from_feeds)
        self._folder = live.current if len(read) == len(live.current) else Corpus(read)
        self._folder_version = 0
        self._rebuilding = asyncio.Lock()
        self.topics = TopicSchedule()
        self.arrived: list[Callable[[], Awaitable[None]]] = []  # called after new articles joined (channel posts)
        # The corpus handed in may hold the stored feed articles too: say which are whose before any server reads
        # it (until then every article would count as the folder's, which every server sees).
        parsed = {article.id: article for article in live.current}
        live.replace(live.current, holdings_of(self._folder, store.held(datetime.now(UTC) - retention, parsed)))
        self._known = from_feeds  # the stored articles this process has taken in
        self._looked = clock()

    async def tick(self) -> bool:
        """Poll due feeds and look at the folder; rebuild the corpus if anything arrived. Return whether it did."""
        # Off the event loop: a stat for every file (about 0.5 s at 100,000 files on a quiet machine, and each stat
        # waits for the GIL behind a rebuild's thread) held Discord's heartbeat for over 10 s at 100,000 files.
        snapshot = await asyncio.to_thread(folder_snapshot, self.folder)
        folder_changed = snapshot != self._snapshot
        arrived = 0
        try:  # first, so that a feed another process died polling is polled against what that process stored
            arrived += await self._take_in_stored_elsewhere()
        except Exception:  # noqa: BLE001 - the database unreachable for a moment: the next tick looks again
            log.exception("the articles other processes stored could not be read now")
        try:
            results = await self.poller.poll_due()
        except Exception:  # noqa: BLE001 - a fault in polling must not stop the folder and the rebuild
            log.exception("polling the feeds failed; the corpus is rebuilt from what is held")
            results = []
        arrived += sum(len(result.new_articles) for result in results)
        self._known.update(article.id for result in results for article in result.new_articles)
        try:
            forgotten = self.store.forget_before(self.poller.clock() - self.retention)
        except Exception:  # noqa: BLE001 - a full disk: forgetting waits for the next tick
            log.exception("old feed articles could not be forgotten now")
            forgotten = 0
        if forgotten:
            log.info("forgot %d feed articles older than the %s retention window", forgotten, self.retention)
        if not folder_changed and not arrived and not forgotten:
            await self._count_topics(self.live.current)  # a table left behind by small changes, once it is old
            return False
        async with self._rebuilding:
            if folder_changed:
                try:
                    corpus, problems = await asyncio.to_thread(
                        lambda: Corpus.from_folder(self.folder, self.max_bytes, max_files=self.max_files,
                                                   max_front_matter_bytes=self.max_front_matter_bytes,
                                                   now=self.poller.clock()))
                    for problem in problems:
                        log.warning("%s", problem)
                    self._folder = corpus
                    self._folder_version += 1
                except CorpusError as error:  # the folder went away: keep what was read, go on with the feeds
                    log.warning("the corpus folder cannot be read (%s); keeping its %d articles read before",
                                error, len(self._folder))
                self._snapshot = snapshot
            await self._rebuild()
        log.info("corpus now %d articles (%d from feeds this time%s)", len(self.live.current), arrived,
                 ", folder changed" if folder_changed else "")
        if arrived:
            for listener in self.arrived:
                await listener()
        return True

    async def add_and_poll(self, url: str, interval: timedelta, guild_id: int = 0, *, channel_id: int | None = None,
                           include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> Followed:
        """Follow a feed on a server (for a web page, the feed it announces) and poll it at once.

        The feed is stored once: for a URL another server follows, this is a conditional GET of it, and the answer
        is the same as for a new feed. What the first poll brings, and what the feed held before, is background for
        this server: not news, and never posted to its channel. The result's `note` says when the feed followed is
        not the address given. Raises FeedError for a web page that announces no feed: nothing is saved.
        """
        # A feed held already (another server follows it) is not fetched again to see whether it is a page.
        known = self.store.knows(canonical_url(url))
        followed, note = (url, None) if known else await find_feed(self.poller.fetcher, url)
        source = self.store.add(followed, canonical_url(followed), interval, guild_id, channel_id=channel_id,
                                include=include, exclude=exclude)
        feed = self.store.feed(source.feed_id)
        assert feed is not None  # noqa: S101 - just followed
        result = await self.poller.poll(feed)
        self._known.update(article.id for article in result.new_articles)
        self.store.settle_backfill(source.id)
        async with self._rebuilding:
            await self._rebuild()
        def shown() -> int:  # a server's view may be built first, and the corpus is counted: not on the event loop
            corpus = self.live.server(guild_id) if guild_id else self.live.current
            held = {item.article.id for item in self.live.holdings.by_feed.get(source.feed_id, ())}
            return sum(1 for article in corpus if article.id in held)

        result = replace(result, note=f"{note}: {followed}") if followed != url else result
        return Followed(source, result, await asyncio.to_thread(shown))

    async def rebuild(self) -> None:
        """Build the corpus again from the folder and the stored feed articles, and swap it in."""
        async with self._rebuilding:
            await self._rebuild()

    async def _take_in_stored_elsewhere(self) -> int:
        """Take in the articles other processes stored (they polled those feeds); return how many.

        Several processes over one database each poll some of the feeds; every process answers from all of them,
        and finds duplicates among all of them.
        """
        since, self._looked = self._looked - STORED_ELSEWHERE_MARGIN, self.poller.clock()
        stored = await asyncio.to_thread(self.store.articles, since)
        fresh = [item for item in stored if item.id not in self._known]
        await self.poller.take_in(fresh)
        self._known.update(item.id for item in fresh)
        return len(fresh)

    async def _rebuild(self) -> None:
        """Build the operator's corpus incrementally from the one served, swap it in, then count its topics if due.

        Every server's view slices it; new articles answer at once, and join autocomplete once counted (after a few
        percent of the corpus changed, or ten minutes: `TopicSchedule`).
        """
        holdings = await asyncio.to_thread(self._holdings)
        previous = self.live.everything
        everything = await asyncio.to_thread(lambda: ready(everything_corpus(holdings, previous), topics=False))
        rebuilt = await asyncio.to_thread(lambda: ready(operator_corpus(holdings, everything), topics=False))
        self.live.replace(rebuilt, holdings, everything)
        await self._count_topics(rebuilt)

    async def _count_topics(self, corpus: Corpus) -> None:
        """Count the served corpus's topics if they are due (not after every small swap: `TopicSchedule`)."""
        if self.topics.due(corpus):
            await asyncio.to_thread(count_topics, corpus)
            self.topics.counted(corpus)

    def _holdings(self) -> Holdings:
        held = self.store.held(datetime.now(UTC) - self.retention)
        return holdings_of(self._folder, held, self._folder_version)
