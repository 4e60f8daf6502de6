"""'What changed' on real, messy coverage: the Haiti earthquake of January 2010 in Timeline17 (read in place).

On 20 January 2010 an aftershock struck, officials put the toll at up to 200,000 and aid was flown in; the same day's
pages also carry a TV studio's guest list, a charity single, call-charge small print and donation instructions.
The BBC's timeline and three annotators' summaries of that day name the toll, the aftershock and the troops.
"""

from datetime import UTC, datetime, timedelta

import pytest

from briefings.corpus import Corpus
from briefings.digests import build_digest
from briefings.summarizers import LengthBudget
from tests.conftest import timeline17_story

DAY = datetime(2010, 1, 20, tzinfo=UTC)
END = DAY + timedelta(days=1, microseconds=-1)
NEWS = ("troops", "aftershock", "aid distribution", "airdrop", "US military", "aid supplies", "Dominican Republic",
        "people died")
NOT_NEWS = ("Trinny", "0370", "U2", "invention", "donate", "social networks")


@pytest.fixture(scope="module")
def haiti() -> Corpus:
    corpus, _ = Corpus.from_folder(timeline17_story("haitian_earthquake") / "articles")
    return Corpus(tuple(article for article in corpus if article.published and article.published <= END))


def test_the_days_digest_leads_with_the_toll_and_the_troops_not_page_colour(haiti):
    digest = build_digest(haiti, DAY, END)  # `briefbot changes --since 2010-01-20 --until 2010-01-20`
    texts = [s.text for s in digest.sentences]
    assert len(texts) == 5
    assert any(text.startswith("A strong aftershock has rocked Haiti") for text in texts), texts  # caption cut off
    assert any("troops" in text for text in texts), texts
    assert sum(any(mark in text for mark in NEWS) for text in texts) >= 4, texts
    # At most one piece of colour: the Ipswich inventor's lead (it also gives the toll) can still rank fifth.
    assert len([text for text in texts if any(mark in text for mark in NOT_NEWS)]) <= 1, texts
    assert not [text for text in texts if any(mark in text for mark in ("Trinny", "0370", "U2", "donate"))], texts
    for sentence in digest.sentences:  # verbatim, from the day's own articles
        article = haiti.get(sentence.article_id)
        assert sentence.text in article.body and DAY <= article.published <= END


def test_what_the_last_briefing_said_is_not_said_again_and_the_day_still_has_news(haiti):
    first = build_digest(haiti, DAY, END, budget=LengthBudget(sentences=3))
    said = frozenset(s.text for s in first.sentences)
    second = build_digest(haiti, DAY, END, budget=LengthBudget(sentences=3), already_said=said)
    assert len(second.sentences) == 3
    assert said.isdisjoint(s.text for s in second.sentences)
    assert any(any(mark in s.text for mark in NEWS) for s in second.sentences)


def test_a_topic_digest_keeps_to_the_topic_and_to_news(haiti):
    digest = build_digest(haiti, DAY, END, topic="troops", budget=LengthBudget(sentences=3))
    texts = [s.text for s in digest.sentences]
    assert texts and all("troop" in text.lower() for text in texts), texts  # "troops", "UN troop numbers"
    assert not [text for text in texts if any(mark in text for mark in NOT_NEWS)], texts
    assert not [text for text in texts if " ago " in text], texts  # a "latest news" box of headlines is no news


def test_history_discounts_restatements_rather_than_hiding_the_days_main_fact(haiti):
    # The toll was reported on earlier days too; a hard "already known" filter dropped it and left colour.
    earlier = [s.text for s in haiti.index.sentences
               if "200,000" in s.text and haiti.get(s.article_id).published < DAY]
    assert earlier
    digest = build_digest(haiti, DAY, END)
    assert any("200,000" in s.text for s in digest.sentences)


def test_with_no_history_the_digest_is_the_summary_of_the_window_alone(haiti):
    # The digest ranks the window as `summarize` ranks the window's articles alone; the history only discounts.
    from briefings.summaries import summarize_articles

    window = [article for article in haiti if article.published >= DAY]
    budget = LengthBudget(words=100)
    alone = [s.text for s in summarize_articles(window, budget).sentences]
    assert [s.text for s in build_digest(Corpus(tuple(window)), DAY, END, budget=budget).sentences] == alone
    with_history = [s.text for s in build_digest(haiti, DAY, END, budget=budget).sentences]
    assert len(set(with_history) & set(alone)) >= len(alone) - 2, (with_history, alone)
