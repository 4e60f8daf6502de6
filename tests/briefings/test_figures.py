from briefings.corpus import Article, Sentence
from briefings.figures import article_figures, changed_figures, extract_figures
from tests.conftest import BBC, CNA, FT, TIMELINE17


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
        ("US", "trade deficit", "US$295.4 billion")
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
    # a count over several countries is the world's
    assert figures_of("More than 1,000 cases of the virus have been reported in 20 countries.")[0] == (
        "world", "cases", "More than 1,000")


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


def timeline_story_article(story: str, name: str) -> Article:
    return Article.from_path(TIMELINE17 / story / "articles" / f"{name}.txt")


def test_a_part_of_a_total_belongs_to_the_place_of_the_total():
    # Reuters, 12 and 14 May 2009 (Timeline17 swine_flu): "Hardest hit are Mexico with 2,059 cases, including 56
    # deaths, and the United States with 2,600 cases including three deaths."
    before = timeline_story_article("swine_flu", "2009-05-12_h1n1_913")
    after = timeline_story_article("swine_flu", "2009-05-14_h1n1_712")
    changes = {c.subject: c for c in changed_figures([before], [after])}
    assert {s: (c.before, c.after, c.direction) for s, c in changes.items()} == {
        "Mexico cases": ("2,059", "2,446", "up"), "Mexico dead": ("56", "60", "up"),
        "US cases": ("2,600", "3,352", "up"), "world countries affected": ("30", "33", "up")}
    dead = changes["Mexico dead"]
    assert "Mexico with 2,059 cases, including 56 deaths" in dead.before_sentence.text
    assert dead.after_sentence.text == "The WHO said Mexico has had 2,446 confirmed cases including 60 deaths."
    assert dead.before_sentence.text in before.body and dead.after_sentence.text in after.body


def test_a_lower_exact_count_that_no_word_explains_is_not_shown_as_a_fall():
    # the UK total was 1,604 on 17 June 2009; a post of 30 June still spoke of "664 confirmed cases in the UK"
    before = timeline_story_article("swine_flu", "2009-06-17_h1n1_898")
    after = timeline_story_article("swine_flu", "2009-06-30_h1n1_348")
    assert "taking the UK total to 1,604" in before.body and "664 confirmed cases in the UK" in after.body
    assert changed_figures([before], [after]) == []
    revised = Article.from_text("revised", "A revised count puts the UK total at 1,500 cases.\n")
    (fall,) = changed_figures([before], [revised])
    assert (fall.subject, fall.before, fall.after, fall.direction) == ("UK cases", "1,604", "1,500", "down")


def test_counts_far_apart_are_not_one_measure_moving():
    # "Around 100 were still thought to be missing" (Britons, 13 January 2010) is not the "Up to 200,000 people
    # unaccounted for in Haiti" of the 15th
    before = timeline_story_article("haitian_earthquake", "2010-01-13_haiti_932")
    after = timeline_story_article("haitian_earthquake", "2010-01-15_haiti_993")
    assert [c for c in changed_figures([before], [after]) if c.measure == "missing"] == []


def test_bodies_glimpsed_are_not_bodies_recovered():
    # Haiti, 14-15 January 2010: bodies stacked at a morgue are not the count of bodies recovered and buried
    assert figures_of("The director of Port-au-Prince's general hospital said that by 1100 (1600 GMT) at least 1,500 "
                      "bodies were already stacked inside and outside the morgue.") == []
    assert figures_of("Haitian Prime Minister Jean-Max Bellerive said more than 15,000 bodies had already been "
                      "recovered and buried, French news agency AFP reported.") == [("", "bodies", "more than 15,000")]
    assert figures_of("At least 70,000 people who died in the earthquake have already been buried.") == [
        ("", "bodies", "At least 70,000")]


def test_confirmed_deaths_are_not_the_estimated_toll():
    assert figures_of("The WHO says only 9 deaths are confirmed.") == [("", "confirmed dead", "9")]
    assert figures_of("In Mexico, where up to 159 people have died from the virus, people struggled.") == [
        ("Mexico", "dead", "up to 159")]
    assert figures_of("Mexican officials say the spread of swine flu - suspected in more than 380 deaths - is "
                      "slowing.") == [("", "suspected dead", "more than 380")]


