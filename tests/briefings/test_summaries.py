import pytest

from briefings.corpus import Article, Corpus
from briefings.stories import ranked_stories
from briefings.summaries import NothingToReport, summarize_articles, summarize_topic
from briefings.summarizers import ALGORITHMS, LengthBudget
from tests.conftest import AFP, SEEDS, STRAITS_TIMES, bbc_wire


def file_text(article_id: str) -> str:
    return (SEEDS / f"{article_id}.txt").read_text(encoding="utf-8")


def assert_verbatim(summary):
    for sentence in summary.sentences:
        for article_id in (sentence.article_id,):
            assert sentence.text in file_text(article_id)


@pytest.mark.parametrize("topic", [None, "tariffs", "fentanyl", "Bessent", "Xi Jinping"])
def test_every_summary_sentence_is_verbatim_from_the_article_it_cites(seeds, topic):
    summary = summarize_topic(seeds, topic, LengthBudget(sentences=6))
    assert summary.sentences
    assert_verbatim(summary)


def test_a_sentence_several_outlets_carry_appears_once_credited_to_all(seeds):
    summary = summarize_topic(seeds, "fentanyl", LengthBudget(sentences=8))
    texts = [sentence.text for sentence in summary.sentences]
    talks = [s for s in summary.sentences if s.text.startswith("The talks came shortly after")]
    assert len(talks) == 1
    assert set(talks[0].article_ids) == {STRAITS_TIMES, AFP}
    assert not any(text.startswith("The talks came shortly after Trump") for text in texts[1:] if talks)


def test_a_sentence_every_outlet_carries_is_quoted_once_credited_to_every_copy():
    corpus = Corpus(bbc_wire(40, 6))  # real BBC business stories, each from six outlets
    summary = summarize_topic(corpus, "economy", LengthBudget(sentences=5))
    assert len(summary.sentences) == 5
    assert len({sentence.text for sentence in summary.sentences}) == 5
    for sentence in summary.sentences:
        assert sentence.text in corpus.get(sentence.article_id).body
        carriers = {a.id for a in corpus if any(s.text == sentence.text for s in a.sentences)}
        assert len(carriers) >= 6 and carriers <= set(sentence.article_ids)
        assert "econom" in sentence.text.lower()


def test_topic_summary_holds_only_sentences_about_the_topic(seeds):
    for topic, word in [("fentanyl", "fentanyl"), ("Bessent", "bessent"), ("tariffs", "tariff")]:
        summary = summarize_topic(seeds, topic, LengthBudget(sentences=10))
        assert summary.topic == topic
        assert all(word in sentence.text.lower() for sentence in summary.sentences), topic


def test_topic_summary_covers_both_the_february_call_and_the_april_escalation(seeds):
    summary = summarize_topic(seeds, "tariffs", LengthBudget(sentences=4))
    cited = {sentence.article_id for sentence in summary.sentences}
    assert "004_d06dc6481aa78526" in cited
    assert cited - {"004_d06dc6481aa78526"}


def test_sentences_come_grouped_by_story_leading_story_first_and_in_reading_order_within_each(seeds):
    summary = summarize_topic(seeds, None, LengthBudget(sentences=6))
    order = [a.id for a in seeds]
    ranked = [story.id for story in ranked_stories(seeds)]
    keys = []
    for sentence in summary.sentences:
        article = seeds.get(sentence.article_id)
        position = next(s.position for s in article.sentences if s.text == sentence.text)
        story = next(story for story in seeds.stories if sentence.article_id in story.article_ids)
        assert sentence.story_id == story.id
        keys.append((ranked.index(story.id), order.index(article.id), position))
    assert keys == sorted(keys)
    assert len({key[0] for key in keys}) == 2  # both seed stories have their say


@pytest.mark.parametrize("words", [20, 45, 100])
def test_word_budget_stops_at_the_last_whole_sentence_that_fits(seeds, words):
    summary = summarize_topic(seeds, "tariffs", LengthBudget(words=words))
    assert summary.word_count <= words
    assert not any(sentence.truncated for sentence in summary.sentences)


def test_truncate_fills_the_word_budget_with_a_marked_verbatim_prefix(seeds):
    summary = summarize_topic(seeds, "tariffs", LengthBudget(words=45, truncate=True))
    assert summary.word_count == 45
    cut = [sentence for sentence in summary.sentences if sentence.truncated]
    assert len(cut) == 1
    assert cut[0].text in file_text(cut[0].article_id)


