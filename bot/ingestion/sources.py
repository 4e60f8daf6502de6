"""Following feeds: poll each on its own interval, keep new articles, back off from failing feeds.

A failing feed is polled again after its interval doubled for each failure in a row (at most a day), and
paused after eight; its stored reason shows in the source list. It never affects other sources or the corpus.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from bot.ingestion.fetch import Fetcher, FetchError
from bot.ingestion.live import LiveCorpus, assemble, folder_snapshot, ready
from bot.storage.database import Source, SourceStore, StoredArticle
from briefings.corpus import (
    DEFAULT_MAX_FOLDER_FILES,
    DEFAULT_MAX_FRONT_MATTER_BYTES,
    Article,
    Corpus,
    CorpusError,
)
from briefings.dedup import Deduplicator
from briefings.feeds import FeedEntry, FeedError, canonical_url, entry_document, entry_id, parse_feed

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(days=1)
PAUSE_AFTER_FAILURES = 8


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll of one source did."""

    source_id: int
    new_articles: tuple[Article, ...] = ()
    duplicates: int = 0
    not_modified: bool = False
    error: str | None = None


class SourcePoller:
    """Polls sources and stores what is new."""

    def __init__(self, store: SourceStore, fetcher: Fetcher,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 held: list[StoredArticle] | None = None) -> None:
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.seen = Deduplicator()
        for item in store.articles() if held is None else held:
            self.seen.remember(item.id, item.guid, item.canonical_url, item.document, item.outlet)

    async def poll_due(self) -> list[PollResult]:
        """Poll every source whose time has come."""
        now = self.clock()
        due = [source for source in self.store.all() if not source.paused and source.next_poll <= now]
        return [await self.poll(source) for source in due]

    async def poll(self, source: Source) -> PollResult:
        """Poll one source: fetch (conditionally), parse, keep new entries; record how it went."""
        try:
            fetched = await self.fetcher.fetch(source.url, source.etag, source.last_modified)
            if fetched.status == 304:
                self.store.polled(source.id, ok=True, next_poll=self.clock() + source.interval)
                return PollResult(source.id, not_modified=True)
            # Parsing, hashing and sentence splitting are CPU work: off the event loop, which must keep
            # answering Discord (and its heartbeat) while hundreds of feeds come in.
            feed = await asyncio.to_thread(parse_feed, fetched.body, fetched.content_type)
        except (FetchError, FeedError) as error:
            return self._failed(source, str(error))
        outlet = feed.title or urlsplit(source.url).hostname
        fresh = await asyncio.to_thread(self._fresh, feed.entries, outlet)
        duplicates = len(feed.entries) - len(fresh)
        pages = [await self._page_text(entry.url) if entry.is_summary_only and entry.url else None
                 for entry in fresh]
        new = await asyncio.to_thread(self._keep, source, outlet, list(zip(fresh, pages, strict=True)))
        self.store.polled(source.id, ok=True, next_poll=self.clock() + source.interval, etag=fetched.etag,
                          last_modified=fetched.last_modified, title=feed.title)
        log.info("source %s: %d new articles, %d already held", source.id, len(new), duplicates)
        return PollResult(source.id, tuple(new), duplicates)

    def _fresh(self, entries: tuple[FeedEntry, ...], outlet: str | None) -> list[FeedEntry]:
        return [entry for entry in entries if self.seen.check(entry.guid, entry.url, entry.text, outlet).new]

    def _keep(self, source: Source, outlet: str | None, entries: list[tuple[FeedEntry, str | None]]
              ) -> list[Article]:
        new: list[Article] = []
        for entry, page in entries:
            if not self.seen.check(entry.guid, entry.url, entry.text, outlet).new:
                continue  # the same item twice in one feed
            document = entry_document(entry, outlet, page)
            article = Article.from_text(entry_id(entry), document)
            if not article.sentences:
                continue
            stored = StoredArticle(article.id, source.id, entry.guid,
                                   canonical_url(entry.url) if entry.url else None, outlet,
                                   backfill=not source.first_poll_done, document=document)
            if self.store.add_article(stored, article.published):
                self.seen.remember(article.id, entry.guid, entry.url, document, outlet)
                new.append(article)
        return new

    async def _page_text(self, url: str) -> str | None:
        """Fetch the page a teaser links to and extract its article text; None keeps the teaser."""
        try:
            page = await self.fetcher.fetch(url)
        except FetchError as error:
            log.info("page %s not fetched (%s): keeping the feed's summary", url, error)
            return None
        import trafilatura  # noqa: PLC0415 - loaded only when a feed gives teasers

        text = await asyncio.to_thread(trafilatura.extract, page.body, url=url, include_comments=False,
                                       include_tables=False, favor_precision=True)
        return str(text) if text and len(str(text).split()) >= 40 else None

    def _failed(self, source: Source, reason: str) -> PollResult:
        wait = min(source.interval * (2 ** (source.failures + 1)), MAX_BACKOFF)
        self.store.polled(source.id, ok=False, error=reason, next_poll=self.clock() + wait,
                          pause_after=PAUSE_AFTER_FAILURES)
        log.warning("source %s (%s) failed: %s; next try in %s", source.id, source.url, reason, wait)
        return PollResult(source.id, error=reason)


