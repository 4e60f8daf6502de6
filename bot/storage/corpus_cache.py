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
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from briefings.corpus import Article, ArticleError, Corpus, LoadProblem, Sentence, article_entries
from briefings.stories import naming

log = logging.getLogger(__name__)

CACHE_VERSION = 2  # 2: bodies and sentences as places in one text
_FUTURE = "has a 'published' date in the future"  # refused for now only: such a file is read again each time
_ENGINE = Path(__file__).resolve().parent.parent.parent / "briefings"


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
    articles: list[Article] = []
    for done, entry in enumerate(entries, start=1):
        if on_progress is not None:
            on_progress(done, len(entries))
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError as error:
            problems.append(LoadProblem(Path(entry.path), f"cannot be read ({error.strerror or error})"))
            continue
        known = cached.files.get(entry.name) if cached is not None else None
        if known is not None and known[:2] == (info.st_size, info.st_mtime_ns) and not (known[3] or "").startswith(
                _FUTURE):
            if known[2] >= 0:
                articles.append(cached.corpus.articles[known[2]])  # type: ignore[union-attr]
            elif known[3] is not None:
                problems.append(LoadProblem(Path(entry.path), known[3]))
            files[entry.name] = (info.st_size, info.st_mtime_ns, -1, known[3])
            continue
        file = Path(entry.path)
        try:
            articles.append(Article.from_path(file, limits.max_bytes, now=now, follow_symlinks=False,
                                              max_front_matter_bytes=limits.max_front_matter_bytes))
            files[file.name] = (info.st_size, info.st_mtime_ns, -1, None)
        except ArticleError as error:
            problems.append(LoadProblem(file, str(error)))
            files[file.name] = (info.st_size, info.st_mtime_ns, -1, str(error))
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
    if cached is None or corpus is not cached.corpus:
        corpus.stories  # noqa: B018 - built now, to be kept
        _write(path, limits, corpus, files, {article.id for article, _ in feed})
    return corpus, tuple(problems)


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


def _write(path: Path, limits: Limits, corpus: Corpus, files: dict[str, tuple[int, int, int, str | None]],
           feed: set[str]) -> None:
    """Keep the built corpus (written whole to a temporary file, then renamed: a crash leaves the old one)."""
    index, table = corpus.index, corpus.story_table
    number = {article.id: position for position, article in enumerate(corpus.articles)}
    by_name = {}
    for name, (size, mtime, _, problem) in files.items():
        stem = name[: -len(".txt")] if name.endswith(".txt") else name
        by_name[name] = [size, mtime, number.get(stem, -1) if problem is None else -1, problem]
    meta = {
        "version": CACHE_VERSION, "engine": _fingerprint(), "limits": [limits.max_bytes,
                                                                        limits.max_front_matter_bytes],
        "files": by_name, "feed": {article_id: number[article_id] for article_id in sorted(feed)},
        "backfill": sorted(corpus.backfill),
        "articles": [[a.id, a.title, a.source, a.published.isoformat() if a.published else None, a.url,
                      a.has_headline, a.date_only, a.language] for a in corpus.articles],
        "vocabulary": list(index.vocabulary),
        "story_names": [naming(story) for story in table.stories],
    }
    members = table.members
    text, bodies, spans = _text_pool(corpus.articles)
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
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, allow_pickle=False, **arrays)
        os.replace(temporary, path)
    except OSError as error:  # a full disk or a read-only state folder: the next command builds again
        log.info("the built corpus could not be kept in %s: %s", path.parent, error)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _text_pool(articles: tuple[Article, ...]) -> tuple[str, np.ndarray, np.ndarray]:
    """Return every body in one string, where each body starts and ends, and each sentence's place in it.

    A sentence is a verbatim piece of its article's body, so it is kept as a place in the body (one string to
    decode, then slices, instead of a JSON string a sentence); one that is not (an article built otherwise) is
    kept after the bodies.
    """
    parts: list[str] = []
    extra: list[tuple[int, str]] = []  # sentence number, text
    bounds = [0]
    starts: list[int] = []
    lengths: list[int] = []
    for article in articles:
        base, body, cursor = bounds[-1], article.body, 0
        parts.append(body)
        bounds.append(base + len(body))
        for sentence in article.sentences:
            found = body.find(sentence.text, cursor)
            if found < 0:
                found = body.find(sentence.text)
            if found < 0:
                extra.append((len(starts), sentence.text))
            else:
                cursor = found
            starts.append(base + found)
            lengths.append(len(sentence.text))
    end = bounds[-1]
    for number, text in extra:
        starts[number] = end
        end += len(text)
        parts.append(text)
    return "".join(parts), np.asarray(bounds, dtype=np.int64), np.asarray([starts, lengths], dtype=np.int64)


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
    from briefings.index import CorpusIndex  # noqa: PLC0415
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
    return _Cached(files, feed, corpus)
