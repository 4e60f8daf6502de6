"""Attack: a folder of very many files, and files of junk by the hundred.

Before: nothing bounded how many files a command read (10,000 tiny files cost 29-41 s a command) or how many
warnings it printed. Now BRIEFBOT_MAX_FOLDER_FILES (default 10,000) bounds the files read, the first by name, and
says so once; skipped files are named up to twenty, then counted.
"""

from __future__ import annotations

import json

from bot.settings import load_settings
from tests.hostile._processes import briefbot, cli_env


def tiny(number: int) -> str:
    return f"Dock worker {number} unloaded a ship at the harbour on Monday morning.\n"


def test_files_beyond_the_limit_are_skipped_with_one_warning(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(60):
        (folder / f"{number:03d}.txt").write_text(tiny(number))
    env = cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder), BRIEFBOT_MAX_FOLDER_FILES="25")
    result = briefbot("stories", "--json", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    read = {a for story in json.loads(result.stdout)["stories"] for a in story["articles"]}
    assert read == {f"{number:03d}" for number in range(25)}
    assert "35 of its 60 article files, over the limit of 25 files a folder; the first 25 by name" in result.stderr
    assert "BRIEFBOT_MAX_FOLDER_FILES" in result.stderr
    assert len(result.stderr.splitlines()) == 2


def test_hundreds_of_bad_files_are_named_up_to_twenty_then_counted(tmp_path):
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "good.txt").write_text(tiny(1))
    for number in range(300):
        (folder / f"junk-{number:03d}.txt").write_bytes(b"\x00\x01binary")
    result = briefbot("stories", "--json", env=cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder)), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 21 and lines[-1] == ("briefbot: warning: 280 more files skipped (--log-level INFO names them "
                                              "all)")


def test_the_limits_are_settings_with_sane_defaults(monkeypatch):
    for name in ("BRIEFBOT_MAX_FOLDER_FILES", "BRIEFBOT_MAX_FRONT_MATTER_BYTES", "BRIEFBOT_MAX_ARTICLE_BYTES"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert (settings.max_folder_files, settings.max_front_matter_bytes, settings.max_article_bytes) == (
        10_000, 16_384, 1_048_576)
