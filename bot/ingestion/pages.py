"""The article on a web page a feed's teaser links to: its text as the page says it, and its published time.

trafilatura does the extraction, with the settings `bench/realweb.py --extraction` measured best on
trafilatura's own evaluation pages (fidelity of kept text against boilerplate let in; bench/README.md has the
figures): its defaults with tables, not `favor_precision`, which drops a link's words from the middle of a
sentence ("had a lead in the state, but , notably") and, on some long pages, the whole article.

Bytes are decoded with the charset the HTTP response declares, when it declares one: a page whose charset is
only in the header would otherwise be guessed wrong ("iOS 13�s"). Cookie banners, advertising disclosures,
labelled advertisements and promotions that extraction lets through are dropped as whole paragraphs, and so are
lines the page's own HTML sets in furniture (a caption, a byline or author box, a sign-up form, a pop-up, a
"related" box, a copyright box, fine print in `<small>`, a box it hides), a line that is wholly a link to another
page of the same site (a teaser of another article) or names the site ("Auch auf gofeminin.de"), a short line
leading into what was left out ("Seguir leyendo:"; "Release Date:" before the date the page gives and extraction
left out), a teaser marked ">> … <<", the menu rows of a page laid out in a table, a
control's label ("Bild anzeigen"), an author's box, the page's notices about itself (a login prompt, "Video
verfügbar bis …", a link to the next article, an image credit, a contact label, its own issue promoted), and the
readers' comments after a line that opens them ("3 Kommentare");
every other line is kept as extracted, so sentences stay verbatim.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from briefings.cleaning import is_boilerplate, is_link_furniture
from briefings.text import ends_like_sentence, word_count

MIN_PAGE_WORDS = 40  # a page with fewer words of article text keeps the feed's teaser
# trafilatura's settings, as measured (bench/realweb.py --extraction compares them).
EXTRACTION: dict[str, Any] = {"include_comments": False, "include_tables": True, "favor_precision": False,
                              "favor_recall": False}
_BANNER_WORDS = 80  # a banner is short; a paragraph of an article about cookies is not dropped
_LEAD_WORDS = 8  # a description shorter than this is a tag line, not the article's lead
_FURNITURE_WORDS = 16  # "Lea también: <a headline>" is furniture; a longer line is left to the sentence tests
_COOKIES = re.compile(r"\bcookies?\b", re.IGNORECASE)
_CONSENT = re.compile(
    r"\b(?:we use|uses|use of|using|accept|consent|agree|settings|preferences|privacy|browsing|"
    r"wir verwenden|verwendet|nutzt|nutzen|speichert|akzeptier\w*|zustimm\w*|einverstanden|datenschutz\w*|"
    r"einstellungen|utilise|utilisons|accepte\w*|paramètres|utiliza\w*|usamos|aceptar|aceitar|política|"
    r"utilizziamo|accetta|używa|akceptuj\w*)\b",
    re.IGNORECASE,
)
_DISCLOSURE = re.compile(
    r"^\W*(?:advertising disclosure|disclosure|affiliate disclosure|transparenzhinweis|werbehinweis)\s*:|"
    r"\baffiliate[- ]links?\b|\bwe (?:may )?(?:earn|receive|get) (?:a )?(?:small )?(?:commission|compensation)\b|"
    r"\bprovisionslinks?\b|\bpartnerlinks?\b|\*\s*(?:werbe|affiliate)",
    re.IGNORECASE,
)
# An advertisement labelled as one: "ANZEIGE - Heute mal ausgehen?", "– Anzeige: Dieser Beitrag ist in
# Zusammenarbeit mit … entstanden –". The label word opens the line and a dash or colon follows it.
_ADVERT = re.compile(r"^\W*(?:advertisement|anzeige|werbung|sponsored|publicité|publicidad|publicidade|reklama)"
                     r"\s*[-–—:|]", re.IGNORECASE)
# A promotion addressing the reader, in a sentence of its own ("If you enjoyed reading this post – would you
# consider supporting our work? Just click here."; "Mit unserem Newsletter erhalten Sie monatlich …"): a promotion's
# words with a second-person word. A report about a newsletter speaks of it in the third person and is kept.
_PROMOTION = re.compile(r"\b(?:sign(?:ing)? up|newsletters?|subscri(?:be|ption)|click here|read more|abonnier\w*|"
                        r"reinschauen|jetzt (?:entdecken|bestellen|kaufen|sichern|testen)|shop now|learn more|"
                        r"hier klicken|s'abonner|abonnez|suscr[ií]b\w*|assine)\b", re.IGNORECASE)
_READER = re.compile(r"(?i:\b(?:you|your|vous|votre|usted|você|dich|dir|dein\w*)\b)|"
                     r"(?<=[\w,] )(?:Sie|Ihnen|Ihre?[mnrs]?)\b")  # "Sie" within a sentence, not "sie" (they)
_PROMOTION_WORDS = 60
# Notices of the page about itself, in a short line (at most 25 words): a comment form's login prompt ("Sie sind
# aktuell nicht eingeloggt."), a media library's availability ("Video verfügbar bis 28.02.2021"), a link to the next
# or previous article ("... weiter zu \"die Wortwahl\"", "Vorschau auf den nächsten Artikel"), the credit of a post's
# header image ("Beitragsbild: Titelseite der FAZ", "Titelbild: Flickr, CC BY 2.0"), a contact label ("Ansprechpartnerin
# zum Thema:"), a pointer to another page in one clause ("Alles über nachhaltige Wanderschuhe findest Du hier.") and a
# publication promoting its issue ("Die aktuelle Ausgabe der L-MAG jetzt an jedem Bahnhofskiosk ... erhältlich.").
# Each is a kind of furniture in the languages of the pages, none one site's wording.
_NOTICE_WORDS = 25
_NOTICE = re.compile(
    r"\bnicht (?:eingeloggt|angemeldet)\b|\bnot logged in\b|\b(?:log|sign) in to (?:comment|reply|post)\b|"
    r"^\W*(?:video|audio|sendung|podcast)?\s*(?:verfügbar|abrufbar) bis\b|^\W*available until\b|"
    r"^\W*(?:beitragsbild|titelbild|aufmacherbild|headerbild|featured image)\b(?:\s*:|\s+via\b)|"
    r"^\W*(?:ihr |ihre |your )?(?:ansprechpartner(?:in)?|pressekontakt|kontakt|media contact|press contact|contact)"
    r"\b[^.!?]{0,30}:\s*$|"
    r"^[^.!?]*\b(?:findest du|findet ihr|finden sie|erfährst du|erfahrt ihr|erfahren sie|"
    r"find out more|read more)\b[^.!?]{0,30}\bhier\W*$",
    re.IGNORECASE)
_ISSUE = re.compile(r"\b(?:aktuelle|neue[nr]?|neueste[nr]?) (?:Ausgabe|Heft)\b|\b(?:current|latest|new) issue\b|"
                    r"\be-?paper\b", re.IGNORECASE)
# An issue is promoted when it is offered or wished on the reader; "Die neue Ausgabe des Gesetzes tritt im Mai in
# Kraft." reports.
_OFFER = re.compile(r"!\W*$|\b(?:erhältlich|kiosk\w*|im abo|im handel|bestellen|available|on sale|order)\b",
                    re.IGNORECASE)
# A date run into the words after it ("27.01.2022MineralölINFO November 2021"): a listing's date and title, two
# elements the extraction joined, in a short line that is no sentence.
_GLUED_DATE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}(?=[^\W\d_])")
# Where readers' comments begin, when no markup names them: a count ("3 Kommentare", "#1 Kommentar von Naru-chan") or
# the section's bare heading ("Comments", "Kommentare (12)"). Everything after it is the readers', not the article's.
#
# Neither is a sentence: "Comments on many comments:) Oh my God!" opens a blog post's paragraph, and a German
# opinion piece is headed "Kommentar von <author>" (its byline, not a reader's comment), so the form "<word> by
# <name>" counts only with its number ("#1 Kommentar von Naru-chan").
_COMMENTS = re.compile(r"^\W*(?:#?\d+\s+(?:kommentare?|comments?|responses?|replies|antworten|commentaires?|"
                       r"comentarios?)|(?:kommentare|comments|commentaires|comentarios)(?:\s*\(\d+\))?)"
                       r"(?:\s+(?:von|by|de|zu|on)\s+.{1,60})?\s*:?\s*$", re.IGNORECASE)
# A link to the next or previous article ('... weiter zu "die Wortwahl"', "Vorschau auf den nächsten Artikel") is
# no sentence: "Continue to do that." is a reader's advice, kept.
_NEXT_LINK = re.compile(r"^\W*(?:weiter zu[mr]?|continue to|vorschau auf den nächsten|nächster artikel|"
                        r"vorheriger artikel|next (?:article|post|chapter)|previous (?:article|post|chapter))\b",
                        re.IGNORECASE)
# Furniture named by the page's markup: a class or id word of an element around the line, read in words ("cbx-
# Author_Position" is cbx, author, position), each word taken by its start (authors, recommended); a caption's
# word anywhere in one ("icaption_nonfloating", "figcaption"). The
# words are the boxes that readability's and trafilatura's own discard lists name (caption, byline, author,
# newsletter, related, modal), and a box is furniture only when it is small: a page whose article sits in a
# "related-content" wrapper keeps it. A caption is an image's: a "caption" box beside no image (a video's
# description on zdf.de, annotated as article text) is kept. A badge: the "TrustBadge" under reuters.com's articles;
# a copyright: a page's or an image's ("Materiał chroniony prawem autorskim ...", portalspozywczy.pl;
# "Screenshot,Strava" under an image on bike-magazin.de).
_BOX_WORDS = ("byline", "author", "autor", "bio", "newsletter", "subscribe", "signup", "overlay",
              "related", "recommend", "badge", "copyright")
_CAPTION_WORDS = ("caption", "credit")
# A box about the author is furniture at any size below the article's (chip.de's author box, 3,200 characters):
# named so by its class or id, or opening on its label ("AUTOR Dr. Thomas Schulte ist Gründungspartner ...").
_PERSON_WORDS = ("author", "autor", "byline")
_AUTHOR_LABEL = re.compile(r"(?:über (?:den|die) )?(?:autor(?:in)?|author)\s+\S|(?:about the author|zur person)\b")
# What the page shows only over itself (a pop-up's biography on jis.gov.jm: role="dialog", or a class or id naming
# a pop-up or modal) is never its article, however long. What it hides (hidden, aria-hidden, display:none or
# visibility:hidden) is furniture only as a box inside the article: drk.de and incurvy.de hide their whole article
# until a script shows it.
_OVER_WORDS = ("popup", "modal")
_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BOX_CHARACTERS = 600  # a caption, a byline, an author's box, a sign-up form, a card of related links
_ARTICLE_SHARE = 0.5  # an element holding half the extracted text is the article's, not a box in it
_ATTRIBUTE_WORDS = re.compile(r"[^A-Za-z]+|(?<=[a-z])(?=[A-Z])")
_UNREAD = frozenset({"script", "style", "noscript", "template"})
# A line that is one link to another page of the same site is a teaser of another article ("20 Kilo abnehmen: Mit
# DIESER Strategie klappt's!" between the paragraphs of gofeminin.de, a "related" list): its words are the link's
# (70% at least, so a label before the link counts too: "Mehr lesen: <headline>", "Related: <headline>"), and the
# link stays on the page's own site. A line that links elsewhere is the article's source or reference (a
# petition's address, "Hier geht's zur Facebook Veranstaltung"), annotated as article text, and stays.
_LINK_SHARE = 0.7
# A short line ending in a colon introduces what follows it ("Diese Artikel könnten dich auch interessieren:",
# "Editors' Recommendations:", "Seguir leyendo:"): when what follows was left out, or nothing follows, it introduces
# nothing of the article and goes too. "Zutaten:" before the ingredients stays.
_LEAD_IN_WORDS = 8
# What follows a short line ending in a colon on the page (the first words of the next text, scripts aside) tells
# whether what it introduces was extracted: a label whose value was left out introduces nothing.
_FOLLOWING_TEXT = ("following::text()[normalize-space()][not(ancestor::script or ancestor::style or "
                   "ancestor::noscript or ancestor::template)][1]")
_OWN_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
_FOLLOWING_CHARACTERS = 40
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphens, zero widths
# A line the page does not hold as extracted (trafilatura joined an author's bio with the name under it) is looked
# for by its opening, so its place still decides.
_OPENING_CHARACTERS = 80
# A short line naming the page's own site, no sentence, is the site's furniture ("Auch auf gofeminin.de").
_SITE_LINE_WORDS = 6
_NOT_PAGES = ("#", "mailto:", "tel:", "javascript:", "data:")
# A teaser link marked with arrows on both sides (">> Wegen Corona: … <<", ">>> Jetzt die aktuelle Ausgabe bestellen!
# <<<"); German quotation marks (»…«) are not arrows.
_ARROWED = re.compile(r"^\s*>{2,}\s*\S.*<{2,}\s*$")
# A page laid out in a table (its article is a row: a cell of long prose, 50 words with a sentence's end) writes
# its menus, counters and boxes as rows of one short cell ("| Kommentare insgesamt: 0 |", "| Weitere Artikel zum
# Thema |"); rows of a data table have several cells filled, and a row holding a sentence is kept.
_PROSE_CELL_WORDS = 50
_ROW_WORDS = 20
_SENTENCE_END = re.compile(r"[.!?…](?:\s|$)")
_CELL = re.compile(r"(?<!\\)\|")
HtmlElement = Any  # an lxml element, as trafilatura.utils.load_html parses a page (lxml has no stubs here)


@dataclass(frozen=True, slots=True)
class Page:
    """A page's article text, one paragraph a line, and when the page says it was published."""

    text: str
    published: datetime | None


