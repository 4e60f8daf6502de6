import logging
from datetime import UTC, datetime

import numpy as np
import pytest

from briefings.corpus import Article, Corpus, CorpusError
from briefings.summaries import summarize_topic
from briefings.summarizers import LengthBudget
from tests.conftest import AFP, AGGREGATOR, CNA, FT, SEEDS, STRAITS_TIMES


def test_seeds_load_with_their_front_matter(seeds):
    assert len(seeds) == 5
    ft = seeds.get(FT)
    assert ft.source == "Financial Times"
    assert ft.published == datetime(2025, 4, 24, tzinfo=UTC)
    assert ft.citation == "Financial Times, 24 Apr 2025"
    assert [article.id for article in seeds][-1] == FT  # chronological order


def test_every_sentence_is_a_verbatim_substring_of_its_file(seeds):
    for article in seeds:
        text = (SEEDS / f"{article.id}.txt").read_text(encoding="utf-8")
        assert article.sentences
        for sentence in article.sentences:
            assert sentence.text in text


def test_front_matter_wins_over_what_the_text_says():
    text = "---\ntitle: Real headline\nsource: Example Times\npublished: 2024-05-06\nurl: https://example.org/a\n---\n"
    text += "February 21, 2025\nThe minister resigned on Monday after a long dispute.\n"
    article = Article.from_text("a", text)
    assert (article.title, article.source, article.url) == ("Real headline", "Example Times", "https://example.org/a")
    assert article.published == datetime(2024, 5, 6, tzinfo=UTC)
    assert [s.text for s in article.sentences] == ["The minister resigned on Monday after a long dispute."]


