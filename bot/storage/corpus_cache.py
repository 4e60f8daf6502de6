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
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from briefings.corpus import Article, ArticleError, Corpus, LoadProblem, Sentence, article_entries
from briefings.index import CorpusIndex
from briefings.stories import naming
from briefings.topics import Topic, counted_topics, remember_topics

log = logging.getLogger(__name__)

CACHE_VERSION = 2  # 2: bodies and sentences as places in one text
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
    bodies: np.ndarray  # where each article's body starts in the kept text, and where the last ends
    spans: np.ndarray  # each sentence's start in the kept text, and its length
    first: list[int]  # each article's first sentence, and the number of sentences


def cache_path(state_dir: Path, folder: Path) -> Path:
    """Return the cache file of a corpus folder."""
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return state_dir / f"corpus-{digest}.npz"


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

    outcomes = _read_files([file for _, file, _, _ in to_read], limits, now, progress)
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
                progress: Callable[[int], None]) -> list[Article | str]:
    """Read article files (each an article, or why it cannot be used), in worker processes when there are many.

    Reading is most of a cold load (parsing, cleaning, splitting sentences) and each file is read alone, so it
    is spread over the machine's cores. Only from a process with one thread: fork copies a process whose other
    threads may hold locks (the running bot reads a few files at a time, in its own threads, one by one).
    """
    import multiprocessing  # noqa: PLC0415 - only a large first read needs worker processes
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
                  MAX_READERS)
    if len(files) < PARALLEL_FROM or workers < 2 or threading.active_count() > 1 or \
            "fork" not in multiprocessing.get_all_start_methods():
        outcomes: list[Article | str] = []
        for file in files:
            outcomes.extend(_read_chunk([file], limits, now))
            progress(len(outcomes))
        return outcomes
    chunks = [files[start : start + READ_CHUNK] for start in range(0, len(files), READ_CHUNK)]
    outcomes = []
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for chunk in pool.map(_read_chunk, chunks, [limits] * len(chunks), [now] * len(chunks)):
            outcomes.extend(chunk)
            progress(len(outcomes))
    return outcomes


def _read_chunk(files: list[Path], limits: Limits, now: datetime) -> list[Article | str]:
    """Read some article files: each an article, or the reason it was skipped."""
    outcomes: list[Article | str] = []
    for file in files:
        try:
            outcomes.append(Article.from_path(file, limits.max_bytes, now=now, follow_symlinks=False,
                                              max_front_matter_bytes=limits.max_front_matter_bytes))
        except ArticleError as error:
            outcomes.append(str(error))
    return outcomes


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


def _write(path: Path, limits: Limits, corpus: Corpus, files: dict[str, tuple[int, int, int, str | None]],
           feed: set[str], cached: _Cached | None = None) -> str | None:
    """Keep the built corpus, and return the name of this build of it (None if it could not be written)."""
    build = secrets.token_hex(8)  # what the kept topics are counted for
    index, table = corpus.index, corpus.story_table
    number = {article.id: position for position, article in enumerate(corpus.articles)}
    by_name = {}
    for name, (size, mtime, _, problem) in files.items():
        stem = name[: -len(".txt")] if name.endswith(".txt") else name
        by_name[name] = [size, mtime, number.get(stem, -1) if problem is None else -1, problem]
    meta = {
        "version": CACHE_VERSION, "build": build, "engine": _fingerprint(), "limits": [limits.max_bytes,
                                                                        limits.max_front_matter_bytes],
        "files": by_name, "feed": {article_id: number[article_id] for article_id in sorted(feed)},
        "backfill": sorted(corpus.backfill),
        "articles": [[a.id, a.title, a.source, a.published.isoformat() if a.published else None, a.url,
                      a.has_headline, a.date_only, a.language] for a in corpus.articles],
        "vocabulary": list(index.vocabulary),
        "story_names": [naming(story) for story in table.stories],
    }
    members = table.members
    text, bodies, spans = _text_pool(corpus.articles, _held_spans(cached, corpus.articles))
    arrays: dict[str, np.ndarray] = {
        "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
        "text": np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8), "bodies": bodies,
        "spans": spans,
        "positions": np.asarray([sentence.position for sentence in index.sentences], dtype=np.int64),
        "sentence_article": index.sentence_article, "offsets": index.offsets, "term_ids": index.term_ids,
        "members": np.asarray([n for group in members for n in group], dtype=np.int64),
        "member_counts": np.asarray([len(group) for group in members], dtype=np.int64),
        "centrality": table.centrality.astype(np.float64),
        "follows": np.asarray([-1 if f is None else f for f in table.follows], dtype=np.int64),
    }
    return build if _replace(path, lambda out: np.savez(out, allow_pickle=False, **arrays)) else None


def _held_spans(cached: _Cached | None, articles: tuple[Article, ...]) -> dict[int, np.ndarray]:
    """Return the sentence places (in their body) of the articles the kept corpus holds, by id() of the article."""
    if cached is None:
        return {}
    number = {id(article): position for position, article in enumerate(cached.corpus.articles)}
    held: dict[int, np.ndarray] = {}
    for article in articles:
        old = number.get(id(article))
        if old is None:
            continue
        local = cached.spans[:, cached.first[old] : cached.first[old + 1]].copy()
        local[0] -= cached.bodies[old]
        if np.all(local[0] + local[1] <= len(article.body)):  # else a sentence kept outside its body: found again
            held[id(article)] = local
    return held


