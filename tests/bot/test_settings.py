"""Every setting is one a user can find: in .env.example with its default, and in the README's table."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def environment_names() -> list[str]:
    names = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.append(alias if isinstance(alias, str) else f"BRIEFBOT_{name.upper()}")
    return names


@pytest.mark.parametrize("name", environment_names())
def test_each_setting_is_in_the_env_example_and_the_readme(name):
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    assert re.search(rf"^#? ?{name}=", example, re.MULTILINE), f"{name} is missing from .env.example"
    assert f"| `{name}` |" in readme, f"{name} is missing from the README's table of settings"


def test_the_ingest_interval_is_read_from_the_environment_and_bounded(monkeypatch):
    monkeypatch.setenv("BRIEFBOT_INGEST_SECONDS", "5")
    assert Settings(_env_file=None).ingest_seconds == 5  # type: ignore[call-arg]
    monkeypatch.setenv("BRIEFBOT_INGEST_SECONDS", "0")
    with pytest.raises(ValidationError, match="ingest_seconds"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert timedelta(seconds=Settings.model_fields["ingest_seconds"].default) == timedelta(seconds=30)
