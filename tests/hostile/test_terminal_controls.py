"""Attack: control characters from files, in what the terminal shows; YAML's idea of text; UTF-16 files.

Before: an ESC sequence in an article (clear the screen) and file names with a newline or a right-to-left override
reached the terminal raw; `title: no` showed as "False"; a UTF-16 file was called "binary".
"""

from __future__ import annotations

import json

from tests.hostile._processes import briefbot, cli_env
from tests.hostile.conftest import GOOD_SENTENCES

ESCAPES = "\x1b[2J\x1b[H\x1b]0;pwned\x07"


def run(folder, tmp_path, *argv):
    result = briefbot(*argv, env=cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder)), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result


def test_escape_sequences_and_bidi_overrides_never_reach_the_terminal_raw(folder, tmp_path):
    (folder / "screen.txt").write_text(f"---\nsource: \"Wire\u202eevil\"\n---\nHarbour {ESCAPES}news today\n"
                                       f"The harbour authority {ESCAPES}opened a second container terminal on "
                                       "Monday.\u202e Officials said it would double capacity by next year.\n")
    (folder / "line\nbreak.txt").write_bytes(b"\x00binary")
    (folder / "report\u202etxt.exe.txt").write_bytes(b"\x00binary")
    for argv in (["summary", "terminal"], ["stories"], ["brief", "--no-record"]):
        result = run(folder, tmp_path, *argv)
        shown = result.stdout + result.stderr
        assert not any(character in shown for character in "\x1b\x07\u202e"), shown
    assert "\\x1b[2J" in run(folder, tmp_path, "summary", "terminal").stdout
    warnings = run(folder, tmp_path, "stories").stderr.splitlines()
    assert "briefbot: warning: skipped line\\x0abreak.txt: is a binary file, not text" in warnings
    assert "briefbot: warning: skipped report\\u202etxt.exe.txt: is a binary file, not text" in warnings


def test_front_matter_values_are_text_as_written(folder, tmp_path):
    (folder / "no.txt").write_text(f"---\ntitle: no\nsource: 1.10\n---\n{GOOD_SENTENCES}")
    stories = json.loads(run(folder, tmp_path, "stories", "--json").stdout)["stories"]
    story = next(s for s in stories if "no" in s["articles"])
    assert story["headline"] == "no" and story["outlets"] == ["1.10"]
    assert "False" not in run(folder, tmp_path, "stories").stdout


def test_utf16_files_with_a_byte_order_mark_are_read_and_without_one_named(folder, tmp_path):
    text = f"---\ntitle: Terminal opens\nsource: Port Gazette\n---\n{GOOD_SENTENCES}"
    (folder / "utf16-le.txt").write_bytes(text.encode("utf-16"))  # with a BOM, little-endian here
    (folder / "utf16-be.txt").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    (folder / "no-bom.txt").write_bytes(text.encode("utf-16-le"))
    result = run(folder, tmp_path, "summary", "terminal", "--json")
    summary = json.loads(result.stdout)
    assert {"utf16-le", "utf16-be"} <= set(summary["articles"])
    assert any("second container terminal" in s["text"] for s in summary["sentences"])
    assert "skipped no-bom.txt: is UTF-16 text without a byte-order mark" in result.stderr
