"""The discord.py side: point the unmodified library at a :class:`FakeDiscord`, and run a client against it.

discord.py hard-codes Discord's addresses in two class attributes, both read at call time:

* ``discord.http.Route.BASE`` (``"https://discord.com/api/v10"``): every REST call, including the interaction
  webhooks, builds its URL from it when the ``Route`` is created;
* ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (``yarl.URL("wss://gateway.discord.gg/")``): the first
  gateway connection.  Resumes go to READY's ``resume_gateway_url``, which the fake sets to itself.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Protocol, TypeVar

import discord
import discord.gateway
import discord.http
import yarl

ClientT = TypeVar("ClientT", bound=discord.Client)
_MISSING = object()


class DiscordPyLayoutChanged(AssertionError):
    """discord.py no longer has the attributes the harness overrides; the harness must be updated."""


class Endpoints(Protocol):
    """Where a fake Discord listens (:class:`~.server.FakeDiscord` satisfies this)."""

    @property
    def rest_base(self) -> str:
        """Replacement for ``Route.BASE``."""
        ...

    @property
    def gateway_url(self) -> str:
        """Replacement for ``DiscordWebSocket.DEFAULT_GATEWAY``."""
        ...


def check_discord_py_layout() -> None:
    """Raise :class:`DiscordPyLayoutChanged` unless ``Route.BASE`` is a str and ``DEFAULT_GATEWAY`` a yarl.URL."""
    problems: list[str] = []
    route = getattr(discord.http, "Route", None)
    base = _MISSING if route is None else inspect.getattr_static(route, "BASE", _MISSING)
    if not isinstance(base, str):
        problems.append(f"discord.http.Route.BASE should be a str class attribute, found {base!r}")
    ws_class = getattr(discord.gateway, "DiscordWebSocket", None)
    gateway = _MISSING if ws_class is None else inspect.getattr_static(ws_class, "DEFAULT_GATEWAY", _MISSING)
    if not isinstance(gateway, yarl.URL):
        problems.append(f"discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY should be a yarl.URL, found {gateway!r}")
    if problems:
        raise DiscordPyLayoutChanged(
            f"discord.py {discord.__version__} moved what tests/bot/fakediscord/client.py overrides to reach the "
            "fake Discord:\n  " + "\n  ".join(problems)
        )


@contextmanager
def redirect_discord_py(fake: Endpoints) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at ``fake`` for the duration of the ``with`` block."""
    check_discord_py_layout()
    route, ws_class = discord.http.Route, discord.gateway.DiscordWebSocket
    saved = route.BASE, ws_class.DEFAULT_GATEWAY
    route.BASE = fake.rest_base
    ws_class.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        route.BASE, ws_class.DEFAULT_GATEWAY = saved


@asynccontextmanager
async def running_client(client: ClientT, token: str, *, ready_timeout: float = 10.0) -> AsyncIterator[ClientT]:
    """Start ``client`` (login, setup_hook, gateway) and yield it once ``on_ready`` fired; close it afterwards.

    Startup errors (e.g. ``discord.LoginFailure``) are raised here; so is an error that stopped the client while the
    block ran.  ``on_ready`` waits ``guild_ready_timeout`` (2 s by default) after the last GUILD_CREATE: construct
    test clients with ``guild_ready_timeout=0.05`` to avoid that delay.
    """
    async with client:  # binds the client to the running loop, so wait_until_ready() works before start()
        started = asyncio.create_task(client.start(token), name="fakediscord-client")
        ready = asyncio.create_task(client.wait_until_ready(), name="fakediscord-ready")
        try:
            done, _ = await asyncio.wait({started, ready}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED)
            if ready not in done:
                if started in done:
                    started.result()  # re-raises the startup error
                    raise RuntimeError("the client stopped before it became ready")
                raise TimeoutError(f"the client was not ready within {ready_timeout}s")
            yield client
        finally:
            await client.close()
            ready.cancel()
            await asyncio.gather(started, ready, return_exceptions=True)
        error = None if started.cancelled() else started.exception()
        if error is not None:
            raise error
