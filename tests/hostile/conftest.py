"""What the attack tests share: a corpus folder of their own, and the real bot against the local fake Discord."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import build_bot
from bot.settings import Settings, load_settings
from briefings.corpus import Corpus
from tests.bot.fakediscord import running_client
from tests.bot.fakediscord.fixtures import fake_discord  # noqa: F401 - the fixture, for every attack module
from tests.conftest import AFP, FT, SEEDS

GOOD_SENTENCES = ("The harbour authority opened a second container terminal on Monday. "
                  "Officials said the terminal would double the port's capacity by next year.\n")


@pytest.fixture
def folder(tmp_path) -> Path:
    """A corpus folder holding two real seed articles (AFP and the Financial Times)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for article_id in (AFP, FT):
        shutil.copy(SEEDS / f"{article_id}.txt", corpus)
    return corpus


def article(title: str, published: datetime | str | None = None, body: str = GOOD_SENTENCES,
            source: str = "Port Gazette", url: str | None = None) -> str:
    """Write an article file's text with front matter."""
    when = published.isoformat() if isinstance(published, datetime) else published
    lines = [f"title: {title}", f"source: {source}"] + ([f"published: {when}"] if when else []) + \
        ([f"url: {url}"] if url else [])
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def bot_settings(fake_discord, tmp_path, folder, monkeypatch) -> Settings:  # noqa: F811
    monkeypatch.chdir(tmp_path)
    for name, value in {"DISCORD_TOKEN": fake_discord.token, "DISCORD_API_BASE_URL": fake_discord.rest_base,
                        "DISCORD_GATEWAY_URL": fake_discord.gateway_url, "BRIEFBOT_CORPUS_DIR": str(folder),
                        "BRIEFBOT_STATE_DIR": str(tmp_path / "state")}.items():
        monkeypatch.setenv(name, value)
    return load_settings()


@asynccontextmanager
async def running_bot(settings: Settings, corpus: Corpus | None = None) -> AsyncIterator[object]:
    """The real bot (background jobs off: the test drives the folder watch) connected to the fake Discord."""
    if corpus is None:
        corpus, _ = Corpus.from_folder(settings.corpus_dir, now=now())
    bot = build_bot(settings, corpus, defer_after=5.0, guild_ready_timeout=0.05, run_background_jobs=False)
    async with running_client(bot, settings.discord_token.get_secret_value()) as client:
        yield client
