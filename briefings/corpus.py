"""Articles and the corpus that holds them in memory."""

from __future__ import annotations

import errno
import logging
import os
import re
import stat
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from briefings.cleaning import Line, clean, infer_source
from briefings.languages import DEFAULT_LANGUAGE, SAMPLE_CHARS, detect_language, language_code
from briefings.printable import printable_name
from briefings.prose import WrittenLowercase, fixed_run_in_starts, run_in_starts
from briefings.text import (
    UNSPACED_LANGUAGES,
    counts_as_sentence,
    ends_like_sentence,
    split_sentences,
    word_count,
)
from briefings.when import EARLIEST as EARLIEST_PUBLISHED  # earlier is a typo (year 1, 0025), never news

if TYPE_CHECKING:
    from briefings.index import CorpusIndex
    from briefings.stories import Story, StoryTable

log = logging.getLogger(__name__)

ARTICLE_SUFFIX = ".txt"
DEFAULT_MAX_ARTICLE_BYTES = 1_048_576
DEFAULT_MAX_FRONT_MATTER_BYTES = 16_384  # a title, an outlet, a date and a URL take a few hundred
DEFAULT_MAX_FOLDER_FILES = 10_000
# A publication date may run this far ahead of now (an outlet's clock or timezone slightly wrong); a later one is
# refused, since one article "from 2099" would otherwise make every briefing after it cover news "up to 2099".
FUTURE_TOLERANCE = timedelta(days=1)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_NULL_TAG, _STR_TAG = "tag:yaml.org,2002:null", "tag:yaml.org,2002:str"
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?\Z")
_INCOMPLETE_DATE_PROBES = (datetime(2000, 1, 1), datetime(2001, 2, 2))  # noqa: DTZ001 - fill-ins, made UTC after


def _only_null_resolvers(resolvers: dict[str, list[tuple[str, Any]]]) -> dict[str, list[tuple[str, Any]]]:
    nulls = {first: [(tag, regex) for tag, regex in pairs if tag == _NULL_TAG] for first, pairs in resolvers.items()}
    return {first: pairs for first, pairs in nulls.items() if pairs}


@cache
def _front_matter_loader() -> Any:  # noqa: ANN401 - a class made from the yaml module's own
    """Return a safe loader that keeps every scalar as written: `title: no` is "no", not False; `1.10` stays "1.10".

    Only an empty value (or `~`, `null`) means "not given". Dates are read by `_published`, which says what is
    wrong with one, where YAML's own timestamps raise on `0000-01-01` or `2025-02-30`. libyaml's loader when the
    wheel has it: PyYAML's pure-Python one is most of the load time of a large corpus. Made when first needed: a
    command that reads no file (a kept corpus) does not import yaml.
    """
    import yaml  # noqa: PLC0415

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return type("_FrontMatterLoader", (base,), {"yaml_implicit_resolvers":
                                                _only_null_resolvers(base.yaml_implicit_resolvers)})


class CorpusError(Exception):
    """The corpus cannot be read at all (as opposed to one bad article file, which is skipped)."""


class ArticleError(ValueError):
    """One article file cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article, exactly as the article writes it."""

    text: str
    article_id: str
    position: int  # 0 for the article's first sentence

    @property
    def word_count(self) -> int:
        """Count the words of the sentence (for Chinese, Japanese and Thai, by characters: see text.word_count)."""
        return word_count(self.text)


