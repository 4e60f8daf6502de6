"""The corpus the bot answers from, replaced whole when articles arrive (readers never see half an update)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from briefings.corpus import Article, Corpus
from briefings.index import CorpusIndex

if TYPE_CHECKING:
    from bot.ingestion.tenancy import Holdings

log = logging.getLogger(__name__)


class LiveCorpus:
    """Holds the current corpus (everything: the operator's view) and what it is made of; a rebuild swaps both in."""

    def __init__(self, corpus: Corpus) -> None:
        from bot.ingestion.tenancy import Holdings, Tenancy  # noqa: PLC0415 - tenancy imports this module's users

        self._current = corpus
        self._everything = corpus  # every article held, the one servers' views slice (the operator's may drop copies)
        self._holdings = Holdings(corpus.articles, folder_corpus=corpus)
        self._lock = threading.Lock()
        self._counted: CorpusIndex | None = None  # the topics last counted, of a corpus replaced since
        self.tenancy = Tenancy(lambda: self._everything, lambda: self._holdings)

    @property
    def topic_index(self) -> CorpusIndex:
        """Return the index to read topics from (autocomplete, suggestions), never waiting for a count.

        The current corpus's once its topics are counted, until then the last one whose are (one swap behind: a
        swap never waits for the count). Call it on the engine thread: with no topics counted yet, the current
        corpus's are counted now.
        """
        from briefings.topics import topics_counted  # noqa: PLC0415

        corpus = self._current
        if "index" in corpus.__dict__ and topics_counted(corpus.index):
            self._counted = None  # the current corpus's are served: the table held for meanwhile can go
            return corpus.index
        return self._counted if self._counted is not None else corpus.index

    @property
    def current(self) -> Corpus:
        """Return the corpus as it is now."""
        return self._current

    @property
    def holdings(self) -> Holdings:
        """Return what the current corpus is made of (the folder's articles and each feed's)."""
        return self._holdings

    @property
    def everything(self) -> Corpus:
        """Return the corpus of every article held (each server's corpus is a view of it)."""
        return self._everything

    def replace(self, corpus: Corpus, holdings: Holdings | None = None, everything: Corpus | None = None) -> None:
        """Swap in a new corpus (and what it is made of, and every article held); readers never see half an update."""
        from briefings.topics import held_topics, topics_counted  # noqa: PLC0415

        with self._lock:
            before = self._current
            if "index" in before.__dict__ and topics_counted(before.index):
                # Served until the new corpus's topics are counted: the table alone, not the replaced index.
                self._counted = held_topics(before.index)
            self._current = corpus
            self._everything = everything if everything is not None else corpus
            if holdings is not None:
                self._holdings = holdings

    def server(self, guild_id: int | None) -> Corpus:
        """Return a server's view (the folder and the feeds it follows); None (a DM) sees the folder."""
        return self.tenancy.server(guild_id)

    def topic_index_for(self, guild_id: int | None) -> CorpusIndex:
        """Return the index a server's topics are read from (autocomplete): the counted one if it sees everything."""
        view = self.server(guild_id)
        return self.topic_index if view is self._current else view.index


def folder_snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Return each article file's modification time and size, to notice new and changed files.

    Links are not followed (a dangling or looping one must not stop the watch) and an entry that vanishes while
    it is looked at is left out; reading the folder then says what is wrong with each.
    """
    snapshot: dict[str, tuple[int, int]] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".txt"):
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    snapshot[entry.name] = (info.st_mtime_ns, info.st_size)
    except OSError:  # the folder is gone or unreadable: nothing to compare
        return {}
    return snapshot


def assemble(folder_articles: tuple[Article, ...], stored: Callable[[datetime], list[tuple[Article, bool]]],
             retention: timedelta, previous: Corpus | None = None) -> Corpus:
    """Build the corpus from the folder's articles and the stored feed articles within the retention window.

    `stored` returns each stored article with whether it came as a feed's back-catalogue. With `previous` (the
    corpus now served), the new one is built from it incrementally: a few new feed articles are indexed and
    assigned to stories alone, expired and removed ones are dropped from a view, nothing else is redone.
    """
    known = {article.id for article in folder_articles}
    extra = [(article, backfill) for article, backfill in stored(datetime.now(UTC) - retention)
             if article.id not in known]
    articles = folder_articles + tuple(article for article, _ in extra)
    backfill = frozenset(article.id for article, flag in extra if flag)
    return previous.updated(articles, backfill) if previous is not None else Corpus(articles, backfill)


def ready(corpus: Corpus, topics: bool = True) -> Corpus:
    """Build a corpus's index, stories and (unless told not to) topic table now, not in the first command.

    Called off the event loop: counting topics takes seconds on a large corpus. A swap builds the index and
    stories first (incremental: fast), swaps, then counts the topics (`count_topics`).
    """
    corpus.index  # noqa: B018
    corpus.stories  # noqa: B018
    corpus.keep_growing()  # the next swap then computes only the stories new articles touch
    if topics:
        count_topics(corpus)
    return corpus


class TopicSchedule:
    """Say when a corpus swapped in gets its topic table counted, and remember which corpus was counted last.

    Counting reads every article (83-141 s at 100,000 articles): after every swap, a bot fed every half minute
    would count without end, a core given to autocomplete. The table is counted again once the articles changed
    by `share` since the one counted (added and gone alike), or once it is `after` seconds old and anything
    changed; until then autocomplete and suggestions serve the last one counted (`LiveCorpus.topic_index`),
    while new articles are answerable at once (summaries never read the topic table).
    """

    def __init__(self, share: float = 0.02, after: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.share = share
        self.after = after
        self.clock = clock
        self._counted: frozenset[str] | None = None  # the ids of the corpus counted last
        self._at = 0.0

    def due(self, corpus: Corpus) -> bool:
        """Tell whether this corpus's topics should be counted now."""
        if self._counted is None:
            return True
        changed = len(self._counted.symmetric_difference(article.id for article in corpus.articles))
        return changed >= self.share * max(len(corpus), 1) or (changed > 0 and self.clock() - self._at >= self.after)

    def counted(self, corpus: Corpus) -> None:
        """Remember that this corpus's topics were counted."""
        self._counted = frozenset(article.id for article in corpus.articles)
        self._at = self.clock()


def count_topics(corpus: Corpus) -> None:
    """Count a corpus's topics (kept with its index; LiveCorpus.topic_index serves them once counted)."""
    from briefings.topics import corpus_topics  # noqa: PLC0415

    corpus_topics(corpus.index)