def extract_page(body: bytes, content_type: str | None, url: str | None = None, *,
                 want_date: bool = True) -> Page | None:
    """Extract a page's article; None when it holds too little article text to be worth more than a teaser.

    The page's published date is looked for only when `want_date` (the feed did not date the entry): it costs
    about a quarter of the extraction's time.
    """
    import trafilatura  # noqa: PLC0415 - loaded only when a feed gives teasers

    page = decoded(body, content_type)
    if want_date:
        found = trafilatura.extract(page, url=url, output_format="json", with_metadata=True,
                                    date_extraction_params={"extensive_search": False, "original_date": True},
                                    **EXTRACTION)
        extracted = json.loads(found) if found else {}
    else:
        extracted = {"text": trafilatura.extract(page, url=url, **EXTRACTION)}
    from trafilatura.utils import load_html  # noqa: PLC0415 - the page parsed as trafilatura parses it (lxml)

    tree = load_html(page)
    text = without_furniture(tree, without_layout_rows(without_banners(str(extracted.get("text") or ""))),
                             site=_site(tree, url))
    lead = page_lead(tree, text)
    if lead is not None:
        text = f"{lead}\n{text}"
    if word_count(text) < MIN_PAGE_WORDS:  # words as Chinese and Japanese count them too
        return None
    return Page(text, _date(extracted.get("date")))


