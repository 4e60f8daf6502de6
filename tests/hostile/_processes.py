"""The real `briefbot` in a subprocess, for attacks that must go through the command line or kill the process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from tests.conftest import ROOT


def cli_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """Return an environment with no token, the state in tmp_path, and the given settings."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("BRIEFBOT_", "DISCORD_"))}
    return {**env, "BRIEFBOT_STATE_DIR": str(tmp_path / "state"), "PYTHONPATH": str(ROOT), **settings}


def briefbot(*args: str, env: Mapping[str, str], cwd: Path, timeout: float = 120,
             preexec_fn: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` and return what it did (text stdout and stderr)."""
    return subprocess.run([sys.executable, "-m", "bot", *args], env=dict(env), cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, check=False, preexec_fn=preexec_fn)  # noqa: PLW1509


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    """Check a failure is a clean exit with a short message and no traceback; return stderr."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("briefbot: "), result.stderr
    return result.stderr


async def start_bot(env: Mapping[str, str], cwd: Path, log: Path, *args: str) -> asyncio.subprocess.Process:
    """Start `briefbot run [ARGS]`, its stderr going to a file (a pipe nobody reads would fill and block it)."""
    with log.open("ab") as handle:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", *args, env=dict(env), cwd=cwd,
                                                    stdout=subprocess.DEVNULL, stderr=handle)


async def wait_until(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    """Wait for a condition (checked every 0.1 s); fail saying what did not happen."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(0.1)


async def stop(process: asyncio.subprocess.Process, *, kill: bool = False) -> None:
    """SIGKILL (a crash) or SIGTERM (a clean stop) the process and reap it."""
    if process.returncode is None:
        process.kill() if kill else process.terminate()
    await asyncio.wait_for(process.wait(), timeout=30)


def in_process(monkeypatch, capsys, env: Mapping[str, str], cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run the same command line in this process (quicker; a traceback fails the test): (code, stdout, stderr)."""
    from bot.terminal.cli import main  # noqa: PLC0415

    for name in list(os.environ):
        if name.startswith(("BRIEFBOT_", "DISCORD_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