def test_what_a_verb_says_happened_to_people_is_what_they_count():
    assert figures_of("Swine flu has infected some 40,000 people in more than 70 countries and killed 167 since "
                      "detected in Mexico in April, says the WHO.") == [
        ("world", "infected", "some 40,000"), ("world", "countries affected", "more than 70"),
        ("world", "dead", "167")]
    # a figure a sentence recalls is not one it reports: "figures a week ago, when there were 17,410 cases"
    assert figures_of("It's worth comparing that with figures a week ago, when there were 17,410 cases.") == []


def test_a_sentence_that_names_an_earlier_day_or_asks_gives_no_figure():
    # an article of 18 May 2009 quoting a wire story of "Apr 29, 2009 09:23 UTC": its toll is April's
    article = timeline_story_article("swine_flu", "2009-05-18_h1n1_487")
    (dated,) = [s for s in article.sentences if "Apr 29, 2009" in s.text]
    assert "has killed more than 150 people in Mexico" in dated.text
    assert extract_figures(dated) and all(f.sentence != dated for f in article_figures(article))
    # a reader's question (BP oil spill comments, June 2010) reports nothing
    assert figures_of("Why is Mr Obama not taking such a tough stance with Union Carbide whose chemical plant in "
                      "Bhopal has been leaking for 26 years, killing an estimated 25,000 people?") == []


def test_the_countries_a_disease_reached_are_a_count_that_moves():
    # WHO counts of 4 and 5 May 2009: "reported in 20 countries", "21 countries had officially reported 1,085 cases"
    before = timeline_story_article("swine_flu", "2009-05-04_h1n1_946")
    after = timeline_story_article("swine_flu", "2009-05-05_h1n1_411")
    (change,) = [c for c in changed_figures([before], [after]) if c.measure == "countries affected"]
    assert (change.subject, change.before, change.after, change.direction) == (
        "world countries affected", "20", "21", "up")
    assert change.before_sentence.text == "More than 1,000 cases of the virus have been reported in 20 countries."
    assert change.after_sentence.text == "According to the WHO, 21 countries had officially reported 1,085 cases of " \
        "H1N1 infection."
    assert figures_of("In the United States, the new flu continues to spread, with 12 states reporting widespread "
                      "flu activity, something Schuchat said was \"very unusual for this time of year.\"") == []
    assert figures_of("Furthermore, the virus has spread to all 50 states.") == [("", "states affected", "50")]
    assert figures_of("Currently 21 states have such a law.") == [("", "states adopting", "21")]


def test_one_place_named_in_both_sentences_ties_two_articles_of_different_words():
    # 17 and 18 June 2009: a report on Scotland's cases ("taking the UK total to 1,604") and one on a death
    before = timeline_story_article("swine_flu", "2009-06-17_h1n1_898")
    after = timeline_story_article("swine_flu", "2009-06-18_h1n1_960")
    (change,) = changed_figures([before], [after], lambda first, second: False)  # type: ignore[arg-type]
    assert (change.subject, change.before, change.after) == ("UK cases", "1,604", "1,752")
    assert change.after_sentence.text == "There are currently 1,752 confirmed cases of swine flu across the UK."


def test_a_part_of_a_total_that_names_no_place_is_not_the_place_the_part_is_mostly_given_for():
    # 12-16 May 2009: Mexico's dead are "2,059 cases, including 56 deaths", "2,446 confirmed cases including 60
    # deaths"; "confirmed cases of H1N1 flu had climbed to 8,451, including 72 deaths" are the world's
    known = [timeline_story_article("swine_flu", "2009-05-12_h1n1_913"),
             timeline_story_article("swine_flu", "2009-05-14_h1n1_712")]
    later = timeline_story_article("swine_flu", "2009-05-16_h1n1_786")
    assert "climbed to 8,451, including 72 deaths" in later.body
    assert [c for c in changed_figures(known, [later]) if c.after == "72"] == []


def test_a_bound_just_under_the_old_count_is_the_same_count():
    # 25 April 2009 "a total of 1,004 cases" in Mexico; 27 April "More than 1,000 cases have been reported in Mexico"
    before = timeline_story_article("swine_flu", "2009-04-25_h1n1_26")
    after = timeline_story_article("swine_flu", "2009-04-27_h1n1_557")
    assert "More than 1,000 cases have been reported in Mexico" in after.body
    assert [c for c in changed_figures([before], [after]) if c.measure == "cases"] == []


