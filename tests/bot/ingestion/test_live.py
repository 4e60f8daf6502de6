"""The corpus the bot serves, swapped incrementally: a new feed article is indexed and grouped alone."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.ingestion.live import LiveCorpus, TopicSchedule, assemble, count_topics, ready
from briefings.corpus import Corpus
from briefings.summaries import summarize_topic
from briefings.summarizers import LengthBudget
from briefings.topics import complete_topics, corpus_topics, topics_counted
from tests.conftest import FT

WEEK = timedelta(days=7)


def recent(corpus: Corpus) -> tuple:
    """The seeds dated this week (within the retention window), as feeds would have brought them."""
    now = datetime.now(UTC)
    return tuple(replace(article, published=now - timedelta(hours=len(corpus) - number))
                 for number, article in enumerate(corpus.articles))


def test_a_new_feed_article_is_added_to_the_served_corpus_without_rebuilding_it(seeds):
    articles = recent(seeds)
    folder, feed = articles[:3], [(a, False) for a in articles[3:]]
    served = ready(assemble(folder, lambda since: feed[:1], WEEK))
    grown = ready(assemble(folder, lambda since: feed, WEEK, previous=served))
    assert [a.id for a in grown] == [a.id for a in Corpus(articles)]
    assert grown.index.sentences[0] is served.index.sentences[0]  # the held articles were not indexed again
    assert [s.article_ids for s in grown.stories] == [s.article_ids for s in Corpus(articles).stories]
    cited = {s.article_id for s in summarize_topic(grown, "decoupling", LengthBudget(sentences=3)).sentences}
    assert cited == {FT}  # the new article answers at once
    same = ready(assemble(folder, lambda since: feed, WEEK, previous=grown))
    assert same is grown  # nothing new: the same corpus, nothing rebuilt


def test_expired_articles_leave_the_served_corpus_as_a_view(seeds):
    articles = recent(seeds)
    served = ready(assemble(articles[:2], lambda since: [(a, False) for a in articles[2:]], WEEK))
    shrunk = ready(assemble(articles[:2], lambda since: [(a, False) for a in articles[3:]], WEEK, previous=served))
    assert articles[2].id not in shrunk and len(shrunk) == len(seeds) - 1
    assert shrunk.index.vocabulary is served.index.vocabulary  # sliced, not rebuilt
    assert {a for s in shrunk.stories for a in s.article_ids} == {a.id for a in shrunk}


def test_autocomplete_reads_the_last_counted_topics_until_the_new_ones_are(seeds):
    first = ready(seeds.without([FT]))
    live = LiveCorpus(first)
    grown = ready(first.with_articles([seeds.get(FT)]), topics=False)
    live.replace(grown)
    assert not topics_counted(grown.index)
    # One swap behind: nothing counted while a user types; the first corpus's table, not its index, is held.
    assert corpus_topics(live.topic_index, 1000) == corpus_topics(first.index, 1000)
    assert complete_topics(live.topic_index, "bess") == complete_topics(first.index, "bess") == ("Bessent",)
    assert live.topic_index is not first.index and len(live.topic_index.articles) == 0
    count_topics(grown)
    assert live.topic_index is grown.index


def test_a_replaced_corpus_is_released_while_its_topics_are_still_served():
    import gc
    import weakref

    from bot.ingestion.tenancy import holdings_of
    from tests.conftest import bbc_wire

    ordered = Corpus(bbc_wire(30, 3)).articles  # real BBC copies
    first = ready(Corpus(ordered[:80]))
    table = corpus_topics(first.index, 1000)
    live = LiveCorpus(first)
    gone = weakref.ref(first.index)
    grown = first
    for step in range(1, 4):  # swaps before the next count, as a feed brings articles
        grown = ready(grown.updated(ordered[: 80 + step], frozenset()), topics=False)
        live.replace(grown, holdings_of(grown, ()))
    del first
    gc.collect()
    assert gone() is None  # neither the swaps nor the table served meanwhile hold the replaced index
    assert corpus_topics(live.topic_index, 1000) == table and len(table) > 50
    assert not topics_counted(grown.index)


def test_topics_are_counted_again_once_enough_changed_or_the_table_is_old_not_after_every_swap():
    from tests.conftest import bbc_wire

    ordered = Corpus(bbc_wire(60, 4)).articles  # 240 real BBC copies: 2% is 4.8 articles
    now = [0.0]
    schedule = TopicSchedule(share=0.02, after=600.0, clock=lambda: now[0])
    served = ready(Corpus(ordered[:200]), topics=False)
    live = LiveCorpus(served)
    assert schedule.due(served)  # never counted
    count_topics(served)
    schedule.counted(served)
    grown = served
    for step in range(1, 5):  # four new articles, one a swap: autocomplete keeps the table counted
        grown = ready(grown.updated(ordered[: 200 + step], frozenset()), topics=False)
        live.replace(grown)
        assert not schedule.due(grown) and corpus_topics(live.topic_index, 1000) == corpus_topics(served.index, 1000)
    expired = grown.updated(ordered[2:204], frozenset())  # two expire: six changed in all, over 2%
    assert schedule.due(expired)
    assert not schedule.due(grown)
    now[0] = 601.0
    assert schedule.due(grown)  # four changed, and the table is ten minutes old
    count_topics(grown)
    schedule.counted(grown)
    assert not schedule.due(grown) and live.topic_index is grown.index
    now[0] = 5_000.0
    assert not schedule.due(grown)  # old, but nothing changed


def test_one_new_article_joins_a_ten_thousand_article_corpus_in_seconds(big_corpus):
    served = ready(Corpus.prebuilt(big_corpus.articles, big_corpus.backfill, big_corpus.index,
                                   big_corpus.story_table), topics=False)
    newest = max(a.published for a in served.articles if a.published)
    latest = next(a for a in reversed(served.articles) if a.published == newest)
    wire = replace(latest, id="wire-new", published=newest + timedelta(hours=1))  # another outlet's copy
    started = time.perf_counter()
    grown = ready(served.updated(served.articles + (wire,), served.backfill), topics=False)
    elapsed = time.perf_counter() - started
    assert "wire-new" in grown and elapsed < 5, elapsed
    story = next(s for s in grown.stories if "wire-new" in s.article_ids)
    assert latest.id in story.article_ids  # it joined the story of the article it copies
