"""Following feeds: poll each on its own interval, keep new articles, back off from failing feeds.

A failing feed is polled again after its interval doubled for each failure in a row (at most a day), and
paused after eight; its stored reason shows in the source list. It never affects other sources or the corpus.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from bot.fetch import Fetcher, FetchError
from bot.storage import Source, SourceStore, StoredArticle
from briefings.corpus import Article
from briefings.dedup import Deduplicator
from briefings.feeds import FeedError, canonical_url, entry_document, entry_id, parse_feed

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
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.seen = Deduplicator()
        for held in store.articles():
            self.seen.remember(held.id, held.guid, held.canonical_url, held.document, held.outlet)

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
            feed = parse_feed(fetched.body, fetched.content_type)
        except (FetchError, FeedError) as error:
            return self._failed(source, str(error))
        outlet = feed.title or urlsplit(source.url).hostname
        new: list[Article] = []
        duplicates = 0
        for entry in feed.entries:
            verdict = self.seen.check(entry.guid, entry.url, entry.text, outlet)
            if not verdict.new:
                duplicates += 1
                continue
            document = entry_document(entry, outlet)
            article = Article.from_text(entry_id(entry), document)
            if not article.sentences:
                continue
            stored = StoredArticle(article.id, source.id, entry.guid,
                                   canonical_url(entry.url) if entry.url else None, outlet,
                                   backfill=not source.first_poll_done, document=document)
            if self.store.add_article(stored, article.published):
                self.seen.remember(article.id, entry.guid, entry.url, document, outlet)
                new.append(article)
        self.store.polled(source.id, ok=True, next_poll=self.clock() + source.interval, etag=fetched.etag,
                          last_modified=fetched.last_modified, title=feed.title)
        log.info("source %s: %d new articles, %d already held", source.id, len(new), duplicates)
        return PollResult(source.id, tuple(new), duplicates)

    def _failed(self, source: Source, reason: str) -> PollResult:
        wait = min(source.interval * (2 ** (source.failures + 1)), MAX_BACKOFF)
        self.store.polled(source.id, ok=False, error=reason, next_poll=self.clock() + wait,
                          pause_after=PAUSE_AFTER_FAILURES)
        log.warning("source %s (%s) failed: %s; next try in %s", source.id, source.url, reason, wait)
        return PollResult(source.id, error=reason)