def test_a_live_blog_time_is_no_year_and_a_reader_list_no_report():
    haiti = timeline_story_article("haitian_earthquake", "2010-01-15_haiti_1580")
    assert any(f.display == "9,000 to 10,000" and f.measure == "dead" and f.sentence.text.startswith(
        "1948 The authorities in Haiti have counted") for f in article_figures(haiti))
    egypt = timeline_story_article("egyptian_crisis", "2011-01-28_egyptianprotest_24")
    listed = next(s for s in egypt.sentences if s.text.startswith("18) Moscow airport suicide bombing"))
    assert extract_figures(listed) and all(f.sentence != listed for f in article_figures(egypt))


def test_a_rough_count_the_new_count_makes_precise_is_not_where_the_move_starts():
    # WHO, 19 June 2009: 44,287 cases and 180 deaths; 23 June "more than 230 ... from 52,000 confirmed cases"; 24
    # June "231 deaths and 52,160 cases": the move of the 24th is from the 19th's counts
    known = [timeline_story_article("swine_flu", "2009-06-19_h1n1_926"),
             timeline_story_article("swine_flu", "2009-06-23_h1n1_1103")]
    later = timeline_story_article("swine_flu", "2009-06-24_h1n1_975")
    changes = {c.subject: (c.before, c.after) for c in changed_figures(known, [later])}
    assert changes["world dead"] == ("180", "231") and changes["world cases"] == ("44,287", "52,160")


def test_a_total_raised_by_a_country_sending_more_is_that_country_s():
    # Haiti, 15 and 21 January 2010: "Up to 10,000 US troops will be on the ground", then "America has announced it
    # is sending 4,000 more troops to help out, raising the number to 16,000"
    before = timeline_story_article("haitian_earthquake", "2010-01-15_haiti_344")
    after = timeline_story_article("haitian_earthquake", "2010-01-21_haiti_1512")
    (change,) = [c for c in changed_figures([before], [after]) if c.measure == "troops"]
    assert (change.subject, change.before, change.after) == ("US troops", "Up to 10,000", "16,000")
    assert "raising the number to 16,000" in change.after_sentence.text


def test_a_revised_count_is_shown_beside_the_measure_s_main_move():
    # Mexico's dead, 29-30 April 2009: "up to 159", then "up to 176" and "A revised death toll in Mexico gives a
    # total of 101 deaths"
    before = timeline_story_article("swine_flu", "2009-04-29_h1n1_899")
    rising, revised = (timeline_story_article("swine_flu", name) for name in ("2009-04-30_h1n1_234",
                                                                              "2009-04-30_h1n1_278"))
    moves = {(c.before, c.after, c.direction) for c in changed_figures([before], [rising, revised])
             if c.subject == "Mexico dead"}
    assert moves == {("up to 159", "up to 176", "up"), ("up to 159", "101", "down")}


def test_an_articles_figures_are_each_sentences_own_though_copies_share_their_reading():
    # Wire copies repeat sentences: each text is read once, and each figure still cites its own article's sentence.
    from briefings.corpus import Corpus
    from briefings.figures import _SOCIAL, _recalls_past

    corpus, _ = Corpus.from_folder(TIMELINE17 / "swine_flu" / "articles")
    articles = list(corpus)[:150]
    seen: dict[str, int] = {}
    for article in articles:
        expected = tuple(figure for sentence in article.sentences if any(c.isdigit() for c in sentence.text)
                         and not _recalls_past(sentence.text, article.published) and not _SOCIAL.search(sentence.text)
                         for figure in extract_figures(sentence))
        found = article_figures(article)
        assert found == expected
        assert all(figure.sentence.article_id == article.id for figure in found)
        for text in {figure.sentence.text for figure in found}:
            seen[text] = seen.get(text, 0) + 1
    assert any(count > 1 for count in seen.values())  # a sentence in several articles: read once, cited by each


# Real BBC business and tech articles (../shared/data/bbc-news-summary, read there), dated as the 10,000-article
# benchmark corpus dates them: the false comparisons it showed, and true ones of the same kind.


def bbc_article(name: str, day: int) -> Article:
    category, number = name.split("/")
    lines = [line for line in (BBC / category / f"{number}.txt").read_text(encoding="utf-8").splitlines() if line]
    front = f'---\ntitle: "{lines[0].replace(chr(34), chr(39))}"\npublished: 2026-10-{day:02d}T12:00:00+00:00\n---\n'
    return Article.from_text(f"{category}-{number}", front + "\n".join(lines[1:]))


