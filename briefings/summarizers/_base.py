"""What every summarizer shares: the length budget and the single-article call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from briefings.corpus import Article, Sentence


@dataclass(frozen=True, slots=True)
class LengthBudget:
    """How long a summary may be: a number of sentences or of words (never both)."""

    sentences: int | None = None
    words: int | None = None
    truncate: bool = False  # with a word budget, cut the last sentence to fit instead of stopping before it

    def __post_init__(self) -> None:
        if self.sentences is not None and self.words is not None:
            raise ValueError("give a budget in sentences or in words, not both")
        if self.sentences is not None and self.sentences < 1:
            raise ValueError("a summary needs at least 1 sentence")
        if self.words is not None and self.words < 1:
            raise ValueError("a summary needs at least 1 word")
        if self.truncate and self.words is None:
            raise ValueError("truncating only applies to a budget in words")

    @classmethod
    def of(cls, sentences: int | None = None, words: int | None = None, truncate: bool = False,
           default_sentences: int = 5) -> LengthBudget:
        """Build a budget, falling back to a number of sentences when neither is given."""
        if sentences is None and words is None:
            sentences = default_sentences
        return cls(sentences, words, truncate)

    def fits(self, chosen_words: int, chosen_sentences: int, next_words: int) -> bool:
        """Tell whether one more sentence of next_words words stays within the budget."""
        if self.sentences is not None:
            return chosen_sentences < self.sentences
        assert self.words is not None  # noqa: S101 - guaranteed by __post_init__
        return chosen_words + next_words <= self.words


def take_within(ranked: Sequence[Sentence], budget: LengthBudget) -> list[Sentence]:
    """Keep the best-ranked sentences that fit the budget (skipping any that would overflow it)."""
    chosen: list[Sentence] = []
    words = 0
    for sentence in ranked:
        if budget.sentences is not None and len(chosen) >= budget.sentences:
            break
        if budget.fits(words, len(chosen), sentence.word_count):
            chosen.append(sentence)
            words += sentence.word_count
    return chosen


class SingleArticleSummarizer(Protocol):
    """Pick the sentences that best summarise one article, in the article's order."""

    def __call__(self, article: Article, count: int) -> tuple[Sentence, ...]:
        """Return `count` sentences of the article, in document order."""

