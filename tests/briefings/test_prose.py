"""What reads as news prose: real sentences from Timeline17 pages and the issue 13 line-up."""

from briefings.prose import LIST, PROMOTION, PROSE, RUN_IN, lowercase_words, prose_weight, prose_weights, run_in_starts


def test_news_sentences_read_as_prose():
    assert prose_weights([
        "An estimated 200,000 people died in last Tuesday's quake and another 1.5 million were made homeless.",
        "UN officials said aid distribution points were being set up in the capital and UN security forces would "
        "accompany US troops as they delivered supplies.",
        "The explosion on the rig Deepwater Horizon killed 11 workers, and oil giant BP said it would pay.",
    ]) == [PROSE, PROSE, PROSE]


def test_a_line_up_or_a_table_is_a_list():
    assert prose_weight("J Robinson (capt); M Cueto, J Noon, M Tindall, O Lewsey; C Hodgson, H Ellis; A Sheridan, "
                        "S Thompson, J White") == LIST
    assert prose_weight("Mexico 1,626 44; United States 2,254 2; Canada 280 1; Spain 93 0; UK 39 0") == LIST


def test_promotions_and_bylines_rank_below_news():
    assert prose_weight("Fashion gurus Trinny and Susannah join Adrian and Christine in the studio.") == PROMOTION
    assert prose_weight("International access to 0370 numbers should be charged at international rates - i.e. there "
                        "should not be a premium in calling a UK 0370 number.") == PROMOTION
    assert prose_weight("You can send a cheque, charitable cheque or voucher made payable to DEC HAITI EARTHQUAKE "
                        "APPEAL and send it to: You can also donate at any Post Office") == PROMOTION
    assert prose_weight("Reporting by Tom Bergin; Editing by Dan Lalor") < PROSE
    assert prose_weight("WRAPUP 11-BP says test shuts off oil leak from Gulf well \\* Obama calls the development a "
                        '"positive sign" \\* BP likely to move back to oil siphoning') < PROSE


def test_a_caption_or_headline_run_into_a_sentence_is_marked():
    assert prose_weight("US troops land at Haiti's presidential palace US troops are stepping up aid operations "
                        "across Haiti, a week after the devastating earthquake.") == RUN_IN
    captioned = ("Haiti medics braced for wave of amputations A lack of sterile facilities and antibiotics mean "
                 "amputees may struggle to survive Doctors treating seriously injured survivors say they operate.")
    # Two run-ins ("amputations A lack", "survive Doctors treating") weigh twice.
    assert prose_weights([captioned, "The doctors said a lack of beds was the worst problem."])[0] == RUN_IN**2
    # The same capitalised word after a word that names ("the", a title) is a name, not a new clause.
    assert prose_weights(["Officials at the White House said aid would follow.", "white tents"])[0] == PROSE


def test_an_appeal_with_a_phone_number_is_a_promotion_and_a_caption_before_a_is_run_in():
    appeal = ("The Disasters Emergency Committee is co-ordinating an appeal to help the people of Haiti There are 13 "
              "charities involved Donate via the DEC website or by telephoning 0370 60 60 900")
    assert prose_weight(appeal) == PROMOTION
    assert prose_weight("SOS Children's Villages runs a community for 1000 orphaned Haitians A Cambridge-based charity "
                        "is helping to re-home children orphaned by the earthquake in Haiti.") == RUN_IN
    assert prose_weight("The pun - ancient artform, or the lowest form of wit?") == RUN_IN  # a teaser
    assert prose_weight('"Why are we here?" he asked the court.') == PROSE


def test_a_caption_run_into_a_real_sentence_is_split_off_and_the_sentence_quoted_alone():
    from briefings.corpus import Article
    from tests.conftest import timeline17_story

    articles = timeline17_story("haitian_earthquake") / "articles"
    # "Rescuers applaud as the children are pulled alive from the ruins A strong aftershock has rocked Haiti, ..."
    aftershock = Article.from_path(articles / "2010-01-20_haiti_379.txt")
    assert aftershock.sentences[0].text.startswith("A strong aftershock has rocked Haiti, sending screaming people")
    assert not any("Rescuers applaud" in s.text for s in aftershock.sentences)  # a caption is no sentence
    # "US troops land at Haiti's presidential palace US troops are stepping up aid operations ...": a headline.
    troops = Article.from_path(articles / "2010-01-20_haiti_709.txt")
    assert troops.sentences[0].text.startswith("US troops are stepping up aid operations across Haiti")
    for article in (aftershock, troops):
        assert all(s.text in article.body for s in article.sentences)  # pieces of the text, verbatim


def test_run_in_starts_finds_where_each_piece_begins():
    text = "Aid groups have complained of delays getting aid to survivors A Royal Fleet Auxiliary ship is to be sent."
    assert [text[start:start + 7] for start in run_in_starts(text, lowercase_words(text))] == ["A Royal"]
    # A name after a word that names, or a capital that no lowercase word matches, is no new clause.
    plain = "Officials at the White House said the president Barack Obama would visit Port-au-Prince soon."
    assert run_in_starts(plain, lowercase_words(plain) | {"white", "port"}) == []


def test_a_sentence_without_a_run_in_is_left_whole():
    text = "The minister resigned on Monday after a long dispute."
    assert run_in_starts(text, lowercase_words(text)) == []
    repeated = "The council said the council would meet again next week to settle the budget."
    assert run_in_starts(repeated, lowercase_words(repeated)) == []  # a repetition, not a headline run in


def test_a_list_of_headlines_stamped_with_their_age_is_a_list():
    from briefings.corpus import Article
    from tests.conftest import timeline17_story

    # A "latest news" box run together as one sentence (Timeline17, haitian_earthquake, 2010-01-20): it names
    # troops and the aftershock, so a topic digest on troops chose it before it was weighed as a list.
    page = Article.from_path(timeline17_story("haitian_earthquake") / "articles" / "2010-01-20_haiti_1647.txt")
    box = next(s.text for s in page.sentences if "mins ago" in s.text)
    assert "troop surge" in box and box.count(" ago") >= 3
    assert prose_weight(box) == LIST
    assert prose_weight("The aftershock struck 20 minutes ago, officials said.") == PROSE  # one age: a sentence


def test_words_written_lowercase_are_looked_up_as_the_set_of_them_has_them():
    from briefings.prose import WrittenLowercase
    from tests.conftest import timeline17_story

    # Every word of a real article, its capitals lowered and with punctuation around, asked of the lazy lookup
    # and of the set: the same answers.
    folder = timeline17_story("haitian_earthquake") / "articles"
    for path in sorted(folder.glob("*.txt"))[:20]:
        text = path.read_text(encoding="utf-8")
        written, lazily = lowercase_words(text), WrittenLowercase(text)
        asked = {word.strip(".,;:!?\"'()").lower() for word in text.split()} | {"", "said,", "(said", "haiti's"}
        assert {word for word in asked if word in lazily} == asked & written
    assert "said" in WrittenLowercase("He said, (so) it.") and "so" not in WrittenLowercase("He said, (so) it.")
    assert "said" not in WrittenLowercase("He resaid it. Said he.") and "he" not in WrittenLowercase("He-he said")
