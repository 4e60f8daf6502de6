"""Wire datelines are not quoted: swine flu on 27 April 2009 (Timeline17, read in place).

That day's Reuters leads open with their datelines ("HONG KONG (Reuters) - ", "(Repeats to more subscribers without
changes in text) SINGAPORE, April 27 (Reuters) - "). A summary quotes them from where the story's own words start and
counts only those words; what a briefing said in that form is not said again, by "what changed" or a story's summary.
"""

from datetime import UTC, datetime, timedelta

import pytest

from briefings.briefing import summarize_story
from briefings.corpus import Corpus
from briefings.digests import build_digest
from briefings.stories import ranked_stories
from briefings.summaries import quoted, story_start, summarize_articles
from briefings.summarizers import LengthBudget
from tests.conftest import timeline17_story

DAY = datetime(2009, 4, 27, tzinfo=UTC)
END = DAY + timedelta(days=1, microseconds=-1)
BUDGET = LengthBudget(words=100)


@pytest.fixture(scope="module")
def swine_flu() -> Corpus:
    corpus, _ = Corpus.from_folder(timeline17_story("swine_flu") / "articles")
    return Corpus(tuple(article for article in corpus if article.published and article.published <= END))


def _wire_leads_quoted(corpus: Corpus, texts: list[str]) -> list[str]:
    """Return the texts that are an article's first sentence quoted from after its dateline."""
    firsts = {article.sentences[0].text for article in corpus if article.sentences}
    return [text for text in texts if text not in firsts and any(first.endswith(text) for first in firsts)]


def test_a_summary_quotes_wire_leads_without_their_datelines_and_counts_only_what_it_quotes(swine_flu):
    day = [article for article in swine_flu if article.published >= DAY]
    summary = summarize_articles(day, BUDGET)
    texts = [sentence.text for sentence in summary.sentences]
    assert not [text for text in texts if "(Reuters)" in text], texts
    assert any(text.startswith("A Chinese virologist who helped fight SARS") for text in texts), texts
    assert _wire_leads_quoted(swine_flu, texts), texts
    for sentence in summary.sentences:  # verbatim: the end of a sentence of the article it cites
        assert any(s.text.endswith(sentence.text) for s in swine_flu.get(sentence.article_id).sentences)
    assert summary.word_count <= 100


def test_what_changed_quotes_the_story_not_the_dateline_and_does_not_say_it_again(swine_flu):
    first = build_digest(swine_flu, DAY, END, budget=BUDGET)
    said = frozenset(sentence.text for sentence in first.sentences)
    assert _wire_leads_quoted(swine_flu, list(said)), said
    second = build_digest(swine_flu, DAY, END, budget=BUDGET, already_said=said)
    assert second.sentences
    assert said.isdisjoint(sentence.text for sentence in second.sentences)
    day = [s for a in swine_flu if a.published >= DAY for s in a.sentences]
    repeated = [s.text for s in day if quoted(s) in said and s.text not in said]
    assert repeated  # the wire leads said, as the corpus holds them: none comes back in the second digest
    assert not set(repeated) & {s.text for s in second.sentences}


def test_a_story_summary_leaves_out_a_wire_lead_a_briefing_said_without_its_dateline(swine_flu):
    story = next(story for story in ranked_stories(swine_flu) if "2009-04-27_h1n1_1003" in story.article_ids)
    everything = summarize_story(swine_flu, story, LengthBudget(sentences=50))
    shown = {sentence.text for sentence in everything.sentences}
    leads = [article.sentences[0] for article in map(swine_flu.get, story.article_ids) if article.sentences]
    lead = next(lead for lead in leads if story_start(lead.text) and quoted(lead) in shown)
    told = summarize_story(swine_flu, story, LengthBudget(sentences=50), already=frozenset({quoted(lead)}))
    assert told.sentences
    assert quoted(lead) not in {sentence.text for sentence in told.sentences}
    assert lead.text not in {sentence.text for sentence in told.sentences}


@pytest.mark.parametrize(("text", "story"), [
    ("LONDON | Wed Apr 29, 2009 11:17 am BST LONDON (Reuters) - Leaflets giving advice are to be sent to every home.",
     "Leaflets giving advice are to be sent to every home."),
    ("WASHINGTON (AP) -- The Senate voted on Tuesday to extend the program.", "The Senate voted on Tuesday to extend "
     "the program."),
    ("BEIJING, Jan. 3 (Xinhua) -- China's exports rose 12 percent in December.", "China's exports rose 12 percent in "
     "December."),
    ("HOUSTON, June 2 (Reuters) - BP (BP.", "HOUSTON, June 2 (Reuters) - BP (BP."),  # nothing left to quote
    ("The agency said the tests (AP) - were run again.", "The agency said the tests (AP) - were run again."),  # too few
    ("Officials met on Monday.", "Officials met on Monday."),
])
def test_a_dateline_ends_at_the_agency_and_its_dash(text, story):
    assert text[story_start(text):] == story


def test_a_wire_lead_is_weighed_as_the_prose_it_quotes_not_as_the_headline_run_in_before_its_dateline():
    from briefings.corpus import Article
    from briefings.prose import prose_weight
    from briefings.summaries import _news_first

    path = timeline17_story("bp_oil_spill") / "articles" / "2010-05-10_bpoil_1001.txt"
    article = Article.from_path(path)
    lead = article.sentences[0]
    assert lead.text.startswith("BP says oil spill costs $350 million so far, shares hit LONDON | Mon May 10")
    assert prose_weight(lead.text) < 1.0  # the headline run into the sentence reads as page text
    index = Corpus((article,)).index
    _, weights = _news_first(index, [[0]])
    assert quoted(lead).startswith("Oil major BP Plc said the oil spill in the Gulf of Mexico had cost it $350 million")
    assert weights == [1.0]
