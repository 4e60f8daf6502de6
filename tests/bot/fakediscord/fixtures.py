"""pytest fixtures for the fake Discord.

Import the fixture into a test module or conftest (``from tests.bot.fakediscord.fixtures import fake_discord``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .client import redirect_discord_py
from .server import FakeDiscord


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A running :class:`FakeDiscord` with discord.py pointed at it; fails the test if the fake saw problems.

    Stop any client started against it before the test ends (``running_client`` does).
    """
    async with FakeDiscord() as fake:
        with redirect_discord_py(fake):
            yield fake
    fake.assert_healthy()
