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


def test_support_counts_the_other_articles_that_report_a_claim_not_the_colour_of_one(haiti):
    # How many of the day's other articles say the same thing in their own words: the toll and the troops landing at
    # the palace are told by several, the Ipswich inventor, the studio's guests and the charity single by one each.
    import numpy as np

    from briefings.duplicates import group_duplicates
    from briefings.summaries import _news_first, _support, _usable

    index = Corpus(tuple(article for article in haiti if article.published >= DAY)).index
    groups, _ = _news_first(index, group_duplicates(index, _usable(index, np.arange(len(index.sentences)))))
    support = dict(zip((index.sentences[group[0]].text for group in groups), _support(index, groups), strict=True))

    def of(start: str) -> float:
        return next(value for text, value in support.items() if text.startswith(start))

    assert of("Haitian officials say up to 200,000 people have been killed") > 1.0
    assert of("Helicopters dropped scores of US troops in the presidential palace grounds") > 0.5
    assert of("A strong aftershock has rocked Haiti") > 0.0
    for colour in ("An Ipswich man's invention", "Fashion gurus Trinny and Susannah", "U2 and Jay-Z record song"):
        assert of(colour) == 0.0, colour


def test_a_sentence_sharing_one_word_with_one_read_is_not_a_copy_of_it():
    # Swine flu, 2 May 2009: with the story's common words (Mexico, swine, flu) left out of the comparison, the
    # teaser keeps one word, "over-react", which an earlier sentence also has: a cosine of 1, but no copy of it.
    import numpy as np

    from briefings.digests import READ_AGAIN, REDUNDANCY, _novelty

    day = datetime(2009, 5, 2, tzinfo=UTC)
    corpus, _ = Corpus.from_folder(timeline17_story("swine_flu") / "articles")
    corpus = Corpus(tuple(a for a in corpus if a.published and a.published < day + timedelta(days=1)))
    index = corpus.index
    published = index.published
    read = index.sentences_of_articles(published < day.timestamp())
    teaser = [n for n, s in enumerate(index.sentences) if s.text == "Did Mexico over-react on swine flu?"
              and published[index.sentence_article[n]] >= day.timestamp()]
    assert teaser and any("over-reacted" in index.sentences[int(n)].text for n in read)
    assert _novelty(index, np.asarray(teaser[:1]), read)[0] > 2 * READ_AGAIN
    # a sentence read word for word the day before is a copy of it: scaled by READ_AGAIN once a briefing showed it,
    # by the graded penalty alone when it was only in an earlier article
    texts_read = {index.sentences[int(n)].text for n in read}
    copy = [n for n, s in enumerate(index.sentences) if published[index.sentence_article[n]] >= day.timestamp()
            and s.text in texts_read and len(s.text.split()) > 12]
    assert copy
    shown = np.asarray([n for n in read if index.sentences[int(n)].text == index.sentences[copy[0]].text])
    assert _novelty(index, np.asarray(copy[:1]), read, shown)[0] < 2 * READ_AGAIN
    assert _novelty(index, np.asarray(copy[:1]), read)[0] == pytest.approx(1.0 - REDUNDANCY)
