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