class Ingestor:
    """Keeps the live corpus current: polls due feeds and watches the corpus folder, rebuilding when either adds.

    The folder is watched by comparing file times and sizes every half minute (no platform file-watch API, so it
    works on network drives and in containers alike).
    """

    def __init__(self, live: LiveCorpus, folder: Path, max_bytes: int, store: SourceStore, fetcher: Fetcher,
                 retention: timedelta, clock: Callable[[], datetime] = lambda: datetime.now(UTC), *,
                 max_files: int = DEFAULT_MAX_FOLDER_FILES,
                 max_front_matter_bytes: int = DEFAULT_MAX_FRONT_MATTER_BYTES) -> None:
        self.live = live
        self.folder = folder
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.max_front_matter_bytes = max_front_matter_bytes
        self.store = store
        held = store.articles()
        self.poller = SourcePoller(store, fetcher, clock, held)
        self.retention = retention
        self._snapshot = folder_snapshot(folder)
        from_feeds = {item.id for item in held}
        self._folder_articles = tuple(article for article in live.current if article.id not in from_feeds)
        self._busy = asyncio.Lock()

    async def tick(self) -> bool:
        """Poll due feeds and look at the folder; rebuild the corpus if anything arrived. Return whether it did."""
        async with self._busy:
            snapshot = folder_snapshot(self.folder)
            folder_changed = snapshot != self._snapshot
            results = await self.poller.poll_due()
            arrived = sum(len(result.new_articles) for result in results)
            forgotten = self.store.forget_before(self.poller.clock() - self.retention)
            if forgotten:
                log.info("forgot %d feed articles older than the %s retention window", forgotten, self.retention)
            if not folder_changed and not arrived and not forgotten:
                return False
            if folder_changed:
                try:
                    corpus, problems = await asyncio.to_thread(
                        lambda: Corpus.from_folder(self.folder, self.max_bytes, max_files=self.max_files,
                                                   max_front_matter_bytes=self.max_front_matter_bytes,
                                                   now=self.poller.clock()))
                    for problem in problems:
                        log.warning("%s", problem)
                    self._folder_articles = corpus.articles
                except CorpusError as error:  # the folder went away: keep what was read, go on with the feeds
                    log.warning("the corpus folder cannot be read (%s); keeping its %d articles read before",
                                error, len(self._folder_articles))
                self._snapshot = snapshot
            rebuilt = await asyncio.to_thread(self._rebuild)
            self.live.replace(rebuilt)
            log.info("corpus now %d articles (%d from feeds this time%s)", len(rebuilt), arrived,
                     ", folder changed" if folder_changed else "")
            return True

    async def add_and_poll(self, url: str, interval: timedelta, guild_id: int = 0) -> PollResult:
        """Follow a new source and poll it at once (its first poll is background, not news)."""
        source = self.store.add(url, canonical_url(url), interval, guild_id)
        async with self._busy:
            result = await self.poller.poll(source)
            if result.new_articles:
                self.live.replace(await asyncio.to_thread(self._rebuild))
        return result

    def _rebuild(self) -> Corpus:
        return ready(assemble(self._folder_articles, self.store.held_articles, self.retention))
