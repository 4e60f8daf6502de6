"""Tenancy: each server sees the operator's corpus (the folder) plus the feeds it follows, and nothing else.

The live corpus holds every article once (the operator's view, for the terminal), indexed and grouped once. A
server's corpus is a view of it (`Corpus.view`: the index sliced, the stories restricted and named again from
what the server sees): the folder's articles and those of the feeds the server follows, passed through each
source's keyword filter, with duplicates dropped only among what that server can see (so another server's feed
never drops, replaces or outranks one of mine). A view is made on first use and kept while its articles are
unchanged (a cache keyed by what it holds, bounded in size). `server_corpus` is the one seam that makes a view.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.storage.database import HeldArticle, Source, SourceStore
from briefings.corpus import Article, Corpus
from briefings.dedup import Deduplicator
from briefings.filters import KeywordFilter

log = logging.getLogger(__name__)

DEFAULT_VIEW_CACHE = 16  # server views kept built (index and stories); a view not kept is rebuilt on its next use


@dataclass(frozen=True, eq=False)
class Holdings:
    """What the live corpus is made of: the folder's articles and each feed's, oldest fetched first."""

    folder: tuple[Article, ...] = ()
    by_feed: dict[int, tuple[HeldArticle, ...]] = field(default_factory=dict)
    folder_version: int = 0  # changes whenever the folder's articles do
    folder_corpus: Corpus | None = None  # the folder alone, kept so its index is built once (DMs, new servers)

    def feed_version(self, feed_id: int) -> tuple[int, str]:
        """Identify what a feed holds now (its article count and newest id): a view over it is current while equal."""
        items = self.by_feed.get(feed_id, ())
        return (len(items), items[-1].article.id if items else "")


def holdings_of(folder: Corpus, held: Sequence[HeldArticle], folder_version: int = 0) -> Holdings:
    """Group stored feed articles by feed (an article the folder also holds is the folder's)."""
    known = {article.id for article in folder}  # an article the folder also holds is the folder's
    by_feed: dict[int, list[HeldArticle]] = {}
    for item in held:
        if item.article.id not in known:
            by_feed.setdefault(item.feed_id, []).append(item)
    return Holdings(folder.articles, {feed: tuple(items) for feed, items in by_feed.items()}, folder_version, folder)


@dataclass(frozen=True, slots=True)
class Reading:
    """One feed as a reader follows it: through a keyword filter, with what was there before it followed."""

    feed_id: int
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    backfill_until: datetime | None = None

    @classmethod
    def of(cls, source: Source) -> Reading:
        """Read a server's source."""
        return cls(source.feed_id, source.include, source.exclude, source.backfill_until)


def server_corpus(holdings: Holdings, sources: Sequence[Source], everything: Corpus | None = None) -> Corpus:
    """Build one server's corpus: the folder plus the feeds it follows, filtered and de-duplicated among themselves.

    A view that holds only the folder, or everything there is, is that corpus itself (its index is not built twice).
    """
    return corpus_of(holdings, [Reading.of(source) for source in sorted(sources, key=lambda s: s.id)], everything)


def everything_corpus(holdings: Holdings, previous: Corpus | None = None) -> Corpus:
    """Build the corpus of every article held (the folder and every feed's), the one each reader's view slices.

    Nothing is dropped between feeds here: which copy of an item a reader keeps depends on the feeds it reads.
    With `previous` (the one built before) it is built incrementally (`Corpus.updated`).
    """
    fed = [item for feed in sorted(holdings.by_feed) for item in holdings.by_feed[feed]]
    articles = holdings.folder + tuple(item.article for item in fed)
    background = frozenset(item.article.id for item in fed if item.backfill)
    return previous.updated(articles, background) if previous is not None else Corpus(articles, background)


def operator_corpus(holdings: Holdings, everything: Corpus | None = None) -> Corpus:
    """Build the operator's corpus: the folder and every feed, de-duplicated as a server's is.

    A view of `everything` when given.
    """
    return corpus_of(holdings, [Reading(feed_id) for feed_id in sorted(holdings.by_feed)], everything)


def corpus_of(holdings: Holdings, readings: Sequence[Reading], everything: Corpus | None = None) -> Corpus:
    """Build a corpus from the folder and feeds read in this order (the first to carry an item keeps it).

    The same item reached through two of the feeds (the same canonical URL) counts once; so does a re-post of an
    outlet's article by another of the feeds under the same outlet (near-identical text, MinHash LSH, checked only
    for outlets that more than one of the feeds carry). GUIDs are a feed's own (unique within it, not across
    feeds), so they are matched only within a feed, at ingestion. A feed's articles fetched before the reader followed
    it, or in its first poll, are background (never "what changed").
    """
    chosen, background = _read(holdings, readings)
    if everything is not None and len(chosen) == len(everything) and frozenset(background) == everything.backfill:
        return everything  # first: with no feeds at all, the folder's corpus is the operator's, counted once
    if len(chosen) == len(holdings.folder) and holdings.folder_corpus is not None:
        return holdings.folder_corpus
    if everything is None:
        return Corpus(tuple(chosen), frozenset(background))
    # A view of the operator's corpus: its index sliced, its stories restricted (each story named again from
    # the articles this reader sees), so no text is stemmed again and no story is grouped again per server.
    return replace(everything.view(article.id for article in chosen), backfill=frozenset(background))


def _read(holdings: Holdings, readings: Sequence[Reading]) -> tuple[list[Article], set[str]]:
    """Return the articles the readings keep, in order, and which of them are background."""
    chosen: list[Article] = list(holdings.folder)
    background: set[str] = set()
    urls: set[str] = set()
    carriers: dict[str | None, set[int]] = {}
    for reading in readings:
        for item in holdings.by_feed.get(reading.feed_id, ()):
            carriers.setdefault(item.article.source, set()).add(reading.feed_id)
    shared = {outlet for outlet, feeds in carriers.items() if len(feeds) > 1}
    reposts = Deduplicator() if shared else None
    for reading in readings:
        items = holdings.by_feed.get(reading.feed_id, ())
        keyword_filter = KeywordFilter(reading.include, reading.exclude)
        kept = keyword_filter.kept(item.article for item in items) if keyword_filter else None
        for item in items:
            article = item.article
            if kept is not None and article.id not in kept:
                continue
            if item.canonical_url and item.canonical_url in urls:
                continue
            if reposts is not None and article.source in shared:
                if reposts.check(None, None, article.body, article.source).reason == "text":
                    continue
                reposts.remember(article.id, None, None, article.body, article.source)
            urls.update([item.canonical_url] if item.canonical_url else [])
            chosen.append(article)
            if item.backfill or (reading.backfill_until is not None and item.fetched_at <= reading.backfill_until):
                background.add(article.id)
    return chosen, background


class Tenancy:
    """Hands each server (and the operator) its view of the live corpus."""

    def __init__(self, everything: Callable[[], Corpus], holdings: Callable[[], Holdings],
                 store: SourceStore | None = None, cache_size: int = DEFAULT_VIEW_CACHE) -> None:
        self._everything = everything  # every article held: each server's corpus is a view of it
        self._holdings = holdings
        self.store = store
        self.cache_size = cache_size
        self._views: OrderedDict[Hashable, Corpus] = OrderedDict()
        self._lock = threading.Lock()


    def sources(self, guild_id: int | None) -> list[Source]:
        """Return the sources a server follows (none outside a server: a DM sees the operator's folder)."""
        if not guild_id or self.store is None:
            return []
        return self.store.all(guild_id)

    def server(self, guild_id: int | None) -> Corpus:
        """Return a server's corpus (built now if no current one is kept); None or 0 (a DM) sees the folder."""
        holdings = self._holdings()
        sources = self.sources(guild_id)
        key = _view_key(holdings, sources)
        view = self._kept(key)
        if view is not None:
            return view
        view = server_corpus(holdings, sources, self._everything())
        with self._lock:
            self._views[key] = view
            while len(self._views) > self.cache_size:
                self._views.popitem(last=False)
        return view

    def kept_server(self, guild_id: int | None) -> Corpus | None:
        """Return a server's corpus if its current one is kept, else None (never builds one; reads the store)."""
        return self._kept(_view_key(self._holdings(), self.sources(guild_id)))

    def _kept(self, key: Hashable) -> Corpus | None:
        with self._lock:
            view = self._views.get(key)
            if view is not None:
                self._views.move_to_end(key)
            return view


def _view_key(holdings: Holdings, sources: Sequence[Source]) -> Hashable:
    """Name a server's view by what it is made of: the folder's version and each followed feed's, with its filters."""
    return (holdings.folder_version,
            tuple((s.feed_id, holdings.feed_version(s.feed_id), s.include, s.exclude, s.backfill_until)
                  for s in sorted(sources, key=lambda s: s.id)))

