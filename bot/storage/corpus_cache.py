"""The built corpus kept between commands: articles, index and stories in the state folder, reused when unchanged.

One NumPy `.npz` file a corpus folder (`corpus-<hash of the folder>.npz`), read with `allow_pickle=False`: its
arrays hold the index (term ids, sentence offsets), the story grouping and every article's body in one UTF-8
text (each sentence a place in its body), and one JSON document (stored as bytes) the articles' other fields,
the vocabulary and what it was built from: each file's name, size and modification time,
the reading limits, the stored feed articles, the cache version and a fingerprint of the engine's code. A file
whose name, size and time are unchanged is not read again; a few new or changed files are read and added
incrementally (the index reads only them; newer articles continue the story grouping). A cache that is missing,
stale, damaged or from other code is rebuilt silently, never trusted: every array is checked against the rest.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import secrets
import tempfile
import threading
import weakref
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from briefings.corpus import Article, ArticleError, Corpus, LoadProblem, article_entries
from briefings.index import CorpusIndex
from briefings.sentence_runs import SentencePool, SentenceRuns
from briefings.stories import StoryTable, naming
from briefings.topics import Topic, counted_topics, remember_topics

log = logging.getLogger(__name__)

CACHE_VERSION = 3  # 2: bodies and sentences as places in one text; 3: records appended, sentences made when read
_FUTURE = "has a 'published' date in the future"  # refused for now only: such a file is read again each time
PARALLEL_FROM = 200  # files to read before worker processes pay for themselves
MAX_READERS = 4
READ_CHUNK = 50  # files a worker reads per task
_ENGINE = Path(__file__).resolve().parent.parent.parent / "briefings"


# The kept corpus each loaded index is (its file and build), while the index lives: where its topics are kept.
_KEPT: weakref.WeakKeyDictionary[CorpusIndex, tuple[Path, str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Limits:
    """The reading limits a cached article was read under (other limits: the file is read again)."""

    max_bytes: int
    max_front_matter_bytes: int
    max_files: int


@dataclass
class _Cached:
    files: dict[str, tuple[int, int, int, str | None]]  # name -> size, mtime_ns, article number or -1, problem
    feed: dict[str, int]  # stored feed article id -> article number
    corpus: Corpus
    build: str  # names this build of the kept corpus (its kept topics name it too)
    kept: _Kept | None = None  # the file it was read from, to append to


def cache_path(state_dir: Path, folder: Path) -> Path:
    """Return the cache file of a corpus folder."""
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return state_dir / f"corpus-{digest}.kept"


def load_corpus(folder: Path, state_dir: Path, limits: Limits, now: datetime,
                stored: Callable[[dict[str, Article]], list[tuple[Article, bool]]] | None = None,
                on_progress: Callable[[int, int], None] | None = None) -> tuple[Corpus, tuple[LoadProblem, ...]]:
    """Return the folder's corpus (with the stored feed articles `stored` gives), indexed and grouped.

    `stored` is handed the feed articles read before, by id, so that it need not parse them again.
    """
    with _collection_paused():
        return _load_corpus(folder, state_dir, limits, now, stored, on_progress)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a corpus is made: it holds millions of objects, none garbage.

    Each collection would walk every object made so far (a third of an unchanged run's load at 10,000 articles);
    reference counting still frees what is dropped, and the collector runs again afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load_corpus(folder: Path, state_dir: Path, limits: Limits, now: datetime,
                 stored: Callable[[dict[str, Article]], list[tuple[Article, bool]]] | None,
                 on_progress: Callable[[int, int], None] | None) -> tuple[Corpus, tuple[LoadProblem, ...]]:
    entries, problems = article_entries(folder, limits.max_files)
    path = cache_path(state_dir, folder)
    cached = _read(path, limits)
    files: dict[str, tuple[int, int, int, str | None]] = {}
    slots: list[Article | LoadProblem | None] = []  # each entry's article or problem, in the folder's order
    to_read: list[tuple[int, Path, int, int]] = []  # slot, file, size, time
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError as error:
            slots.append(LoadProblem(Path(entry.path), f"cannot be read ({error.strerror or error})"))
            continue
        known = cached.files.get(entry.name) if cached is not None else None
        if known is not None and known[:2] == (info.st_size, info.st_mtime_ns) and not (known[3] or "").startswith(
                _FUTURE):
            if known[2] >= 0:
                slots.append(cached.corpus.articles[known[2]])  # type: ignore[union-attr]
            else:
                slots.append(LoadProblem(Path(entry.path), known[3]) if known[3] is not None else None)
            files[entry.name] = (info.st_size, info.st_mtime_ns, -1, known[3])
            continue
        to_read.append((len(slots), Path(entry.path), info.st_size, info.st_mtime_ns))
        slots.append(None)
    done = len(entries) - len(to_read)
    if on_progress is not None and entries:
        on_progress(done, len(entries))

    def progress(count: int) -> None:
        if on_progress is not None:
            on_progress(done + count, len(entries))

    outcomes, gathered = _read_files([file for _, file, _, _ in to_read], limits, now, progress)
    for (slot, file, size, mtime), outcome in zip(to_read, outcomes, strict=True):
        slots[slot] = outcome if isinstance(outcome, Article) else LoadProblem(file, outcome)
        files[file.name] = (size, mtime, -1, None if isinstance(outcome, Article) else outcome)
    articles = [slot for slot in slots if isinstance(slot, Article)]
    problems.extend(slot for slot in slots if isinstance(slot, LoadProblem))
    folder_ids = {article.id for article in articles}
    held_feed = ({article_id: cached.corpus.articles[number] for article_id, number in cached.feed.items()}
                 if cached is not None else {})
    feed = [(article, backfill) for article, backfill in (stored(held_feed) if stored is not None else [])
            if article.id not in folder_ids]
    every = tuple(articles) + tuple(article for article, _ in feed)
    backfill = frozenset(article.id for article, flag in feed if flag)
    for problem in problems:
        log.info("%s", problem)
    corpus = _corpus(every, backfill, cached)
    if cached is None and gathered is not None and len(corpus.articles) == len(gathered.articles) and all(
            a is b for a, b in zip(corpus.articles, gathered.articles, strict=True)):
        corpus.__dict__["index"] = _index_of(gathered)  # every article just read: indexed from what was read
    build: str | None
    if cached is None or corpus is not cached.corpus:
        corpus.stories  # noqa: B018 - built now, to be kept
        build = _write(path, limits, corpus, files, {article.id for article, _ in feed}, cached)
    else:
        build = cached.build
        _restore_topics(path, build, corpus.index)
    if build is not None:
        _KEPT[corpus.index] = (path, build)
    return corpus, tuple(problems)


def _read_files(files: list[Path], limits: Limits, now: datetime,
                progress: Callable[[int], None]) -> tuple[list[Article | str], _Gathered | None]:
    """Read article files (each an article, or why it cannot be used), in worker processes when there are many.

    Reading is most of a cold load (parsing, cleaning, splitting sentences, finding terms) and each file is read
    alone, so it is spread over the machine's cores. Only from a process with one thread: fork copies a process
    whose other threads may hold locks (the running bot reads a few files at a time, in its own threads, one by
    one). Returns the outcomes in the files' order, and the articles gathered to be indexed without reading again.
    """
    if not files:
        return [], None  # nothing new: no process pool imported
    import multiprocessing  # noqa: PLC0415 - only a large first read needs worker processes
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
                  MAX_READERS)
    batches: list[_Batch] = []
    if len(files) < PARALLEL_FROM or workers < 2 or threading.active_count() > 1 or \
            "fork" not in multiprocessing.get_all_start_methods():
        read = 0
        known = _Terms()  # this reading's own: the running bot may read in several threads at once
        for start in range(0, len(files), READ_CHUNK):
            batches.append(_read_batch(files[start : start + READ_CHUNK], limits, now, known))
            read += len(batches[-1].outcomes)
            progress(read)
        return _gather(batches)
    chunks = [files[start : start + READ_CHUNK] for start in range(0, len(files), READ_CHUNK)]
    read = 0
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for batch in pool.map(_read_batch, chunks, [limits] * len(chunks), [now] * len(chunks)):
            batches.append(batch)
            read += len(batch.outcomes)
            progress(read)
    return _gather(batches)


_READERS_NORMALIZERS: dict[str, Any] = {}  # the normalizers a reading process made, by language


class _Terms:
    """A reading process's terms: one numbering for all its batches, and each sentence's term numbers remembered.

    The copies of a wire story repeat most sentences, so a sentence read before is not tokenised and stemmed
    again. Held for one reading (a worker's pool, or one `_read_files` in the reading process itself) and bounded:
    past `LIMIT` sentences it starts again from empty.
    """

    LIMIT = 1 << 16  # sentences remembered (about 30 MB at most)

    def __init__(self) -> None:
        self.names: list[str] = []
        self.numbers: dict[str, int] = {}
        self.sentences: dict[tuple[str, str], list[int]] = {}

    def of(self, text: str, language: str, terms: Callable[[str], list[str]]) -> list[int]:
        """Return the term numbers of one sentence of a language, read by `terms`."""
        key = (language, text)
        known = self.sentences.get(key)
        if known is None:
            if len(self.sentences) >= self.LIMIT:
                self.sentences.clear()
            numbers, names = self.numbers, self.names
            known = []
            for term in terms(text):
                number = numbers.get(term)
                if number is None:
                    number = numbers[term] = len(names)
                    names.append(term)
                known.append(number)
            self.sentences[key] = known
        return known


_READERS_TERMS = _Terms()  # a worker process's (forked empty: the process that reads in one passes its own)


@dataclass
class _Batch:
    """Article files read together (by one worker): the articles, their sentences as places, and their terms.

    The articles come without their sentences (`sentences` is empty): each sentence is a place in its article's
    body (`pieces` < 0 for one kept as a text of its own, `extras`), so that the process that gathers the batches
    makes no sentence object, and its terms are the batch's own term numbers (`terms` names them).
    """

    outcomes: list[Article | str]  # each file's article, or why it was skipped
    counts: list[int]  # each article's number of sentences
    pieces: np.ndarray  # each sentence's article in the batch, or -1 - its number in extras
    starts: np.ndarray
    ends: np.ndarray
    positions: np.ndarray
    extras: list[str]
    terms: list[str]
    term_ids: np.ndarray
    term_counts: np.ndarray


def _read_batch(files: list[Path], limits: Limits, now: datetime, known: _Terms | None = None) -> _Batch:
    """Read some article files, finding each sentence in its body and its terms (as the index reads them).

    `known` is what the reading remembers of sentences; by default the process's own (a worker reading for one
    pool, which ends with it).
    """
    from briefings.text import normalizer_for  # noqa: PLC0415

    normalizers = _READERS_NORMALIZERS  # one a language for all the batches a process reads: each remembers words
    if known is None:
        known = _READERS_TERMS
    outcomes: list[Article | str] = []
    counts: list[int] = []
    pieces: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    positions: list[int] = []
    term_ids: list[int] = []
    term_counts: list[int] = []
    for file in files:
        try:
            article, places = Article.places_from_path(file, limits.max_bytes, now=now, follow_symlinks=False,
                                                       max_front_matter_bytes=limits.max_front_matter_bytes)
        except ArticleError as error:
            outcomes.append(str(error))
            continue
        number = len(counts)
        language = article.language
        normalizer = normalizers.get(language)
        if normalizer is None:
            normalizer = normalizers[language] = normalizer_for(language)
        terms = normalizer.terms
        body = article.body
        for start, end in places:
            ids = known.of(body[start:end], language, terms)
            term_ids.extend(ids)
            term_counts.append(len(ids))
            starts.append(start)
            ends.append(end)
        pieces.extend([number] * len(places))
        positions.extend(range(len(places)))
        counts.append(len(places))
        outcomes.append(article)
    # The batch names only the terms it uses, numbered in it (the process's numbers mean nothing elsewhere).
    used, local = np.unique(np.asarray(term_ids, dtype=np.int64), return_inverse=True)
    names = known.names
    return _Batch(outcomes, counts, np.asarray(pieces, dtype=np.int64), np.asarray(starts, dtype=np.int32),
                  np.asarray(ends, dtype=np.int32), np.asarray(positions, dtype=np.int32), [],
                  [names[int(term)] for term in used.tolist()], local.astype(np.int32),
                  np.asarray(term_counts, dtype=np.int32))


@dataclass
class _Gathered:
    """The articles of read batches in corpus order, with what their index is made of (see `_index_of`)."""

    articles: tuple[Article, ...]
    owners: np.ndarray
    term_ids: np.ndarray  # numbered in `terms`, ordered by first use in corpus order as CorpusIndex.build numbers
    term_counts: np.ndarray
    terms: list[str]
    pool: SentencePool


def _gather(batches: list[_Batch]) -> tuple[list[Article | str], _Gathered | None]:
    """Return the outcomes of read batches, in their order, each article with its sentences kept as places.

    The articles are put in corpus order (as Corpus sorts them) and their sentences, places and terms with them,
    so that the index over them is made from these arrays, without a sentence object or a term looked up again.
    """
    from dataclasses import replace  # noqa: PLC0415

    from briefings.arrays import ranges  # noqa: PLC0415
    from briefings.corpus import chronological  # noqa: PLC0415

    outcomes: list[Article | str] = []
    read: list[Article] = []
    counts: list[int] = []
    vocabulary: dict[str, int] = {}
    piece_parts, id_parts = [], []
    extras: list[str] = []
    for batch in batches:
        base = len(read)
        read.extend(outcome for outcome in batch.outcomes if isinstance(outcome, Article))
        outcomes.extend(batch.outcomes)
        counts.extend(batch.counts)
        local = np.asarray([vocabulary.setdefault(term, len(vocabulary)) for term in batch.terms], dtype=np.int64)
        id_parts.append(local[batch.term_ids] if batch.term_ids.size else np.zeros(0, dtype=np.int64))
        pieces = batch.pieces.copy()
        inside = pieces >= 0
        pieces[inside] += base
        pieces[~inside] = -1 - (len(extras) + (-1 - pieces[~inside]))  # numbered among every batch's extras
        piece_parts.append(pieces)
        extras.extend(batch.extras)
    if not read:
        return outcomes, None

    def joined(parts: list[np.ndarray], dtype: type[np.generic]) -> np.ndarray:
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)

    file_pieces = joined(piece_parts, np.int64)
    starts = joined([batch.starts for batch in batches], np.int32)
    ends = joined([batch.ends for batch in batches], np.int32)
    positions = joined([batch.positions for batch in batches], np.int32)
    term_counts = joined([batch.term_counts for batch in batches], np.int32)
    file_ids = joined(id_parts, np.int64)
    order = sorted(range(len(read)), key=lambda number: chronological(read[number]))  # as Corpus sorts
    sentence_counts = np.asarray(counts, dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(sentence_counts)])
    by_order = np.asarray(order, dtype=np.int64)
    rows = ranges(first[by_order], sentence_counts[by_order])  # the sentences in corpus order
    token_first = np.concatenate([[0], np.cumsum(term_counts, dtype=np.int64)])
    tokens = ranges(token_first[rows], term_counts[rows].astype(np.int64))
    ids = file_ids[tokens]
    # Terms numbered by first use in corpus order, as CorpusIndex.build numbers them.
    first_use = np.full(len(vocabulary), ids.size, dtype=np.int64)
    np.minimum.at(first_use, ids, np.arange(ids.size, dtype=np.int64))  # each term's first place
    used = np.flatnonzero(first_use < ids.size)
    renumber = np.zeros(len(vocabulary), dtype=np.int64)
    ranked = used[np.argsort(first_use[used])]
    renumber[ranked] = np.arange(ranked.size)
    names = list(vocabulary)
    terms = [names[int(term)] for term in ranked]
    pieces = file_pieces[rows]
    texts = [article.body for article in read] + extras
    pieces[pieces < 0] = len(read) + (-1 - pieces[pieces < 0])
    owners = np.repeat(np.arange(len(read), dtype=np.int64), sentence_counts[by_order])
    ordered = [read[number] for number in order]
    pool = SentencePool(texts, pieces, starts[rows], ends[rows], owners, [a.id for a in ordered], positions[rows],
                        by_order)
    bounds = np.concatenate([[0], np.cumsum(sentence_counts[by_order])]).tolist()
    made = {id(article): replace(article, sentences=SentenceRuns.of_pool(pool, bounds[n], bounds[n + 1]))
            for n, article in enumerate(ordered)}
    outcomes = [made[id(outcome)] if isinstance(outcome, Article) else outcome for outcome in outcomes]
    gathered = _Gathered(tuple(made[id(article)] for article in ordered), owners, renumber[ids].astype(np.int32),
                         term_counts[rows], terms, pool)
    return outcomes, gathered


def _index_of(gathered: _Gathered) -> CorpusIndex:
    """Make the index of gathered articles from their arrays (what CorpusIndex.build would make of them)."""
    from briefings.text import Normalizer, normalizer_for  # noqa: PLC0415

    normalizer = Normalizer()
    normalizers = {normalizer.language: normalizer}
    for language in {article.language for article in gathered.articles} - {normalizer.language}:
        normalizers[language] = normalizer_for(language)
    offsets = np.zeros(gathered.term_counts.size + 1, dtype=np.int64)
    np.cumsum(gathered.term_counts, out=offsets[1:])
    vocabulary = dict(zip(gathered.terms, range(len(gathered.terms)), strict=True))
    return CorpusIndex(gathered.articles, SentenceRuns.of_pool(gathered.pool), gathered.owners, offsets,
                       gathered.term_ids, vocabulary, normalizer, normalizers)


def _corpus(articles: tuple[Article, ...], backfill: frozenset[str], cached: _Cached | None) -> Corpus:
    """Return the cached corpus when nothing changed, else one built from it incrementally (or anew)."""
    return cached.corpus.updated(articles, backfill) if cached is not None else Corpus(articles, backfill)


def _fingerprint() -> str:
    """Fingerprint the engine's code: other code may index or group otherwise, so its cache is not used."""
    digest = hashlib.sha256(str(CACHE_VERSION).encode())
    for source in sorted(_ENGINE.rglob("*.py")):
        info = source.stat()
        digest.update(f"{source.relative_to(_ENGINE)}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()


def keep_topics(index: CorpusIndex) -> None:
    """Keep the topics counted for a loaded corpus's index beside its kept corpus, for the next command to reuse.

    Topics are counted only when a command needs them (a topic nothing mentions, the bot's autocomplete), and
    cost seconds; an index that is not one load_corpus returned, or whose topics are not counted, keeps nothing.
    """
    kept, topics = _KEPT.get(index), counted_topics(index)
    if kept is None or topics is None:
        return
    path, build = kept
    document = {"version": CACHE_VERSION, "build": build,
                "topics": [[t.name, t.articles, t.coverage, list(t.aliases)] for t in topics]}
    _replace(topics_path(path), lambda out: out.write(json.dumps(document, ensure_ascii=False).encode("utf-8")))


def topics_path(path: Path) -> Path:
    """Return where the topics of a kept corpus are kept (a file of their own: they are counted later)."""
    return path.with_name(f"{path.stem}.topics.json")


def _restore_topics(path: Path, build: str, index: CorpusIndex) -> None:
    """Take the topics kept for this very build of the corpus, if any (anything else is ignored: counted anew)."""
    where = topics_path(path)
    if not where.is_file():
        return
    try:
        document = json.loads(where.read_bytes().decode("utf-8"))
        if document.get("version") != CACHE_VERSION or document.get("build") != build:
            return
        topics = tuple(Topic(str(name), int(articles), float(coverage), tuple(str(alias) for alias in aliases))
                       for name, articles, coverage, aliases in document["topics"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as error:
        log.info("the kept topics in %s cannot be used (%s): they are counted again when needed", where, error)
        return
    remember_topics(index, topics)


def _replace(path: Path, write: Callable[[BinaryIO], object]) -> bool:
    """Write a file whole to a temporary file, then rename it (a crash leaves the old one); False if it failed."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, path)
        return True
    except OSError as error:  # a full disk or a read-only state folder: the next command builds again
        log.info("%s could not be kept in %s: %s", path.name, path.parent, error)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False


# The kept file is a series of records, each appended after the last: a record is its arrays (each at a multiple
# of 8 bytes), then its trailer (JSON) saying where every part of the kept corpus is, in this record or earlier
# ones, then the trailer's length (8 bytes, little-endian) and MAGIC. The last record's trailer is the corpus.
MAGIC = b"BBKEPT03"
_TAIL = 16
# Parts that grow with the articles: a record appends the new articles' share of each (the others are replaced).
_GROWING = frozenset({"pieces", "piece_bytes", "body_piece", "sentence_piece", "sentence_start", "sentence_end",
                      "positions", "sentence_article", "term_counts", "term_ids", "articles", "vocabulary", "files"})
_DTYPES: dict[str, Any] = {
    "pieces": np.uint8, "piece_bytes": np.int64, "body_piece": np.int64, "sentence_piece": np.int64,
    "sentence_start": np.int32, "sentence_end": np.int32, "positions": np.int32, "sentence_article": np.int32,
    "term_counts": np.int32, "term_ids": np.int32, "members": np.int64, "member_counts": np.int64,
    "centrality": np.float64, "follows": np.int64, "article_frequency": np.float64, "centroid_data": np.float64,
    "centroid_indices": np.int32, "centroid_indptr": np.int64,
}
_JSON = frozenset({"articles", "vocabulary", "files", "feed", "backfill", "stories"})
# Large parts are checked by what they hold (text decoded, term ids within the vocabulary), not by a checksum.
_UNSUMMED = frozenset({"pieces", "term_ids"})
COMPACT = 0.5  # a kept file more than this share superseded (records appended since) is written anew


@dataclass
class _Kept:
    """The kept file a corpus was read from, as it was: a record can be appended while it is unchanged."""

    path: Path
    device: int
    inode: int
    size: int
    trailer: dict[str, Any]
    articles: tuple[Article, ...]
    terms: int  # the vocabulary's size
    sentences: int
    pieces: int
    index: CorpusIndex | None = None  # the index read from it


def _write(path: Path, limits: Limits, corpus: Corpus, files: dict[str, tuple[int, int, int, str | None]],
           feed: set[str], cached: _Cached | None = None) -> str | None:
    """Keep the built corpus, and return the name of this build of it (None if it could not be written).

    When the corpus only adds newer articles to the kept one, a record of what they add is appended to the kept
    file; otherwise (or once the file is mostly superseded records) the file is written anew.
    """
    build = secrets.token_hex(8)  # what the kept topics are counted for
    number = {article.id: position for position, article in enumerate(corpus.articles)}
    by_name: dict[str, Any] = {}
    for name, (size, mtime, _, problem) in files.items():
        stem = name[: -len(".txt")] if name.endswith(".txt") else name
        by_name[name] = [size, mtime, number.get(stem, -1) if problem is None else -1, problem]
    head = {"version": CACHE_VERSION, "build": build, "engine": _fingerprint(),
            "limits": [limits.max_bytes, limits.max_front_matter_bytes]}
    kept = cached.kept if cached is not None else None
    if kept is not None and _appendable(kept, corpus):
        held = cached.files if cached is not None else {}
        changed: dict[str, Any] = {name: value for name, value in by_name.items()
                                   if tuple(value) != tuple(held.get(name, ())) }
        changed.update({name: None for name in held if name not in by_name})  # gone (a skipped file removed)
        parts = _parts(corpus, feed, number, changed, kept)
        if _append(kept, head, parts):
            return build
    parts = _parts(corpus, feed, number, by_name, None)
    with suppress(OSError):
        path.with_suffix(".npz").unlink(missing_ok=True)  # the previous format's file, if any
    return build if _replace(path, lambda out: _write_record(out, 0, head, parts, None)) else None


def _appendable(kept: _Kept, corpus: Corpus) -> bool:
    """Tell whether the corpus is the kept one with newer articles after it, indexed from it (terms appended)."""
    articles, index = corpus.articles, corpus.index
    count = len(kept.articles)
    if len(articles) < count or any(a is not b for a, b in zip(articles[:count], kept.articles, strict=False)):
        return False
    if len(index.vocabulary) < kept.terms or int(np.searchsorted(index.sentence_article, count)) != kept.sentences:
        return False
    held = kept.index
    if held is None or index.offsets[kept.sentences] != held.term_ids.size or not np.array_equal(
            index.term_ids[: held.term_ids.size], held.term_ids):
        return False  # indexed otherwise: the kept sentences' terms are not what the file holds
    return all(a is b or a == b for a, b in zip(index.vocabulary, held.vocabulary, strict=False)) and _mostly_live(
        kept)


def _mostly_live(kept: _Kept) -> bool:
    """Tell whether the kept file is still mostly what it holds now (else it is written anew)."""
    return int(kept.trailer.get("dead", kept.size)) <= COMPACT * kept.size


def _parts(corpus: Corpus, feed: set[str], number: dict[str, int], files: dict[str, Any],
           kept: _Kept | None) -> dict[str, Any]:
    """Return what a record holds: the articles after the kept ones (all when there is none), stories whole."""
    index, table = corpus.index, corpus.story_table
    first_article = len(kept.articles) if kept is not None else 0
    first_sentence = kept.sentences if kept is not None else 0
    first_piece = kept.pieces if kept is not None else 0
    first_term = kept.terms if kept is not None else 0
    articles = corpus.articles[first_article:]
    text, piece_bytes, body_piece, sentence_piece, starts, ends, positions = _places(articles, first_piece)
    offsets = index.offsets
    centroids = table.centroids
    parts: dict[str, Any] = {
        "pieces": text, "piece_bytes": piece_bytes, "body_piece": body_piece, "sentence_piece": sentence_piece,
        "sentence_start": starts, "sentence_end": ends, "positions": positions,
        "sentence_article": index.sentence_article[first_sentence:],
        "term_counts": np.diff(offsets[first_sentence:]), "term_ids": index.term_ids[offsets[first_sentence] :],
        "articles": [[a.id, a.title, a.source, a.published.isoformat() if a.published else None, a.url,
                      a.has_headline, a.date_only, a.language] for a in articles],
        "vocabulary": list(index.vocabulary)[first_term:],
        "files": files,
        "feed": {article_id: number[article_id] for article_id in sorted(feed)},
        "backfill": sorted(corpus.backfill),
        "stories": {"names": [naming(story) for story in table.stories], "basis": table.basis,
                    "width": centroids.shape[1] if centroids is not None else -1},
        "members": np.asarray([n for group in table.members for n in group], dtype=np.int64),
        "member_counts": np.asarray([len(group) for group in table.members], dtype=np.int64),
        "centrality": table.centrality, "follows": np.asarray([-1 if f is None else f for f in table.follows]),
        "article_frequency": index.article_frequency,
    }
    if centroids is not None:
        parts.update(centroid_data=centroids.data, centroid_indices=centroids.indices,
                     centroid_indptr=centroids.indptr)
    return parts


def _places(articles: tuple[Article, ...], first_piece: int) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray,
                                                                     np.ndarray, np.ndarray, np.ndarray]:
    """Return the articles' texts (each body, then any sentence its body does not hold) and each sentence's place.

    A sentence is a verbatim piece of its article's body, so it is kept as a place in the body (one text decoded
    per article, then slices); one that is not (an article built otherwise) is kept as a text of its own. The
    places of an article read from the kept corpus are known already: only new articles' sentences are looked for.
    """
    texts: list[bytes] = []
    body_piece = np.zeros(len(articles), dtype=np.int64)
    pieces: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    positions: list[np.ndarray] = []
    for number, article in enumerate(articles):
        body, own = article.body, article.sentences
        body_piece[number] = first_piece + len(texts)
        texts.append(body.encode("utf-8", "surrogatepass"))
        run = own.pool_run() if isinstance(own, SentenceRuns) else None
        known = run[0].places(run[1], run[2], body) if run is not None else None
        if run is not None and known is not None:
            pool, start, _ = run
            begin, finish, places, extra = known
            piece = np.full(len(own), body_piece[number], dtype=np.int64)
            for at in np.flatnonzero(extra).tolist():
                text = pool.text(start + at)
                piece[at] = first_piece + len(texts)
                texts.append(text.encode("utf-8", "surrogatepass"))
                begin[at], finish[at] = 0, len(text)
            pieces.append(piece)
            starts.append(begin)
            ends.append(finish)
            positions.append(places)
            continue
        piece = np.full(len(own), body_piece[number], dtype=np.int64)
        begin = np.zeros(len(own), dtype=np.int32)
        finish = np.zeros(len(own), dtype=np.int32)
        cursor = 0
        for at, sentence in enumerate(own):
            found = body.find(sentence.text, cursor)
            if found < 0:
                found = body.find(sentence.text)
            if found < 0:  # kept as a text of its own
                piece[at] = first_piece + len(texts)
                texts.append(sentence.text.encode("utf-8", "surrogatepass"))
                finish[at] = len(sentence.text)
                continue
            cursor = found
            begin[at], finish[at] = found, found + len(sentence.text)
        pieces.append(piece)
        starts.append(begin)
        ends.append(finish)
        positions.append(np.asarray([sentence.position for sentence in own], dtype=np.int32))

    def joined(chunks: list[np.ndarray], dtype: type[np.generic]) -> np.ndarray:
        return np.concatenate(chunks).astype(dtype, copy=False) if chunks else np.zeros(0, dtype=dtype)

    return (b"".join(texts), np.asarray([len(text) for text in texts], dtype=np.int64), body_piece,
            joined(pieces, np.int64), joined(starts, np.int32), joined(ends, np.int32), joined(positions, np.int32))


def _encoded(name: str, value: object) -> memoryview:
    if name in _JSON:
        return memoryview(json.dumps(value, ensure_ascii=False).encode("utf-8"))
    if name == "pieces":
        return memoryview(value)  # type: ignore[arg-type]
    return np.ascontiguousarray(value, dtype=_DTYPES[name]).data.cast("B")


def _write_record(out: BinaryIO, offset: int, head: dict[str, Any], parts: dict[str, Any],
                  kept: _Kept | None) -> int:
    """Write one record at `offset` of the kept file (its end); return the file's size after it."""
    previous: dict[str, list[list[int]]] = kept.trailer["chunks"] if kept is not None else {}
    chunks: dict[str, list[list[int]]] = {}
    position = offset
    for name, value in parts.items():
        raw = _encoded(name, value)
        padding = -position % 8
        if padding:
            out.write(b"\0" * padding)
            position += padding
        out.write(raw)
        checksum = -1 if name in _UNSUMMED else zlib.crc32(raw)
        chunk = [position, raw.nbytes, checksum]
        position += raw.nbytes
        chunks[name] = [*previous.get(name, []), chunk] if name in _GROWING else [chunk]
    # Bytes of parts this record replaces (and trailers before it), superseded: past COMPACT, written anew.
    dead = int(kept.trailer.get("dead", 0)) + len(json.dumps(kept.trailer)) + sum(
        size for name, listed in previous.items() if name not in _GROWING for _, size, _ in listed) \
        if kept is not None else 0
    trailer = json.dumps({**head, "chunks": chunks, "dead": dead}).encode("utf-8")
    out.write(trailer)
    out.write(len(trailer).to_bytes(8, "little"))
    out.write(MAGIC)
    return position + len(trailer) + _TAIL


def _append(kept: _Kept, head: dict[str, Any], parts: dict[str, Any]) -> bool:
    """Append a record to the kept file, if it is still the one read (else False: it is written anew)."""
    try:
        with kept.path.open("r+b") as out:
            _lock(out, shared=False)
            info = os.fstat(out.fileno())
            if (info.st_dev, info.st_ino, info.st_size) != (kept.device, kept.inode, kept.size):
                return False
            out.seek(kept.size)
            _write_record(out, kept.size, head, parts, kept)
            out.flush()
        return True
    except OSError as error:  # a full disk: the record may be cut short, and the next read builds again
        log.info("the kept corpus could not be appended to in %s: %s", kept.path.parent, error)
        return False


def _lock(handle: BinaryIO, *, shared: bool) -> None:
    """Lock the kept file while a record is appended or read (where the system has advisory locks)."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows: records are appended by one command at a time
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_SH if shared else fcntl.LOCK_EX)


def _read(path: Path, limits: Limits) -> _Cached | None:
    """Return the cached corpus, or None when there is none usable (missing, other code or limits, damaged)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            _lock(handle, shared=True)
            info = os.fstat(handle.fileno())
            trailer = _trailer(handle, info.st_size)
            if trailer.get("version") != CACHE_VERSION or trailer.get("engine") != _fingerprint() or \
                    trailer.get("limits") != [limits.max_bytes, limits.max_front_matter_bytes]:
                log.info("the kept corpus in %s is from other code or limits: building again", path)
                return None
            parts = {name: _part(handle, name, chunks, info.st_size) for name, chunks in trailer["chunks"].items()}
        kept = _Kept(path, info.st_dev, info.st_ino, info.st_size, trailer, (), 0, 0, 0)
        return _rebuild(parts, trailer, kept)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, UnicodeDecodeError,
            EOFError) as error:
        log.info("the kept corpus in %s cannot be used (%s): building again", path, error)
        return None


def _trailer(handle: BinaryIO, size: int) -> dict[str, Any]:
    """Return the last record's trailer of a kept file; ValueError when the file does not end with one."""
    if size < _TAIL:
        raise ValueError("too short to be a kept corpus")
    handle.seek(size - _TAIL)
    tail = handle.read(_TAIL)
    if tail[8:] != MAGIC:
        raise ValueError("not a kept corpus, or cut short")
    length = int.from_bytes(tail[:8], "little")
    if length > size - _TAIL:
        raise ValueError("a trailer longer than the file")
    handle.seek(size - _TAIL - length)
    trailer = json.loads(handle.read(length).decode("utf-8"))
    if not isinstance(trailer, dict) or not isinstance(trailer.get("chunks"), dict):
        raise ValueError("a trailer that names no parts")
    return trailer


def _part(handle: BinaryIO, name: str, chunks: list[list[int]], size: int) -> object:
    """Read one part of the kept corpus: its chunks joined (arrays, text or JSON)."""
    if name not in _DTYPES and name not in _JSON:
        raise ValueError(f"an unknown part {name!r}")
    pieces: list[bytearray] = []
    for offset, length, checksum in chunks:
        if not (isinstance(offset, int) and isinstance(length, int) and 0 <= offset and 0 <= length
                and offset + length <= size):
            raise ValueError(f"part {name!r} lies outside the file")
        data = bytearray(length)
        handle.seek(offset)
        if handle.readinto(data) != length:  # type: ignore[attr-defined]
            raise EOFError(f"part {name!r} is cut short")
        if checksum != -1 and zlib.crc32(data) != checksum:
            raise ValueError(f"part {name!r} does not match its checksum")
        pieces.append(data)
    if name in _JSON:
        values = [json.loads(piece.decode("utf-8")) for piece in pieces]
        if name == "files":
            merged: dict[str, Any] = {}
            for update in values:
                merged.update(update)
            return {key: value for key, value in merged.items() if value is not None}
        if name in ("articles", "vocabulary"):
            return [item for value in values for item in value]
        return values[-1]
    if name == "pieces":
        return pieces[0] if len(pieces) == 1 else bytearray().join(pieces)
    arrays = [np.frombuffer(piece, dtype=_DTYPES[name]) for piece in pieces]
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def _rebuild(parts: dict[str, Any], trailer: dict[str, Any], kept: _Kept) -> _Cached:
    """Make the corpus again from the kept parts; raise ValueError where they do not agree.

    No sentence is made: the index and the articles hold them as places in their texts (`SentencePool`), and a
    sentence becomes an object when a command reads it.
    """
    from briefings.stories import restore_table  # noqa: PLC0415
    from briefings.text import Normalizer  # noqa: PLC0415

    rows, terms = parts["articles"], parts["vocabulary"]
    count = len(rows)
    raw, piece_bytes = parts["pieces"], parts["piece_bytes"]
    bounds = np.concatenate([[0], np.cumsum(piece_bytes)])
    if piece_bytes.size and (piece_bytes.min() < 0 or bounds[-1] != len(raw)):
        raise ValueError("the texts do not agree with their lengths")
    view = memoryview(raw)
    places = bounds.tolist()
    texts = [str(view[places[i] : places[i + 1]], "utf-8", "surrogatepass") for i in range(len(places) - 1)]
    body_piece, sentence_piece = parts["body_piece"], parts["sentence_piece"]
    starts, ends, positions = parts["sentence_start"], parts["sentence_end"], parts["positions"]
    owners, term_counts, term_ids = parts["sentence_article"], parts["term_counts"], parts["term_ids"]
    sentences = owners.size
    lengths = np.asarray([len(text) for text in texts], dtype=np.int64)
    if not (body_piece.shape == (count,) and sentence_piece.shape == starts.shape == ends.shape == positions.shape
            == term_counts.shape == (sentences,) and (count == 0 or (body_piece.min() >= 0
                                                                        and body_piece.max() < len(texts)))
            and (sentences == 0 or (sentence_piece.min() >= 0 and sentence_piece.max() < len(texts)
                                    and starts.min() >= 0 and np.all(ends >= starts)
                                    and np.all(ends <= lengths[sentence_piece])))):
        raise ValueError("the text places do not agree")
    if not (np.all(np.diff(owners) >= 0) and (sentences == 0 or (owners[0] >= 0 and owners[-1] < count))
            and (term_counts.size == 0 or term_counts.min() >= 0) and int(term_counts.sum()) == term_ids.size
            and (term_ids.size == 0 or (term_ids.min() >= 0 and term_ids.max() < len(terms)))):
        raise ValueError("the index arrays do not agree")
    offsets = np.zeros(sentences + 1, dtype=np.int64)
    np.cumsum(term_counts, out=offsets[1:])
    vocabulary = dict(zip(terms, range(len(terms)), strict=True))
    if len(vocabulary) != len(terms):
        raise ValueError("a term is in the vocabulary twice")
    first = np.searchsorted(owners, np.arange(count + 1)).tolist()
    ids = [str(row[0]) for row in rows]
    pool = SentencePool(texts, sentence_piece, starts, ends, owners, ids, positions, body_piece)
    articles = []
    for number, (article_id, title, source, published, url, headline, date_only, language) in enumerate(rows):
        own = SentenceRuns.of_pool(pool, first[number], first[number + 1])
        articles.append(Article(str(article_id), str(title), source, datetime.fromisoformat(published)
                                if published else None, url, texts[int(body_piece[number])], own, bool(headline),
                                bool(date_only), str(language)))
    ordered = tuple(articles)
    normalizer = Normalizer()
    index = CorpusIndex(ordered, SentenceRuns.of_pool(pool), owners.astype(np.int64), offsets,
                        term_ids, vocabulary, normalizer, {normalizer.language: normalizer})
    frequency = parts["article_frequency"]
    if frequency.shape != (len(terms),) or (frequency.size and frequency.min() < 0):
        raise ValueError("the article frequencies do not agree with the vocabulary")
    index.__dict__["article_frequency"] = frequency
    stories = parts["stories"]
    table = restore_table(index, parts["members"], parts["member_counts"], parts["centrality"], parts["follows"],
                          stories["names"])
    table = _with_kept_centroids(table, parts, stories, len(terms))
    corpus = Corpus.prebuilt(ordered, frozenset(parts["backfill"]), index, table)
    if any(held is not article for held, article in zip(corpus.articles, ordered, strict=True)):
        raise ValueError("the articles are not in corpus order")
    files = {str(name): (int(size), int(mtime), int(article), problem)
             for name, (size, mtime, article, problem) in parts["files"].items()}
    if any(article >= count for _, _, article, _ in files.values()):
        raise ValueError("a file names an article the cache does not hold")
    feed = {str(article_id): int(number) for article_id, number in parts["feed"].items()}
    if any(not 0 <= number < count for number in feed.values()):
        raise ValueError("a feed article the cache does not hold")
    kept.articles, kept.terms, kept.sentences, kept.pieces = ordered, len(terms), sentences, len(texts)
    kept.index = index
    return _Cached(files, feed, corpus, str(trailer["build"]), kept)


def _with_kept_centroids(table: StoryTable, parts: dict[str, Any], stories: dict[str, Any],
                         terms: int) -> StoryTable:
    """Return the table with the centroids kept with it (to grow cheaply), checked against it."""
    from dataclasses import replace  # noqa: PLC0415

    from scipy import sparse  # noqa: PLC0415

    width = int(stories["width"])
    if width < 0 or "centroid_indptr" not in parts:
        return table
    data, indices, indptr = parts["centroid_data"], parts["centroid_indices"], parts["centroid_indptr"]
    rows = len(table.members)
    if not (0 < width <= max(terms, 1) and indptr.shape == (rows + 1,) and indptr[0] == 0
            and indptr[-1] == data.size == indices.size and np.all(np.diff(indptr) >= 0)
            and (indices.size == 0 or (indices.min() >= 0 and indices.max() < width))):
        raise ValueError("the story centroids do not agree with the stories")
    centroids = sparse.csr_matrix((data, indices, indptr), shape=(rows, width))
    return replace(table, centroids=centroids, basis=int(stories["basis"]))
