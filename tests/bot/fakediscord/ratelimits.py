"""Injected 429 responses, shaped so that discord.py retries them instead of raising."""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass

#: Headers on every successful REST response: a roomy bucket, so discord.py never pre-emptively waits.
OK_HEADERS = {
    "X-RateLimit-Limit": "50",
    "X-RateLimit-Remaining": "49",
    "X-RateLimit-Reset-After": "0.05",
}


@dataclass
class RateLimitRule:
    """Answer 429 to the next ``remaining`` requests whose method and path match."""

    method: str
    path: str  # a template ("/channels/{channel_id}/messages") or a concrete path, without /api/v10
    retry_after: float
    remaining: int
    is_global: bool

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        self._regex = path_regex(self.path)

    def matches(self, method: str, path: str) -> bool:
        """Whether a request is covered by this rule."""
        return self.remaining > 0 and method == self.method and self._regex.match(path) is not None


def path_regex(template: str) -> re.Pattern[str]:
    """A regex for a concrete path or a template whose ``{placeholders}`` match one segment each."""
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts) + "$")


class RateLimiter:
    """The set of pending injected rate limits."""

    def __init__(self) -> None:
        self._rules: list[RateLimitRule] = []

    def add(self, rule: RateLimitRule) -> None:
        """Register a rule."""
        self._rules.append(rule)

    def take(self, method: str, path: str) -> RateLimitRule | None:
        """If a pending rule covers this request, use up one of its 429s and return it."""
        for rule in self._rules:
            if rule.matches(method, path):
                rule.remaining -= 1
                return rule
        return None


def bucket_of(route: str | None) -> str:
    """A stable per-route bucket hash for the X-RateLimit-Bucket header."""
    return f"fake-{zlib.crc32(str(route).encode()):08x}"


def rate_limit_headers(rule: RateLimitRule, bucket: str) -> dict[str, str]:
    """Headers of an injected 429.

    discord.py treats a 429 without a ``Via`` header (or with a non-JSON body) as a Cloudflare ban and raises
    HTTPException instead of sleeping ``retry_after`` and retrying; both its bot HTTP client and its webhook adapter
    (interaction callbacks, followups) check this.
    """
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(math.ceil(rule.retry_after)),
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset-After": str(rule.retry_after),
        "X-RateLimit-Bucket": bucket,
        "X-RateLimit-Scope": "global" if rule.is_global else "user",
    }
    if rule.is_global:
        headers["X-RateLimit-Global"] = "true"
    return headers
