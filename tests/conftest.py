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


BENCH_CORPUS = ROOT / "bench" / "_data" / "corpus10k"
BIG_CORPUS_ARTICLES = 10_000


@pytest.fixture(scope="session")
def big_corpus(tmp_path_factory) -> Corpus:
    """The 10,000-article benchmark corpus (real BBC text and the seeds), every article linked as a feed would.

    Built by bench/build_corpus.py from ../shared/data/bbc-news-summary (reused from bench/_data when present), with
    links that carry tracking parameters, and loaded once for the session.
    """
    import sys
    from dataclasses import replace

    sys.path.insert(0, str(ROOT / "bench"))
    import build_corpus  # noqa: PLC0415 - the benchmark's own builder

    assert build_corpus.BBC.is_dir(), f"the BBC data is expected at {build_corpus.BBC}"
    folder = BENCH_CORPUS
    if sum(1 for _ in folder.glob("*.txt")) < BIG_CORPUS_ARTICLES:
        folder = build_corpus.build(BIG_CORPUS_ARTICLES, tmp_path_factory.mktemp("corpus10k"))
    corpus, problems = Corpus.from_folder(folder)
    assert len(corpus) >= BIG_CORPUS_ARTICLES and problems == ()
    linked = [article if article.url else replace(
        article, url=f"https://news.example.com/{article.id}?utm_source=rss&utm_medium=feed&id=7")
        for article in corpus.articles]
    corpus = Corpus(tuple(linked))
    corpus.stories  # noqa: B018 - grouped once, here, not inside the first test that needs it
    from briefings.topics import corpus_topics

    corpus_topics(corpus.index)  # counted once, here (issue 13 item 1 keeps this off the event loop in the bot)
    return corpus
