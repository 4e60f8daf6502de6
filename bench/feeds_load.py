"""500 feeds polled every 10 minutes over a simulated hour, on a local feed server, while commands are answered.

    .venv/bin/python bench/feeds_load.py [--feeds 500] [--rounds 6] [--items 20]

The feed server (127.0.0.1, in a thread) serves real BBC article text (read from ../shared/data) as RSS; each
round, half of the feeds publish two new items (new ETag) and the other half answer 304 Not Modified. The
clock is simulated: each round is "10 minutes later", so an hour is six rounds. Printed per round: the wall
time of polling every due feed (it must stay well under 10 minutes), the new articles kept, resident memory,
and the latency of `summary TOPIC` calls made meanwhile on the engine thread (the bot's 3-second deadline).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import psutil
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.ingestion.fetch import Fetcher  # noqa: E402
from bot.ingestion.live import LiveCorpus, assemble, ready  # noqa: E402
from bot.ingestion.sources import SourcePoller  # noqa: E402
from bot.storage.database import SourceStore, Storage  # noqa: E402
from briefings.corpus import Corpus  # noqa: E402
from briefings.summaries import summarize_topic  # noqa: E402
from briefings.summarizers import LengthBudget  # noqa: E402
from briefings.topics import corpus_topics  # noqa: E402

BBC = ROOT.parent / "shared" / "data" / "bbc-news-summary" / "News Articles"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, 8, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def main() -> None:
    """Run the simulated hour and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=6, help="10-minute rounds (6 = one hour)")
    parser.add_argument("--items", type=int, default=20, help="items per feed")
    parser.add_argument("--static", action="store_true",
                        help="feeds never change after the first round: memory must then stay flat")
    args = parser.parse_args()
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in sorted(BBC.glob("*/*.txt"))]
    server = FeedServer(texts, args.feeds, args.items, args.static)
    with server:
        asyncio.run(simulate(server, args.feeds, args.rounds))


async def simulate(server: FeedServer, feeds: int, rounds: int) -> None:
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder:
        storage = Storage.open(f"sqlite:///{folder}/bench.db", clock)
        store = SourceStore(storage)
        for number in range(feeds):
            store.add(server.url(f"/feed/{number}.rss"), server.url(f"/feed/{number}.rss"), timedelta(minutes=10))
        process = psutil.Process()
        engine = ThreadPoolExecutor(1)
        async with Fetcher(frozenset({"127.0.0.1"}), timeout=15) as fetcher:
            poller = SourcePoller(store, fetcher, clock)
            live = LiveCorpus(Corpus(()))
            for number in range(rounds + 1):
                server.round = number
                started = time.perf_counter()
                queries = asyncio.create_task(commands_meanwhile(live, engine, 40))
                results = await poller.poll_due()
                polled = time.perf_counter() - started
                new = sum(len(r.new_articles) for r in results)
                failed = sum(1 for r in results if r.error)
                rebuild_start = time.perf_counter()
                # As the bot's Ingestor does: off the engine thread, so commands do not queue behind it.
                live.replace(await asyncio.to_thread(
                    lambda: ready(assemble((), store.held_articles, timedelta(days=30)))))
                rebuild = time.perf_counter() - rebuild_start
                latencies = await queries
                rss = process.memory_info().rss / 2**20
                worst = max(latencies) if latencies else 0.0
                median = statistics.median(latencies) if latencies else 0.0
                print(f"round {number} (t+{number * 10} min): polled {len(results)} feeds in {polled:.1f} s "
                      f"({failed} failed), {new} new articles, corpus {len(live.current):,} (rebuilt in "
                      f"{rebuild:.1f} s), RSS {rss:,.0f} MiB, summary latency p50 {median * 1000:.0f} ms "
                      f"max {worst * 1000:.0f} ms over {len(latencies)} calls", flush=True)
                clock.now += timedelta(minutes=10)
        engine.shutdown()


async def commands_meanwhile(live: LiveCorpus, engine: ThreadPoolExecutor, count: int = 20) -> list[float]:
    """Issue summary commands on the engine thread while polling runs, as the bot would."""
    loop = asyncio.get_running_loop()
    corpus = live.current
    if len(corpus) == 0:
        return []
    topics = [t.name for t in corpus_topics(corpus.index, 100)]
    rng = random.Random(1)
    latencies = []
    for _ in range(count):
        topic = rng.choice(topics)
        start = time.perf_counter()
        await loop.run_in_executor(engine, summarize_topic, corpus, topic, LengthBudget(sentences=5))
        latencies.append(time.perf_counter() - start)
        await asyncio.sleep(0.05)
    return latencies


class FeedServer:
    """Serves /feed/N.rss; in round R, even feeds (R odd) or odd feeds (R even) gain two items."""

    def __init__(self, texts: list[str], feeds: int, items: int, static: bool = False) -> None:
        self.static = static
        self.texts = texts
        self.feeds = feeds
        self.items = items
        self.round = 0
        self.port = 0
        self.fetches: Counter[int] = Counter()  # requests per feed (reset by whoever counts a round)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> FeedServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _version(self, feed: int) -> int:
        # How many rounds this feed has published in: it changes every other round.
        return 0 if self.static else (self.round + (feed % 2)) // 2

    def _feed(self, feed: int) -> bytes:
        version = self._version(feed)
        newest = self.items + 2 * version
        parts = [f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Outlet {feed}</title>"]
        for item in range(newest - self.items, newest):
            text = self.texts[(feed * 7919 + item) % len(self.texts)]
            lines = [line for line in text.splitlines() if line.strip()]
            when = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=item)
            body = "".join(f"<p>{escape(line)}</p>" for line in lines[1:])
            parts.append(f"<item><guid>feed{feed}-{item}</guid><link>{self.url(f'/a/{feed}/{item}')}</link>"
                         f"<title>{escape(lines[0])}</title><pubDate>{format_datetime(when)}</pubDate>"
                         f"<content:encoded xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
                         f"<![CDATA[{body}]]></content:encoded></item>")
        parts.append("</channel></rss>")
        return "".join(parts).encode("utf-8")

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def handler(request: web.Request) -> web.Response:
            feed = int(request.match_info["feed"])
            self.fetches[feed] += 1
            etag = f'"{feed}-{self._version(feed)}"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(body=self._feed(feed), content_type="application/rss+xml", headers={"ETag": etag})

        app = web.Application()
        app.router.add_get("/feed/{feed}.rss", handler)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())


if __name__ == "__main__":
    main()
