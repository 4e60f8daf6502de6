"""Keyword filters for schedules and sources: only news about some words, never news about others.

Keywords are matched as `/summary` matches topics (whole words and names, by stem: "oil" never finds "toilet";
"Bessent" finds "Scott Bessent"), through the corpus index, so a filter means what a topic means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefings.corpus import Article, Corpus

if TYPE_CHECKING:
    from briefings.index import CorpusIndex

MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 100


class FilterError(ValueError):
    """Keywords that cannot be used; the message says what to fix."""


def parse_keywords(text: str | None) -> tuple[str, ...]:
    """Read comma-separated keywords (`oil, OPEC`): stripped, each once, in the order given."""
    words: list[str] = []
    for part in (text or "").split(","):
        word = " ".join(part.split())
        if not word:
            continue
        if len(word) > MAX_KEYWORD_LENGTH:
            raise FilterError(f"a keyword is at most {MAX_KEYWORD_LENGTH} characters")
        if word.lower() not in (w.lower() for w in words):
            words.append(word)
    if len(words) > MAX_KEYWORDS:
        raise FilterError(f"give at most {MAX_KEYWORDS} keywords, separated by commas")
    return tuple(words)


@dataclass(frozen=True, slots=True)
class KeywordFilter:
    """Keep an article if it mentions an included keyword (when there are any) and no excluded one."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    def kept(self, articles: Iterable[Article], index: CorpusIndex | None = None) -> frozenset[str]:
        """Return the ids of the articles the filter keeps (`index`: one already built over them, or more)."""
        chosen = tuple(articles)
        ids = {article.id for article in chosen}
        if not self:
            return frozenset(ids)
        from briefings.topics import topic_sentences  # noqa: PLC0415 - the index loads scipy

        index = index if index is not None else Corpus(chosen).index

        def mentioning(words: tuple[str, ...]) -> set[str]:
            found: set[str] = set()
            for word in words:
                found |= {index.articles[int(index.sentence_article[s])].id for s in topic_sentences(index, word)}
            return found

        if self.include:
            ids &= mentioning(self.include)
        return frozenset(ids - mentioning(self.exclude))

    def apply(self, corpus: Corpus) -> Corpus:
        """Return the corpus with only the articles the filter keeps (the corpus itself when there is no filter)."""
        if not self:
            return corpus
        kept = self.kept(corpus.articles, corpus.index)
        return Corpus(tuple(a for a in corpus.articles if a.id in kept), corpus.backfill & kept)