def test_a_year_s_deficit_is_not_compared_with_a_month_s_and_a_quarter_s_rate_is_with_the_quarter_s():
    # "The deficit with China, up 30.5% at $162bn, was the largest ever recorded", then "the US's deficit with
    # China was $19.6bn in November": a year's figure and a month's
    year, month = bbc_article("business/024", 20), bbc_article("business/440", 23)
    assert [(f.measure, f.display, f.period) for f in article_figures(year)] == [("deficit", "$162bn", "")]
    assert [(f.measure, f.display, f.period) for f in article_figures(month)] == [("deficit", "$19.6bn", "month")]
    assert changed_figures([year], [month]) == []
    # the US economy grew "at a respectable annual rate of 3.7% in the three months between July and September",
    # revised to "an annual rate of 3.9% in the three months to September": one quarter, both times
    first, revised = bbc_article("business/453", 20), bbc_article("business/402", 23)
    moves = [(c.subject, c.before, c.after, c.direction) for c in changed_figures([first], [revised])]
    assert moves == [("US annual rate", "3.7%", "3.9%", "up")]
    assert {f.period for a in (first, revised) for f in article_figures(a)} == {"quarter"}


def test_a_region_s_rate_is_not_the_country_s_and_a_joint_region_is_neither_place():
    # "which takes the jobless rate to 12.1%" (Germany's), then "the eastern part of Germany, where the rate is
    # 18.8%": the measure agrees (a bare "rate" is the unemployment the sentence speaks of), the place does not
    national, eastern = bbc_article("business/275", 20), bbc_article("business/022", 23)
    assert [(f.subject, f.measure) for f in article_figures(national)] == [("Germany", "unemployment rate")]
    assert [(f.subject, f.measure, f.display) for f in article_figures(eastern)] == [
        ("eastern Germany", "unemployment rate", "18.8%")]
    assert changed_figures([national], [eastern]) == []
    # "The average house price in England and Wales was £182,920", then "£192,713 in England"
    both, england = bbc_article("business/248", 14), bbc_article("business/415", 15)
    assert ("England and Wales", "house price", "£182,920") in {
        (f.subject, f.measure, f.display) for f in article_figures(both)}
    assert ("England", "house price", "£192,713") in {
        (f.subject, f.measure, f.display) for f in article_figures(england)}
    assert changed_figures([both], [england]) == []
    # a capital where a figure is given is the city ("In London, the area with the highest average house price at
    # £262,825"), not the country it stands for when it acts ("Beijing responded with 125 per cent")
    assert ("London", "house price", "£262,825") in {
        (f.subject, f.measure, f.display) for f in article_figures(england)}
    # a place named alone on both sides is still compared: the seeds' US and China tariffs (the first test), Mexico's
    # toll (test_a_moved_death_toll_is_found_with_the_sentence_of_each_value)


def test_a_change_is_not_compared_with_a_level_but_the_level_beside_it_is_read():
    # "US oil prices closed up $1.26 at $50.88 a barrel in New York", then "pushed US crude oil prices above $50 a
    # barrel": $1.26 is how far prices rose, not a price; $50.88 is the price, a price a barrel
    rise, later = bbc_article("business/294", 17), bbc_article("business/152", 18)
    assert [(f.measure, f.display, f.unit) for f in article_figures(rise)] == [
        ("oil prices", "$50.88 a barrel", "$ a barrel")]
    assert changed_figures([rise], [later]) == []  # "above $50" holds $50.88 rounded down: no move either
    # "British Airways has blamed high fuel prices for a 40% drop in profits": no fuel price of 40%
    assert article_figures(bbc_article("business/004", 3)) == ()


def test_two_counts_worldwide_are_not_one_unless_something_ties_them():
    # "All 28 people detained globally" (the Shadowcrew fraud inquiry), then "At least 60 people were arrested
    # worldwide" (Operation Buccaneer, years before): the world is every story's place. The WHO's world counts,
    # tied by the WHO named in both, still move (test_a_rough_count_the_new_count_makes_precise_...)
    fraud, piracy = bbc_article("tech/120", 4), bbc_article("tech/354", 14)
    assert ("world", "arrested", "28") in {(f.subject, f.measure, f.display) for f in article_figures(fraud)}
    assert ("world", "arrested", "At least 60") in {(f.subject, f.measure, f.display) for f in article_figures(piracy)}
    assert changed_figures([fraud], [piracy]) == []