@dataclass(frozen=True, slots=True)
class Article:
    """A news article: its metadata and its sentences, with page furniture removed."""

    id: str
    title: str
    source: str | None
    published: datetime | None
    url: str | None
    body: str
    sentences: Sequence[Sentence]  # a tuple, or a kept corpus's runs (sentences made when read)
    has_headline: bool = True  # False when the title is only the first sentence
    date_only: bool = False  # `published` names a day, not a moment: show it as a date, never shifted by timezone
    language: str = DEFAULT_LANGUAGE  # ISO 639-1: front matter's `language:`, else detected from the text

    @classmethod
    def from_text(cls, article_id: str, text: str, *, max_front_matter_bytes: int = DEFAULT_MAX_FRONT_MATTER_BYTES,
                  now: datetime | None = None) -> Article:
        """Build an article from a file's text: optional YAML front matter, then the body.

        With `now`, a front-matter date more than a day ahead of it is refused (ArticleError) and such a date
        inferred from the text is dropped; so is any date before 1800 (a typo such as 0025).
        """
        article, spans = cls._read(article_id, text, max_front_matter_bytes, now)
        body = article.body
        return _with_sentences(article, tuple(Sentence(body[start:end], article_id, position)
                                              for position, (start, end) in enumerate(spans)))

    @classmethod
    def _read(cls, article_id: str, text: str, max_front_matter_bytes: int, now: datetime | None
              ) -> tuple[Article, list[tuple[int, int]]]:
        """Read a file's text into an article without sentence objects, and its sentences' places in its body."""
        meta, body = _split_front_matter(text, max_front_matter_bytes)
        known_title = _text_field(meta, "title")
        cleaned = clean(body, known_title=known_title)
        language = _language(meta, cleaned.lines, cleaned.title)
        spans = list(_sentence_spans(body, cleaned.lines, language))
        title = known_title or cleaned.title
        has_headline = title is not None
        if title is None:
            title = body[spans[0][0] : spans[0][1]] if spans else article_id
        # Dates the text itself gives are days; front matter is a day when written without a time.
        if meta.get("published") is not None:
            published: datetime | None = _published(meta["published"], now)
            date_only = _is_day(meta["published"])
        else:
            published = cleaned.published if _plausible(cleaned.published, now) else None
            date_only = published is not None
        return cls(
            id=article_id,
            title=title,
            source=_text_field(meta, "source") or infer_source(body),
            published=published,
            url=_text_field(meta, "url"),
            body=body,
            sentences=(),
            has_headline=has_headline,
            date_only=date_only,
            language=language,
        ), spans

    @classmethod
    def from_path(cls, path: Path, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES, *,
                  max_front_matter_bytes: int = DEFAULT_MAX_FRONT_MATTER_BYTES, now: datetime | None = None,
                  follow_symlinks: bool = True) -> Article:
        """Read one article file; raise ArticleError when it is empty, binary, undecodable, too large or not a file.

        At most `max_bytes` + 1 bytes are read, whatever the file system says its size is (files under /proc say
        0). Without `follow_symlinks` a symbolic link is refused rather than followed.
        """
        article, spans = cls.places_from_path(path, max_bytes, max_front_matter_bytes=max_front_matter_bytes, now=now,
                                              follow_symlinks=follow_symlinks)
        body = article.body
        return _with_sentences(article, tuple(Sentence(body[start:end], article.id, position)
                                              for position, (start, end) in enumerate(spans)))

    @classmethod
    def places_from_path(cls, path: Path, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES, *,
                         max_front_matter_bytes: int = DEFAULT_MAX_FRONT_MATTER_BYTES, now: datetime | None = None,
                         follow_symlinks: bool = True) -> tuple[Article, list[tuple[int, int]]]:
        """Read one article file as `from_path` does, but give its sentences as (start, end) places in its body.

        The article comes without sentence objects (`sentences` is empty): a first read of a large folder keeps
        sentences as places, and making 150,000 objects only to drop them is a good part of its cost.
        """
        text = _decode(_read_capped(path, max_bytes, follow_symlinks))
        article, spans = cls._read(path.stem, text, max_front_matter_bytes, now)
        if not spans:
            raise ArticleError("holds no sentences" if text.strip() else "is empty")
        return article, spans

    @property
    def outlet(self) -> str:
        """Name the outlet for a citation."""
        return self.source or "Unknown outlet"

    @property
    def citation(self) -> str:
        """Cite the article as a newspaper would: outlet and date."""
        if self.published is None:
            return self.outlet
        return f"{self.outlet}, {self.published.day} {self.published:%b %Y}"

    @property
    def word_count(self) -> int:
        """Count the words of the article's sentences."""
        return sum(sentence.word_count for sentence in self.sentences)


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """An article file that was skipped, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"skipped {printable_name(self.path.name)}: {printable_name(self.reason)}"


@dataclass(frozen=True)
class Corpus:
    """The articles Briefbot knows, in memory, in a stable order (by publication, then id)."""

    articles: tuple[Article, ...]
    # Articles that came with a feed's first poll: its back-catalogue is background, never "what changed".
    backfill: frozenset[str] = frozenset()
    _by_id: dict[str, Article] = field(init=False, repr=False, compare=False)
    # A view's corpus and the numbers of the view's articles in it: the index and stories come from there.
    _parent: tuple[Corpus, Any] | None = field(default=None, repr=False, compare=False)
    # The corpus this one adds articles to, until this one's index and stories are built from it.
    _grown_from: list[Corpus] = field(default_factory=list, repr=False, compare=False)
    # The articles come in corpus order already (a view's, or newer ones appended): not sorted again.
    _ordered: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = self.articles if self._ordered else tuple(sorted(self.articles, key=_chronological))
        object.__setattr__(self, "articles", ordered)
        object.__setattr__(self, "_by_id", {article.id: article for article in ordered})

    def view(self, article_ids: Iterable[str]) -> Corpus:
        """Return the corpus of some of these articles, sharing this one's index and stories (nothing regrouped).

        The view's index is sliced from this one (no text is read or stemmed again) and its stories are these
        stories restricted to its articles: a server can be shown the operator's articles and its own feeds'
        cheaply. Ids this corpus does not hold are ignored.
        """
        import numpy as np  # noqa: PLC0415

        wanted = set(article_ids)
        numbers = np.asarray([number for number, article in enumerate(self.articles) if article.id in wanted],
                             dtype=np.int64)
        return Corpus(tuple(self.articles[int(n)] for n in numbers), self.backfill & wanted, _parent=(self, numbers),
                      _ordered=True)

    def with_articles(self, articles: Iterable[Article], backfill: Iterable[str] = ()) -> Corpus:
        """Return this corpus with more articles (ids it holds already are skipped), built incrementally.

        The index reads only the new articles, and when they are newer than every article held, they are assigned
        to the open stories (the rest keep theirs); otherwise the new corpus is grouped anew on first use.
        """
        added = tuple(article for article in articles if article.id not in self._by_id)
        more = frozenset(backfill)
        if not added and more <= self.backfill:
            return self
        added = tuple(sorted(added, key=_chronological))
        newer = not self.articles or not added or _chronological(added[0]) > _chronological(self.articles[-1])
        grown = Corpus(self.articles + added, self.backfill | more, _ordered=newer)
        grown._grown_from.append(self)
        return grown

    def updated(self, articles: Iterable[Article], backfill: frozenset[str]) -> Corpus:
        """Return the corpus of these articles, built incrementally from this one (itself if nothing changed).

        Articles this corpus holds (the same, or equal: a file read again) keep their index entries and stories;
        the rest are dropped (a view) and the new ones added (`with_articles`).
        """
        wanted = [self._same_or(article) for article in articles]
        if len(wanted) == len(self.articles) and backfill == self.backfill and \
                {id(a) for a in wanted} == {id(a) for a in self.articles}:
            return self
        current = {id(article) for article in wanted}
        if all(id(article) in current for article in self.articles):
            kept = self  # nothing leaves: grow from this corpus itself, nothing sliced
        else:
            kept = self.view(article.id for article in self.articles if id(article) in current)
            if "story_table" in self.__dict__ and kept._parent is not None:
                from briefings.stories import restrict  # noqa: PLC0415

                # Restricted with the stories' centroids: the new articles then take the cheap path.
                kept.__dict__["story_table"] = restrict(self.story_table, kept._parent[1], kept.index, centroids=True)
        kept.stories  # noqa: B018 - sliced and restricted now, so that the next corpus grows from them
        return kept.with_articles((a for a in wanted if a.id not in kept), backfill)

    def keep_growing(self) -> None:
        """Make the stories ready to grow cheaply (their centroids kept), as a running bot wants before news comes."""
        from briefings.stories import with_centroids  # noqa: PLC0415

        if self._parent is None:
            self.__dict__["story_table"] = with_centroids(self.story_table, self.index)

    def _same_or(self, article: Article) -> Article:
        """Return the article this corpus holds that equals `article`, or `article` itself."""
        held = self._by_id.get(article.id)
        return held if held is not None and (held is article or held == article) else article

    @classmethod
    def prebuilt(cls, articles: tuple[Article, ...], backfill: frozenset[str], index: CorpusIndex,
                 story_table: StoryTable) -> Corpus:
        """Return a corpus whose index and stories were built before (kept between commands)."""
        corpus = cls(articles, backfill)
        corpus.__dict__["index"] = index  # what the cached properties would compute
        corpus.__dict__["story_table"] = story_table
        return corpus

    def without(self, article_ids: Iterable[str]) -> Corpus:
        """Return the view of every article but these (expired ones, a removed source's)."""
        unwanted = set(article_ids)
        return self.view(article.id for article in self.articles if article.id not in unwanted)

    @classmethod
    def from_folder(
        cls,
        folder: Path,
        max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
        on_progress: Callable[[int, int], None] | None = None,
        *,
        max_files: int = DEFAULT_MAX_FOLDER_FILES,
        max_front_matter_bytes: int = DEFAULT_MAX_FRONT_MATTER_BYTES,
        now: datetime | None = None,
    ) -> tuple[Corpus, tuple[LoadProblem, ...]]:
        """Load the `*.txt` articles of a folder; bad files are skipped and reported, not fatal.

        Only the folder's own regular files are read: a symbolic link (which could publish a file from anywhere),
        a pipe or a device is skipped with a reason. Beyond `max_files` article files, the first `max_files` by
        name are read and the rest reported as one problem.
        """
        paths, problems = article_files(folder, max_files)
        articles: list[Article] = []
        for done, path in enumerate(paths, start=1):
            try:
                articles.append(Article.from_path(path, max_bytes, max_front_matter_bytes=max_front_matter_bytes,
                                                  now=now, follow_symlinks=False))
            except ArticleError as error:
                problems.append(LoadProblem(path, str(error)))
            if on_progress is not None:
                on_progress(done, len(paths))
        for problem in problems:
            log.info("%s", problem)  # the caller reports them (the terminal names twenty, the bot logs each)
        return cls(tuple(articles)), tuple(problems)

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._by_id

    def get(self, article_id: str) -> Article:
        """Return the article with this id."""
        return self._by_id[article_id]

    def sentences(self) -> Iterable[Sentence]:
        """Yield every sentence of every article."""
        for article in self.articles:
            yield from article.sentences

    @cached_property
    def latest(self) -> datetime | None:
        """Return the newest publication date in the corpus (remembered: every topic summary ranks stories by it)."""
        dates = [article.published for article in self.articles if article.published is not None]
        return max(dates) if dates else None

    def number(self, article_id: str) -> int:
        """Return an article's place in corpus order (the index's article number)."""
        return self._numbers[article_id]

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {article.id: number for number, article in enumerate(self.articles)}

    @cached_property
    def index(self) -> CorpusIndex:
        """Return the term index over every sentence, built on first use."""
        from briefings.index import CorpusIndex  # noqa: PLC0415 - scipy loads only when a command needs it

        if self._parent is not None:
            parent, numbers = self._parent
            return parent.index.subset(numbers)
        earlier = self._grown_from[0] if self._grown_from else None
        if earlier is not None and "index" in earlier.__dict__:
            return CorpusIndex.build(self.articles, known=earlier.index)
        return CorpusIndex.build(self.articles)

    @cached_property
    def stories(self) -> tuple[Story, ...]:
        """Return the corpus grouped into stories, in order of their first article."""
        return self.story_table.stories

    @cached_property
    def story_table(self) -> StoryTable:
        """Return the stories with the grouping behind them (members by article number, centrality, follows)."""
        from briefings.stories import group_stories, grow_stories, restrict  # noqa: PLC0415

        if self._parent is not None:
            parent, numbers = self._parent
            return restrict(parent.story_table, numbers, self.index)
        earlier = self._grown_from[0] if self._grown_from else None
        self.index  # noqa: B018 - built from the earlier corpus's while it is still held
        self._grown_from.clear()  # the earlier corpus may go once this one is built
        if earlier is not None and "story_table" in earlier.__dict__:
            grown = grow_stories(earlier.story_table, earlier.articles, self)
            if grown is not None:
                return grown
        return group_stories(self)


def _chronological(article: Article) -> tuple[datetime, str]:
    return (article.published or datetime.min.replace(tzinfo=UTC), article.id)


def chronological(article: Article) -> tuple[datetime, str]:
    """Return the key articles are ordered by in a corpus (publication, then id)."""
    return _chronological(article)


def article_files(folder: Path, max_files: int = DEFAULT_MAX_FOLDER_FILES) -> tuple[list[Path], list[LoadProblem]]:
    """List a folder's article files to read (regular files, by name), and the entries skipped with why."""
    entries, problems = article_entries(folder, max_files)
    return [Path(entry.path) for entry in entries], problems


def article_entries(folder: Path, max_files: int = DEFAULT_MAX_FOLDER_FILES
                    ) -> tuple[list[os.DirEntry[str]], list[LoadProblem]]:
    """List a folder's article files as directory entries (their size and time come without a path each)."""
    if not folder.exists():
        raise CorpusError(f"corpus folder {folder} does not exist")
    if not folder.is_dir():
        raise CorpusError(f"corpus path {folder} is not a folder")
    paths: list[os.DirEntry[str]] = []
    problems: list[LoadProblem] = []
    try:
        with os.scandir(folder) as entries:
            named = sorted((entry for entry in entries if entry.name.endswith(ARTICLE_SUFFIX)),
                           key=lambda entry: entry.name)
    except OSError as error:
        raise CorpusError(f"corpus folder {folder} cannot be read ({error.strerror or error})") from error
    for entry in named:
        try:
            if entry.is_symlink():
                problems.append(LoadProblem(Path(entry.path), "is a symbolic link; only the folder's own files are "
                                            "read"))
            elif not entry.is_file(follow_symlinks=False):
                problems.append(LoadProblem(Path(entry.path), "is not a regular file (a folder, pipe, socket or "
                                            "device)"))
            else:
                paths.append(entry)
        except OSError as error:  # gone since the listing, or unreadable
            problems.append(LoadProblem(Path(entry.path), f"cannot be read ({error.strerror or error})"))
    if len(paths) > max_files:
        problems.append(LoadProblem(folder, f"{len(paths) - max_files:,} of its {len(paths):,} article files, over "
                                    f"the limit of {max_files:,} files a folder; the first {max_files:,} by name "
                                    "were read"))
        paths = paths[:max_files]
    return paths, problems


def _read_capped(path: Path, max_bytes: int, follow_symlinks: bool) -> bytes:
    # O_NONBLOCK: opening a named pipe must not wait for a writer; O_NOFOLLOW: a link swapped in after the
    # listing is refused at open, not followed.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow_symlinks else getattr(os, "O_NOFOLLOW", 0))
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_symlinks:
            raise ArticleError("is a symbolic link; only the folder's own files are read") from error
        raise ArticleError(f"cannot be read ({error.strerror or error})") from error
    with os.fdopen(descriptor, "rb") as handle:
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise ArticleError("is not a regular file (a folder, pipe, socket or device)")
            if info.st_size > max_bytes:
                raise ArticleError(f"{info.st_size:,} bytes is over the {max_bytes:,}-byte limit for one article")
            data = _read_upto(handle, info.st_size, max_bytes + 1)
        except OSError as error:
            raise ArticleError(f"cannot be read ({error.strerror or error})") from error
    if len(data) > max_bytes:
        raise ArticleError(f"is over the {max_bytes:,}-byte limit for one article")
    return data


def _read_upto(handle: BinaryIO, size: int, most: int) -> bytes:
    """Read a regular file to its end, but `most` bytes at most, asking first for the size it says it has.

    The size a file system reports can be wrong (/proc says 0), so reading goes on until the end; but asking for
    `most` bytes at once would make a buffer of that size (a megabyte) for each file, most of a small file's read.
    """
    parts: list[bytes] = []
    total, wanted = 0, min(size, most) + 1
    while total < most:
        wanted = min(wanted, most - total)
        part = handle.read(wanted)
        parts.append(part)
        total += len(part)
        if len(part) < wanted:  # a regular file's read comes short only at its end
            break
        wanted = 1 << 16
    return b"".join(parts)


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"))


def _decode(data: bytes) -> str:
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is not None:
        try:
            text = data.decode(encoding)  # the byte-order mark says which end first, and is dropped
        except UnicodeDecodeError as error:
            raise ArticleError(f"is not valid {encoding.upper()} text (byte {error.start})") from error
        if "\x00" in text:
            raise ArticleError("is a binary file, not text")
        return text
    if b"\x00" in data:
        if _looks_like_utf16(data):
            raise ArticleError("is UTF-16 text without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)")
        raise ArticleError("is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleError(f"is not UTF-8 text (byte {error.start} is not valid)") from error


def _looks_like_utf16(data: bytes) -> bool:
    """Tell UTF-16 text without a BOM (every other byte zero, for Latin text) from other binary data."""
    sample = data[:4096]
    half = len(sample) // 2
    return half >= 8 and max(sample[0::2].count(0), sample[1::2].count(0)) >= 0.9 * half


def _split_front_matter(text: str, max_bytes: int = DEFAULT_MAX_FRONT_MATTER_BYTES) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    # Look for the closing line only within the limit (a character is at least a byte), so a huge unclosed
    # block costs no more than a small one.
    match = _FRONT_MATTER.match(text[: max_bytes + 16])
    if match is None or len(match["yaml"].encode("utf-8")) > max_bytes:
        if match is not None or _FRONT_MATTER.match(text) is not None:
            raise ArticleError(f"has front matter over the {max_bytes:,}-byte limit")
        return {}, text
    block = match["yaml"]
    meta = _plain_front_matter(block)
    return (meta if meta is not None else _yaml_front_matter(block)), text[match.end():]


def _yaml_front_matter(block: str) -> dict[str, Any]:
    """Read a front matter block with YAML (a safe loader that keeps scalars as written)."""
    import yaml  # noqa: PLC0415 - loaded once, with the first file read

    try:
        _refuse_expansion(block)
        meta = yaml.load(block, Loader=_front_matter_loader()) or {}  # noqa: S506 - a safe loader
    except ArticleError:
        raise
    except yaml.YAMLError as error:
        raise ArticleError(f"has front matter that is not valid YAML ({error.__class__.__name__})") from error
    except (ValueError, TypeError, OverflowError, RecursionError) as error:  # an explicit tag's value, deep nesting
        raise ArticleError(f"has front matter that cannot be read ({error.__class__.__name__})") from error
    if not isinstance(meta, dict):
        raise ArticleError("has front matter that is not a mapping of keys to values")
    return meta


# One `key: value` line of the plainest YAML: a simple key, then nothing, a quoted value without escapes or inner
# quotes, or a plain value that starts with no indicator character (a comment, an anchor, a tag, a list...).
_PLAIN_LINE = re.compile(r"""([A-Za-z_][A-Za-z0-9_]*):"""
                         r"""(?: +(?:"([^"\\]*)"|'([^']*)'|([^\s"'#&*!|>%@`{}\[\],?:\-][^\t]*?)))? *""")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})  # YAML's plain nulls: the only values the loader resolves


