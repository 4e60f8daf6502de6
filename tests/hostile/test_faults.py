"""Faults of the machine: a database another process holds locked, a disk that fills up (mid-poll, the source is
marked failed with the reason), a state folder that is not a folder. Each ends the command with exit 2 and one
line saying what happened, never a traceback or exit 1 ("nothing to report"); nothing stored is lost, and a
briefing is shown only once it is recorded.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.storage.database import SourceStore, Storage
from tests.conftest import SEEDS
from tests.hostile._processes import assert_one_line_error, briefbot, cli_env


@pytest.fixture
def env(tmp_path):
    return cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(SEEDS))


def database(tmp_path):
    return tmp_path / "state" / "briefbot.db"


def test_a_database_locked_by_another_process_is_one_line_and_the_briefing_is_not_shown(tmp_path, env):
    assert briefbot("schedule", "add", "08:00", "UTC", env=env, cwd=tmp_path).returncode == 0
    holder = sqlite3.connect(database(tmp_path), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing, for longer than Briefbot waits (5 s)
    try:
        brief = briefbot("brief", env=env, cwd=tmp_path)
        add = briefbot("schedule", "add", "09:00", "UTC", env=env, cwd=tmp_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "locked by another process" in assert_one_line_error(brief)
    assert brief.stdout == ""  # not shown, since it could not be recorded (the next one would repeat it)
    assert "locked by another process" in assert_one_line_error(add)
    assert [s.at.hour for s in Storage.open(f"sqlite:///{database(tmp_path)}").schedules()] == [8]
    again = briefbot("brief", "--json", env=env, cwd=tmp_path)
    assert again.returncode == 0 and json.loads(again.stdout)["first"]  # the failed one left no record


class Feed(BaseHTTPRequestHandler):
    """A feed of many long items: storing them grows the database."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = "Harbour cranes moved containers all night as the new terminal opened. " * 40
        items = "".join(f"<item><guid>item-{n}</guid><title>Terminal report {n}</title><description>{n} {body}"
                        "</description></item>" for n in range(200))
        payload = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Port Wire</title>{items}</channel></rss>"
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args: object) -> None:
        pass


def test_a_disk_that_fills_up_mid_poll_is_one_line_and_the_database_survives(tmp_path, env):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**env, "BRIEFBOT_FETCH_ALLOW_HOSTS": "127.0.0.1"}
    try:
        added = briefbot("source", "add", f"http://127.0.0.1:{server.server_port}/feed.xml", env=env, cwd=tmp_path)
        assert added.returncode == 0, added.stderr
        room = sum(path.stat().st_size for path in database(tmp_path).parent.iterdir()) + 64 * 1024

        def small_disk() -> None:  # files may grow only a little: the feed's articles do not fit
            resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))

        polled = briefbot("source", "poll", env=env, cwd=tmp_path, preexec_fn=small_disk)
    finally:
        server.shutdown()
    assert "could not be written" in assert_one_line_error(polled)
    with sqlite3.connect(database(tmp_path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    [source] = SourceStore(Storage.open(f"sqlite:///{database(tmp_path)}")).all()
    assert source.url.endswith("/feed.xml")
    assert source.failures == 1 and "could not be written" in str(source.last_error)  # marked failed, with why
    assert "marked failed" in polled.stderr


@pytest.mark.parametrize("where", ["a file", "under a file", "/proc"])
def test_a_state_folder_that_cannot_be_used_is_one_line(tmp_path, env, where):
    (tmp_path / "taken").write_text("not a folder")
    state = {"a file": tmp_path / "taken", "under a file": tmp_path / "taken" / "state",
             "/proc": "/proc/briefbot-state"}[where]
    env = {**env, "BRIEFBOT_STATE_DIR": str(state)}
    for command in (["schedule", "list"], ["brief"], ["source", "add", "https://example.org/feed.xml"]):
        message = assert_one_line_error(briefbot(*command, env=env, cwd=tmp_path))
        assert "state folder" in message and "BRIEFBOT_STATE_DIR" in message
    assert (tmp_path / "taken").read_text() == "not a folder"
    assert not os.path.exists("/proc/briefbot-state")
