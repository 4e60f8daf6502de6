from briefings.corpus import Article, Sentence
from briefings.figures import changed_figures, extract_figures
from tests.conftest import CNA, FT


def figures_of(text: str):
    return [(f.actor, f.measure, f.display) for f in extract_figures(Sentence(text, "x", 0))]


def test_seeds_tariffs_moved_from_10_to_145_and_from_up_to_15_to_125(seeds):
    known = [a for a in seeds if a.published.month == 2]
    changes = {c.subject: c for c in changed_figures(known, [seeds.get(FT)])}
    assert set(changes) == {"US tariffs", "China tariffs"}
    us, china = changes["US tariffs"], changes["China tariffs"]
    assert (us.before, us.after) == ("10%", "145%")
    assert (china.before, china.after) == ("up to 15%", "125%")
    assert china.before_article_id == CNA and china.after_article_id == FT
    assert "145 per cent" in us.after_sentence.text and "10" in us.before_sentence.text
    assert us.before_sentence.text in seeds.get(us.before_article_id).body


def test_a_deficit_is_never_compared_with_a_tariff(seeds):
    known = [seeds.get(CNA)]
    later = Article.from_text("later", "US tariffs on Chinese goods rose to 145 per cent in April.\n")
    subjects = {(c.subject, c.before, c.after) for c in changed_figures(known, [later])}
    assert subjects == {("US tariffs", "10%", "145%")}
    assert all("295.4" not in c.before for c in changed_figures(known, [later]))


def test_each_figure_knows_what_it_measures_and_whose_it_is():
    assert figures_of("The US had a US$295.4 billion goods trade deficit with China in 2024.") == [
        ("US", "deficit", "$295.4bn")
    ]
    assert figures_of("US President Donald Trump slapped tariffs on China of 145 per cent and Beijing responded with "
                      "125 per cent.") == [
        ("US", "tariffs", "145%"),
        ("China", "tariffs", "125%"),
    ]


def test_a_figure_whose_owner_or_measure_is_unclear_is_left_out():
    assert figures_of("He imposed additional customs duties of 10 per cent on all products imported from China.") == []
    assert figures_of("Shares in the company rose 5% on Monday.") == []  # no owner named


def test_same_value_is_no_change(seeds):
    known = [seeds.get(CNA)]
    same = Article.from_text("same", "US President Donald Trump kept 10 per cent tariffs on all Chinese goods.\n")
    assert changed_figures(known, [same]) == []
