"""``FakeDiscord``: the local Discord-compatible server tests start, drive and inspect."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from . import payloads
from .gateway import Gateway
from .holds import Hold, Holds
from .interactions import NotOffered, SentInteraction, command_data, component_data
from .payloads import JSON
from .ratelimits import RateLimiter, RateLimitRule
from .recorder import Event, EventFilter, EventKind, RecordedRequest, Recorder
from .rest import RestApi
from .state import CommandRegistry, InteractionState, InteractionStore, MessageStore, SyncCall
from .wire import ApiMiddleware
from .world import FakeChannel, FakeGuild, FakeUser, World

#: The only token the fake accepts unless another one is configured.
DEFAULT_TOKEN = "fake-bot-token.for-tests-only"  # noqa: S105 - not a secret
GATEWAY_PATH = "/gateway-ws"


class FakeDiscord:
    """A Discord API v10 + gateway server on ``127.0.0.1:<random free port>``.

    Use it as an async context manager (or call :meth:`start`/:meth:`stop`), point discord.py at it with
    :func:`~tests.bot.fakediscord.client.redirect_discord_py`, then drive it as the users would (:meth:`invoke`,
    :meth:`autocomplete`, :meth:`click`) and assert on what the bot did (:meth:`wait_for`, :attr:`requests`).
    """

    def __init__(
        self, *, token: str = DEFAULT_TOKEN, world: World | None = None, heartbeat_interval_ms: int = 41_250
    ) -> None:
        self.token = token
        self.world = world or World()
        self.recorder = Recorder()
        self.commands = CommandRegistry(self.world.new_id, self.world.application_id)
        self.interactions = InteractionStore()
        self.messages = MessageStore()
        self._rate_limiter = RateLimiter()
        self._holds = Holds()
        self.gateway = Gateway(
            world=self.world,
            token=token,
            recorder=self.recorder,
            url=lambda: self.gateway_url,
            heartbeat_interval_ms=heartbeat_interval_ms,
        )
        self._middleware = ApiMiddleware(token=token, recorder=self.recorder, rate_limiter=self._rate_limiter,
                                         holds=self._holds)
        self._rest = RestApi(
            world=self.world,
            recorder=self.recorder,
            commands=self.commands,
            interactions=self.interactions,
            messages=self.messages,
            gateway=self.gateway,
            gateway_url=lambda: self.gateway_url,
        )
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Bind a random free port on 127.0.0.1 and start serving."""
        if self._runner is not None:
            raise RuntimeError("FakeDiscord is already running")
        app = web.Application(middlewares=[self._middleware.handle])
        app.router.add_get(GATEWAY_PATH, self.gateway.handle)
        self._rest.add_routes(app.router)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("127.0.0.1", 0))  # port 0: the OS picks a free port; only loopback is ever bound
            self._port = sock.getsockname()[1]
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
            await runner.setup()
            try:
                await web.SockSite(runner, sock).start()
            except BaseException:
                await runner.cleanup()
                raise
        except BaseException:
            sock.close()
            raise
        self._runner = runner

    async def stop(self) -> None:
        """Close gateway connections and the listening socket.  Stop the bot first, or it will try to reconnect."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._holds.abandon_all()
        await self.gateway.close_all()
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ addresses
    @property
    def port(self) -> int:
        """The TCP port (only valid once started)."""
        if self._port is None:
            raise RuntimeError("FakeDiscord is not started")
        return self._port

    @property
    def rest_base(self) -> str:
        """What discord.py's ``Route.BASE`` must be, e.g. ``http://127.0.0.1:12345/api/v10``."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The gateway websocket URL (also sent as READY's ``resume_gateway_url``)."""
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    # ------------------------------------------------------------------ the world, for convenience
    @property
    def guild(self) -> FakeGuild:
        """The guild (:class:`~.world.FakeGuild`)."""
        return self.world.guild

    @property
    def channel(self) -> FakeChannel:
        """The default text channel ``#general``."""
        return self.world.channel

    @property
    def user(self) -> FakeUser:
        """The default human user ``alice`` (owner of the guild and the application)."""
        return self.world.owner

    # ------------------------------------------------------------------ acting as Discord users
    async def invoke(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: FakeUser | None = None,
        channel: FakeChannel | None = None,
    ) -> SentInteraction:
        """Run a slash command as ``user`` (default alice) in ``channel`` (default #general).

        ``command`` may include a subcommand group/subcommand: ``"config set"``.  ``options`` maps option names to
        values (see :func:`~.interactions.command_data`).  Raises ``NotOffered`` if the bot never synced it.
        """
        user, channel = user or self.user, channel or self.channel
        name, *path = command.split()
        guild = self.world.guild_of(channel)
        data = command_data(self._synced(name, guild), path, options or {}, guild=guild or self.guild, viewer=user)
        return await self._send_interaction(payloads.APPLICATION_COMMAND, data, user, channel)

    async def autocomplete(
        self,
        command: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user: FakeUser | None = None,
        channel: FakeChannel | None = None,
    ) -> SentInteraction:
        """Send an autocomplete request while ``user`` types into option ``focused`` (its partial value in options)."""
        user, channel = user or self.user, channel or self.channel
        name, *path = command.split()
        guild = self.world.guild_of(channel)
        data = command_data(self._synced(name, guild), path, options, guild=guild or self.guild, viewer=user,
                            focused=focused)
        return await self._send_interaction(payloads.APPLICATION_COMMAND_AUTOCOMPLETE, data, user, channel)

    async def click(
        self, message: JSON | str, custom_id: str, *, values: Sequence[str] | None = None, user: FakeUser | None = None
    ) -> SentInteraction:
        """Use the component ``custom_id`` (button, or string select with ``values``) on a message the bot sent.

        ``message`` is a message payload (e.g. ``event.message``) or id; its current version is used.
        """
        message_id = message if isinstance(message, str) else message["id"]
        current = self.messages.get(message_id) or (message if isinstance(message, dict) else None)
        if current is None:
            raise KeyError(f"unknown message {message_id}")
        channel = self.world.get_channel(current["channel_id"])
        if channel is None:
            raise KeyError(f"message {message_id} is in unknown channel {current['channel_id']}")
        data = component_data(current, custom_id, values)
        return await self._send_interaction(
            payloads.MESSAGE_COMPONENT, data, user or self.user, channel, source_message=current
        )

    async def dispatch(self, event: str, data: JSON) -> int:
        """Send any gateway DISPATCH (e.g. a MESSAGE_CREATE from a user); returns its sequence number."""
        return await self.gateway.dispatch(event, data)

    async def request_reconnect(self, shard_id: int = 0) -> None:
        """Send gateway op 7 RECONNECT on a shard: its client must reconnect and RESUME (await ``EventKind.RESUME``)."""
        await self.gateway.request_reconnect(shard_id)

    def inject_rate_limit(
        self, method: str, path: str, *, retry_after: float = 0.25, times: int = 1, is_global: bool = False
    ) -> None:
        """Answer the next ``times`` matching requests with a retryable 429.

        ``path`` is relative to /api/v10, either concrete or a template whose ``{placeholders}`` match one segment,
        e.g. ``inject_rate_limit("POST", "/channels/{channel_id}/messages")``.
        """
        self._rate_limiter.add(RateLimitRule(method, path, retry_after, times, is_global))

    def hold(self, method: str, path: str, *, after_handling: bool = False) -> Hold:
        """Hold the next matching request unanswered until ``release()`` or ``abandon()``: before the fake handles
        it (nothing happened yet) or, with ``after_handling``, after (it happened, e.g. the message exists, but the
        bot has not been told). ``path`` is as for :meth:`inject_rate_limit`; await ``hold.reached.wait()``.
        """
        return self._holds.add(Hold(method, path, after_handling))

    async def post_as(self, user: FakeUser, content: str, *, channel: FakeChannel | None = None) -> JSON:
        """Post a message as a human user (channel traffic the bot's history searches must look through)."""
        channel = channel or self.channel
        message = self.messages.add(
            payloads.message(self.world, {"content": content}, message_id=self.world.new_id(), channel_id=channel.id,
                             author=user)
        )
        await self.gateway.dispatch("MESSAGE_CREATE", message)
        return message

    async def _send_interaction(
        self,
        interaction_type: int,
        data: JSON,
        user: FakeUser,
        channel: FakeChannel,
        source_message: JSON | None = None,
    ) -> SentInteraction:
        interaction_id, token = self.world.new_id(), "fake-" + secrets.token_urlsafe(32)
        self.interactions.add(
            InteractionState(
                interaction_id,
                token,
                interaction_type,
                user,
                channel,
                source_message_id=source_message["id"] if source_message else None,
            )
        )
        payload = payloads.interaction(
            self.world,
            interaction_id=interaction_id,
            token=token,
            interaction_type=interaction_type,
            data=data,
            by=user,
            channel=channel,
            source_message=source_message,
        )
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return SentInteraction(interaction_id, token, interaction_type, payload, self.recorder)

    def _synced(self, name: str, guild: FakeGuild | None = None) -> JSON:
        """A command as Discord offers it in a guild (its own and global commands) or, for None, in a DM."""
        scope = guild.id if guild is not None else None
        command = self.commands.find(name, scope) if scope else self.commands.find(name, "")
        if command is None:
            synced = sorted({c["name"] for scope in (None, scope) for c in self.commands.list(scope)})
            raise NotOffered(f"/{name} was never synced, so Discord would not offer it (synced: {synced})")
        return command

    # ------------------------------------------------------------------ observing the bot
    async def wait_for(self, kind: EventKind, *, where: EventFilter | None = None, timeout: float = 5.0) -> Event:
        """The oldest not-yet-awaited event of ``kind`` matching ``where``; waits up to ``timeout`` seconds."""
        return await self.recorder.wait_for(kind, where=where, timeout=timeout)

    def events(self, kind: EventKind | None = None, *, where: EventFilter | None = None) -> list[Event]:
        """Every recorded event (optionally of one kind)."""
        return self.recorder.events(kind, where=where)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request received, in order."""
        return self.recorder.requests

    @property
    def unhandled_requests(self) -> list[RecordedRequest]:
        """Requests to routes the fake does not implement (answered 404)."""
        return [r for r in self.requests if r.route is None]

    @property
    def server_errors(self) -> list[BaseException]:
        """Exceptions raised by the fake's own REST and gateway handlers (bugs in the fake)."""
        return [*self._middleware.server_errors, *self.gateway.errors]

    @property
    def sync_calls(self) -> list[SyncCall]:
        """Every bulk overwrite (PUT) of application commands received, global and guild, in order."""
        return self.commands.syncs

    def sync_count(self, guild_id: str | None = None) -> int:
        """How many bulk overwrites one scope received (None = global commands, else a guild id)."""
        return sum(1 for s in self.commands.syncs if s.guild_id == guild_id)

    def synced_names(self, guild_id: str | None = None) -> list[str]:
        """Sorted names of the commands currently registered in a scope (None = global)."""
        return sorted(c["name"] for c in self.commands.list(guild_id))

    def channel_messages(self, channel: FakeChannel | None = None) -> list[JSON]:
        """Current versions of the messages in a channel (default #general), oldest first."""
        return self.messages.in_channel((channel or self.channel).id)

    def assert_healthy(self) -> None:
        """Fail if the bot used a route the fake does not implement or a fake handler crashed."""
        problems = [f"unhandled request: {r}" for r in self.unhandled_requests]
        problems += [f"fake handler crashed: {e!r}" for e in self.server_errors]
        if problems:
            raise AssertionError("fake Discord saw problems:\n  " + "\n  ".join(problems))
