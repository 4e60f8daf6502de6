"""Articles and the corpus that holds them in memory."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from briefings.cleaning import Line, clean, infer_source
from briefings.languages import DEFAULT_LANGUAGE, SAMPLE_CHARS, detect_language, language_code
from briefings.text import (
    UNSPACED_LANGUAGES,
    counts_as_sentence,
    ends_like_sentence,
    split_sentences,
    word_count,
)

if TYPE_CHECKING:
    from briefings.index import CorpusIndex
    from briefings.stories import Story

log = logging.getLogger(__name__)

ARTICLE_SUFFIX = ".txt"
DEFAULT_MAX_ARTICLE_BYTES = 1_048_576
# libyaml's loader when the wheel has it: PyYAML's pure-Python one is most of the load time of a large corpus.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


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
    sentences: tuple[Sentence, ...]
    has_headline: bool = True  # False when the title is only the first sentence
    date_only: bool = False  # `published` names a day, not a moment: show it as a date, never shifted by timezone
    language: str = DEFAULT_LANGUAGE  # ISO 639-1: front matter's `language:`, else detected from the text

    @classmethod
    def from_text(cls, article_id: str, text: str) -> Article:
        """Build an article from a file's text: optional YAML front matter, then the body."""
        meta, body = _split_front_matter(text)
        cleaned = clean(body, known_title=_text_field(meta, "title"))
        language = _language(meta, cleaned.lines, cleaned.title)
        sentences = tuple(_sentences(article_id, body, cleaned.lines, language))
        title = _text_field(meta, "title") or cleaned.title
        has_headline = title is not None
        if title is None:
            title = sentences[0].text if sentences else article_id
        published = _published(meta.get("published")) if "published" in meta else cleaned.published
        # Dates the text itself gives are days; front matter is a day when written without a time.
        date_only = published is not None and (_is_day(meta["published"]) if "published" in meta else True)
        return cls(
            id=article_id,
            title=title,
            source=_text_field(meta, "source") or infer_source(body),
            published=published,
            url=_text_field(meta, "url"),
            body=body,
            sentences=sentences,
            has_headline=has_headline,
            date_only=date_only,
            language=language,
        )

    @classmethod
    def from_path(cls, path: Path, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES) -> Article:
        """Read one article file; raise ArticleError when it is empty, binary, not UTF-8 or too large."""
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise ArticleError(f"{size:,} bytes is over the {max_bytes:,}-byte limit for one article")
            data = path.read_bytes()
        except OSError as error:
            raise ArticleError(f"cannot be read ({error.strerror or error})") from error
        if b"\x00" in data:
            raise ArticleError("is a binary file, not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ArticleError(f"is not UTF-8 text (byte {error.start} is not valid)") from error
        article = cls.from_text(path.stem, text)
        if not article.sentences:
            raise ArticleError("holds no sentences" if text.strip() else "is empty")
        return article

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
        return f"skipped {self.path.name}: {self.reason}"


@dataclass(frozen=True)
class Corpus:
    """The articles Briefbot knows, in memory, in a stable order (by publication, then id)."""

    articles: tuple[Article, ...]
    # Articles that came with a feed's first poll: its back-catalogue is background, never "what changed".
    backfill: frozenset[str] = frozenset()
    _by_id: dict[str, Article] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.articles, key=_chronological))
        object.__setattr__(self, "articles", ordered)
        object.__setattr__(self, "_by_id", {article.id: article for article in ordered})

    @classmethod
    def from_folder(
        cls,
        folder: Path,
        max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> tuple[Corpus, tuple[LoadProblem, ...]]:
        """Load every `*.txt` article of a folder; bad files are skipped and reported, not fatal."""
        if not folder.exists():
            raise CorpusError(f"corpus folder {folder} does not exist")
        if not folder.is_dir():
            raise CorpusError(f"corpus path {folder} is not a folder")
        paths = sorted(path for path in folder.iterdir() if path.suffix == ARTICLE_SUFFIX and path.is_file())
        articles: list[Article] = []
        problems: list[LoadProblem] = []
        for done, path in enumerate(paths, start=1):
            try:
                articles.append(Article.from_path(path, max_bytes))
            except ArticleError as error:
                problems.append(LoadProblem(path, str(error)))
                log.warning("skipped article file %s: %s", path, error)
            if on_progress is not None:
                on_progress(done, len(paths))
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

    @property
    def latest(self) -> datetime | None:
        """Return the newest publication date in the corpus."""
        dates = [article.published for article in self.articles if article.published is not None]
        return max(dates) if dates else None

    @cached_property
    def index(self) -> CorpusIndex:
        """Return the term index over every sentence, built on first use."""
        from briefings.index import CorpusIndex  # noqa: PLC0415 - scipy loads only when a command needs it

        return CorpusIndex.build(self.articles)

    @cached_property
    def stories(self) -> tuple[Story, ...]:
        """Return the corpus grouped into stories, newest first."""
        from briefings.stories import group_stories  # noqa: PLC0415

        return group_stories(self)


def _chronological(article: Article) -> tuple[datetime, str]:
    return (article.published or datetime.min.replace(tzinfo=UTC), article.id)


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    try:
        meta = yaml.load(match["yaml"], Loader=_YAML_LOADER) or {}  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise ArticleError(f"has front matter that is not valid YAML ({error.__class__.__name__})") from error
    if not isinstance(meta, dict):
        raise ArticleError("has front matter that is not a mapping of keys to values")
    return meta, text[match.end():]


def _text_field(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _published(value: object) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    from dateutil import parser as date_parser  # noqa: PLC0415

    try:
        parsed = date_parser.parse(str(value))
    except (ValueError, OverflowError) as error:
        raise ArticleError(f"has a 'published' date that cannot be read: {value!r}") from error
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _is_day(value: object) -> bool:
    if isinstance(value, datetime):
        return False
    if isinstance(value, date):
        return True
    return re.search(r"\d:\d\d", str(value)) is None


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


def _sentences(article_id: str, body: str, lines: tuple[Line, ...], language: str) -> Iterator[Sentence]:
    position = 0
    spaced = language not in UNSPACED_LANGUAGES  # words between spaces: the English path, kept as fast as it was
    for start, end in _paragraph_spans(lines):
        # Bling Fire treats a newline as a sentence break; hard-wrapped lines are one paragraph, so the
        # newlines are read as spaces (same length: the offsets still point into the body).
        paragraph = body[start:end]
        for first, last in split_sentences(paragraph.replace("\n", " ").replace("\r", " "), language):
            text = paragraph[first:last].strip()
            if (ends_like_sentence(text) and len(text.split()) >= 3) if spaced else counts_as_sentence(text, language):
                yield Sentence(text, article_id, position)
                position += 1


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