def _plain_front_matter(block: str) -> dict[str, Any] | None:
    """Read front matter of `key: value` lines as the YAML loader would, without it; None for anything else.

    Most front matter is a title, an outlet, a date and a URL, one a line, and libyaml's loader still costs a
    third of a millisecond a file in Python (its constructor). Anything beyond the plainest lines (an indented or
    continued value, a comment, an escape, a flow or block collection, a character YAML may refuse) is None, and
    read by YAML.
    """
    meta: dict[str, Any] = {}
    for line in block.split("\n"):
        match = _PLAIN_LINE.fullmatch(line)
        if match is None or not line.isprintable() or match[1] in _NULLS:
            return None
        double, single, plain = match[2], match[3], match[4]
        if plain is not None:
            if ": " in plain or " #" in plain or plain.endswith(":"):
                return None  # a nested mapping, a comment or an error: YAML's to say
            meta[match[1]] = None if plain in _NULLS else plain
        else:
            meta[match[1]] = double if double is not None else single
    return meta or None


def _refuse_expansion(block: str) -> None:
    """Refuse YAML anchors, aliases and tags: 476 bytes of nested aliases expand to gigabytes ("billion laughs")."""
    if "&" not in block and "*" not in block and "!" not in block:
        return  # each is written with one of these: nothing to refuse (most front matter, without parsing twice)
    import yaml  # noqa: PLC0415

    for event in yaml.parse(block, Loader=_front_matter_loader()):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ArticleError("has front matter with YAML anchors or aliases (&name, *name), which are not expanded")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != _STR_TAG and not isinstance(event, yaml.DocumentStartEvent):
            raise ArticleError(f"has front matter with a YAML tag ({tag}); write plain values")