def _text_pool(articles: tuple[Article, ...], held: dict[int, np.ndarray]) -> tuple[str, np.ndarray, np.ndarray]:
    """Return every body in one string, where each body starts and ends, and each sentence's place in it.

    A sentence is a verbatim piece of its article's body, so it is kept as a place in the body (one string to
    decode, then slices, instead of a JSON string a sentence); one that is not (an article built otherwise) is
    kept after the bodies. `held` gives the places already known (articles of the kept corpus): only new
    articles' sentences are looked for.
    """
    parts: list[str] = []
    extra: list[tuple[np.ndarray, int, str]] = []  # the article's places, the sentence's number there, its text
    bounds = [0]
    pieces: list[np.ndarray] = []
    for article in articles:
        base, body = bounds[-1], article.body
        parts.append(body)
        bounds.append(base + len(body))
        local = held.get(id(article))
        if local is not None:
            placed = local.copy()
            placed[0] += base
            pieces.append(placed)
            continue
        placed = np.zeros((2, len(article.sentences)), dtype=np.int64)
        cursor = 0
        for number, sentence in enumerate(article.sentences):
            found = body.find(sentence.text, cursor)
            if found < 0:
                found = body.find(sentence.text)
            if found < 0:
                extra.append((placed, number, sentence.text))
            else:
                cursor = found
                placed[0, number] = base + found
            placed[1, number] = len(sentence.text)
        pieces.append(placed)
    end = bounds[-1]
    for placed, number, text in extra:
        placed[0, number] = end
        end += len(text)
        parts.append(text)
    spans = np.concatenate(pieces, axis=1) if pieces else np.zeros((2, 0), dtype=np.int64)
    return "".join(parts), np.asarray(bounds, dtype=np.int64), spans


def _read(path: Path, limits: Limits) -> _Cached | None:
    """Return the cached corpus, or None when there is none usable (missing, other code or limits, damaged)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
        if meta.get("version") != CACHE_VERSION or meta.get("engine") != _fingerprint() or \
                meta.get("limits") != [limits.max_bytes, limits.max_front_matter_bytes]:
            log.info("the kept corpus in %s is from other code or limits: building again", path)
            return None
        return _rebuild(meta, arrays)
    except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile, UnicodeDecodeError,
            EOFError) as error:
        log.info("the kept corpus in %s cannot be used (%s): building again", path, error)
        return None


def _rebuild(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> _Cached:
    """Make the corpus again from the cache's contents; raise ValueError where they do not agree."""
    from briefings.stories import restore_table  # noqa: PLC0415
    from briefings.text import Normalizer  # noqa: PLC0415

    rows = meta["articles"]
    pool = arrays["text"].tobytes().decode("utf-8", "surrogatepass")
    bounds, spans = arrays["bodies"], arrays["spans"]
    owners, offsets, term_ids = arrays["sentence_article"], arrays["offsets"], arrays["term_ids"]
    positions = arrays["positions"]
    vocabulary = dict(zip(meta["vocabulary"], range(len(meta["vocabulary"])), strict=True))
    count = len(rows)
    if not (bounds.shape == (count + 1,) and spans.ndim == 2 and spans.shape[0] == 2 and bounds[0] == 0
            and np.all(np.diff(bounds) >= 0) and bounds[-1] <= len(pool) and np.all(spans >= 0)
            and np.all(spans[0] + spans[1] <= len(pool))):
        raise ValueError("the text arrays do not agree")
    starts, ends = spans[0].tolist(), (spans[0] + spans[1]).tolist()
    texts = [pool[start:end] for start, end in zip(starts, ends, strict=True)]
    body_bounds = bounds.tolist()
    if not (owners.ndim == offsets.ndim == term_ids.ndim == 1 and len(texts) == owners.size == positions.size
            and offsets.size == owners.size + 1 and offsets[0] == 0 and offsets[-1] == term_ids.size
            and np.all(np.diff(offsets) >= 0) and np.all(np.diff(owners) >= 0)
            and (owners.size == 0 or (owners[0] >= 0 and owners[-1] < count))
            and (term_ids.size == 0 or (term_ids.min() >= 0 and term_ids.max() < len(vocabulary)))):
        raise ValueError("the index arrays do not agree")
    first = np.searchsorted(owners, np.arange(count + 1)).tolist()
    places = positions.tolist()
    articles = []
    sentences: list[Sentence] = []
    for number, (article_id, title, source, published, url, headline, date_only, language) in enumerate(rows):
        start, end = first[number], first[number + 1]
        own = tuple(map(Sentence, texts[start:end], [article_id] * (end - start), places[start:end]))
        sentences.extend(own)
        body = pool[body_bounds[number] : body_bounds[number + 1]]
        articles.append(Article(str(article_id), str(title), source, datetime.fromisoformat(published)
                                if published else None, url, body, own, bool(headline), bool(date_only),
                                str(language)))
    ordered = tuple(articles)
    normalizer = Normalizer()
    index = CorpusIndex(ordered, tuple(sentences), owners.astype(np.int64, copy=False),
                        offsets.astype(np.int64, copy=False), term_ids.astype(np.int32, copy=False), vocabulary,
                        normalizer, {normalizer.language: normalizer})
    table = restore_table(index, arrays["members"], arrays["member_counts"], arrays["centrality"],
                          arrays["follows"], meta["story_names"])
    corpus = Corpus.prebuilt(ordered, frozenset(meta["backfill"]), index, table)
    if any(kept is not article for kept, article in zip(corpus.articles, ordered, strict=True)):
        raise ValueError("the articles are not in corpus order")
    files = {str(name): (int(size), int(mtime), int(article), problem)
             for name, (size, mtime, article, problem) in meta["files"].items()}
    if any(article >= count for _, _, article, _ in files.values()):
        raise ValueError("a file names an article the cache does not hold")
    feed = {str(article_id): int(number) for article_id, number in meta["feed"].items()}
    if any(not 0 <= number < count for number in feed.values()):
        raise ValueError("a feed article the cache does not hold")
    return _Cached(files, feed, corpus, str(meta["build"]), bounds, spans, first)