def test_bad_files_are_skipped_with_a_reason_naming_the_file_and_the_rest_loads(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    (tmp_path / "good.txt").write_text("Ministers met in Geneva on Monday. They agreed to meet again.\n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "latin1.txt").write_bytes("Le ministre a démissionné lundi soir.".encode("latin-1"))
    (tmp_path / "huge.txt").write_text("Word after word after word. " * 50_000)
    (tmp_path / "notes.md").write_text("Not an article file.")
    corpus, problems = Corpus.from_folder(tmp_path, max_bytes=100_000)
    assert [article.id for article in corpus] == ["good"]
    reasons = {problem.path.name: problem.reason for problem in problems}
    assert set(reasons) == {"binary.txt", "empty.txt", "latin1.txt", "huge.txt"}
    assert "binary" in reasons["binary.txt"]
    assert reasons["empty.txt"] == "is empty"
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "over the 100,000-byte limit" in reasons["huge.txt"]
    assert "huge.txt" in caplog.text


def test_invalid_front_matter_is_a_bad_file_not_a_crash(tmp_path):
    (tmp_path / "broken.txt").write_text("---\ntitle: [unclosed\n---\nA sentence that is real enough.\n")
    (tmp_path / "baddate.txt").write_text("---\npublished: not a date\n---\nA sentence that is real enough.\n")
    corpus, problems = Corpus.from_folder(tmp_path)
    assert len(corpus) == 0
    assert {problem.path.name for problem in problems} == {"broken.txt", "baddate.txt"}


PLAIN_FRONT_MATTER = [
    'title: "US, China economic leaders raise ‘serious concerns’"\nsource: "The Straits Times"\npublished: 2025-02-21'
    "\nurl: https://example.org/article?id=1#top\nlanguage: en",
    "title: no", "title: 1.10", "title: null", "title: ~", "title:", "title: ", "title: 'x'", "title: C#",
    "title: Q&A", "Title: x\ntitle: y", "title: x  ", 'title: "x"  ', "title: é — ü", "title: a,b", "title: a]b",
    "published: 2025-02-21T10:00:00+02:00", "url: http://x:80/y", "title: 'a\" b'", 'title: "it\'s"',
]
YAML_ONLY_FRONT_MATTER = [  # each left to YAML, which reads it otherwise or refuses it
    "title: 'it''s'", 'title: "a \\" b"', "title: a: b", "title: a #c", "title: -5", "title: &a x", "title: *a",
    "title: !!str x", "title: [a, b]", "title: {a: b}", "title: x:", "null: x", "title: x\n  y", "title: a\tb",
    "title: >x", "title: |", "title: %x", "title: @x", "title: `x`", "title: ?x", "title: ,x", "title: x\n", "",
    "title: \xa0x", "# a comment\ntitle: x", "  title: x", "title : x", "title: x\r",
]


@pytest.mark.parametrize("block", PLAIN_FRONT_MATTER)
def test_plain_front_matter_is_read_as_yaml_reads_it_without_yaml(block):
    from briefings.corpus import _plain_front_matter, _yaml_front_matter

    assert _plain_front_matter(block) == _yaml_front_matter(block)


@pytest.mark.parametrize("block", YAML_ONLY_FRONT_MATTER)
def test_front_matter_beyond_plain_lines_is_left_to_yaml(block):
    from briefings.corpus import _plain_front_matter

    assert _plain_front_matter(block) is None


def test_every_seed_and_wire_copy_front_matter_reads_as_yaml_reads_it():
    from briefings.corpus import _FRONT_MATTER, _plain_front_matter, _yaml_front_matter
    from tests.conftest import BBC

    lines = [line for line in sorted(BBC.glob("business/*.txt"))[0].read_text(encoding="utf-8").splitlines() if line]
    blocks = [_FRONT_MATTER.match(path.read_text(encoding="utf-8"))["yaml"] for path in SEEDS.glob("*.txt")]
    blocks.append(f'title: "{lines[0]}"\nsource: "BBC News"\npublished: 2026-10-01T04:05:00+00:00')
    assert all(_plain_front_matter(block) == _yaml_front_matter(block) for block in blocks)


def test_a_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        Corpus.from_folder(tmp_path / "nowhere")


def test_article_ids_are_file_stems(seeds):
    assert AGGREGATOR in seeds


def test_front_matter_title_keeps_a_first_line_that_is_not_that_title():
    text = "---\ntitle: The real headline\n---\nIs this the end of cheap flights?\nAirlines raised fares again.\n"
    article = Article.from_text("q", text)
    assert [s.text for s in article.sentences] == ["Is this the end of cheap flights?", "Airlines raised fares again."]
    repeated = Article.from_text("r", "---\ntitle: Fares rise again\n---\nFares rise again\nAirlines raised fares.\n")
    assert [s.text for s in repeated.sentences] == ["Airlines raised fares."]


def test_a_view_holds_only_its_articles_and_shares_the_index_text(seeds):
    view = seeds.view([STRAITS_TIMES, CNA, FT, "no-such-article"])
    assert [article.id for article in view] == [STRAITS_TIMES, CNA, FT]
    assert view.index.vocabulary is seeds.index.vocabulary  # nothing read or stemmed again
    assert {sentence.article_id for sentence in view.index.sentences} == {STRAITS_TIMES, CNA, FT}
    for number, sentence in enumerate(view.index.sentences):
        assert view.index.articles[int(view.index.sentence_article[number])].id == sentence.article_id
        assert view.index.terms_of(number).tolist() == [
            seeds.index.vocabulary[term] for term in seeds.index.normalizer.terms(sentence.text)]
    # The seeds' stories, restricted: the February call keeps two of its four outlets, April follows it still.
    assert [story.article_ids for story in view.stories] == [(STRAITS_TIMES, CNA), (FT,)]
    assert view.stories[0].outlets == ("The Straits Times", "CNA")
    assert view.stories[1].follows == view.stories[0].id == STRAITS_TIMES
    cited = {a for s in summarize_topic(view, "Bessent", LengthBudget(sentences=5)).sentences for a in s.article_ids}
    assert cited and cited <= {STRAITS_TIMES, CNA, FT}
    assert AGGREGATOR not in cited and AFP not in cited


def test_without_drops_articles_and_the_stories_left_empty(seeds):
    rest = seeds.without([FT])
    assert FT not in rest and len(rest) == len(seeds) - 1
    assert [story.article_ids for story in rest.stories] == [(AGGREGATOR, STRAITS_TIMES, AFP, CNA)]
    assert seeds.without([AGGREGATOR, STRAITS_TIMES, AFP, CNA, FT]).stories == ()


def test_articles_added_later_are_indexed_and_grouped_as_a_fresh_corpus_would_be(seeds):
    earlier = seeds.without([FT])
    earlier.stories  # noqa: B018 - built, so the next corpus grows from it
    grown = earlier.with_articles([seeds.get(FT), seeds.get(CNA)])  # CNA is held already: skipped
    assert [a.id for a in grown] == [a.id for a in seeds]
    fresh = Corpus(seeds.articles)
    for number, sentence in enumerate(grown.index.sentences):
        words = [grown.index.normalizer.terms(sentence.text)]
        assert [[list(grown.index.vocabulary)[t] for t in grown.index.terms_of(number)]] == words
    assert [s.article_ids for s in grown.stories] == [s.article_ids for s in fresh.stories]
    assert grown.stories[1].follows == grown.stories[0].id
    assert grown.index.sentences[0] is earlier.index.sentences[0]  # the earlier articles were not read again


def test_an_article_older_than_those_held_regroups_the_corpus(seeds):
    earlier = seeds.without([AGGREGATOR])
    earlier.stories  # noqa: B018
    grown = earlier.with_articles([seeds.get(AGGREGATOR)])  # the first article: it comes before all the others
    assert [s.article_ids for s in grown.stories] == [s.article_ids for s in seeds.stories]


def test_a_corpus_grown_a_few_articles_at_a_time_equals_one_built_fresh_on_real_news():
    from tests.conftest import bbc_wire

    articles = bbc_wire(60, 4) + bbc_wire(40, 3, category="tech", start=60)  # real BBC text, each story in copies
    ordered = Corpus(articles).articles
    grown = Corpus(ordered[:200])
    grown.stories  # noqa: B018 - built, so each next corpus grows from it
    for start in range(200, len(ordered), 13):  # newer articles arriving, as a feed brings them
        grown = grown.updated(ordered[: start + 13], frozenset())
        grown.stories  # noqa: B018
    fresh = Corpus(articles)
    assert [a.id for a in grown] == [a.id for a in fresh]
    assert [s.article_ids for s in grown.stories] == [s.article_ids for s in fresh.stories]
    # A story is named and linked when it changes, from the idf of then (a later one may prefer a near tie).
    for field in ("headline", "follows"):
        same = sum(getattr(a, field) == getattr(b, field) for a, b in zip(grown.stories, fresh.stories, strict=True))
        assert same >= 0.95 * len(fresh.stories), field
    assert all(s.headline in {grown.get(a).title for a in s.article_ids} for s in grown.stories)
    assert len(fresh.stories) >= 90
    assert np.array_equal(grown.index.article_frequency, fresh.index.article_frequency)  # counted incrementally
    for word in ("economy", "mobile", "profits", "broadband", "Microsoft"):
        assert np.array_equal(grown.index.sentences_matching(word), fresh.index.sentences_matching(word)), word
        assert summarize_topic(grown, word, LengthBudget(sentences=4)) == \
            summarize_topic(fresh, word, LengthBudget(sentences=4)), word


def test_a_corpus_that_loses_its_oldest_articles_as_new_ones_come_keeps_its_centroids_and_its_answers():
    from tests.conftest import bbc_wire

    articles = bbc_wire(60, 4) + bbc_wire(40, 3, category="tech", start=60)  # real BBC text, each story in copies
    ordered = Corpus(articles).articles
    grown, regrouped = Corpus(ordered[:200]), Corpus(ordered[:200])
    grown.keep_growing()  # as the running bot makes it
    kept_centroids, cheap = [], []
    for start in range(0, len(ordered) - 200, 4):  # the oldest expire while newer articles arrive
        window = ordered[start + 4 : start + 204]
        grown = grown.updated(window, frozenset())
        kept_centroids.append(grown._grown_from[0].story_table.centroids is not None)  # the view it grows from
        grown.stories  # noqa: B018
        cheap.append(grown.story_table.basis < len(grown))  # grown from kept centroids, not all computed again
        grown.keep_growing()
        # The same steps as a plain view and growth, whose stories have no centroids: each is grouped the long way.
        kept = regrouped.view(article.id for article in window)
        assert kept.story_table.centroids is None
        regrouped = kept.with_articles(article for article in window if article.id not in kept)
        regrouped.stories  # noqa: B018
    # Every view after expiry kept its centroids; until 5% of the corpus changed, a swap computed only the stories
    # new articles touched (then every centroid again, as the corpus grown by 5% does).
    assert len(cheap) >= 30 and all(kept_centroids) and sum(cheap) >= 0.5 * len(cheap)
    assert [a.id for a in grown] == [a.id for a in regrouped]
    for field in ("article_ids", "headline", "follows"):
        assert [getattr(s, field) for s in grown.stories] == [getattr(s, field) for s in regrouped.stories], field
    # Against a corpus built fresh from the same articles: the stories whose first copies expired may group the
    # rest another way (single-pass grouping has a history), here 2 of 55.
    fresh = Corpus(grown.articles)
    same = set(s.article_ids for s in grown.stories) & set(s.article_ids for s in fresh.stories)
    assert len(same) >= 0.95 * len(fresh.stories)
    for word in ("economy", "mobile", "profits", "broadband", "Microsoft"):
        assert np.array_equal(grown.index.sentences_matching(word), fresh.index.sentences_matching(word)), word
        assert summarize_topic(grown, word, LengthBudget(sentences=4)) == \
            summarize_topic(regrouped, word, LengthBudget(sentences=4)), word
