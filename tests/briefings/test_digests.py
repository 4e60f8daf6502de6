from datetime import UTC, datetime

import pytest

from briefings.digests import build_digest
from briefings.summaries import NothingToReport
from briefings.summarizers import LengthBudget
from tests.conftest import FT

MARCH = datetime(2025, 3, 1, tzinfo=UTC)


def test_only_articles_inside_the_window_supply_sentences(seeds):
    digest = build_digest(seeds, MARCH, budget=LengthBudget(sentences=8))
    assert digest.sentences
    assert {s.article_id for s in digest.sentences} == {FT}
    assert digest.new_article_ids == (FT,)
    assert len(digest.known_article_ids) == 4
    for sentence in digest.sentences:
        assert sentence.text in seeds.get(sentence.article_id).body


def test_the_figures_that_moved_name_what_they_measure_and_where_each_value_is(seeds):
    digest = build_digest(seeds, MARCH)
    moved = {(f.subject, f.before, f.after) for f in digest.figures}
    assert moved == {("US tariffs", "10%", "145%"), ("China tariffs", "up to 15%", "125%")}


def test_reversals_are_set_beside_what_was_said_before(seeds):
    digest = build_digest(seeds, MARCH)
    pairs = {(c.before.article_id, c.after.text) for c in digest.contrasts}
    fake_news = [c for c in digest.contrasts if "fake news" in c.after.text]
    assert len(fake_news) == 1
    assert "deal" in fake_news[0].before.text  # the February talk of a possible trade deal
    # "There are currently no economic and trade negotiations": a bare negation, never taken for a reversal (issue 10)
    assert not any("currently no economic and trade negotiations" in c.after.text for c in digest.contrasts)
    assert all(before != FT for before, _ in pairs)


def test_a_restated_fact_ranks_below_news_but_is_not_hidden():
    from briefings.corpus import Article, Corpus

    lead = "The city council approved a new budget for schools on Monday after a long debate."
    news = "Opposition members said they would challenge the vote in the high court next month."
    monday = Article.from_text("monday", f"---\npublished: 2025-03-03\n---\n{lead}\n"
                               "The mayor said teachers would be hired in the autumn across every district.\n")
    tuesday = Article.from_text("tuesday", f"---\npublished: 2025-03-04\n---\n{lead}\n{news}\n")
    corpus = Corpus((monday, tuesday))
    since = datetime(2025, 3, 4, tzinfo=UTC)
    assert [s.text for s in build_digest(corpus, since, budget=LengthBudget(sentences=1)).sentences] == [news]
    # What the reader read is a penalty, not a filter: with room to spare, Tuesday's lead comes back as context.
    assert [s.text for s in build_digest(corpus, since, budget=LengthBudget(sentences=2)).sentences] == [lead, news]


def test_a_copy_of_a_story_read_the_day_before_still_gives_what_it_adds(seeds):
    # A window that holds the CNA copy only, after the other February copies: most of it restates them.
    digest = build_digest(seeds, datetime(2025, 2, 22, tzinfo=UTC), datetime(2025, 2, 22, 23, tzinfo=UTC),
                          budget=LengthBudget(sentences=20))
    texts = [s.text for s in digest.sentences]
    assert any("15 per cent" in t for t in texts)  # CNA adds the 15 per cent retaliation, the 60 per cent threat
    assert any("60 per cent" in t for t in texts)
    assert {s.article_id for s in digest.sentences} == {"003_93a1b2da704e3850"}


def test_topic_limits_the_digest_to_sentences_about_it(seeds):
    digest = build_digest(seeds, MARCH, topic="Bessent", budget=LengthBudget(sentences=5))
    assert digest.sentences
    assert all("Bessent" in s.text for s in digest.sentences)
    assert digest.figures == ()  # no moved figure is reported in a sentence that names Bessent
    with pytest.raises(NothingToReport):
        build_digest(seeds, MARCH, topic="cryptocurrency")


def test_nothing_new_after_the_last_article(seeds):
    digest = build_digest(seeds, datetime(2025, 5, 1, tzinfo=UTC))
    assert digest.is_empty
    assert digest.new_article_ids == ()


def test_sentences_already_posted_are_not_said_again(seeds):
    first = build_digest(seeds, MARCH, budget=LengthBudget(sentences=3))
    said = frozenset(s.text for s in first.sentences)
    second = build_digest(seeds, MARCH, budget=LengthBudget(sentences=3), already_said=said)
    assert said.isdisjoint(s.text for s in second.sentences)


def test_a_feeds_back_catalogue_is_background_not_news(seeds):
    from briefings.corpus import Corpus

    with_backfill = Corpus(seeds.articles, backfill=frozenset({FT}))
    digest = build_digest(with_backfill, MARCH)
    assert digest.new_article_ids == () and digest.is_empty
    assert FT in digest.known_article_ids