def _text_field(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ArticleError(f"has a front matter '{key}' that is a {_kind(value)}, not text")
    text = value.strip()
    return text or None


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "mapping"
    return "list" if isinstance(value, list) else type(value).__name__


def _published(written: object, now: datetime | None) -> datetime:
    """Read the front matter's date (text as written: the loader leaves dates to this)."""
    if not isinstance(written, str):
        raise ArticleError(f"has a front matter 'published' that is a {_kind(written)}, not a date")
    moment = _iso_moment(written)
    if moment is None:
        moment = _parsed_moment(written)
    if moment < EARLIEST_PUBLISHED:
        raise ArticleError(f"has a 'published' date before {EARLIEST_PUBLISHED.year}: {written!r}")
    if now is not None and moment > now + FUTURE_TOLERANCE:
        raise ArticleError(f"has a 'published' date in the future: {written!r} (now is {now:%Y-%m-%d %H:%M} UTC)")
    return moment


def _iso_moment(written: str) -> datetime | None:
    """Read a complete ISO 8601 date or moment quickly (most front matter); None for anything else."""
    if not _ISO_MOMENT.match(written.strip()):
        return None
    try:
        parsed = datetime.fromisoformat(written.strip().replace("Z", "+00:00"))
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None  # 2025-02-30, year 1 with an offset and the like: dateutil's reading says what is wrong


def _parsed_moment(written: str) -> datetime:
    from dateutil import parser as date_parser  # noqa: PLC0415

    try:
        # Two different defaults: a date that lacks its year, month or day ("12:00", "Feb 21") reads differently
        # under each, and is refused, rather than completed from today's date.
        parsed, again = (date_parser.parse(written, default=default) for default in _INCOMPLETE_DATE_PROBES)
        if parsed != again:
            raise ValueError("give the year, the month and the day")
        moment = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise ArticleError(f"has a 'published' date that cannot be read: {written!r} ({error})") from error
    return moment


def _plausible(moment: datetime | None, now: datetime | None) -> bool:
    """Tell whether a date inferred from the text can be a publication date (from 1800, not ahead of now)."""
    if moment is None:
        return False
    return moment >= EARLIEST_PUBLISHED and (now is None or moment <= now + FUTURE_TOLERANCE)


def _is_day(written: str) -> bool:
    """Tell whether a front-matter date names a day (no time of day written), read as text by the loader."""
    return re.search(r"\d:\d\d", written) is None


def _language(meta: dict[str, Any], lines: tuple[Line, ...], title: str | None) -> str:
    declared = _text_field(meta, "language")
    if declared is not None:
        code = language_code(declared)
        if code is None:
            raise ArticleError(f"has a 'language' that is not an ISO 639-1 code such as 'en' or 'de': {declared!r}")
        return code
    sample = [title] if title else []
    size = 0
    for line in lines:  # the first lines: enough to tell, and cheap (English is read without the model)
        sample.append(line.text)
        size += len(line.text) + 1
        if size >= SAMPLE_CHARS:
            break
    return detect_language("\n".join(sample))


def _with_sentences(article: Article, sentences: tuple[Sentence, ...]) -> Article:
    """Return the article with these sentences (a frozen dataclass's replace, without its checks)."""
    made = object.__new__(Article)
    for name in Article.__slots__:
        object.__setattr__(made, name, getattr(article, name))
    object.__setattr__(made, "sentences", sentences)
    return made


def _sentence_spans(body: str, lines: tuple[Line, ...], language: str) -> Iterator[tuple[int, int]]:
    """Yield the (start, end) places of an article's sentences in its body, in reading order."""
    english = language == "en"
    lowercase = WrittenLowercase(body) if english else None
    for start, end in _paragraph_spans(lines):
        for piece in _paragraph_pieces(body[start:end], language):
            if isinstance(piece, tuple):
                yield start + piece[0], start + piece[1]
            else:  # a caption or headline may be run in: it depends on the words the article writes in lowercase
                assert lowercase is not None  # noqa: S101 - only English paragraphs have pending pieces
                for first, last in piece.resolve(lowercase, language):
                    yield start + first, start + last


@dataclass(frozen=True, slots=True)
class _RunIns:
    """A sentence whose run-in clauses depend on the article: where it is, its text and what may start one."""

    offset: int
    text: str

    def resolve(self, lowercase: Container[str], language: str) -> list[tuple[int, int]]:
        """Return the places (in its paragraph) of the pieces that read as sentences."""
        return _kept_pieces(self.offset, self.text, run_in_starts(self.text, lowercase), language)


@lru_cache(maxsize=1 << 15)
def _paragraph_pieces(paragraph: str, language: str) -> tuple[tuple[int, int] | _RunIns, ...]:
    """Split a paragraph into the places of its sentences (remembered: the copies of a wire story repeat most).

    A sentence that may hold a run-in clause only if the article writes a capitalised word in lowercase elsewhere
    (what `run_in_starts` checks) is left to be resolved for each article.
    """
    # Bling Fire treats a newline as a sentence break; hard-wrapped lines are one paragraph, so the newlines are
    # read as spaces (same length: the offsets still point into the body).
    pieces: list[tuple[int, int] | _RunIns] = []
    for first, last in split_sentences(paragraph.replace("\n", " ").replace("\r", " "), language):
        span = paragraph[first:last]
        text = span.strip()
        offset = first + len(span) - len(span.lstrip())
        if language != "en":
            pieces.extend(_kept_pieces(offset, text, [], language))
            continue
        starts = fixed_run_in_starts(text)
        if starts is None:
            pieces.append(_RunIns(offset, text))
        else:
            pieces.extend(_kept_pieces(offset, text, starts, language))
    return tuple(pieces)


def _kept_pieces(offset: int, text: str, starts: list[int], language: str) -> list[tuple[int, int]]:
    """Return the places of the pieces of a text cut at `starts` that read as sentences (stripped, verbatim)."""
    bounds = [0, *starts, len(text)]
    kept = []
    spaced = language not in UNSPACED_LANGUAGES  # words between spaces: the English path, kept as fast as it was
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = text[a:b]
        stripped = piece.strip()
        if not stripped:
            continue
        if (ends_like_sentence(stripped) and len(stripped.split()) >= 3) if spaced else \
                counts_as_sentence(stripped, language):
            begin = offset + a + len(piece) - len(piece.lstrip())
            kept.append((begin, begin + len(stripped)))
    return kept


def _paragraph_spans(lines: tuple[Line, ...]) -> Iterator[tuple[int, int]]:
    """Join hard-wrapped lines (a line that stops mid-sentence, followed by a lower-case one)."""
    start: int | None = None
    end = 0
    previous = ""
    for line in lines:
        continues = start is not None and not ends_like_sentence(previous) and line.text[:1].islower()
        if not continues:
            if start is not None:
                yield start, end
            start = line.start
        end = line.start + len(line.text)
        previous = line.text
    if start is not None:
        yield start, end