def test_sentence_budget_is_respected_and_a_large_one_is_not_an_error(seeds):
    assert len(summarize_topic(seeds, "Bessent", LengthBudget(sentences=2)).sentences) == 2
    everything = summarize_topic(seeds, "fentanyl", LengthBudget(sentences=500))
    assert 1 <= len(everything.sentences) <= 10


def test_unknown_topic_is_nothing_to_report_with_suggestions_that_exist(seeds):
    with pytest.raises(NothingToReport) as raised:
        summarize_topic(seeds, "tarifs", LengthBudget(sentences=3))
    assert "tariffs" in raised.value.suggestions
    with pytest.raises(NothingToReport) as raised:
        summarize_topic(seeds, "cryptocurrency", LengthBudget(sentences=3))
    assert raised.value.suggestions  # the most reported topics instead


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_summarizes_one_article_verbatim_within_budget(seeds, algorithm):
    article = seeds.get("004_d06dc6481aa78526")
    summary = summarize_articles([article], LengthBudget(sentences=3), algorithm)
    assert len(summary.sentences) == 3
    assert_verbatim(summary)
    positions = [next(s.position for s in article.sentences if s.text == c.text) for c in summary.sentences]
    assert positions == sorted(positions)
    within_words = summarize_articles([article], LengthBudget(words=60), algorithm)
    assert 0 < within_words.word_count <= 60


def test_multi_document_summarize_credits_each_sentence_to_its_file(seeds):
    articles = [seeds.get(STRAITS_TIMES), seeds.get(AFP)]
    summary = summarize_articles(articles, LengthBudget(sentences=4))
    assert len(summary.sentences) == 4
    assert_verbatim(summary)
    assert any(set(s.article_ids) == {STRAITS_TIMES, AFP} for s in summary.sentences)


def test_sumy_never_reaches_for_nltk_data(seeds, monkeypatch):
    import nltk.data

    def no_downloads(*args, **kwargs):
        raise AssertionError("NLTK data was requested")

    monkeypatch.setattr(nltk.data, "load", no_downloads)
    monkeypatch.setattr(nltk.data, "find", no_downloads)
    for algorithm in ALGORITHMS:
        summarize_articles([seeds.get(STRAITS_TIMES)], LengthBudget(sentences=2), algorithm)


def test_an_article_of_one_sentence_summarizes_to_that_sentence():
    article = Article.from_text("one", "The central bank raised interest rates by half a point on Thursday.\n")
    summary = summarize_articles([article], LengthBudget(sentences=3))
    assert [s.text for s in summary.sentences] == [article.sentences[0].text]


# Golden outputs over seeds/ (the FT article, two sentences): a change in any algorithm's choice shows here.
GOLDEN_POSITIONS = {
    "coverage": [0, 1],
    "lexrank": [1, 4],
    "textrank": [0, 7],
    "lsa": [0, 17],
    "luhn": [4, 17],
    "kl": [14, 17],
    "sumbasic": [1, 3],
}


@pytest.mark.parametrize(("algorithm", "positions"), sorted(GOLDEN_POSITIONS.items()))
def test_golden_two_sentence_summary_of_the_ft_article(seeds, algorithm, positions):
    article = seeds.get("004_d06dc6481aa78526")
    summary = summarize_articles([article], LengthBudget(sentences=2), algorithm)
    assert [s.text for s in summary.sentences] == [article.sentences[p].text for p in positions]


def test_rows_made_from_the_term_ids_equal_those_of_the_whole_sentence_matrix():
    import numpy as np

    index = Corpus(bbc_wire(20, 3)).index  # real BBC text
    whole = index._sentence_terms()
    ids = np.asarray([5, 0, 17, 5, len(index.sentences) - 1, 3], dtype=np.int64)  # any order, repeats
    rows = index.sentence_rows(ids)
    assert rows.dtype == whole.dtype and rows.shape == (ids.size, whole.shape[1])
    assert (rows != whole[ids]).nnz == 0 and rows.has_sorted_indices
    assert rows.nnz == whole[ids].nnz  # the same entries, each term once a sentence with its count


def test_sentences_found_by_the_postings_are_those_a_scan_of_the_term_ids_finds():
    from briefings.index import SCANS_BEFORE_POSTINGS

    index = Corpus(bbc_wire(20, 3)).index
    queries = ["oil prices", "economy", "company", "shares rose", "bank", "growth", "sales", "market", "jobs",
               "profits", "chief executive"]
    assert len(queries) > SCANS_BEFORE_POSTINGS
    scanned = [index.sentences_matching(query).tolist() for query in queries]  # the first ones scan
    assert "postings" in index.__dict__
    assert [index.sentences_matching(query).tolist() for query in queries] == scanned
    assert sum(map(len, scanned)) > 100