def page_lead(tree: HtmlElement | None, text: str) -> str | None:
    """Return the page's lead paragraph when extraction left it out, else None.

    Extraction often drops the lead that news pages set apart above the article (half of the text it missed on
    trafilatura's English and German evaluation pages). The page names its lead in its description metadata; the
    lead is taken only from the page's body, as the smallest element that holds the description, so it is the
    page's own visible words, never the metadata's. `tree` is the page as `trafilatura.utils.load_html` parses it.
    """
    if tree is None:
        return None
    described = [str(value) for value in tree.xpath(
        "//meta[@name='description' or @property='og:description' or @name='twitter:description']/@content")]
    description = next((_folded(value) for value in described if len(value.split()) >= _LEAD_WORDS), None)
    body = tree.find("body")
    if description is None or description in _folded(text) or body is None:
        return None
    best = None
    for element in body.iter("p", "div", "section", "header", "h2", "strong", "span"):
        if any(ancestor.tag in {"script", "style", "noscript", "template"} for ancestor in element.iterancestors()):
            continue
        words = " ".join(element.text_content().split())
        if description in _folded(words) and len(words) <= 2 * len(description) and (
                best is None or len(words) < len(best)):
            best = words
    return best


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _site(tree: HtmlElement | None, url: str | None) -> str | None:
    """Return the host of the page's own address: its canonical link or og:url, else the address it came from."""
    named = [str(value) for value in tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
             ] if tree is not None else []
    for address in (*named, url or ""):
        host = _host(address)
        if host:
            return host
    return None


