"""50 servers following 500 feeds (200 of them shared) for a simulated hour, against one server following the 500.

    .venv/bin/python bench/tenancy.py [--servers 50] [--feeds 500] [--shared 200] [--followers 3] [--items 10]

Each configuration runs in a process of its own, so its memory is its own: the real bot (`build_bot`, the code
`briefbot run` runs) against the local fake Discord (tests/bot/fakediscord) with that many guilds, and the local
feed server of bench/feeds_load.py (real BBC text; each round half of the feeds publish two items, the rest answer
304). Many servers: every server follows its own share of the 300 unshared feeds, and each shared feed is followed
by `--followers` servers chosen at random; the baseline is one server following all 500. A round is "10 minutes
later" on a simulated clock (six rounds: an hour): the ingestor polls every due feed while every server sends a
slash command (summary 60%, stories 20%, brief 20%) through the gateway. Printed per configuration: fetches per URL
per round (counted by the feed server), resident memory after the hour (and its peak), the time to first response
of the commands (p50, p99, max; Discord's deadline is 3 s); then the memory ratio of the two configurations.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from feeds_load import BBC, FeedServer  # noqa: E402
from replies import collect_replies  # noqa: E402

DEADLINE = 3.0
ROUND = timedelta(minutes=10)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def main() -> None:
    """Run both configurations, each in its own process, and print the figures and the memory ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, default=50)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--shared", type=int, default=200, help="feeds followed by several servers")
    parser.add_argument("--followers", type=int, default=3, help="servers following each shared feed")
    parser.add_argument("--items", type=int, default=10, help="items per feed")
    parser.add_argument("--rounds", type=int, default=6, help="10-minute rounds (6 = one hour)")
    parser.add_argument("--one", type=int, metavar="SERVERS", help=argparse.SUPPRESS)  # a child: one configuration
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(asyncio.run(configuration(args, args.one))))
        return
    results = {}
    for servers in (1, args.servers):
        child = [sys.executable, __file__, "--one", str(servers), "--feeds", str(args.feeds), "--shared",
                 str(args.shared), "--followers", str(args.followers), "--items", str(args.items), "--rounds",
                 str(args.rounds)]
        done = subprocess.run(child, capture_output=True, text=True, check=False)  # noqa: S603 - our own script
        sys.stderr.write(done.stderr[-2000:] if done.returncode else "")
        results[servers] = json.loads(done.stdout.strip().splitlines()[-1])
        print(describe(servers, results[servers]), flush=True)
    one, many = results[1], results[args.servers]
    print(f"memory, {args.servers} servers against one server following the same {args.feeds} feeds: RSS "
          f"{many['rss_mib']:,.0f} / {one['rss_mib']:,.0f} MiB = {many['rss_mib'] / one['rss_mib']:.2f}x (peak "
          f"{many['peak_mib'] / one['peak_mib']:.2f}x); above the empty bot: {many['grown_mib']:,.0f} / "
          f"{one['grown_mib']:,.0f} MiB = {many['grown_mib'] / max(one['grown_mib'], 1):.2f}x (target: within 1.5x)")


def describe(servers: int, result: dict[str, float]) -> str:
    """Say what one configuration measured."""
    return (f"{servers} server{'s' if servers > 1 else ''}: {result['follows']} follows of {result['urls']} URLs; "
            f"fetches per URL per round min {result['fetch_min']} max {result['fetch_max']} "
            f"({result['off_rounds']} URL-rounds not exactly once); RSS {result['rss_mib']:,.0f} MiB (peak "
            f"{result['peak_mib']:,.0f}, {result['grown_mib']:,.0f} above the empty bot); {result['commands']} "
            f"commands, time to first response p50 {result['p50_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, max "
            f"{result['max_ms']:.0f} ms, {result['late']} over 3 s, {result['missing']} unanswered; corpus "
            f"{result['articles']:,} articles; rounds took {result['round_s']}")


def follows_plan(servers: int, feeds: int, shared: int, followers: int) -> list[tuple[int, int]]:
    """Return (server number, feed number) pairs: each server its own unshared feeds, shared feeds to several."""
    if servers == 1:
        return [(0, feed) for feed in range(feeds)]
    rng = random.Random(7)
    plan = [(feed % servers, feed) for feed in range(shared, feeds)]
    for feed in range(shared):
        plan += [(server, feed) for server in rng.sample(range(servers), min(followers, servers))]
    return plan


