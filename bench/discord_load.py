"""200 slash commands in one second against the real bot over 10,000 articles, through the local fake Discord.

    .venv/bin/python bench/build_corpus.py          # once
    .venv/bin/python bench/discord_load.py [--commands 200] [--seconds 1] [--corpus DIR] [--baseline DIR] [--keep-state]

The fake Discord (tests/bot/fakediscord) runs in this process; the bot runs unmodified as `briefbot run` in its
own process, as in production, and talks to the fake over 127.0.0.1. Each command is a real
INTERACTION_CREATE on the gateway; the time to first response runs from sending it to the fake receiving the
interaction callback (an answer, or a deferral that a followup completes). Prints p50/p99/max, how many were
deferred, how many missed Discord's 3-second deadline, and how many were never answered; each late command by
name, the figures by command, and discord.py's warnings that the bot's heartbeat was held ("websocket is N s
behind", "heartbeat blocked"), read from the bot's log.

With `--baseline DIR` the bot of that checkout (with its own .venv) runs first, on the same corpus and the same
commands, then this checkout's: one run, both codes, the load average printed beside each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from replies import collect_replies  # noqa: E402

from briefings.corpus import Corpus  # noqa: E402
from briefings.topics import corpus_topics  # noqa: E402
from tests.bot.fakediscord import EventKind, FakeDiscord  # noqa: E402

DEADLINE = 3.0
# discord.py's warnings (discord/gateway.py) that its heartbeat waited for the event loop or the GIL.
HELD = re.compile(r"websocket is (?P<behind>[\d.]+)s behind|heartbeat blocked for more than (?P<blocked>\d+) seconds")


def main() -> None:
    """Start the fake, start `briefbot run` against it, fire the commands, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "_data" / "corpus10k")
    parser.add_argument("--commands", type=int, default=200, help="how many slash commands (default 200)")
    parser.add_argument("--seconds", type=float, default=1.0, help="spread over this many seconds (default 1)")
    parser.add_argument("--feeds", type=int, default=0,
                        help="also have the bot follow this many local feeds, polling them during the burst")
    parser.add_argument("--keep-state", action="store_true",
                        help="start from the state folder a run before left (its kept corpus: a restart), not afresh")
    parser.add_argument("--baseline", type=Path,
                        help="a checkout (e.g. a worktree of main, with its .venv) whose bot runs first, the same way")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"{args.corpus} is missing: run bench/build_corpus.py first")
    corpus, _ = Corpus.from_folder(args.corpus)  # only to pick topics the bot's corpus really holds
    topics = [topic.name for topic in corpus_topics(corpus.index, 300)]
    del corpus
    checkouts = ([(f"baseline {args.baseline}", args.baseline.resolve())] if args.baseline else []) + \
        [("this code", ROOT)]
    for label, checkout in checkouts:
        print(f"== {label} (load average {_load()})", flush=True)
        if args.feeds:
            from feeds_load import BBC, FeedServer

            texts = [path.read_text(encoding="utf-8", errors="replace") for path in sorted(BBC.glob("*/*.txt"))]
            with FeedServer(texts, args.feeds, 20) as server:
                asyncio.run(load(checkout, args.corpus, topics, args.commands, args.seconds, server, args.feeds,
                                 keep_state=args.keep_state))
        else:
            asyncio.run(load(checkout, args.corpus, topics, args.commands, args.seconds, keep_state=args.keep_state))
        print(f"   (load average at the end {_load()})", flush=True)


def _load() -> str:
    return ", ".join(f"{figure:.2f}" for figure in os.getloadavg())


async def load(checkout: Path, corpus_dir: Path, topics: list[str], count: int, seconds: float,
               feeds: object = None, feed_count: int = 0, keep_state: bool = False) -> None:
    """Run a checkout's `briefbot run` against the fake and fire `count` commands over `seconds`."""
    state = ROOT / "bench" / "_data" / ("state" if checkout == ROOT else "state-baseline")
    if not keep_state:  # kept, it is a restart: the kept corpus is read instead of every article file
        shutil.rmtree(state, ignore_errors=True)
    python = checkout / ".venv" / "bin" / "python"
    if feeds is not None:
        from bot.storage.database import SourceStore, Storage

        store = SourceStore(Storage.open(f"sqlite:///{(state / 'briefbot.db').resolve()}"))
        for number in range(feed_count):
            url = feeds.url(f"/feed/{number}.rss")  # type: ignore[attr-defined]
            store.add(url, url, timedelta(minutes=10))
    async with FakeDiscord() as fake:
        env = {**os.environ, "DISCORD_TOKEN": fake.token, "DISCORD_API_BASE_URL": fake.rest_base,
               "DISCORD_GATEWAY_URL": fake.gateway_url, "BRIEFBOT_CORPUS_DIR": str(corpus_dir),
               "BRIEFBOT_STATE_DIR": str(state), "BRIEFBOT_FETCH_ALLOW_HOSTS": "127.0.0.1"}
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(python if python.exists() else sys.executable, "-m", "bot",
                                                       "run", env=env, cwd=checkout,
                                                       stderr=asyncio.subprocess.PIPE)
        held: list[tuple[float, str]] = []
        assert process.stderr is not None  # noqa: S101 - piped above
        watching = asyncio.ensure_future(_watch(process.stderr, held))
        try:
            await fake.wait_for(EventKind.IDENTIFY, timeout=600)
            await asyncio.sleep(1.0 if feeds is None else 5.0)  # READY and sync settle; feed polling under way
            print(f"bot connected {time.perf_counter() - started:.1f} s after start (corpus loaded first)"
                  + (f"; it is polling {feed_count} feeds during the burst" if feeds is not None else ""))
            stop, waits = asyncio.Event(), []
            probing = asyncio.ensure_future(_probe_loop(fake, stop, waits))
            latencies, deferred, missing, burst = await _burst(fake, topics, count, seconds)
            stop.set()
            await probing
            rss = _rss_mib(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=30)
            await watching
    waits.sort()
    print(f"event loop probe (/schedule set's timezone choices, answered on the loop alone, once a second): "
          f"{len(waits)} answered, p50 {statistics.median(waits) * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms")
    _print_held(held, [event.at for event in fake.events(EventKind.HEARTBEAT)])
    latencies.sort()
    late = sum(1 for latency in latencies if latency > DEADLINE)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else float("nan")
    print(f"{count} commands sent in {burst:.2f} s: answered {len(latencies)}, never answered {missing}, "
          f"deferred {deferred}, over the 3 s deadline {late}; bot RSS {rss:,.0f} MiB")
    if latencies:
        print(f"time to first response: p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
              f"max {latencies[-1] * 1000:.0f} ms")