def _host(address: str) -> str | None:
    address = address.strip()
    if address.startswith("//"):
        address = f"http:{address}"
    if not address.startswith(("http://", "https://")):
        return None
    try:
        host = urlsplit(address).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def without_layout_rows(text: str) -> str:
    """Drop the rows of one short cell that a page laid out in a table writes around its article (its menus).

    Only when a row holds the article (a cell of long prose); a row with several cells filled, or a sentence, stays.
    """
    rows = [_cells(line) for line in text.splitlines() if line.startswith("|")]
    if not any(word_count(cell) >= _PROSE_CELL_WORDS and _SENTENCE_END.search(cell) for row in rows for cell in row):
        return text
    kept = []
    for line in text.splitlines():
        cells = [cell for cell in _cells(line) if cell] if line.startswith("|") else None
        if cells is not None and len(cells) <= 1 and not any(
                ends_like_sentence(cell) or word_count(cell) >= _ROW_WORDS for cell in cells):
            continue
        kept.append(line)
    return "\n".join(kept)


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in _CELL.split(row.strip().strip("|"))]


def without_furniture(tree: HtmlElement | None, text: str, site: str | None = None) -> str:
    """Drop the extracted lines that the page's HTML sets in furniture; keep every other line as it is.

    Each line is looked for in the page (`tree`, as `trafilatura.utils.load_html` parses it): the smallest elements
    whose text holds it, wherever it occurs. A line is dropped when every place it occurs is furniture: in a pop-up,
    or, below the element that holds the article, hidden, inside a `<small>` (the HTML standard's small print:
    dates, "View Comments") or inside a small box whose class or id names a caption beside an image, a credit, a
    byline, an author, a sign-up form, an overlay, related links or a copyright; or wholly a link to another page of
    `site` (the host of the page's own address; a relative link is the site's): a teaser of another article. A
    short line ending in a colon goes with what it introduces, when that was left out or nothing follows it: the
    next line of the text, or the words after it on the page (a label whose value extraction left out). A line
    found nowhere (extraction joined or reformatted it: a table row) is kept.
    """
    if tree is None or not text:
        return text
    body = tree.find("body")
    if body is None:
        return text
    texts: dict[HtmlElement, str] = {}

    def text_of(element: HtmlElement) -> str:
        found = texts.get(element)
        if found is None:
            found = _folded(element.text_content()) if element.tag not in _UNREAD else ""
            texts[element] = found
        return found

    extracted = _folded(text.translate(_INVISIBLE))
    article = max(_ARTICLE_SHARE * len(extracted), _BOX_CHARACTERS)
    lines = text.splitlines()
    left_out = []
    for line in lines:
        key = _folded(line).removeprefix("- ")  # trafilatura writes a list item as "- item"
        places = _places(body, key, text_of) if len(key) > 1 and not key.startswith("|") else []
        if not places and len(key) > _OPENING_CHARACTERS and not key.startswith("|"):
            places = _places(body, key[:_OPENING_CHARACTERS], text_of)
        left_out.append(_names_site(line, site) or (bool(places) and all(
            _in_furniture(place, text_of, article) or _teaser_link(place, text_of, site) for place in places))
            or (_leads_in(line) and bool(places) and not any(_followed(place, key, extracted) for place in places)))
    kept: list[str] = []
    next_left_out = True  # after the last line comes nothing
    for line, out in zip(reversed(lines), reversed(left_out), strict=True):
        if not out and not (next_left_out and _leads_in(line)):
            kept.append(line)
        if line.strip():
            next_left_out = out
    return "\n".join(reversed(kept))


