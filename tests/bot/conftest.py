"""Fixtures of the bot's tests: the 10,000-article corpus, loaded through the bot's kept-corpus storage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.storage.corpus_cache import Limits, load_corpus
from briefings.corpus import Corpus
from tests.conftest import ROOT

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
    folder, state = BENCH_CORPUS, BENCH_CORPUS.parent / "state"  # the built corpus is kept there between runs
    if sum(1 for _ in folder.glob("*.txt")) < BIG_CORPUS_ARTICLES:
        folder = build_corpus.build(BIG_CORPUS_ARTICLES, tmp_path_factory.mktemp("corpus10k"))
        state = tmp_path_factory.mktemp("state")
    corpus, problems = load_corpus(folder, state, Limits(1_048_576, 16_384, BIG_CORPUS_ARTICLES), datetime.now(UTC))
    assert len(corpus) >= BIG_CORPUS_ARTICLES and problems == ()
    linked = tuple(article if article.url else replace(
        article, url=f"https://news.example.com/{article.id}?utm_source=rss&utm_medium=feed&id=7")
        for article in corpus.articles)
    # Links change no sentence, term or story: the index and stories are the kept ones, over the linked articles.
    corpus = Corpus.prebuilt(linked, corpus.backfill, replace(corpus.index, articles=linked), corpus.story_table)
    from briefings.topics import corpus_topics

    corpus_topics(corpus.index)  # counted once, here (issue 13 item 1 keeps this off the event loop in the bot)
    return corpus
