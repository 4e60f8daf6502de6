"""Strip the furniture that web pages wrap around an article, and read what the text says about itself.

News text collected from the web carries newsletter prompts, photo credits, "Follow topic:" buttons and an
aggregator's list of sources. They are not sentences of the story and must never reach a summary, while
every real sentence must stay, untouched, so that citations remain verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from dateutil import parser as date_parser

from briefings.text import ends_like_sentence

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


def is_boilerplate(line: str) -> bool:
    """Tell whether a line is page furniture rather than part of the story."""
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
        if _TRAILER.match(stripped):
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
        if opening and published is None and (marker := _DATELINE.match(text)) and marker["date"]:
            published = _parse_date(marker["date"])
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


def _without_dateline(text: str, start: int) -> Line:
    marker = _DATELINE.match(text)
    if marker is None:
        return _stripped(text, start)
    return _stripped(text[marker.end():], start + marker.end())


def _title_of(lines: list[Line]) -> str | None:
    if not lines:
        return None
    first = lines[0].text.strip()
    # A headline is short and has no full stop; the article's first sentence does not qualify.
    if ends_like_sentence(first) or not 3 <= len(first.split()) <= 30:
        return None
    if len(lines) > 1 and lines[1].text[:1].islower():
        return None  # a hard-wrapped first line, not a headline
    return first


def _date_of_line(line: str) -> datetime | None:
    match = _DATE_LINE.match(line)
    return _parse_date(match["date"]) if match else None


def _parse_date(text: str) -> datetime | None:
    try:
        parsed = date_parser.parse(text)
    except (ValueError, OverflowError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
