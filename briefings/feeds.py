"""Feeds: RSS 0.9x/1.0/2.0 and Atom entries as articles, and the URL rules that tell two items apart.

Parsing is feedparser's; what we add is what a news reader needs from it: a clear reason when a response is
not a feed at all (an HTML page, broken XML), canonical URLs without tracking parameters, and entries turned
into `Article`s whose text is the entry's own words.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import yaml

from briefings.corpus import Article

# Query parameters that say how a reader arrived, not what they read.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ocid|cmpid|ref|ref_src|"
                       r"smid|sr_share|at_medium|at_campaign|guccounter|_ga|__twitter_impression|ito|s_cid)$",
                       re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class FeedError(ValueError):
    """The response is not a usable feed; the message says why, for the admin's source list."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, as published."""

    guid: str | None
    url: str | None
    title: str | None
    published: datetime | None
    text: str  # the entry's content, or its summary, as plain text
    is_summary_only: bool  # True when the feed gives a teaser, not the article


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title and entries."""

    title: str | None
    entries: tuple[FeedEntry, ...]


def canonical_url(url: str) -> str:
    """Return the URL without tracking parameters, fragment, default port or trailing slash, host lower-cased."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port and parts.port != _DEFAULT_PORTS.get(scheme) else ""
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, host + port, path, query, ""))


def parse_feed(data: bytes, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS or Atom bytes; raise FeedError with a readable reason when it is not a feed."""
    import feedparser  # noqa: PLC0415 - loaded only where feeds are read

    headers = {"content-type": content_type} if content_type else {}
    parsed: Any = feedparser.parse(data, response_headers=headers)
    if not parsed.get("version"):
        if data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")) or (
                content_type or "").startswith("text/html"):
            raise FeedError("the address serves a web page (HTML), not an RSS or Atom feed")
        reason = parsed.get("bozo_exception")
        if not data.strip():
            raise FeedError("the response was empty")
        raise FeedError(f"not an RSS or Atom feed ({_reason(reason)})")
    from xml.sax import SAXException  # noqa: PLC0415

    if parsed.get("bozo") and isinstance(parsed.get("bozo_exception"), SAXException):
        raise FeedError(f"the feed is malformed XML ({_reason(parsed.get('bozo_exception'))})")
    entries = tuple(_entry(item) for item in parsed.entries)
    title = parsed.feed.get("title")
    return ParsedFeed(title=str(title).strip() if title else None, entries=entries)


def entry_article(entry: FeedEntry, outlet: str | None, text: str | None = None) -> Article:
    """Turn a feed entry (or the page it links to, as `text`) into an article with its metadata."""
    return Article.from_text(entry_id(entry), entry_document(entry, outlet, text))


def entry_document(entry: FeedEntry, outlet: str | None, text: str | None = None) -> str:
    """Write an entry as an article file holds it: YAML front matter, then the text."""
    meta = {key: value for key, value in {
        "title": entry.title, "source": outlet, "url": entry.url,
        "published": entry.published.isoformat() if entry.published else None,
    }.items() if value}
    body = text if text is not None else entry.text
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n" + body + "\n"


def entry_id(entry: FeedEntry) -> str:
    """Return a stable article id for an entry: from its GUID, else its canonical URL, else its title and text."""
    key = entry.guid or (canonical_url(entry.url) if entry.url else None) or f"{entry.title}\n{entry.text[:500]}"
    return "feed-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def html_to_text(html: str) -> str:
    """Return the text of an HTML fragment, one paragraph a line."""
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).split("\n"))
    return "\n".join(line for line in lines if line)


class _TextReader(HTMLParser):
    _BREAKS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section"})
    _SKIP = frozenset({"script", "style", "noscript", "figure", "figcaption"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(re.sub(r"\s+", " ", data))  # in HTML a newline is a space; tags make the breaks


def _entry(item: Any) -> FeedEntry:  # noqa: ANN401 - feedparser's dict-like entries are untyped
    content = item.get("content") or []
    html = content[0].get("value", "") if content else ""
    summary = item.get("summary") or ""
    text = html_to_text(html) if html else html_to_text(summary)
    when = item.get("published_parsed") or item.get("updated_parsed")
    published = datetime(when[0], when[1], when[2], when[3], when[4], when[5], tzinfo=UTC) if when else None
    link = item.get("link")
    return FeedEntry(
        guid=str(item.get("id")).strip() if item.get("id") else None,
        url=str(link).strip() if link else None,
        title=html_to_text(str(item.get("title"))) if item.get("title") else None,
        published=published,
        text=text,
        is_summary_only=not html and len(text.split()) < 120,
    )


def _reason(error: object) -> str:
    if error is None:
        return "no feed elements found"
    text = str(error).strip() or error.__class__.__name__
    return text[:200]
