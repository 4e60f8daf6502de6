"""Extractive summarizers: Briefbot's concept-coverage method and sumy's classics."""

from briefings.summarizers._base import LengthBudget, SingleArticleSummarizer, take_within
from briefings.summarizers.sumy_algorithms import SUMY_ALGORITHMS, SumySummarizer

COVERAGE = "coverage"
ALGORITHMS: tuple[str, ...] = (COVERAGE, *SUMY_ALGORITHMS)
# For one article: the best ROUGE-2 in bench/single_document.py (300 BBC articles: TextRank 0.698, Luhn 0.635,
# LexRank 0.541, coverage 0.507). For several, coverage: the only one that merges what outlets repeat.
DEFAULT_SINGLE_ALGORITHM = "textrank"
DEFAULT_MULTI_ALGORITHM = COVERAGE

__all__ = [
    "ALGORITHMS",
    "COVERAGE",
    "DEFAULT_MULTI_ALGORITHM",
    "DEFAULT_SINGLE_ALGORITHM",
    "SUMY_ALGORITHMS",
    "LengthBudget",
    "SingleArticleSummarizer",
    "SumySummarizer",
    "take_within",
]
