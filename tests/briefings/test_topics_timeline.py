"""A story asked by name in a corpus of many: Timeline17's Libyan war with the Egyptian crisis on the same days.

The Egyptian crisis (25 January-13 February 2011) is moved to start on the Libyan war's first day (16 February), so
that the two stories share their days as a newsroom's feeds would; Libya's pages name Egypt often ("Revolutions in
neighbouring Tunisia and Egypt..."). Read in place from ../shared/data/timeline17.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from briefings.corpus import Corpus
from briefings.digests import build_digest
from briefings.topics import sentences_about, topic_articles, topic_sentences
from tests.conftest import timeline17_story

DAY = datetime(2011, 3, 2, tzinfo=UTC)
END = DAY + timedelta(days=1, microseconds=-1)
MOVED = datetime(2011, 2, 16, tzinfo=UTC) - datetime(2011, 1, 25, tzinfo=UTC)


@pytest.fixture(scope="module")
def libya() -> Corpus:
    corpus, _ = Corpus.from_folder(timeline17_story("libyan_war") / "articles")
    return Corpus(tuple(article for article in corpus if article.published and article.published <= END))


@pytest.fixture(scope="module")
def mixed(libya) -> Corpus:
    egypt, _ = Corpus.from_folder(timeline17_story("egyptian_crisis") / "articles")
    moved = (replace(article, published=article.published + MOVED) for article in egypt)
    return Corpus((*libya, *(article for article in moved if article.published <= END)))


def test_an_article_is_about_what_its_lead_names_not_what_it_mentions_further_down(libya):
    index = libya.index
    number = {article.id: n for n, article in enumerate(index.articles)}
    egypt, about_libya = topic_articles(index, "Egypt"), topic_articles(index, "Libya")
    # "Powerful military elites ultimately decided the outcome of Egypt's revolution..." opens this Reuters analysis.
    assert egypt[number["2011-02-22_libyawar_29"]]
    # Benghazi's protests, with Egypt named once, in its 43rd sentence: about Libya, not about Egypt.
    assert not egypt[number["2011-02-18_libyawar_134"]] and about_libya[number["2011-02-18_libyawar_134"]]
    named = np.unique(index.sentence_article[topic_sentences(index, "Egypt")])
    assert 0 < egypt.sum() < named.size / 4  # of the 172 Libya pages that name Egypt, 21 lead with it


def test_the_sentences_about_a_topic_are_its_mentions_and_every_line_of_the_articles_about_it(libya):
    index = libya.index
    mentions = topic_sentences(index, "Egypt")
    about = sentences_about(index, "Egypt")
    assert np.isin(mentions, about).all()
    owners = index.sentence_article[np.setdiff1d(about, mentions)]
    assert owners.size and topic_articles(index, "Egypt")[owners].all()
    assert sentences_about(index, "Atlantis").size == 0


def test_a_story_asked_by_name_among_other_stories_reads_as_it_does_alone(libya, mixed):
    alone = [s.text for s in build_digest(libya, DAY, END).sentences]  # `changes --since 2011-03-02` on Libya's pages
    asked = build_digest(mixed, DAY, END, topic="Libya")  # `changes Libya` on both stories' pages
    # Before, only the sentences naming Libya were candidates, and a claim's support was counted among them alone:
    # 3 of the story's 5 sentences, Kerry's call for a no-fly zone and "The United States said Libya could sink into
    # civil war..." giving way to lines the story alone ranks lower.
    assert [s.text for s in asked.sentences] == alone
    assert all("libyawar" in s.article_id for s in asked.sentences)


def test_what_a_topic_digest_says_without_naming_the_topic_comes_from_articles_about_it(mixed):
    index = mixed.index
    about = topic_articles(index, "Egypt")
    number = {article.id: n for n, article in enumerate(index.articles)}
    digest = build_digest(mixed, DAY, END, topic="Egypt")
    assert digest.sentences
    for sentence in digest.sentences:
        assert "Egypt" in sentence.text or about[number[sentence.article_id]], sentence.text
