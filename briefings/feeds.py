"""Feeds: RSS 0.9x/1.0/2.0 and Atom entries as articles, and the URL rules that tell two items apart.

Parsing is feedparser's, as forgiving as it is: a feed with an XML slip (a blank line before `<?xml`, an HTML
entity such as `&nbsp;` outside CDATA, a bare `&`, a transfer cut short) keeps every entry feedparser recovers,
and says what was wrong. What we add is what a news reader needs: a clear reason when a response is not a feed at
all, entries that cannot be read (a link such as `http://[oops`, a date in year 0) skipped one by one with a
reason, links resolved against the feed's address, each item's own `<source>` as its outlet, dates in other
languages, canonical URLs without tracking parameters, and entries turned into `Article`s whose text is the
entry's own words. `feed_links` finds the feed a web page announces.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import yaml

from briefings.corpus import Article
from briefings.text import word_count

# Query parameters that say how a reader arrived, not what they read.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ocid|cmpid|ref|ref_src|"
                       r"smid|sr_share|at_medium|at_campaign|guccounter|_ga|__twitter_impression|ito|s_cid)$",
                       re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
EARLIEST_ENTRY_YEAR = 1800  # an entry dated before this is a typo or a placeholder (year 0), not news
TEASER_WORDS = 120  # an entry with fewer words than this is a teaser: its page is read for the article
# What the XML parser's message means, said the way a feed's owner would fix it.
_XML_SLIPS = (
    ("declaration not at start", "something comes before `<?xml` (a blank line?)"),
    ("undefined entity", "an HTML entity such as `&nbsp;` outside CDATA"),
    ("not well-formed", "a character XML does not allow there (a bare `&`?)"),
    ("unclosed token", "the feed ends early (a transfer cut short?)"),
    ("no element found", "the feed ends early (a transfer cut short?)"),
    ("mismatched tag", "a tag that is not closed"),
    ("unbound prefix", "an undeclared namespace prefix"),
)


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
    source: str | None = None  # the item's own `<source>` (an aggregator's item credits its outlet)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title and entries, and what was wrong with it (XML slips recovered from, entries skipped)."""

    title: str | None
    entries: tuple[FeedEntry, ...]
    problems: tuple[str, ...] = ()


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


def parse_feed(data: bytes, content_type: str | None = None, url: str | None = None) -> ParsedFeed:
    """Parse RSS or Atom bytes (relative links resolved against `url`); raise FeedError when it is not a feed.

    A malformed feed from which feedparser recovers entries is read, and `problems` says what was wrong; only
    one that yields no entry is refused.
    """
    import feedparser  # noqa: PLC0415 - loaded only where feeds are read

    # Links are resolved against `url` here, not by feedparser (which silently blanks a link it cannot resolve,
    # where an entry with a broken link must be skipped with a reason).
    headers = {"content-type": content_type} if content_type else {}
    parsed: Any = feedparser.parse(data, response_headers=headers)
    entries_found = len(parsed.entries)
    page = looks_like_page(data, content_type)
    if not parsed.get("version") and (page or not entries_found):
        if page:
            raise FeedError("the address serves a web page (HTML), not an RSS or Atom feed")
        reason = parsed.get("bozo_exception")
        if not data.strip():
            raise FeedError("the response was empty")
        raise FeedError(f"not an RSS or Atom feed ({_reason(reason)})")
    from xml.sax import SAXException  # noqa: PLC0415

    problems: list[str] = []
    if parsed.get("bozo") and isinstance(parsed.get("bozo_exception"), SAXException):
        slip = _xml_slip(parsed.get("bozo_exception"))
        if not entries_found:
            raise FeedError(f"the feed is malformed XML ({slip}) and no entry could be recovered")
        problems.append(f"malformed XML ({slip}); {entries_found} entries recovered")
    dates = _DateReader(parsed.feed.get("language"))
    entries = []
    for number, item in enumerate(parsed.entries, start=1):
        try:
            entries.append(_entry(item, url, dates))
        except EntryError as error:
            problems.append(f"entry {number} skipped: {error}")
        except (ValueError, TypeError, OverflowError) as error:  # anything else odd in one entry skips only it
            problems.append(f"entry {number} skipped: it cannot be read ({error.__class__.__name__}: {error})")
    title = parsed.feed.get("title")
    return ParsedFeed(title=str(title).strip() if title else None, entries=tuple(entries), problems=tuple(problems))


def looks_like_page(data: bytes, content_type: str | None = None) -> bool:
    """Tell whether a response may be a web page: only such a response is refused as a page, not a feed."""
    return data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")) or (
        content_type or "").startswith("text/html")


class EntryError(ValueError):
    """One entry cannot be read (its link or date is not valid); the others are."""


def feed_links(html: bytes, url: str) -> list[str]:
    """Return the feeds a web page announces (`<link rel="alternate" type="application/rss+xml" href=...>`)."""
    reader = _FeedLinks()
    reader.feed(html[:1_000_000].decode("utf-8", errors="replace"))
    reader.close()
    found = []
    for href in reader.hrefs:
        try:
            link = check_link(urljoin(url, href))
        except EntryError:
            continue
        if link not in found:
            found.append(link)
    return found


