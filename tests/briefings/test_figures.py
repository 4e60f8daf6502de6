from briefings.corpus import Article, Sentence
from briefings.figures import changed_figures, extract_figures
from tests.conftest import CNA, FT, TIMELINE17


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
        ("US", "deficit", "US$295.4 billion")
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


# Real coverage from ../shared/data/timeline17 (read there, not copied here).


def timeline_article(name: str) -> Article:
    story = {"h1n1": "swine_flu", "haiti": "haitian_earthquake", "bpoil": "bp_oil_spill"}[name.split("_")[1]]
    return Article.from_path(TIMELINE17 / story / "articles" / f"{name}.txt")


def test_a_moved_death_toll_is_found_with_the_sentence_of_each_value():
    before, after = timeline_article("2009-04-29_h1n1_899"), timeline_article("2009-04-30_h1n1_234")
    changes = [c for c in changed_figures([before], [after]) if c.measure == "dead"]
    assert [(c.subject, c.before, c.after, c.direction) for c in changes] == [
        ("Mexico dead", "up to 159", "up to 176", "up")]
    change = changes[0]
    assert change.before_sentence.text.startswith("In Mexico, where up to 159 people have died from the virus")
    assert change.after_sentence.text.startswith("In Mexico, the worst hit country with up to 176 deaths")
    assert change.before_sentence.text in before.body and change.after_sentence.text in after.body


def test_a_fall_is_a_fall_and_an_approximation_is_kept_as_written():
    before, after = timeline_article("2010-01-16_haiti_1672"), timeline_article("2010-01-17_haiti_1479")
    (change,) = [c for c in changed_figures([before], [after]) if c.measure == "bodies"]
    assert (change.before, change.after, change.direction, change.rose) == ("50,000", "more than 25,000", "down",
                                                                            False)


def test_ranges_and_approximations_keep_their_words():
    assert figures_of("We anticipate there will be between 100,000 and 200,000 dead in total.") == [
        ("", "dead", "between 100,000 and 200,000")]
    assert figures_of("The team's best estimate is 12,000-19 ,000 barrels per day of oil leaking from the well.") == [
        ("", "barrels a day leaking", "12,000-19,000 barrels a day")]
    assert figures_of("More than 1,000 cases of the virus have been reported in 20 countries.")[0] == (
        "", "cases", "More than 1,000")


def test_counts_of_different_things_are_never_compared():
    # a toll is not a count of bodies buried, a part ("4,000 more troops") is not a total, a capacity is not a flow
    assert figures_of("At least 70,000 bodies have been buried.") == [("", "bodies", "At least 70,000")]
    assert figures_of("America has announced it is sending 4,000 more troops to help out.") == []
    assert figures_of("The ship is capable of processing 15,000 barrels per day.") == []
    assert figures_of("Seasonal flu kills up to 500,000 people a year worldwide.") == []


def test_a_count_in_one_country_is_not_compared_with_one_in_another():
    known = [Article.from_text("k", "Canada has 389 confirmed cases of the flu.\n")]
    new = [Article.from_text("n", "Mexico has 2,446 confirmed cases of the flu.\n")]
    assert changed_figures(known, new) == []
