"""What is left out of a page's stored text, and what is kept (issue 14).

The lines are real: each names the page of trafilatura's evaluation set it comes from (Apache-2.0 for the set;
the text belongs to its site), where the annotators marked it as boilerplate ("without") or as article text
("with"). The whole-page test reads the page from ../shared/data/realweb (not copied here).
"""

from pathlib import Path

import pytest

from bot.ingestion.pages import extract_page, without_banners

PAGES = Path(__file__).resolve().parents[4] / "shared" / "data" / "realweb" / "trafilatura-pages" / "pages"

# (page, line): promotions and labelled advertising that summaries already leave out (briefings.cleaning).
LEFT_OUT = [
    ("corkbeo.ie.level.html", "Never miss the latest news by signing up to our newsletter today!"),
    ("corkbeo.ie.level.html", "Sign up for the CorkBeo newsletter"),
    ("pcgamer.com.skyrim.html", "PC Gamer Newsletter"),
    ("diem25.org.climate.html", "Do you want to be informed of DiEM25's actions? Sign up here"),
    ("SW1.News-Heimat.html", "ANZEIGE - Heute mal ausgehen/bestellen? Wie wäre es mit:"),
    ("iloveponysmag.com.barbour.html", "– Anzeige: Dieser Beitrag ist in Zusammenarbeit mit Barbour entstanden –"),
    # Promotions addressing the reader, in sentences of their own.
    ("verfassungsblog.de.expertinnen.html",
     "If you enjoyed reading this post – would you consider supporting our work? Just click here. Thanks!"),
    ("austria.info.radfahren.html", "Mit unserem Newsletter erhalten Sie monatlich Informationen rund um das "
                                    "Urlaubsland Österreich und eine Auswahl exklusiver Angebote!"),
    ("mercurynews.com.2023.01.16.letters-1119.html",
     "Submit your letter to the editor via this form. Read more Letters to the Editor."),
]
# Article text near the same words: a sentence that reports on a newsletter, an advertisement's word in prose.
KEPT = [
    ("gitarrebass.de-dieneue.html", "Auch neu in diesem Jahr ist, dass wir einmal im Monat einen Sonder-Newsletter "
                                    "zu bestimmten Themen anbieten."),
    ("SW1.News-Heimat.html", "Der VfB Humprechtshausen spielte bislang eine recht ordentliche Saison, brachte der SG "
                             "Abersfeld bisher deren einzige Niederlage bei."),
    ("pcgamer.com.skyrim.html", "Straight outta Helgen"),
    ("written for this test", "Anzeige erstattet hat die Mutter des Opfers am Montag."),
    ("written for this test", "Der Verlag teilte mit, dass sie den Newsletter der Zeitung im Mai einstellen werden."),
    ("written for this test", "The council said residents could sign up for the new recycling scheme from Monday."),
]


@pytest.mark.parametrize(("page", "line"), LEFT_OUT)
def test_promotions_and_labelled_advertising_are_left_out_of_a_pages_text(page, line):
    article = ("Der VfB Humprechtshausen spielte bislang eine recht ordentliche Saison, brachte der SG Abersfeld "
               "bisher deren einzige Niederlage bei.")
    assert without_banners(f"{article}\n{line}\n{article}") == f"{article}\n{article}", page


@pytest.mark.parametrize(("page", "line"), KEPT)
def test_article_lines_near_the_same_words_are_kept_verbatim(page, line):
    assert without_banners(line) == line, page


def test_a_real_page_keeps_its_article_and_loses_its_newsletter_box():
    page = PAGES / "pcgamer.com.skyrim.html"
    assert page.is_file(), f"the realweb pages are expected at {PAGES} (shared/ beside the project)"
    found = extract_page(page.read_bytes(), "text/html", want_date=False)
    assert found is not None
    lines = found.text.splitlines()
    assert "PC Gamer Newsletter" not in lines
    assert "Straight outta Helgen" in lines and "Wow, dude. There are nicer ways to say it." in lines