async def _burst(fake: FakeDiscord, topics: list[str], count: int, seconds: float
                 ) -> tuple[list[float], int, int, float]:
    rng = random.Random(3)
    plan = [_command(rng, topics) for _ in range(count)]
    sent = []
    burst_start = time.perf_counter()
    for number, (name, options) in enumerate(plan):
        await asyncio.sleep(max(0.0, burst_start + number * seconds / count - time.perf_counter()))
        sent.append((time.perf_counter(), await fake.invoke(name, options)))
    burst = time.perf_counter() - burst_start
    replies = await collect_replies(sent, callback_timeout=30, followup_timeout=120)
    if replies.followups_at:
        print(f"the last deferred answer arrived {max(replies.followups_at) - burst_start:.1f} s after the burst began")
    by_name: dict[str, list[float]] = {}
    for (name, _), (at, _), latency in zip(plan, sent, replies.each, strict=True):
        if latency is None or latency > DEADLINE:
            shown = "never answered" if latency is None else f"first response after {latency:.1f} s"
            print(f"late: /{name} sent {at - burst_start:.2f} s into the burst, {shown}")
        if latency is not None:
            by_name.setdefault(name, []).append(latency)
    for name, figures in sorted(by_name.items()):
        print(f"/{name}: {len(figures)} answered, p50 {statistics.median(figures) * 1000:.0f} ms, "
              f"max {max(figures) * 1000:.0f} ms, over 3 s {sum(1 for f in figures if f > DEADLINE)}")
    return replies.latencies, replies.deferred, replies.missing, burst


async def _probe_loop(fake: FakeDiscord, stop: asyncio.Event, waits: list[float]) -> None:
    """Ask the bot, once a second, for what its event loop answers alone: how long the loop (or the GIL) was held."""
    while not stop.is_set():
        asked = time.perf_counter()
        sent = await fake.autocomplete("schedule set", {"timezone": "Eur"}, focused="timezone")
        try:
            reply = await sent.callback(timeout=30)
        except AssertionError:
            waits.append(float("inf"))
        else:
            waits.append(reply.at - asked)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def _watch(stream: asyncio.StreamReader, held: list[tuple[float, str]]) -> None:
    """Pass the bot's log through, keeping discord.py's warnings that the heartbeat was held, with when they came."""
    async for line in stream:
        text = line.decode("utf-8", errors="replace")
        sys.stderr.write(text)
        if HELD.search(text):
            held.append((time.perf_counter(), text.strip()))


def _print_held(held: list[tuple[float, str]], heartbeats: list[float]) -> None:
    behind = [float(m["behind"]) for _, line in held if (m := HELD.search(line)) and m["behind"]]
    blocked = [int(m["blocked"]) for _, line in held if (m := HELD.search(line)) and m["blocked"]]
    print(f"heartbeat warnings: {len(behind)} 'websocket behind'" + (f" (max {max(behind):.1f} s)" if behind else "")
          + f", {len(blocked)} 'heartbeat blocked'" + (f" (max {max(blocked)} s)" if blocked else ""))
    gaps = [later - earlier for earlier, later in zip(heartbeats, heartbeats[1:], strict=False)]
    if gaps:
        print(f"heartbeats the fake received: {len(heartbeats)}, longest gap {max(gaps):.1f} s")
    # discord.py 2.7.1 sets the time of a heartbeat's sending after the send completes, on its keep-alive thread: an
    # acknowledgement read first measures from the heartbeat before, one interval (41.25 s) early (Rapptz/discord.py
    # pull request 10448). The real delay is from the fake's receiving the heartbeat to the warning.
    for at, line in held:
        before = [beat for beat in heartbeats if beat <= at]
        if before and "behind" in line:
            print(f"  '{HELD.search(line)[0]}' logged {(at - before[-1]) * 1000:.0f} ms after the fake received "
                  f"heartbeat {len(before)} and acknowledged it")

def _rss_mib(pid: int) -> float:
    import psutil

    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def _command(rng: random.Random, topics: list[str]) -> tuple[str, dict[str, object]]:
    roll = rng.random()
    if roll < 0.6:
        return "summary", {"topic": rng.choice(topics), "length": rng.randint(3, 8)}
    if roll < 0.75:
        return "changes", {"since": "2026-10-25", "topic": rng.choice(topics)}
    if roll < 0.85:
        return "stories", {}
    if roll < 0.95:
        return "brief", {}
    return "help", {}


if __name__ == "__main__":
    main()
