"""What the fake Discord saw: every REST request, plus higher-level events that tests can await.

Events are never removed, so a test can always inspect the full history (:meth:`Recorder.events`).  Waiting is
"next unclaimed": :meth:`Recorder.wait_for` returns the oldest matching event that no earlier ``wait_for`` returned,
waiting for one to arrive if necessary.  No sleeping, no polling.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .payloads import EPHEMERAL, JSON


class EventKind(enum.StrEnum):
    """Kinds of things the fake server records."""

    #: Gateway IDENTIFY received (``body`` is the IDENTIFY ``d`` without the token).
    IDENTIFY = "identify"
    #: Gateway RESUME handled; ``extra``: ``seq`` (client's last seq) and ``replayed`` (event names re-sent).
    RESUME = "resume"
    #: Gateway heartbeat received (and acknowledged); ``body`` is the client's last seq.
    HEARTBEAT = "heartbeat"
    #: Gateway websocket closed; ``extra``: ``code``.
    GATEWAY_CLOSED = "gateway_closed"
    #: Gateway PRESENCE_UPDATE (op 3); ``body`` is its ``d``.
    PRESENCE_UPDATE = "presence_update"
    #: Bulk overwrite of application commands; ``body`` is the list sent, ``guild_id`` None for global.
    COMMANDS_SYNCED = "commands_synced"
    #: Interaction callback (initial response); ``body`` is ``{"type": ..., "data": ...}``.
    INTERACTION_CALLBACK = "interaction_callback"
    #: Followup message (``POST /webhooks/{app}/{token}``).
    FOLLOWUP = "followup"
    #: ``PATCH /webhooks/{app}/{token}/messages/@original``.
    ORIGINAL_EDITED = "original_edited"
    #: ``PATCH /webhooks/{app}/{token}/messages/{id}`` of a followup.
    WEBHOOK_MESSAGE_EDITED = "webhook_message_edited"
    #: ``POST /channels/{id}/messages``.
    CHANNEL_MESSAGE = "channel_message"
    #: ``PATCH /channels/{id}/messages/{id}``.
    CHANNEL_MESSAGE_EDITED = "channel_message_edited"
    #: A message was deleted through the channel or the webhook route.
    MESSAGE_DELETED = "message_deleted"
    #: An injected 429 was served; ``extra``: ``method``, ``path``, ``retry_after``.
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class RecordedFile:
    """A file uploaded in a multipart request."""

    field_name: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class RecordedRequest:
    """One REST request as received, with the status the fake answered."""

    method: str
    path: str  # without the /api/v10 prefix, e.g. "/channels/123/messages"
    route: str | None  # the template, e.g. "/channels/{channel_id}/messages"; None when no route matched
    query: dict[str, str]
    body: Any
    status: int
    authorization: str | None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass(frozen=True)
class Event:
    """One recorded event.

    ``body`` is what discord.py sent (JSON), ``message`` the message object the fake created or updated.
    """

    kind: EventKind
    index: int
    at: float  # time.perf_counter()
    body: Any = None
    message: JSON | None = None
    interaction_id: str | None = None
    channel_id: str | None = None
    guild_id: str | None = None
    files: tuple[RecordedFile, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> JSON:
        """The message-like part of ``body``: ``body["data"]`` for callbacks, else ``body`` itself."""
        if self.kind is EventKind.INTERACTION_CALLBACK:
            return self.body.get("data") or {}
        return self.body if isinstance(self.body, dict) else {}

    @property
    def callback_type(self) -> int | None:
        """The interaction callback type (4 message, 5 deferred, 6 deferred update, 7 update, 8 autocomplete...)."""
        return self.body.get("type") if self.kind is EventKind.INTERACTION_CALLBACK else None

    @property
    def flags(self) -> int:
        """Message flags as sent by the bot (0 when absent)."""
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        """Whether the bot asked for an ephemeral message (flag 64)."""
        return bool(self.flags & EPHEMERAL)

    @property
    def content(self) -> str | None:
        """``content`` as sent by the bot."""
        return self.data.get("content")

    @property
    def embeds(self) -> list[JSON]:
        """``embeds`` as sent by the bot."""
        return list(self.data.get("embeds") or [])

    def __str__(self) -> str:
        return f"#{self.index} {self.kind.value} interaction={self.interaction_id} body={self.body!r}"


EventFilter = Callable[[Event], bool]


class WaitTimeout(AssertionError):
    """No matching event arrived in time (an AssertionError so pytest reports it as a test failure)."""


@dataclass
class _Waiter:
    kind: EventKind
    where: EventFilter | None
    future: asyncio.Future[Event]


class Recorder:
    """Ordered log of REST requests and events with awaitable lookups."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._events: list[Event] = []
        self._claimed: set[int] = set()
        self._waiters: list[_Waiter] = []

    # ------------------------------------------------------------------ writing
    def record_request(self, request: RecordedRequest) -> None:
        """Append a REST request to :attr:`requests`."""
        self.requests.append(request)

    def record(self, kind: EventKind, **fields: Any) -> Event:
        """Append an event and hand it to the oldest waiter it matches, if any."""
        event = Event(kind=kind, index=len(self._events), at=time.perf_counter(), **fields)
        self._events.append(event)
        for waiter in list(self._waiters):
            if waiter.future.done():
                self._waiters.remove(waiter)
            elif _matches(event, waiter.kind, waiter.where):
                self._waiters.remove(waiter)
                self._claimed.add(event.index)
                waiter.future.set_result(event)
                break
        return event

    # ------------------------------------------------------------------ reading
    def events(self, kind: EventKind | None = None, *, where: EventFilter | None = None) -> list[Event]:
        """All recorded events (claimed or not), optionally of one kind and matching ``where``."""
        return [e for e in self._events if kind is None or _matches(e, kind, where)]

    def count(self, kind: EventKind, *, where: EventFilter | None = None) -> int:
        """How many events of ``kind`` (matching ``where``) were recorded."""
        return len(self.events(kind, where=where))

    async def wait_for(self, kind: EventKind, *, where: EventFilter | None = None, timeout: float = 5.0) -> Event:
        """Return the oldest unclaimed event of ``kind`` matching ``where``, waiting up to ``timeout`` seconds.

        Raises :class:`WaitTimeout` (an AssertionError) listing what was recorded of that kind instead.
        """
        for event in self._events:
            if event.index not in self._claimed and _matches(event, kind, where):
                self._claimed.add(event.index)
                return event
        future: asyncio.Future[Event] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(kind, where, future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            if future.done() and not future.cancelled():  # resolved in the same loop iteration as the timeout
                return future.result()
            seen = "\n  ".join(str(e) for e in self.events(kind)) or "(none)"
            raise WaitTimeout(
                f"no unclaimed {kind.value!r} event matching the filter within {timeout}s; recorded {kind.value!r}:"
                f"\n  {seen}"
            ) from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            if not future.done():
                future.cancel()


def _matches(event: Event, kind: EventKind, where: EventFilter | None) -> bool:
    return event.kind is kind and (where is None or where(event))
