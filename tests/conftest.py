from __future__ import annotations

from pathlib import Path

import pytest

from briefings.corpus import Corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

AGGREGATOR, STRAITS_TIMES, AFP, CNA, FT = (
    "000_7684b3e5862f0080",
    "001_2487aea8e09a5ae7",
    "002_5dac28788b35827a",
    "003_93a1b2da704e3850",
    "004_d06dc6481aa78526",
)


def raw_seed(article_id: str) -> str:
    """Return a seed as it was collected: the file without the front matter that seeds/ adds."""
    text = (SEEDS / f"{article_id}.txt").read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1]


@pytest.fixture(scope="session")
def seeds() -> Corpus:
    corpus, problems = Corpus.from_folder(SEEDS)
    assert problems == ()
    return corpus
