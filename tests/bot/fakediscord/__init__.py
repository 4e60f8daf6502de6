"""A local, Discord-compatible test server ("fake Discord") for end-to-end tests of discord.py bots.

Typical use (or the ``fake_discord`` fixture from :mod:`.fixtures`, which does the first two lines)::

    async with FakeDiscord() as fake:
        with redirect_discord_py(fake):
            async with running_client(MyBot(guild_ready_timeout=0.05), fake.token) as bot:
                sent = await fake.invoke("echo", {"text": "hi"}, user=fake.world.add_user("bob"))
                callback = await sent.callback()
                assert callback.content == "hi" and callback.ephemeral
"""

from .client import DiscordPyLayoutChanged, check_discord_py_layout, redirect_discord_py, running_client
from .interactions import NotOffered, SentInteraction
from .recorder import Event, EventKind, RecordedFile, RecordedRequest, Recorder, WaitTimeout
from .server import DEFAULT_TOKEN, FakeDiscord
from .state import SyncCall
from .world import FakeChannel, FakeGuild, FakeRole, FakeUser, World

__all__ = [
    "DEFAULT_TOKEN",
    "DiscordPyLayoutChanged",
    "Event",
    "EventKind",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeRole",
    "FakeUser",
    "NotOffered",
    "RecordedFile",
    "RecordedRequest",
    "Recorder",
    "SentInteraction",
    "SyncCall",
    "WaitTimeout",
    "World",
    "check_discord_py_layout",
    "redirect_discord_py",
    "running_client",
]
