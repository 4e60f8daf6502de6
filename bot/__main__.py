"""Entry point (`briefbot`, `python -m bot`) and the one place that wires settings, corpus and bot together."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.discord.client import BriefBot
    from bot.discord.shards import Shards
    from bot.settings import Settings
    from briefings.corpus import Corpus

log = logging.getLogger("bot")


def main() -> None:
    """Run the command line and exit with its code."""
    from bot.terminal.cli import main as run  # noqa: PLC0415 - keep `import bot.__main__` cheap

    sys.exit(run(sys.argv[1:]))


def build_bot(settings: Settings, corpus: Corpus, *, defer_after: float = 0.25,
              guild_ready_timeout: float = 2.0, run_background_jobs: bool = True,
              shards: Shards | None = None) -> BriefBot:
    """Build the Discord bot over a loaded corpus, pointed at the configured Discord endpoints.

    With `shards`, it runs only those Discord shards (discord.py's AutoShardedBot), and their servers' schedules.
    """
    from bot.discord.client import (  # noqa: PLC0415 - discord.py loads only for the bot
        BriefBot,
        ShardedBriefBot,
        SourceSettings,
        point_discord_py_at,
        time_heartbeats_before_sending,
    )
    from bot.discord.exts.briefings import Services  # noqa: PLC0415
    from bot.ingestion.live import LiveCorpus  # noqa: PLC0415
    from bot.storage.database import Storage  # noqa: PLC0415
    from bot.storage.legacy import import_legacy_history  # noqa: PLC0415

    point_discord_py_at(settings.discord_api_base_url, settings.discord_gateway_url)
    time_heartbeats_before_sending()
    storage = Storage.open(settings.database)
    import_legacy_history(storage, settings.state_dir)
    services = Services(live=LiveCorpus(corpus), briefings=storage, defer_after=defer_after)
    sources = SourceSettings(settings.corpus_dir, settings.max_article_bytes,
                             timedelta(days=settings.retention_days), settings.allowed_hosts,
                             max_files=settings.max_folder_files,
                             max_front_matter_bytes=settings.max_front_matter_bytes,
                             limits=settings.poll_limits, ingest_every=timedelta(seconds=settings.ingest_seconds))
    bot_class = BriefBot if shards is None else ShardedBriefBot
    return bot_class(services, storage, guild_id=settings.discord_guild_id, state_dir=settings.state_dir,
                     grace=timedelta(minutes=settings.schedule_grace_minutes), guild_ready_timeout=guild_ready_timeout,
                     run_background_jobs=run_background_jobs, sources=sources, shards=shards)


async def serve(bot: BriefBot, token: str) -> None:
    """Connect and run until closed; SIGTERM and Ctrl-C close the connection cleanly."""
    import asyncio  # noqa: PLC0415 - only the bot needs an event loop: the command line starts without it
    import signal  # noqa: PLC0415

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals on this platform
            pass
    async with bot:
        await bot.start(token)
    log.info("disconnected cleanly")


def run_discord(settings: Settings, corpus: Corpus, shards: Shards | None = None) -> int:
    """Run the bot until it is stopped; return the exit code."""
    import asyncio  # noqa: PLC0415

    import discord  # noqa: PLC0415

    from bot.storage.database import StorageError  # noqa: PLC0415

    assert settings.discord_token is not None  # noqa: S101 - the caller checked
    try:
        bot = build_bot(settings, corpus, shards=shards)
    except StorageError as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(bot, settings.discord_token.get_secret_value()))
    except discord.LoginFailure:
        print("briefbot: Discord rejected the token (401 Unauthorized). Copy the bot's token again from the "
              "Discord developer portal into DISCORD_TOKEN.", file=sys.stderr)
        return 2
    except StorageError as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 2
    except discord.PrivilegedIntentsRequired:
        print("briefbot: Discord refused the requested gateway intents.", file=sys.stderr)
        return 2
    except OSError as error:
        if error.filename is not None:  # a file or folder, not the network
            print(f"briefbot: cannot use {error.filename}: {error.strerror or error}", file=sys.stderr)
        else:
            print(f"briefbot: cannot reach Discord ({error.__class__.__name__}); check the network and "
                  "DISCORD_API_BASE_URL / DISCORD_GATEWAY_URL.", file=sys.stderr)
        return 2
    except (discord.GatewayNotFound, discord.ConnectionClosed) as error:
        print(f"briefbot: cannot reach Discord ({error.__class__.__name__}); check the network and "
              "DISCORD_API_BASE_URL / DISCORD_GATEWAY_URL.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    main()