def _names_site(line: str, site: str | None) -> bool:
    """Tell whether a short line that is no sentence names the page's own site ("Auch auf gofeminin.de")."""
    return (site is not None and len(line.split()) <= _SITE_LINE_WORDS and not ends_like_sentence(line)
            and site.casefold() in line.casefold())


def _leads_in(line: str) -> bool:
    """Tell whether a line only introduces what follows it ("Diese Artikel könnten dich auch interessieren:")."""
    return line.rstrip().endswith(":") and len(line.split()) <= _LEAD_IN_WORDS


def _followed(place: HtmlElement, key: str, extracted: str) -> bool:
    """Tell whether what follows a line on the page (its next words) is in the extracted text.

    A label's value that extraction left out ("Release Date:" before the date, "Erschienen am:", "Bildnachweis:")
    leaves the label introducing nothing of the article; "Zutaten:" is followed by the first ingredient, kept. What
    follows is the rest of the line's own element when it goes on ("Tanz in der St. Galler Lokremise: <br>Mit allen
    Wassern gewaschen", a headline extraction wrote as two lines), else the page's next text.
    """
    rest = _next_words(place, key)
    if rest is None:
        return False  # the page ends: the line introduces nothing
    return rest.translate(_INVISIBLE)[:_FOLLOWING_CHARACTERS] in extracted


