"""Extractive summarizers: Briefbot's concept-coverage method and sumy's classics."""

from briefings.summarizers._base import LengthBudget, SingleArticleSummarizer, take_within
from briefings.summarizers.sumy_algorithms import SUMY_ALGORITHMS, SumySummarizer

COVERAGE = "coverage"
ALGORITHMS: tuple[str, ...] = (COVERAGE, *SUMY_ALGORITHMS)
# Chosen by bench/single_document.py: the best ROUGE-2 on the BBC articles (see README, "Benchmarks").
DEFAULT_ALGORITHM = COVERAGE

__all__ = [
    "ALGORITHMS",
    "COVERAGE",
    "DEFAULT_ALGORITHM",
    "SUMY_ALGORITHMS",
    "LengthBudget",
    "SingleArticleSummarizer",
    "SumySummarizer",
    "take_within",
]
