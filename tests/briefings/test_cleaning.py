from datetime import UTC, datetime

from briefings.cleaning import clean, infer_source, is_boilerplate, is_furniture, outlet_name
from briefings.corpus import Article
from tests.conftest import AFP, AGGREGATOR, CNA, FT, STRAITS_TIMES
from tests.conftest import raw_seed as raw


def kept_text(article_id: str) -> str:
    return "\n".join(line.text for line in clean(raw(article_id)).lines)


def test_page_furniture_is_dropped():
    for line in [
        "Sign up now: Get ST's newsletters delivered to your inbox",
        "PHOTOS: BLOOMBERG, AFP",
        "Follow topic:",
        "Unlock the White House Watch newsletter for free",
        "Get a daily email with more Global Economy stories",
    ]:
        assert is_boilerplate(line), line


def test_real_sentences_are_not_boilerplate():
    for line in [
        "But Mr Bessent and Mr He agreed to remain in communication going forward.",
        "Minutes after the fresh US tariffs took effect in February, China unveiled levies on imports of US energy, "
        "vehicles and equipment.",
        "The ministry said it had sent its newsletter to exporters warning them of new tariffs on steel and aluminium "
        "imports.",
    ]:
        assert not is_boilerplate(line), line


def test_straits_times_copy_loses_its_furniture_and_photo_caption_but_keeps_every_sentence():
    text = kept_text(STRAITS_TIMES)
    assert "Sign up now" not in text
    assert "PHOTOS:" not in text
    assert "Follow topic:" not in text
    assert "(left)" not in text  # the caption of the credited photo
    assert "But Mr Bessent and Mr He agreed to remain in communication going forward." in text
    assert "Minutes after the fresh US tariffs took effect in February" in text


def test_aggregator_source_list_is_dropped_and_its_summary_kept():
    cleaned = clean(raw(AGGREGATOR))
    text = "\n".join(line.text for line in cleaned.lines)
    assert "Summary based on 18 sources" not in text
    assert "South China Morning Post •" not in text
    assert "Voice of America" not in text
    assert text.endswith("promote cooperation based on respect.")
    assert "The U.S. had a goods trade deficit of $295.4 billion with China in 2024" in text


def test_newsletter_blurb_is_dropped_with_its_newsletter():
    text = kept_text(FT)
    assert "Your guide to what Trump" not in text
    assert text.startswith("Beijing has called on the US")


def test_metadata_is_inferred_from_the_text_when_there_is_no_front_matter():
    aggregator = clean(raw(AGGREGATOR))
    assert aggregator.title == "China Urges US to Rethink Tariffs in Call for Dialogue Amid Trade Tensions"
    assert aggregator.published == datetime(2025, 2, 21, tzinfo=UTC)
    assert infer_source(raw(AGGREGATOR)) == "News aggregator (18 sources)"
    assert infer_source(raw(STRAITS_TIMES)) == "The Straits Times"
    assert clean(raw(STRAITS_TIMES)).title == "US, China economic leaders raise ‘serious concerns’ in first call"
    assert infer_source(raw(FT)) == "Financial Times"
    assert infer_source(raw(CNA)) is None  # nothing in the text names it: unknown, not guessed
    assert clean(raw(AFP)).published == datetime(2025, 2, 21, tzinfo=UTC)


def test_dateline_is_not_part_of_the_first_sentence():
    for article_id in (STRAITS_TIMES, AFP, CNA):
        article = Article.from_text(article_id, raw(article_id))
        assert article.sentences[0].text.startswith("US Treasury Secretary Scott Bessent"), article_id


def test_an_article_without_a_headline_shows_its_first_sentence_not_an_invented_title():
    article = Article.from_text(FT, raw(FT))
    assert not article.has_headline
    assert article.title == article.sentences[0].text


def test_subheadings_and_cut_off_lines_are_not_sentences():
    texts = [sentence.text for sentence in Article.from_text(CNA, raw(CNA)).sentences]
    assert "MORE TARIFFS" not in texts
    last = Article.from_text(STRAITS_TIMES, raw(STRAITS_TIMES)).sentences[-1].text
    assert not last.startswith("Asked on Feb 20")


def test_hard_wrapped_paragraphs_are_joined_into_whole_sentences():
    body = "Officials said the talks would resume\nnext week in Geneva. Markets rose on the news.\n"
    article = Article.from_text("wrapped", body)
    assert [sentence.text for sentence in article.sentences] == [
        "Officials said the talks would resume\nnext week in Geneva.",
        "Markets rose on the news.",
    ]


def test_page_furniture_never_stands_as_a_headline():
    # Seen at the top of real pages (issue 14): bylines, credits, dates and times, "read also" links, breadcrumbs.
    for furniture in ["By EARYEL BOWLEG", "(Credits: Amazon Prime Video)", "12. November 2015 / 13:48",
                      "Lire aussi Martine Bulard &", "Aktualisiert am 19.02.2020", "Von Gregory Lipinski",
                      "Lesezeit: 2 Minuten", "Accueil > Actualités > Décisions", "21. Jan 2022 // D. Ricker"]:
        assert is_furniture(furniture), furniture
        article = Article.from_text("page", f"{furniture}\nThe council approved the new budget on Tuesday evening.\n")
        assert not article.has_headline, furniture
    for headline in ["US, China economic leaders raise ‘serious concerns’ in first call", "Budget 2022: what it means",
                     "Bank of England holds rates at 5%", "By-election called in Hartlepool"]:
        assert not is_furniture(headline), headline


def test_an_aggregators_outlet_name_reads_as_one_outlet_of_many():
    assert outlet_name(infer_source(raw(AGGREGATOR))) == "News aggregator of 18 outlets"
    assert outlet_name("The Straits Times") == "The Straits Times"
