"""Fetching feeds and pages safely: timeouts, a size limit, few redirects, conditional GET, and no SSRF.

Admins add URLs that are fetched from the bot's host, so by default a URL whose host resolves to a loopback,
private, link-local, multicast, reserved or cloud-metadata address is refused. The check runs in the
connector's resolver, at connect time, for every redirect hop, so DNS rebinding cannot slip past it.

BRIEFBOT_FETCH_ALLOW_HOSTS (for people who run their own feed server) means "a feed at this host": a fetch is
exempt only when its URL is on the host of the feed it is for (the feed itself, or a teaser page on the feed's own
host). A stranger's feed that links its teasers to an allowed host is held to the guard, like any other link.
Exempt and guarded requests go through separate connection pools, so a DNS answer or a kept-alive connection
made for one never serves the other.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

log = logging.getLogger(__name__)

USER_AGENT = "Briefbot/0.1 (+https://github.com/briefbot; a news briefing bot)"
REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """The URL could not be fetched; the message is readable by the admin who added it."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: 304 (not modified, no body) or 200 with its body and validators."""

    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    url: str


class GuardedResolver(AbstractResolver):
    """Resolve names, refusing addresses that are not on the public internet unless the host is allowed."""

    def __init__(self, allowed_hosts: frozenset[str]) -> None:
        self._inner = DefaultResolver()
        self._allowed = allowed_hosts

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        """Resolve a host; raise FetchError if it leads to a private or special address."""
        results = await self._inner.resolve(host, port, family)
        if host.lower() not in self._allowed:
            for result in results:
                if not _public(result["host"]):
                    raise FetchError(f"refused: {host} resolves to {result['host']}, which is not a public address "
                                     "(set BRIEFBOT_FETCH_ALLOW_HOSTS to allow your own feed server)")
        return results

    async def close(self) -> None:
        """Close the underlying resolver."""
        await self._inner.close()


class Fetcher:
    """One HTTP client for all sources."""

    def __init__(self, allowed_hosts: frozenset[str] = frozenset(), timeout: float = 15.0,
                 max_bytes: int = 5 * 1024 * 1024, max_redirects: int = 5) -> None:
        self.allowed_hosts = frozenset(host.lower() for host in allowed_hosts)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._session: aiohttp.ClientSession | None = None  # guarded: every host must be public
        self._exempt_session: aiohttp.ClientSession | None = None  # for the allowed hosts' own feeds and pages

    async def __aenter__(self) -> Fetcher:
        def session(allowed: frozenset[str]) -> aiohttp.ClientSession:
            connector = aiohttp.TCPConnector(resolver=GuardedResolver(allowed), limit=32, ttl_dns_cache=300)
            return aiohttp.ClientSession(connector=connector, headers={"User-Agent": USER_AGENT},
                                         timeout=aiohttp.ClientTimeout(total=self.timeout))

        self._session = session(frozenset())
        self._exempt_session = session(self.allowed_hosts)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for session in (self._session, self._exempt_session):
            if session is not None:
                await session.close()

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None, *,
                    feed: str | None = None) -> Fetched:
        """GET a URL (conditionally, when validators are given), following a few redirects.

        `feed` is the address of the feed a page is fetched for (None: the URL is a feed). Only a URL on that
        feed's own host, when the host is allowed, escapes the private-address guard.
        """
        if self._session is None or self._exempt_session is None:
            raise RuntimeError("use the Fetcher as an async context manager")
        trusted = (urlsplit(feed or url).hostname or "").lower()
        trusted = trusted if trusted in self.allowed_hosts else ""
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml, text/xml, text/html;q=0.8"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(self.max_redirects + 1):
            exempt = _check_url(current, trusted)
            session = self._exempt_session if exempt else self._session
            try:
                async with session.get(current, headers=headers, allow_redirects=False) as response:
                    if response.status in REDIRECTS and "Location" in response.headers:
                        current = urljoin(current, response.headers["Location"])
                        continue
                    return await self._read(response, current)
            except FetchError:
                raise
            except TimeoutError as error:
                raise FetchError(f"timed out after {self.timeout:g} s") from error
            except aiohttp.ClientConnectorError as error:
                cause = error.__cause__ or error.os_error
                if isinstance(cause, FetchError):
                    raise cause from None
                raise FetchError(f"cannot connect to {urlsplit(current).hostname} ({error.os_error})") from error
            except aiohttp.ClientError as error:
                raise FetchError(f"the connection failed ({error.__class__.__name__}: {error})") from error
        raise FetchError(f"more than {self.max_redirects} redirects (a redirect loop?)")

    async def _read(self, response: aiohttp.ClientResponse, url: str) -> Fetched:
        validators: dict[str, Any] = {"etag": response.headers.get("ETag"),
                                      "last_modified": response.headers.get("Last-Modified")}
        if response.status == 304:
            return Fetched(304, b"", None, url=url, **validators)
        if response.status >= 400:
            raise FetchError(f"the server answered HTTP {response.status} {response.reason or ''}".rstrip())
        declared = response.content_length
        if declared is not None and declared > self.max_bytes:
            raise FetchError(f"the response is {declared:,} bytes, over the {self.max_bytes:,}-byte limit")
        body = bytearray()
        async for chunk in response.content.iter_chunked(65_536):
            body.extend(chunk)
            if len(body) > self.max_bytes:
                raise FetchError(f"the response is over the {self.max_bytes:,}-byte limit")
        return Fetched(response.status, bytes(body), response.headers.get("Content-Type"), url=url, **validators)


def _check_url(url: str, trusted: str) -> bool:
    """Check a URL can be fetched; return whether it is on the trusted (allowed feed's own) host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port above 65535
    except ValueError as error:
        raise FetchError(f"{printable_url(url)!r} is not a web address ({error})") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(f"only http and https addresses can be followed, not {printable_url(url)!r}")
    host = parts.hostname.lower()
    if trusted and host == trusted:
        return True
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: the resolver checks what it resolves to
    if not _public(str(literal)):  # an address is never resolved: check it here
        raise FetchError(f"refused: {host} is not a public address (set BRIEFBOT_FETCH_ALLOW_HOSTS to allow your "
                         "own feed server; a feed's pages may be on its own host)")
    return False


def printable_url(url: str) -> str:
    """Write a URL for logs, errors and lists: a `user:password@` in it is shown as `***@`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^/@]*@", "//***@", url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return ip.is_global and not ip.is_multicast

