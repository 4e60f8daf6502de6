"""Attack on secrets: a database password given as a URL query parameter (libpq reads `?password=` too).

Before: the URL was printed with `user:***@`, but `?password=...` in full. Now every printed database URL hides
the password and every parameter that carries a secret, and a driver's message is scrubbed of them too.
"""

from __future__ import annotations

import pytest

from tests.hostile._processes import assert_one_line_error, briefbot, cli_env, in_process

SECRET = "hunter2-s3cret"  # noqa: S105 - the secret the test looks for
URLS = [
    f"postgresql+psycopg://postgres@127.0.0.1:5432/no_such_database?password={SECRET}",
    f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:5432/no_such_database",
    f"postgresql+psycopg://postgres@127.0.0.1:5432/no_such_database?sslmode=bogus&sslpassword={SECRET}",
    f"postgresql+psycopg://postgres@127.0.0.1:5432/no_such_database?PASSWORD={SECRET}&application_name=briefbot",
    f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/no_such_database",
    f"no such scheme://postgres:{SECRET}@host/db",
    f"nosuchdialect://postgres:{SECRET}@host/db",
]


@pytest.mark.parametrize("url", URLS)
def test_a_database_password_never_appears_in_what_briefbot_prints(tmp_path, monkeypatch, capsys, url):
    code, out, err = in_process(monkeypatch, capsys, cli_env(tmp_path, BRIEFBOT_DATABASE_URL=url), tmp_path,
                                "schedule", "list")
    assert code == 2 and SECRET not in out + err
    assert err.startswith("briefbot: ") and "database" in err.lower() and len(err.splitlines()) == 1


def test_nor_in_the_briefbot_commands_debug_log(tmp_path):
    for url in URLS[:3]:
        result = briefbot("--log-level", "DEBUG", "source", "list", env=cli_env(tmp_path, BRIEFBOT_DATABASE_URL=url),
                          cwd=tmp_path, timeout=60)
        assert result.returncode == 2 and SECRET not in result.stdout + result.stderr


def test_the_bot_does_not_print_it_either(tmp_path):
    env = cli_env(tmp_path, BRIEFBOT_DATABASE_URL=URLS[0], DISCORD_TOKEN="not-a-real-token",  # noqa: S106
                  DISCORD_API_BASE_URL="http://127.0.0.1:9/api/v10", DISCORD_GATEWAY_URL="ws://127.0.0.1:9/")
    result = briefbot("run", env=env, cwd=tmp_path, timeout=60)
    assert SECRET not in result.stdout + result.stderr
    assert "password=***" in assert_one_line_error(result)
