"""Feed addresses as people type them, checked before anything is stored or fetched."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2_048  # what browsers and servers reliably accept
SCHEMES = ("http", "https")


class AddressError(ValueError):
    """An address that cannot be followed; the message says what to fix."""


def check_feed_url(text: str) -> str:
    """Return a feed address (trimmed) if it is a whole http(s) URL with a host and a valid port."""
    url = text.strip()
    if not url:
        raise AddressError("give the feed's full address, starting with https:// or http://")
    if len(url) > MAX_URL_LENGTH:
        raise AddressError(f"the address is {len(url):,} characters long, over the limit of {MAX_URL_LENGTH:,}")
    if any(character.isspace() or unicodedata.category(character) in {"Cc", "Cf"} for character in url):
        raise AddressError("the address has spaces or invisible characters in it; copy it again from the browser")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not 0-65535
    except ValueError as error:
        raise AddressError(f"{url!r} is not a web address ({error}); copy it again from the browser") from None
    if parts.scheme.lower() not in SCHEMES:
        raise AddressError(f"{url!r} is not an http or https address: give the feed's full address, starting with "
                           "https:// or http://")
    if not parts.hostname:
        raise AddressError(f"{url!r} has no host name: give the feed's full address, such as "
                           "https://example.org/feed.xml")
    return url
