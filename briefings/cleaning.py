"""Strip the furniture that web pages wrap around an article, and read what the text says about itself.

News text collected from the web carries newsletter prompts, photo credits, "Follow topic:" buttons and an
aggregator's list of sources. They are not sentences of the story and must never reach a summary, while
every real sentence must stay, untouched, so that citations remain verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from briefings.text import ends_like_sentence, word_count

_PROMO = re.compile(
    r"\b(sign up|newsletters?|subscribe|inbox|daily email|download (?:the|our) app|read more|"
    r"advertisement|click here|follow (?:us|topic)|unlock the)\b",
    re.IGNORECASE,
)
_PHOTO_CREDIT = re.compile(
    r"^\s*(?:photos?|pictures?|images?|credits?|file photo)\s*:|"
    r"\b(?:getty images|afp via getty|reuters/|ap photo|pool photo)\b",
    re.IGNORECASE,
)
_FOLLOW = re.compile(r"^\s*follow(?: topic| us)?\s*:?\s*$", re.IGNORECASE)
# An aggregator ("Summary based on 18 sources") ends its text with the list of outlets it read.
_TRAILER = re.compile(r"^\s*(?:summary based on \d+ sources?|sources|related (?:stories|articles)|more on this story)"
                      r"\s*:?\s*$", re.IGNORECASE)
_AGGREGATOR = re.compile(r"^\s*summary based on (\d+) sources?\s*$", re.IGNORECASE | re.MULTILINE)

# "WASHINGTON - ", "WASHINGTON (Reuters) - ", "BEIJING: ", " date 2025-02-21 Washington DC - ".
_DATELINE = re.compile(
    r"^\s*(?:date\s+(?P<date>\d{4}-\d{2}-\d{2})\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3}"
    r"|[A-Z][A-Z.]{2,}(?:\s+[A-Z][A-Z.]{2,}){0,2}(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?)"
    r"\s*(?:\((?:Reuters|AP|AFP|Bloomberg|dpa|Xinhua)\))?\s*(?:[-–—:])\s+"
)
_DATE_LINE = re.compile(
    r"^\s*(?:published|updated|posted|date)?\s*:?\s*"
    r"(?P<date>(?:\w+,?\s+)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}))(?:[ T,]+[\d:]+\s*(?:[AaPp][Mm])?\s*(?:[A-Z]{2,4}|[+-]\d{2}:?\d{2})?)?\s*$"
)

# Outlets that sign their pages: the boilerplate names the outlet even when nothing else does.
_SIGNATURES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bGet ST's newsletters\b|straitstimes\.com", re.IGNORECASE), "The Straits Times"),
    (re.compile(r"^Unlock the .* newsletter for free$", re.MULTILINE), "Financial Times"),
    (re.compile(r"^[A-Z][A-Z .]+\(Reuters\) [-–—]", re.MULTILINE), "Reuters"),
    (re.compile(r"^[A-Z][A-Z .]+\(AP\) [-–—]", re.MULTILINE), "Associated Press"),
    (re.compile(r"^[A-Z][A-Z .]+\(AFP\) [-–—]", re.MULTILINE), "AFP"),
    (re.compile(r"\bcna\.com\.sg\b|\bGet CNA\b", re.IGNORECASE), "CNA"),
    (re.compile(r"\bbbc\.co\.uk\b", re.IGNORECASE), "BBC News"),
)


# Furniture that pages put where a headline would be (issue 14): bylines, credits, dates and times, "read also"
# links, breadcrumbs, reading times and labels. Each pattern names a kind of furniture, in the languages of the
# pages Briefbot reads; none names one site.
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door|av|przez|written by|posted by|gespeichert von)\s+\S", re.IGNORECASE)
_CREDIT = re.compile(r"^\(.*\)$|^(?:©|\(c\)|copyright\b|courtesy\b|credits?\b|photos?\s*:|foto\s*:|bild\s*:|"
                     r"source\s*:|quelle\s*:|image\s*:)|\b(?:photo|foto|picture|image|credit)s?\s*:\s*\S+(?:\s+\S+)?$",
                     re.IGNORECASE)
_SEE_ALSO = re.compile(r"^(?:read also|also read|see also|read more|related|more on|lire aussi|à lire aussi|voir aussi|"
                       r"à lire également|lire la suite|lesen sie auch|mehr zum thema|auch interessant|zum weiterlesen|"
                       r"weitere beiträge|weiterlesen|leia também|leia mais|saiba mais|veja também|lea también|"
                       r"lea más|lea:|le puede interesar|te puede interesar|notas relacionadas|noticias relacionadas|"
                       r"lee también|ver también|leggi anche|czytaj też|czytaj także)(?:\b|(?<=:))", re.IGNORECASE)
_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
           "september|october|november|december|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|"
           "février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|"
           "mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janeiro|fevereiro|março|maio|junho|"
           "julho|setembro|outubro|novembro|dezembro")
_DATE_OR_TIME = re.compile(rf"\b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|"
                           rf"\b\d{{1,2}}:\d{{2}}\b|"
                           rf"\b\d{{1,2}}\.?\s+(?:{_MONTHS})\.?\s+\d{{4}}\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}\b|"
                           rf"\b\d{{1,2}}/\d{{4}}\b", re.IGNORECASE)
_BREADCRUMB = re.compile(r"\s[›>»]\s|\s›$|^[-–›>]\s")
_LABEL = re.compile(r"^(?:advertisement|anzeige|werbung|sponsored|publicité|publicidad|reading time|lesezeit|"
                    r"temps de lecture|tiempo de lectura)\b|\b\d+\s*(?:min(?:ute)?s?|minuten)\s+(?:read|lesezeit)\b",
                    re.IGNORECASE)
_DANGLING = re.compile(r"(?:[&,;:–—-]|\b(?:and|or|und|oder|et|ou|y|e|o|of|the|von|de|by|am|on))\s*$", re.IGNORECASE)
FURNITURE_WORDS = 8  # a date or time in a line this short is its subject: a dateline, not a headline


def is_furniture(line: str) -> bool:
    """Tell whether a short line is page furniture that must never stand as a headline.

    Bylines ("By EARYEL BOWLEG"), credits ("(Credits: Amazon Prime Video)"), dates and times ("12. November 2015 /
    13:48"), "read also" links ("Lire aussi Martine Bulard &"), breadcrumbs, reading times and labels; and a line
    that stops on a connective or a colon, which leads into something else rather than naming a story.
    """
    text = line.strip()
    if not text:
        return True
    if _BYLINE.match(text) and len(text.split()) <= 6:
        return True
    if _CREDIT.search(text) or _SEE_ALSO.match(text) or _BREADCRUMB.search(text) or _LABEL.search(text):
        return True
    if _DATE_OR_TIME.search(text) and len(text.split()) <= FURNITURE_WORDS:
        return True
    return bool(_DANGLING.search(text))


def is_link_furniture(line: str) -> bool:
    """Tell whether a short line is furniture in any reading: a "read also" link, a credit, or a date alone.

    Narrower than `is_furniture` (which also refuses, as a headline, any line that stops on a connective): what
    this says is never a line of the article, so a page's text can lose it.
    """
    text = line.strip()
    if _SEE_ALSO.match(text) or _CREDIT.search(text):
        return True
    dates = _DATE_OR_TIME.findall(text)
    return bool(dates) and len(re.sub(r"\W+", "", "".join(dates))) >= len(re.sub(r"\W+", "", text)) * 0.6


@dataclass(frozen=True, slots=True)
class Line:
    """One kept line of an article body: its text and where it starts in the body."""

    text: str
    start: int


@dataclass(frozen=True, slots=True)
class CleanedText:
    """An article body with its furniture removed, and the metadata the text itself gives."""

    lines: tuple[Line, ...]
    title: str | None
    published: datetime | None
    dropped: tuple[str, ...]


@lru_cache(maxsize=1 << 13)
def is_boilerplate(line: str) -> bool:
    """Tell whether a line is page furniture rather than part of the story (remembered: wire copies repeat lines)."""
    stripped = line.strip()
    if _FOLLOW.match(stripped) or _PHOTO_CREDIT.search(stripped):
        return True
    # A promotion is short or not a sentence; a reporting sentence that mentions a newsletter is kept.
    return (not ends_like_sentence(stripped) or len(stripped.split()) <= 12) and bool(_PROMO.search(stripped))


def clean(body: str, known_title: str | None = None) -> CleanedText:
    """Split an article body into kept lines, dropping furniture, and infer title and date.

    With a `known_title` (from front matter), the first line is dropped only if it repeats that title.
    """
    raw_lines = _lines_with_offsets(body)
    kept: list[Line] = []
    dropped: list[str] = []
    published: datetime | None = None
    previous_was_promo = False
    for index, (text, start) in enumerate(raw_lines):
        stripped = text.strip()
        if not stripped:
            continue
        if (not stripped[:1].isascii() or stripped[:1] in "SsRrMm") and _TRAILER.match(stripped):  # cheap first
            dropped.extend(line for line, _ in raw_lines[index:] if line.strip())
            break
        if index < 4 and published is None and (date := _date_of_line(stripped)) is not None:
            published = date
            dropped.append(stripped)
            continue
        if is_boilerplate(stripped):
            if _PHOTO_CREDIT.search(stripped) and kept and _is_caption(kept[-1].text):
                dropped.append(kept.pop().text)  # the caption of the photo this line credits
            dropped.append(stripped)
            previous_was_promo = bool(_PROMO.search(stripped))
            continue
        if previous_was_promo and not ends_like_sentence(stripped) and stripped.startswith(("Your ", "The ")):
            dropped.append(stripped)  # the blurb under a newsletter's name
            previous_was_promo = False
            continue
        previous_was_promo = False
        # Only the opening lines carry a dateline ("WASHINGTON - "); elsewhere such a prefix is text.
        opening = len(kept) < 2
        kept.append(_without_dateline(text, start) if opening else _stripped(text, start))
        if opening and published is None and (marker := _dateline(text)) is not None and marker[1]:
            published = _parse_date(marker[1])
    title = _title_of(kept) if known_title is None else known_title.strip()
    if title is not None and kept and kept[0].text.strip() == title:
        kept = kept[1:]
    return CleanedText(tuple(kept), title, published, tuple(dropped))


def infer_source(body: str) -> str | None:
    """Name the outlet when the page's own furniture gives it away."""
    # Furniture sits at the top and the bottom of a page; the middle is the story.
    ends = body if len(body) <= 6_000 else body[:3_000] + "\n" + body[-3_000:]
    if aggregator := _AGGREGATOR.search(ends):
        return f"News aggregator ({aggregator[1]} sources)"
    for pattern, name in _SIGNATURES:
        if pattern.search(ends):
            return name
    return None


def outlet_name(outlet: str) -> str:
    """Name an outlet for a reader: an aggregator's "(18 sources)" reads "of 18 outlets", not a count in a count."""
    return re.sub(r"\s*\((\d+) sources?\)\s*$", lambda m: f" of {m[1]} outlets", outlet)


def _lines_with_offsets(body: str) -> list[tuple[str, int]]:
    lines: list[tuple[str, int]] = []
    offset = 0
    for line in body.splitlines(keepends=True):
        lines.append((line.rstrip("\r\n"), offset))
        offset += len(line)
    return lines


def _is_caption(line: str) -> bool:
    return bool(re.search(r"\((?:left|right|centre|center|top|bottom|pictured)\)", line, re.IGNORECASE))


def _stripped(text: str, start: int) -> Line:
    leading = len(text) - len(text.lstrip())
    return Line(text.strip(), start + leading)


@lru_cache(maxsize=1 << 12)
def _dateline(text: str) -> tuple[int, str | None] | None:
    """Return where a line's dateline ends and the date it gives, if it opens with one (remembered: copies repeat)."""
    marker = _DATELINE.match(text)
    return None if marker is None else (marker.end(), marker["date"])


def _without_dateline(text: str, start: int) -> Line:
    marker = _dateline(text)
    if marker is None:
        return _stripped(text, start)
    return _stripped(text[marker[0]:], start + marker[0])


def _title_of(lines: list[Line]) -> str | None:
    if not lines:
        return None
    first = lines[0].text.strip()
    # A headline is short and has no full stop; the article's first sentence does not qualify, nor furniture.
    # Words by word_count: a Chinese paragraph has few spaces but is no headline (issue 14).
    if ends_like_sentence(first) or not 3 <= word_count(first) <= 30 or is_furniture(first):
        return None
    if len(lines) > 1 and lines[1].text[:1].islower():
        return None  # a hard-wrapped first line, not a headline
    return first


@lru_cache(maxsize=1 << 12)
def _date_of_line(line: str) -> datetime | None:
    match = _DATE_LINE.match(line)
    return _parse_date(match["date"]) if match else None


def _parse_date(text: str) -> datetime | None:
    try:
        from dateutil import parser as date_parser  # noqa: PLC0415 - only a date a page writes in words

        parsed = date_parser.parse(text)
    except (ValueError, OverflowError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