def check_link(link: str) -> str:
    """Return a link if it is a whole http(s) URL with a valid host and port; raise EntryError if not."""
    try:
        parts = urlsplit(link)
        parts.port  # noqa: B018 - raises ValueError for a port above 65535
    except ValueError as error:
        raise EntryError(f"its link {link[:100]!r} is not a web address ({error})") from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise EntryError(f"its link {link[:100]!r} is not an http or https address")
    return link


def entry_article(entry: FeedEntry, outlet: str | None, text: str | None = None) -> Article:
    """Turn a feed entry (or the page it links to, as `text`) into an article with its metadata."""
    return Article.from_text(entry_id(entry), entry_document(entry, outlet, text))


def entry_document(entry: FeedEntry, outlet: str | None, text: str | None = None, *,
                   published: datetime | None = None) -> str:
    """Write an entry as an article file holds it: YAML front matter, then the text.

    `published` dates an entry the feed does not date (from its page, or when it was first seen).
    """
    when = entry.published or published
    meta = {key: value for key, value in {
        "title": entry.title, "source": outlet, "url": entry.url,
        "published": when.isoformat() if when else None,
    }.items() if value}
    body = text if text is not None else entry.text
    # libyaml's emitter where PyYAML has it: the same text for every title measured (8,108 BBC and Timeline17
    # headlines), a tenth of the time (a poll of 55,000 items spent 14 s in the Python emitter), and it keeps
    # a NEL character that the Python emitter folds into a space.
    return "---\n" + yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=True) + "---\n" + body + "\n"


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


class _FeedLinks(HTMLParser):
    _TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if (tag == "link" and "alternate" in values.get("rel", "").lower().split()
                and values.get("type", "").lower().split(";")[0].strip() in self._TYPES and values.get("href")):
            self.hrefs.append(values["href"].strip())


class _DateReader:
    """Read an entry's date: feedparser's, else the written date in the feed's language (dateparser)."""

    def __init__(self, language: object) -> None:
        code = str(language or "").strip().lower()[:2]
        self.languages = [code] if code.isalpha() and len(code) == 2 else None

    def __call__(self, item: Any) -> datetime | None:  # noqa: ANN401 - feedparser's dict-like entries are untyped
        when = item.get("published_parsed") or item.get("updated_parsed")
        if when:
            if when[0] < EARLIEST_ENTRY_YEAR:
                raise EntryError(f"its date is in the year {when[0]}")
            try:
                return datetime(when[0], when[1], when[2], when[3], when[4], when[5], tzinfo=UTC)
            except ValueError as error:
                raise EntryError(f"its date cannot be read ({error})") from None
        written = str(item.get("published") or item.get("updated") or "").strip()[:100]
        if not re.search(r"\d{4}", written):  # dateparser is slow on words that hold no date: only years tried
            return None
        return self._written(written)

    def _written(self, written: str) -> datetime | None:
        import dateparser  # noqa: PLC0415 - only for the dates feedparser cannot read

        try:
            moment = dateparser.parse(written, languages=self.languages,
                                      settings={"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC"})
        except (ValueError, OverflowError, TypeError):
            moment = None
        if moment is None and self.languages is not None:  # the feed's language may be wrong
            self.languages = None
            return self._written(written)
        if moment is not None and moment.year < EARLIEST_ENTRY_YEAR:
            raise EntryError(f"its date is in the year {moment.year}")
        return moment.astimezone(UTC) if moment is not None else None


def _entry(item: Any, feed_url: str | None, dates: _DateReader) -> FeedEntry:  # noqa: ANN401 - untyped entries
    content = item.get("content") or []
    html = content[0].get("value", "") if content else ""
    summary = item.get("summary") or ""
    text = html_to_text(html) if html else html_to_text(summary)
    link = str(item.get("link") or "").strip() or None
    if link is not None:
        try:
            link = urljoin(feed_url, link) if feed_url else link
        except ValueError:
            pass  # not a URL at all: check_link says why
        link = check_link(link)
    origin = item.get("source") or {}
    credit = html_to_text(str(origin.get("title"))) if isinstance(origin, dict) and origin.get("title") else None
    return FeedEntry(
        guid=str(item.get("id")).strip() if item.get("id") else None,
        url=link,
        title=html_to_text(str(item.get("title"))) if item.get("title") else None,
        published=dates(item),
        text=text,
        is_summary_only=word_count(text) < TEASER_WORDS,  # a one-sentence teaser in <content> is one too
        source=credit or None,
    )


def _xml_slip(error: object) -> str:
    text = _reason(error)
    return next((f"{meaning}: {text}" for clue, meaning in _XML_SLIPS if clue in text), text)


def _reason(error: object) -> str:
    if error is None:
        return "no feed elements found"
    text = str(error).strip() or error.__class__.__name__
    return text[:200]
