"""The gateway websocket: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RECONNECT and RESUME with replay.

Like Discord, every dispatch gets a sequence number and is kept in the session's buffer.  While no client is
connected (e.g. after op 7 RECONNECT) dispatches are only buffered; on RESUME everything after the client's last
sequence number is replayed.  Frames are plain JSON text, which discord.py accepts even though it asks for
``compress=zlib-stream``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from . import payloads
from .payloads import JSON
from .recorder import EventKind, Recorder
from .world import World

_log = logging.getLogger(__name__)

# Gateway opcodes.
DISPATCH = 0
HEARTBEAT = 1
IDENTIFY = 2
PRESENCE_UPDATE = 3
RESUME = 6
RECONNECT = 7
REQUEST_GUILD_MEMBERS = 8
INVALID_SESSION = 9
HELLO = 10
HEARTBEAT_ACK = 11

AUTHENTICATION_FAILED = 4004


class Gateway:
    """One gateway session shared by successive websocket connections (IDENTIFY starts a new one)."""

    def __init__(
        self,
        *,
        world: World,
        token: str,
        recorder: Recorder,
        url: Callable[[], str],
        heartbeat_interval_ms: int = 41_250,
    ) -> None:
        self._world = world
        self._token = token
        self._recorder = recorder
        self._url = url
        self._heartbeat_interval_ms = heartbeat_interval_ms
        self.session_id: str | None = None
        self.seq = 0  # last sequence number assigned
        self._sent_seq = 0  # last sequence number sent to the current connection
        self._buffer: list[tuple[int, JSON]] = []
        self._ws: web.WebSocketResponse | None = None  # the connection dispatches go to
        self._open: set[web.WebSocketResponse] = set()
        self._send_lock = asyncio.Lock()
        #: Exceptions raised while handling client frames (bugs in the fake); the connection is closed with 1011.
        self.errors: list[BaseException] = []

    @property
    def connected(self) -> bool:
        """Whether a client is identified/resumed and receiving dispatches."""
        return self._ws is not None and not self._ws.closed

    # ------------------------------------------------------------------ server -> client
    async def dispatch(self, event: str, data: JSON) -> int:
        """Send (or, while disconnected, only buffer) a DISPATCH; returns its sequence number."""
        self.seq += 1
        self._buffer.append((self.seq, {"op": DISPATCH, "t": event, "s": self.seq, "d": data}))
        await self._flush()
        return self.seq

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT; the client must close and RESUME.  Later dispatches are buffered until then."""
        async with self._send_lock:
            ws, self._ws = self._ws, None
            if ws is None or ws.closed:
                raise RuntimeError("no gateway client is connected")
            await self._send_frame(ws, {"op": RECONNECT, "d": None})

    async def close_all(self) -> None:
        """Close every open websocket (server shutdown)."""
        for ws in list(self._open):
            await ws.close(code=1001, message=b"server shutting down")

    # ------------------------------------------------------------------ websocket endpoint
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler for the gateway websocket."""
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        self._open.add(ws)
        try:
            await self._send(ws, {"op": HELLO, "d": {"heartbeat_interval": self._heartbeat_interval_ms}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                try:
                    await self._on_frame(ws, frame["op"], frame.get("d"))
                except Exception as exc:  # a bug in the fake: record it and drop the connection
                    _log.exception("fake gateway crashed on op %s", frame.get("op"))
                    self.errors.append(exc)
                    await ws.close(code=1011, message=b"fake gateway error")
        finally:
            self._open.discard(ws)
            if self._ws is ws:
                self._ws = None
            self._recorder.record(EventKind.GATEWAY_CLOSED, extra={"code": ws.close_code})
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, op: int, d: Any) -> None:
        if op == HEARTBEAT:
            self._recorder.record(EventKind.HEARTBEAT, body=d)
            await self._send(ws, {"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            await self._identify(ws, d)
        elif op == RESUME:
            await self._resume(ws, d)
        elif op == REQUEST_GUILD_MEMBERS:
            await self._send_members_chunk(d)
        elif op == PRESENCE_UPDATE:
            self._recorder.record(EventKind.PRESENCE_UPDATE, body=d)
        else:
            _log.debug("ignoring gateway op %s", op)

    async def _identify(self, ws: web.WebSocketResponse, d: JSON) -> None:
        if d.get("token") != self._token:
            await ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        async with self._send_lock:
            self.session_id, self.seq, self._sent_seq, self._buffer = secrets.token_hex(16), 0, 0, []
            self._ws = ws
        self._recorder.record(EventKind.IDENTIFY, body={k: v for k, v in d.items() if k != "token"})
        ready = payloads.ready(
            self._world, session_id=self.session_id, resume_gateway_url=self._url(), shard=d.get("shard")
        )
        await self.dispatch("READY", ready)
        await self.dispatch("GUILD_CREATE", payloads.guild_create(self._world.guild))

    async def _resume(self, ws: web.WebSocketResponse, d: JSON) -> None:
        if d.get("token") != self._token or d.get("session_id") != self.session_id:
            await self._send(ws, {"op": INVALID_SESSION, "d": False})
            return
        last_seq = min(int(d.get("seq") or 0), self.seq)
        replayed = [frame["t"] for _, frame in self._buffer[last_seq:]]
        async with self._send_lock:
            self._ws, self._sent_seq = ws, last_seq
        await self.dispatch("RESUMED", {})  # flushes the missed dispatches first, then RESUMED
        self._recorder.record(EventKind.RESUME, extra={"seq": last_seq, "replayed": replayed})

    async def _send_members_chunk(self, d: JSON) -> None:
        guild = self._world.guild
        chunk: JSON = {
            "guild_id": guild.id,
            "members": [payloads.member(guild, m) for m in guild.members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if d.get("nonce"):
            chunk["nonce"] = d["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def _flush(self) -> None:
        """Deliver buffered dispatches the connected client has not been sent yet, in sequence order."""
        async with self._send_lock:
            ws = self._ws
            if ws is None or ws.closed:
                return
            # sequence numbers start at 1 and are consecutive, so seq n lives at index n - 1
            for seq, frame in self._buffer[self._sent_seq :]:
                await self._send_frame(ws, frame)
                self._sent_seq = seq

    async def _send(self, ws: web.WebSocketResponse, frame: JSON) -> None:
        """Send a non-dispatch frame (HELLO, HEARTBEAT_ACK, INVALID_SESSION)."""
        async with self._send_lock:
            await self._send_frame(ws, frame)

    @staticmethod
    async def _send_frame(ws: web.WebSocketResponse, frame: JSON) -> None:
        if ws.closed:
            return
        _log.debug("gateway -> %s", frame.get("t") or f"op {frame['op']}")
        await ws.send_str(json.dumps(frame))
