from briefings.corpus import Article, Corpus
from briefings.topics import clean_topic, close_topics, complete_topics, corpus_topics, suggest_topics, topic_sentences


def corpus_of(*texts: str) -> Corpus:
    return Corpus(tuple(Article.from_text(f"a{number}", text) for number, text in enumerate(texts)))


def articles_matching(corpus: Corpus, topic: str) -> set[str]:
    index = corpus.index
    return {index.sentences[int(i)].article_id for i in topic_sentences(index, topic)}


def test_titles_possessives_and_case_fold_into_the_name(seeds):
    assert clean_topic("Mr Bessent's") == "Bessent"
    assert clean_topic("US Treasury Secretary") == "US Treasury Secretary"  # nothing after the title: kept whole
    every = articles_matching(seeds, "Bessent")
    assert len(every) >= 4
    for spelling in ["Mr Bessent's", "Mr Bessent’s", "bessent", "Bessent’s", "Scott Bessent"]:
        assert articles_matching(seeds, spelling) == every, spelling


def test_every_spelling_of_a_person_is_one_topic(seeds):
    offered = complete_topics(seeds.index, "bess")
    assert offered == ("Bessent",)
    [topic] = [t for t in corpus_topics(seeds.index, 1000) if t.name == "Bessent"]
    assert "Scott Bessent" in topic.aliases
    assert complete_topics(seeds.index, "scott") == ("Bessent",)  # found by any word of any spelling


def test_a_word_matches_whole_and_by_stem_never_inside_another_word():
    corpus = corpus_of("Oil prices rose sharply on Monday as oil traders worried about supply.",
                       "The toilet was blocked and the kettle would not boil in the old house today.",
                       "Farmers said the soil was dry and the foil wrapping was embroiled in a row.")
    assert articles_matching(corpus, "oil") == {"a0"}
    assert articles_matching(corpus, "prices") == articles_matching(corpus, "price") == {"a0"}
    assert "toilet" not in complete_topics(corpus.index, "oil")
    assert all(name.lower().split()[0].startswith("oil") or " oil" in name.lower()
               for name in complete_topics(corpus.index, "oil"))


def test_a_typo_is_offered_its_topic_and_an_unrelated_word_gets_none(seeds):
    assert close_topics(seeds.index, "tarifs") == ("tariffs",)
    assert close_topics(seeds.index, "xyzzy") == ()
    assert suggest_topics(seeds.index, "xyzzy") == tuple(t.name for t in corpus_topics(seeds.index, 5))


def test_topics_are_ranked_by_recent_coverage():
    old = "---\npublished: 2025-01-01\n---\nThe old dispute over fishing quotas went on in the fishing towns today.\n"
    new = "---\npublished: 2025-03-01\n---\nThe new dispute over steel quotas went on in the steel towns today.\n"
    corpus = corpus_of(old, old.replace("The old", "An old"), new, new.replace("The new", "A new"))
    names = [topic.name for topic in corpus_topics(corpus.index)]
    assert names.index("steel") < names.index("fishing")


def _bbc_desk() -> Corpus:
    from tests.conftest import bbc_wire

    return Corpus(bbc_wire(60, 4) + bbc_wire(40, 3, category="tech", start=60))  # real BBC text, in copies


def test_word_pairs_read_a_few_articles_at_a_time_are_those_of_every_sentence_at_once(monkeypatch):
    import numpy as np

    from briefings import topics

    index = _bbc_desk().index
    vocabulary = len(index.vocabulary)
    # Every neighbouring pair within a sentence, once an article, counted the plain way.
    expected = set()
    for sentence in range(len(index.sentences)):
        article, terms = int(index.sentence_article[sentence]), index.terms_of(sentence).tolist()
        expected.update((article, first, second) for first, second in zip(terms, terms[1:], strict=False))
    every = np.ones(vocabulary, dtype=bool)
    monkeypatch.setattr(topics, "PAIR_TOKENS", 100)  # a few articles a piece: many pieces
    pairs = topics._article_pairs(index, every)
    assert np.all(np.diff(pairs) > 0)  # sorted, each once
    found = {(int(p) // vocabulary**2, int(p) // vocabulary % vocabulary, int(p) % vocabulary) for p in pairs}
    assert found == expected
    some = np.zeros(vocabulary, dtype=bool)
    some[::3] = True
    assert {(a, b, c) for a, b, c in found if some[b] and some[c]} == {
        (int(p) // vocabulary**2, int(p) // vocabulary % vocabulary, int(p) % vocabulary)
        for p in topics._article_pairs(index, some)}


def test_the_topic_table_counted_in_pieces_equals_the_one_counted_in_one_piece(monkeypatch):
    from briefings import topics

    monkeypatch.setattr(topics, "PAIR_TOKENS", 1 << 30)
    whole = corpus_topics(_bbc_desk().index, 100_000)
    monkeypatch.setattr(topics, "PAIR_TOKENS", 100)
    pieces = corpus_topics(_bbc_desk().index, 100_000)
    assert pieces == whole
    phrases = [t.name for t in whole if " " in t.name and t.name.islower()]
    assert "mobile phones" in phrases and "budget deficit" in phrases  # phrases are among them
