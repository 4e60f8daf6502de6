"""What the ingestion tests share: a state folder of their own, the local server, the CLI in this process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.terminal.cli import main
from tests.bot.ingestion._server import LocalServer
from tests.conftest import SEEDS


@pytest.fixture(autouse=True)
def state(monkeypatch, tmp_path):
    """Run in tmp_path with no Discord token, an empty corpus folder, and 127.0.0.1 allowed as a feed host."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    (tmp_path / "empty-folder").mkdir()
    monkeypatch.setenv("BRIEFBOT_CORPUS_DIR", str(tmp_path / "empty-folder"))
    monkeypatch.setenv("BRIEFBOT_FETCH_ALLOW_HOSTS", "127.0.0.1")


@pytest.fixture
def local() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run a command line in this process: (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def bot_folder(fake_discord, tmp_path: Path, monkeypatch, *seeds: str) -> Path:
    """Point the bot at the fake Discord and a corpus folder holding these seed articles; return the folder."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for article_id in seeds:
        shutil.copy(SEEDS / f"{article_id}.txt", folder)
    for name, value in {"DISCORD_TOKEN": fake_discord.token, "DISCORD_API_BASE_URL": fake_discord.rest_base,
                        "DISCORD_GATEWAY_URL": fake_discord.gateway_url, "BRIEFBOT_CORPUS_DIR": str(folder),
                        "BRIEFBOT_STATE_DIR": str(tmp_path / "state")}.items():
        monkeypatch.setenv(name, value)
    return folder
