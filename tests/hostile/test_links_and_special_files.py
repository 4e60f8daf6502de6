"""Attack: symbolic links, pipes, devices and /proc files in (or named as) article files.

Before: a dangling or looping `*.txt` link made `briefbot run` exit with "cannot reach Discord", and one appearing
while the bot ran stopped every ingest; a link out of the folder was followed (a private file's text was published
by `summary`); a /proc file passed the size check (it says 0 bytes). Now only the folder's own regular files are
read (a link is skipped with a reason, wherever it points), and at most the byte limit is read from any file.
"""

from __future__ import annotations

import asyncio
import os
import shutil

from tests.bot.fakediscord import EventKind
from tests.conftest import SEEDS, STRAITS_TIMES
from tests.hostile._processes import assert_one_line_error, briefbot, cli_env, start_bot, stop
from tests.hostile.conftest import GOOD_SENTENCES, article, running_bot

PRIVATE = "The vault combination is four, eight, fifteen and sixteen, said the administrator."


def plant(folder, tmp_path):
    """Fill the folder with every kind of entry that is not one of its own regular files."""
    private = tmp_path / "private" / "secrets.txt"
    private.parent.mkdir()
    private.write_text(f"{PRIVATE} Nobody else may read it.\n")
    os.symlink(tmp_path / "nowhere.txt", folder / "dangling.txt")
    os.symlink(folder / "loop-b.txt", folder / "loop-a.txt")
    os.symlink(folder / "loop-a.txt", folder / "loop-b.txt")
    os.symlink(private, folder / "outside.txt")
    os.symlink("/proc/self/environ", folder / "environment.txt")
    (folder / "inside.txt").write_text(article("Port opens a second terminal"))
    os.symlink(folder / "inside.txt", folder / "alias.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "folder.txt").mkdir()
    return ["dangling", "loop-a", "loop-b", "outside", "environment", "alias"], ["pipe", "folder"]


def test_links_pipes_and_folders_are_skipped_with_a_reason_and_nothing_outside_is_read(folder, tmp_path):
    links, special = plant(folder, tmp_path)
    result = briefbot("summary", "--json", "--sentences", "20", env=cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder)),
                      cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert PRIVATE not in result.stdout and "PATH=" not in result.stdout
    for name in links:
        assert f"skipped {name}.txt: is a symbolic link" in result.stderr
    for name in special:
        assert f"skipped {name}.txt: is not a regular file" in result.stderr
    assert '"inside"' in result.stdout  # the folder's own file still loads


def test_a_named_file_is_read_only_up_to_the_byte_limit_whatever_its_size_claims(tmp_path):
    env = cli_env(tmp_path, BRIEFBOT_MAX_ARTICLE_BYTES="1024")
    huge = briefbot("summarize", "/proc/self/maps", env=env, cwd=tmp_path)
    assert "over the 1,024-byte limit" in assert_one_line_error(huge)
    os.mkfifo(tmp_path / "pipe.txt")
    pipe = briefbot("summarize", str(tmp_path / "pipe.txt"), env=env, cwd=tmp_path, timeout=30)
    assert "is not a regular file" in assert_one_line_error(pipe)


async def test_briefbot_run_starts_with_broken_links_in_its_folder(fake_discord, folder, tmp_path):
    plant(folder, tmp_path)
    (folder / "bad-date.txt").write_text(article("Bad date", "0000-01-01"))
    env = cli_env(tmp_path, DISCORD_TOKEN=fake_discord.token, DISCORD_API_BASE_URL=fake_discord.rest_base,
                  DISCORD_GATEWAY_URL=fake_discord.gateway_url, BRIEFBOT_CORPUS_DIR=str(folder))
    log = tmp_path / "bot.log"
    process = await start_bot(env, tmp_path, log)
    try:
        await fake_discord.wait_for(EventKind.IDENTIFY, timeout=60)
        await fake_discord.wait_for(EventKind.COMMANDS_SYNCED, timeout=30)
        await asyncio.sleep(0.5)
        assert process.returncode is None, log.read_text()
    finally:
        await stop(process)
    assert process.returncode == 0, log.read_text()
    assert "cannot reach Discord" not in log.read_text()


async def test_a_broken_link_appearing_while_the_bot_runs_does_not_stop_the_ingest(fake_discord, bot_settings,
                                                                                  folder, tmp_path):
    async with running_bot(bot_settings) as bot:
        os.symlink(tmp_path / "nowhere.txt", folder / "dangling.txt")
        os.symlink(folder / "loop.txt", folder / "loop.txt")
        await bot.ingestor.tick()
        shutil.copy(SEEDS / f"{STRAITS_TIMES}.txt", folder)
        (folder / "port.txt").write_text(GOOD_SENTENCES)
        assert await bot.ingestor.tick()
        reply = await (await fake_discord.invoke("summary", {"topic": "Lifeng"})).callback()
    assert STRAITS_TIMES in bot.live.current and "port" in bot.live.current
    # The Straits Times copy joined AFP's story: its sentences are credited to "both sources" under that heading.
    assert "· 2 sources ·" in reply.embeds[0]["description"]
