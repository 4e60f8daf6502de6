from dataclasses import replace
from datetime import UTC, datetime, timedelta

from briefings.corpus import Article, Corpus
from briefings.stories import ranked_stories
from tests.conftest import AFP, AGGREGATOR, CNA, FT, STRAITS_TIMES


def test_wire_copies_and_the_aggregator_summary_are_one_story_and_the_april_report_another(seeds):
    stories = seeds.stories
    assert [story.article_ids for story in stories] == [(AGGREGATOR, STRAITS_TIMES, AFP, CNA), (FT,)]
    call, april = stories
    assert call.sources == 4
    assert call.outlets == ("News aggregator (18 sources)", "The Straits Times", "AFP", "CNA")
    assert call.first_published == datetime(2025, 2, 21, tzinfo=UTC)
    assert call.last_published == datetime(2025, 2, 22, tzinfo=UTC)
    assert april.follows == call.id  # a later development of the February call


def test_story_headline_is_a_real_headline_from_one_of_its_articles(seeds):
    call = seeds.stories[0]
    assert call.headline in {seeds.get(a).title for a in call.article_ids if seeds.get(a).has_headline}


def test_ranking_puts_the_recent_story_first_and_as_of_hides_later_ones(seeds):
    assert [story.article_ids[0] for story in ranked_stories(seeds)] == [FT, AGGREGATOR]
    march = datetime(2025, 3, 1, tzinfo=UTC)
    assert [story.article_ids[0] for story in ranked_stories(seeds, as_of=march)] == [AGGREGATOR]


def test_unrelated_articles_on_the_same_day_are_separate_stories():
    day = datetime(2025, 1, 6, tzinfo=UTC)
    texts = {
        "storm": "A winter storm closed schools across the north. Snow drifts blocked the main roads for hours. "
                 "Forecasters expect more snow and ice on Tuesday.",
        "storm2": "Schools across the north closed as a winter storm brought snow drifts that blocked main roads. "
                  "Forecasters said more snow and ice would follow on Tuesday.",
        "court": "The supreme court heard arguments on the merger. Judges questioned the regulator's lawyers. "
                 "A ruling is expected before the summer recess.",
    }
    corpus = Corpus(tuple(
        replace(Article.from_text(key, text), published=day + timedelta(hours=n))
        for n, (key, text) in enumerate(texts.items())
    ))
    groups = sorted(story.article_ids for story in corpus.stories)
    assert groups == [("court",), ("storm", "storm2")]


def test_a_headline_less_story_is_named_by_its_lead_cut_at_a_word_and_marked_as_cut():
    lead = ("The regional transport authority confirmed on Thursday that the long-delayed northern rail extension "
            "would open to passengers next spring after years of disputes over funding.")
    byline = "By EARYEL BOWLEG\n"
    corpus = Corpus((Article.from_text("a", byline + lead + "\nTickets go on sale in March.\n"),))
    [story] = corpus.stories
    assert story.headline_cut and story.headline_sentence == lead
    assert lead.startswith(story.headline) and len(story.headline) <= 90
    assert lead[len(story.headline)] == " "  # cut between words, never inside one
    assert "BOWLEG" not in story.headline


def test_a_furniture_title_never_names_a_story_that_has_a_real_one():
    body = "The city council approved the harbour budget on Tuesday after a long debate about fishing rights.\n"
    furniture = Article.from_text("a", "---\ntitle: 'Lire aussi Martine Bulard &'\n---\n" + body)
    real = Article.from_text("b", "---\ntitle: Harbour budget approved\n---\n" + body)
    [story] = Corpus((furniture, real)).stories
    assert story.headline == "Harbour budget approved"
