#!/usr/bin/env python3
"""Set up and run Briefbot with nothing but Python 3.11+ and access to PyPI.

    python3 tasks.py start [BRIEFBOT ARGS]   the main job: the bot with DISCORD_TOKEN, else a briefing here
    python3 tasks.py test [PYTEST ARGS]      the test suite (on up to four cores), then ruff and mypy
    python3 tasks.py lock                    regenerate both lock files from pyproject.toml (needs PyPI)

Each creates `.venv/` on first use and installs the pinned, hash-checked dependencies from the lock files
(again only when a lock file changes), so a fresh clone needs no other step.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_environment(lock: str) -> None:
    """Create .venv and install the lock file and the project into it, unless already done for this lock."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before anything checks the version
        sys.exit(f"Briefbot needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    lock_file = ROOT / lock
    stamp = VENV / f".installed-{lock}"
    fingerprint = hashlib.sha256(lock_file.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    if not (BIN / "python").exists():
        print(f"Creating {VENV.name}/ ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    print(f"Installing the dependencies pinned in {lock} ...", file=sys.stderr)
    steps = (["install", "--require-hashes", "-r", str(lock_file)], ["install", "--no-deps", "--editable", str(ROOT)])
    for step in steps:
        if subprocess.run([*pip, *step], check=False).returncode != 0:
            sys.exit(f"Installing failed (pip {' '.join(step)}); see pip's message above. Is PyPI reachable?")
    for other in VENV.glob(".installed-*"):
        other.unlink()
    stamp.write_text(fingerprint)


def start(args: list[str]) -> int:
    """Run briefbot (with no arguments: the bot if a token is set, otherwise the briefing)."""
    ensure_environment("requirements-dev.lock" if (VENV / ".installed-requirements-dev.lock").exists()
                       else "requirements.lock")
    return subprocess.run([str(BIN / "briefbot"), *args], check=False).returncode


def test(args: list[str]) -> int:
    """Run the tests, then the linters; fail if any fails."""
    ensure_environment("requirements-dev.lock")
    # Most of the suite's time is spent waiting on real bot processes and sockets, so it runs on every core (up to
    # four, pytest-xdist), a test file to a worker: a file's fixtures (the 10,000-article corpus) are built once.
    parallel = [] if any(a in {"-n", "--numprocesses", "-p"} or a.startswith(("-n", "--collect")) for a in args) \
        else ["-n", "auto", "--maxprocesses", "4", "--dist", "loadfile"]
    steps = [
        [str(BIN / "python"), "-m", "pytest", *parallel, *args],
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "mypy")],
    ]
    for step in steps:
        print(f"$ {' '.join(Path(step[0]).name if n == 0 else part for n, part in enumerate(step))}", flush=True)
        code = subprocess.run(step, cwd=ROOT, check=False).returncode
        if code != 0:
            return code
    return 0


def lock(args: list[str]) -> int:
    """Regenerate requirements.lock, then requirements-dev.lock constrained by it: users and tests run the same pins."""
    ensure_environment("requirements-dev.lock")
    compile_ = [str(BIN / "pip-compile"), "--quiet", "--allow-unsafe", "--generate-hashes", "--strip-extras",
                "--no-emit-index-url", "--no-emit-find-links", *args]
    steps = [
        [*compile_, "--output-file=requirements.lock", "pyproject.toml"],
        [*compile_, "--extra=dev", "--constraint=requirements.lock", "--output-file=requirements-dev.lock",
         "pyproject.toml"],
    ]
    for step in steps:
        code = subprocess.run(step, cwd=ROOT, check=False).returncode
        if code != 0:
            return code
    return 0


def main() -> int:
    """Dispatch `start`, `test` or `lock`."""
    commands = {"start": start, "test": test, "lock": lock}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
