"""The gateway websocket: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RECONNECT and RESUME with replay.

Like Discord, every dispatch gets a sequence number and is kept in the session's buffer.  While no client is
connected (e.g. after op 7 RECONNECT) dispatches are only buffered; on RESUME everything after the client's last
sequence number is replayed.  Frames are plain JSON text, which discord.py accepts even though it asks for
``compress=zlib-stream``.

Sharding as Discord does it: an IDENTIFY's ``shard: [shard_id, shard_count]`` opens a session for that shard (one
per shard, so several processes can each hold some shards), and a guild belongs to shard
``(guild_id >> 22) % shard_count``: only that shard's READY lists it, gets its GUILD_CREATE and its events.  DMs and
events without a guild go to shard 0.  Without a shard field the client is the one shard of one.
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


INVALID_SHARD = 4010


def shard_of(guild_id: int | str, shard_count: int) -> int:
    """The shard a guild's events go to (https://discord.com/developers/docs/events/gateway#sharding)."""
    return (int(guild_id) >> 22) % shard_count


class _Session:
    """One shard's session: its sequence numbers, its buffer of dispatches, and the connection they go to."""

    def __init__(self, shard: tuple[int, int] | None, session_id: str | None) -> None:
        self.shard = shard
        self.session_id = session_id
        self.seq = 0  # last sequence number assigned
        self.sent_seq = 0  # last sequence number sent to the current connection
        self.buffer: list[tuple[int, JSON]] = []
        self.ws: web.WebSocketResponse | None = None


class Gateway:
    """The gateway: a session per shard, each shared by successive websocket connections (IDENTIFY starts one)."""

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
        self.shard_count = 1  # as the latest IDENTIFY said
        self.recommended_shards = 1  # what GET /gateway/bot tells a client that asks how many shards to run
        self._sessions: dict[int, _Session] = {}  # by shard id
        self._open: set[web.WebSocketResponse] = set()
        self._send_lock = asyncio.Lock()
        #: Exceptions raised while handling client frames (bugs in the fake); the connection is closed with 1011.
        self.errors: list[BaseException] = []

    @property
    def session_id(self) -> str | None:
        """Shard 0's session id (the only shard of an unsharded client)."""
        session = self._sessions.get(0)
        return session.session_id if session else None

    @property
    def seq(self) -> int:
        """Shard 0's last sequence number."""
        session = self._sessions.get(0)
        return session.seq if session else 0

    @property
    def connected(self) -> bool:
        """Whether a client is identified/resumed on shard 0 and receiving dispatches."""
        return self.shard_connected(0)

    def shard_connected(self, shard_id: int) -> bool:
        """Whether a client holds this shard and is receiving its dispatches."""
        session = self._sessions.get(shard_id)
        return session is not None and session.ws is not None and not session.ws.closed

    def shard_of(self, guild_id: int | str) -> int:
        """The shard a guild's events go to, with the shard count clients identified with."""
        return shard_of(guild_id, self.shard_count)

    # ------------------------------------------------------------------ server -> client
    async def dispatch(self, event: str, data: JSON) -> int:
        """Send (or, while disconnected, only buffer) a DISPATCH on the guild's shard; returns its sequence number."""
        guild_id = data.get("guild_id") if isinstance(data, dict) else None
        shard_id = self.shard_of(guild_id) if guild_id else 0
        session = self._sessions.setdefault(shard_id, _Session(None, None))  # buffered until a client identifies
        return await self._dispatch(session, event, data)

    async def _dispatch(self, session: _Session, event: str, data: JSON) -> int:
        session.seq += 1
        session.buffer.append((session.seq, {"op": DISPATCH, "t": event, "s": session.seq, "d": data}))
        await self._flush(session)
        return session.seq

    async def request_reconnect(self, shard_id: int = 0) -> None:
        """Send op 7 RECONNECT; the client must close and RESUME.  Later dispatches are buffered until then."""
        async with self._send_lock:
            session = self._sessions.get(shard_id)
            ws = session.ws if session else None
            if session is None or ws is None or ws.closed:
                raise RuntimeError("no gateway client is connected")
            session.ws = None
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
            for session in self._sessions.values():
                if session.ws is ws:
                    session.ws = None
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
        shard = d.get("shard")
        shard_id, shard_count = (int(shard[0]), int(shard[1])) if shard else (0, 1)
        if not 0 <= shard_id < shard_count:
            await ws.close(code=INVALID_SHARD, message=b"Invalid shard.")
            return
        session = _Session((shard_id, shard_count) if shard else None, secrets.token_hex(16))
        async with self._send_lock:
            self.shard_count = shard_count
            session.ws = ws
            self._sessions[shard_id] = session
        self._recorder.record(EventKind.IDENTIFY, body={k: v for k, v in d.items() if k != "token"})
        guilds = [guild for guild in self._world.guilds if self.shard_of(guild.id) == shard_id]
        ready = payloads.ready(
            self._world, session_id=session.session_id or "", resume_gateway_url=self._url(), shard=shard,
            guilds=guilds,
        )
        await self._dispatch(session, "READY", ready)
        for guild in guilds:
            await self._dispatch(session, "GUILD_CREATE", payloads.guild_create(guild))

    async def _resume(self, ws: web.WebSocketResponse, d: JSON) -> None:
        session = next((s for s in self._sessions.values() if s.session_id == d.get("session_id")), None)
        if d.get("token") != self._token or session is None:
            await self._send(ws, {"op": INVALID_SESSION, "d": False})
            return
        last_seq = min(int(d.get("seq") or 0), session.seq)
        replayed = [frame["t"] for _, frame in session.buffer[last_seq:]]
        async with self._send_lock:
            session.ws, session.sent_seq = ws, last_seq
        await self._dispatch(session, "RESUMED", {})  # flushes the missed dispatches first, then RESUMED
        self._recorder.record(EventKind.RESUME, extra={"seq": last_seq, "replayed": replayed})

    async def _send_members_chunk(self, d: JSON) -> None:
        guild = next((g for g in self._world.guilds if g.id == str(d.get("guild_id"))), self._world.guild)
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

    async def _flush(self, session: _Session) -> None:
        """Deliver buffered dispatches the shard's client has not been sent yet, in sequence order."""
        async with self._send_lock:
            ws = session.ws
            if ws is None or ws.closed:
                return
            # sequence numbers start at 1 and are consecutive, so seq n lives at index n - 1
            for seq, frame in session.buffer[session.sent_seq :]:
                await self._send_frame(ws, frame)
                session.sent_seq = seq

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