def _next_words(place: HtmlElement, key: str) -> str | None:
    """Return the text that follows `key` on the page, folded: in its own text node, the next one, or the page's."""
    seen = ""
    nodes = [str(node) for node in place.xpath(_OWN_TEXT)]
    for index, node in enumerate(nodes):
        seen = f"{seen}{node}"  # as text_content() joins them, so the key is found where _places found it
        if key in _folded(seen):
            rest = _folded(seen).partition(key)[2].strip()
            if rest:
                return rest
            later = next((text for text in nodes[index + 1:] if text.strip()), None)
            if later is not None:
                return _folded(later)
            break
    following = place.xpath(_FOLLOWING_TEXT)
    return _folded(str(following[0])) if following else None


def _teaser_link(place: HtmlElement, text_of: Any, site: str | None) -> bool:  # noqa: ANN401 - a local closure
    """Tell whether a line's place is wholly a link (or links) to other pages of the page's own site."""
    link = next((element for element in (place, *place.iterancestors()) if element.tag == "a"), None)
    if link is not None:
        links = [link]
    else:
        links = list(place.iter("a"))
        size = len(text_of(place))
        if not links or sum(len(text_of(element)) for element in links) < _LINK_SHARE * size:
            return False
    return all(_on_site(str(element.get("href") or ""), site) for element in links)


def _on_site(href: str, site: str | None) -> bool:
    href = href.strip()
    host = _host(href)
    if host is None:  # a relative link is to the same site; an anchor, an address or a script is no page
        return bool(href) and not href.lower().startswith(_NOT_PAGES) and ":" not in href.split("/", 1)[0]
    return site is not None and (host == site or host.endswith(f".{site}") or site.endswith(f".{host}"))


def _places(body: HtmlElement, key: str, text_of: Any) -> list[HtmlElement]:  # noqa: ANN401 - a local closure
    """Find the smallest elements whose text holds `key`, one for each place it occurs."""
    if key not in text_of(body):
        return []
    found, stack = [], [body]
    while stack:
        element = stack.pop()
        inner = [child for child in element if isinstance(child.tag, str) and key in text_of(child)]
        if inner:
            stack.extend(inner)
        else:
            found.append(element)
    return found


