"""Held requests: the fake leaves one request unanswered until the test decides, to stop a bot mid-request.

A hold *before* handling means the request reached Discord but nothing happened yet (the message does not exist);
a hold *after* handling means Discord did it (the message exists, other clients see it) but the bot has not heard
back. Killing the bot's process while a request is held reproduces a crash at exactly that point; the test then
calls :meth:`Hold.abandon` (the request never takes effect) or :meth:`Hold.release`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from .ratelimits import path_regex


@dataclass
class Hold:
    """Hold the next matching request; :attr:`reached` is set when one arrives."""

    method: str
    path: str  # a template ("/channels/{channel_id}/messages") or a concrete path, without /api/v10
    after_handling: bool
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    _decided: asyncio.Event = field(default_factory=asyncio.Event)
    _proceed: bool = False
    _used: bool = False

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        self._regex = path_regex(self.path)

    def matches(self, method: str, path: str, *, after_handling: bool) -> bool:
        """Whether this hold takes the request (each hold takes one request)."""
        return (not self._used and after_handling == self.after_handling and method == self.method
                and self._regex.match(path) is not None)

    async def hold(self) -> bool:
        """Keep the request waiting until the test decides; return whether it goes ahead."""
        self._used = True
        self.reached.set()
        await self._decided.wait()
        return self._proceed

    def release(self) -> None:
        """Let the held request go ahead."""
        self._proceed = True
        self._decided.set()

    def abandon(self) -> None:
        """Drop the held request: a hold before handling never takes effect (answered 503, as if lost)."""
        self._decided.set()


class Holds:
    """The holds a test asked for."""

    def __init__(self) -> None:
        self._holds: list[Hold] = []

    def add(self, hold: Hold) -> Hold:
        """Register a hold."""
        self._holds.append(hold)
        return hold

    async def proceed(self, method: str, path: str, *, after_handling: bool) -> bool:
        """Hold a request if a pending hold takes it; return whether it goes ahead."""
        for hold in self._holds:
            if hold.matches(method, path, after_handling=after_handling):
                return await hold.hold()
        return True

    def abandon_all(self) -> None:
        """Drop every undecided hold (when the fake stops, so no handler is left waiting)."""
        for hold in self._holds:
            hold.abandon()