async def configuration(args: argparse.Namespace, servers: int) -> dict[str, object]:
    """Run the simulated hour with this many servers; return the figures."""
    import psutil

    from bot.__main__ import build_bot
    from bot.settings import load_settings
    from briefings.corpus import Corpus
    from briefings.topics import corpus_topics
    from tests.bot.fakediscord import FakeDiscord, redirect_discord_py, running_client

    texts = [path.read_text(encoding="utf-8", errors="replace") for path in sorted(BBC.glob("*/*.txt"))]
    process = psutil.Process()
    clock = Clock()
    with FeedServer(texts, args.feeds, args.items) as feeds, tempfile.TemporaryDirectory() as state:
        async with FakeDiscord() as fake:
            with redirect_discord_py(fake):
                guilds = [fake.guild] + [fake.world.add_guild(f"Server {n}") for n in range(1, servers)]
                os.environ.update({"DISCORD_TOKEN": fake.token, "DISCORD_API_BASE_URL": fake.rest_base,
                                   "DISCORD_GATEWAY_URL": fake.gateway_url, "BRIEFBOT_STATE_DIR": state,
                                   "BRIEFBOT_CORPUS_DIR": str(ROOT / "seeds"),
                                   "BRIEFBOT_FETCH_ALLOW_HOSTS": "127.0.0.1"})
                corpus, _ = Corpus.from_folder(ROOT / "seeds")
                bot = build_bot(load_settings(), corpus, defer_after=0.25, guild_ready_timeout=0.05,
                                run_background_jobs=False)
                async with running_client(bot, fake.token):
                    empty = process.memory_info().rss / 2**20
                    bot.storage.clock = clock  # the simulated hour: polls, claims and records in its time
                    bot.ingestor.poller.clock = clock
                    plan = follows_plan(servers, args.feeds, args.shared, args.followers)
                    for server, feed in plan:
                        url = feeds.url(f"/feed/{feed}.rss")
                        bot.ingestor.store.add(url, url, ROUND, int(guilds[server].id))
                    await bot.ingestor.tick()  # the first poll: every feed's back-catalogue
                    topics = [t.name for t in corpus_topics(bot.live.current.index, 200)]
                    latencies: list[float] = []
                    missing = 0
                    fetch_counts: list[int] = []
                    took: list[float] = []
                    rng = random.Random(11)
                    for number in range(1, args.rounds + 1):
                        clock.now += ROUND
                        feeds.round = number
                        feeds.fetches.clear()
                        started = time.perf_counter()
                        commands = asyncio.create_task(one_command_each(fake, guilds, topics, rng))
                        await bot.ingestor.tick()
                        answered, unanswered = await commands
                        took.append(round(time.perf_counter() - started, 1))
                        latencies += answered
                        missing += unanswered
                        fetch_counts += [feeds.fetches.get(feed, 0) for feed in range(args.feeds)]
                    rss = process.memory_info().rss / 2**20
                    articles = len(bot.live.current)
    latencies.sort()
    return {
        "follows": len(plan), "urls": args.feeds, "fetch_min": min(fetch_counts), "fetch_max": max(fetch_counts),
        "off_rounds": sum(1 for count in fetch_counts if count != 1), "rss_mib": rss,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "grown_mib": rss - empty,
        "commands": len(latencies) + missing, "missing": missing,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000,
        "max_ms": latencies[-1] * 1000, "late": sum(1 for latency in latencies if latency > DEADLINE),
        "articles": articles, "round_s": took,
    }


async def one_command_each(fake: object, guilds: list[object], topics: list[str], rng: random.Random
                           ) -> tuple[list[float], int]:
    """Send one slash command from every server (in #general), 20 ms apart; return the times to first response."""
    sent = []
    for guild in rng.sample(guilds, len(guilds)):
        roll = rng.random()
        command, options = (("summary", {"topic": rng.choice(topics)}) if roll < 0.6 else
                            ("stories", {}) if roll < 0.8 else ("brief", {}))
        sent.append((time.perf_counter(), await fake.invoke(command, options, channel=guild.channels[0])))  # type: ignore[attr-defined]
        await asyncio.sleep(0.02)
    replies = await collect_replies(sent, callback_timeout=60, followup_timeout=300)
    return replies.latencies, replies.missing


if __name__ == "__main__":
    main()