def _in_furniture(place: HtmlElement, text_of: Any, article: float) -> bool:  # noqa: ANN401 - a local closure
    in_article = True  # below the element holding the article (or the page's own): its boxes are looked at
    for element in (place, *place.iterancestors()):
        if element.tag in {"body", "html"}:
            return False
        words = [word.lower() for word in _ATTRIBUTE_WORDS.split(f"{element.get('class') or ''} "
                                                                    f"{element.get('id') or ''}") if word]
        if element.get("role") in {"dialog", "alertdialog"} or any(word.startswith(_OVER_WORDS) for word in words):
            return True
        if element.tag == "button" or element.get("role") == "button":  # a control's label: "Bild anzeigen"
            return True
        size = len(text_of(element))
        in_article = in_article and size <= article
        if not in_article:
            continue
        if (element.tag == "small" or element.get("hidden") is not None or element.get("aria-hidden") == "true"
                or _HIDING.search(element.get("style") or "")):
            return True
        if any(word.startswith(_PERSON_WORDS) for word in words) or (
                element.tag != "p" and _AUTHOR_LABEL.match(text_of(element))):
            return True
        if size <= _BOX_CHARACTERS and (any(word.startswith(_BOX_WORDS) for word in words) or (
                any(caption in word for word in words for caption in _CAPTION_WORDS) and _beside_an_image(element))):
            return True
    return False


def _beside_an_image(element: HtmlElement) -> bool:
    parent = element.getparent()
    return parent is not None and next(parent.iter("img", "picture", "video"), None) is not None


def decoded(body: bytes, content_type: str | None) -> bytes | str:
    """Decode a page with the charset its response declares; without one, trafilatura reads the page's own."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    if match is None:
        return body
    try:
        codecs.lookup(match[1])
    except LookupError:
        return body
    return body.decode(match[1], errors="replace")


def without_banners(text: str) -> str:
    """Drop cookie banners, advertising, promotions and page furniture; keep every other line as it is.

    Furniture is a "read also" link, a credit or a date alone (briefings.cleaning), in a short line that is not a
    sentence: a sentence is never dropped for the words it holds, nor a subheading. Promotions are the lines
    `briefings.cleaning.is_boilerplate` keeps out of summaries ("Sign up for the … newsletter"), so the stored
    text holds no line that summaries leave out; an advertisement is a line that opens with its label.
    """
    kept: list[str] = []
    for line in text.splitlines():
        # A page opening on the word is not cut to nothing.
        if kept and _COMMENTS.match(line) and not ends_like_sentence(line):
            break
        if not _is_banner(line):
            kept.append(line)
    return "\n".join(kept)


def _is_banner(line: str) -> bool:
    size = len(line.split())
    if size <= _BANNER_WORDS and ((_COOKIES.search(line) and _CONSENT.search(line)) or _DISCLOSURE.search(line)):
        return True
    if size <= _FURNITURE_WORDS and not ends_like_sentence(line) and is_link_furniture(line):
        return True
    if size <= _PROMOTION_WORDS and _PROMOTION.search(line) and _READER.search(line):
        return True
    if _GLUED_DATE.match(line) and not ends_like_sentence(line) and size <= _FURNITURE_WORDS:
        return True
    if _ARROWED.match(line):
        return True
    next_link = bool(_NEXT_LINK.match(line)) and not ends_like_sentence(line)
    if size <= _NOTICE_WORDS and (_NOTICE.search(line) or next_link or (_ISSUE.search(line) and _OFFER.search(line))):
        return True
    return bool(_ADVERT.match(line)) or (bool(line.strip()) and is_boilerplate(line))


def _date(written: object) -> datetime | None:
    if not isinstance(written, str) or not written:
        return None
    try:
        moment = datetime.fromisoformat(written)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
