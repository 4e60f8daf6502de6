"""Where the engine holds the GIL longest over a large corpus: how long the event loop's thread can be kept waiting.

    .venv/bin/python bench/gil_holds.py --corpus bench/_data/corpus100k [--threshold 0.1] [--state DIR]

The bot runs the engine on one thread beside the event loop. Python switches threads only between bytecodes, so a
long call into C (a sparse product, a sort, a regular expression over a long text, a garbage collection) keeps
every other thread waiting for the GIL, the event loop and discord.py's heartbeat among them ("websocket is 41 s
behind" at 100,000 articles). This loads the corpus as `briefbot run` does (the kept corpus in --state, built on
the first run), then runs on a worker thread what the bot's engine thread runs first at start and for the first
commands: the corpus made ready (story centroids, the topic count), a briefing twice, a /changes digest, a summary
and the story list. Meanwhile a probe thread asks for the GIL every millisecond; each wait longer than the
threshold is recorded with the worker's stack when the probe got the GIL back (the call that held it has just
returned there), and the cyclic garbage collector's full collections are timed (each holds the GIL throughout).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.ingestion.live import count_topics  # noqa: E402
from bot.storage.corpus_cache import Limits, load_corpus  # noqa: E402
from briefings.briefing import build_briefing  # noqa: E402
from briefings.corpus import Corpus  # noqa: E402
from briefings.digests import build_digest  # noqa: E402
from briefings.stories import ranked_stories  # noqa: E402
from briefings.summaries import summarize_topic  # noqa: E402
from briefings.summarizers import LengthBudget  # noqa: E402
from briefings.topics import corpus_topics  # noqa: E402


def main() -> None:
    """Load the corpus, run the engine's first work on a thread under the probe, print the longest holds."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "_data" / "corpus100k")
    parser.add_argument("--state", type=Path, default=ROOT / "bench" / "_data" / "state-gil")
    parser.add_argument("--threshold", type=float, default=0.1, help="report GIL waits longer than this (s)")
    parser.add_argument("--top", type=int, default=15, help="how many of the longest waits to show")
    args = parser.parse_args()
    started = time.perf_counter()
    corpus, _ = load_corpus(args.corpus, args.state, Limits(1_048_576, 16_384, 200_000),
                            datetime.now(UTC))
    print(f"{len(corpus):,} articles loaded in {time.perf_counter() - started:.1f} s (load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())})", flush=True)
    probe = Probe(args.threshold)
    worker = threading.Thread(target=probe.run_phases, args=(phases(corpus),), name="engine")
    worker.start()
    probe.watch(worker)
    probe.report(args.top)


def phases(corpus: Corpus) -> list[tuple[str, Callable[[], object]]]:
    """Return the engine's first work in the bot, in its order: ready at start, then the commands' work."""
    now = datetime.now(UTC)
    topic = corpus_topics(corpus.index, 1)[0].name if "index" in corpus.__dict__ else "economy"
    return [
        ("centroids (keep_growing)", corpus.keep_growing),
        ("topic count", lambda: count_topics(corpus)),
        ("summary", lambda: summarize_topic(corpus, topic, LengthBudget(sentences=5))),
        ("stories", lambda: ranked_stories(corpus)),
        ("first briefing", lambda: build_briefing(corpus, last=None, now=now)),
        ("next briefing", lambda: build_briefing(corpus, last=None, now=now)),
        ("changes digest", lambda: build_digest(corpus, min(corpus.latest or now, now).replace(hour=0, minute=0),
                                                topic=topic, budget=LengthBudget(sentences=6))),
    ]


class Probe:
    """A thread that asks for the GIL every millisecond and notes how long each wait was, and where the worker was."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.phase = "loading"
        self.holds: list[tuple[float, str, str]] = []
        self.waits: dict[str, list[float]] = defaultdict(list)
        self.walls: dict[str, float] = {}
        self.collections: dict[str, list[float]] = defaultdict(list)
        self._collecting: float | None = None
        self._worker: int | None = None

    def run_phases(self, work: list[tuple[str, Callable[[], object]]]) -> None:
        """Run each phase on this (the worker) thread, timing it."""
        self._worker = threading.get_ident()
        gc.callbacks.append(self._on_collection)
        try:
            for name, call in work:
                self.phase = name
                started = time.perf_counter()
                call()
                self.walls[name] = time.perf_counter() - started
                print(f"{name}: {self.walls[name]:.1f} s", flush=True)
        finally:
            gc.callbacks.remove(self._on_collection)
            self.phase = "done"

    def watch(self, worker: threading.Thread) -> None:
        """Probe until the worker ends (on the calling thread: it competes for the GIL as the event loop does)."""
        while worker.is_alive():
            asked = time.perf_counter()
            time.sleep(0.001)
            waited = time.perf_counter() - asked - 0.001
            self.waits[self.phase].append(waited)
            if waited > self.threshold and self._worker is not None:
                self.holds.append((waited, self.phase, _where(sys._current_frames().get(self._worker))))
        worker.join()

    def report(self, top: int) -> None:
        """Print, for each phase, its time, its waits over the threshold and its longest; then the longest holds."""
        for name, wall in self.walls.items():
            waits = self.waits.get(name, [])
            over = [w for w in waits if w > self.threshold]
            pauses = self.collections.get(name, [])
            print(f"{name}: {wall:.1f} s; GIL waits over {self.threshold * 1000:.0f} ms: {len(over)}, "
                  f"{sum(over):.1f} s in all, longest {max(waits, default=0) * 1000:.0f} ms; full garbage "
                  f"collections {len(pauses)}, {sum(pauses):.2f} s, longest {max(pauses, default=0) * 1000:.0f} ms")
        by_place: dict[str, list[float]] = defaultdict(list)
        for waited, _, where in self.holds:
            by_place[where.splitlines()[0] if where else "?"].append(waited)
        print(f"\nthe {top} longest GIL waits (the worker's stack when the probe got the GIL back, innermost first):")
        for waited, phase, where in sorted(self.holds, reverse=True)[:top]:
            print(f"{waited * 1000:8.0f} ms  {phase}\n{where}")
        print("\nby the innermost line (count, total, longest):")
        for place, waits in sorted(by_place.items(), key=lambda item: -sum(item[1]))[:top]:
            print(f"{len(waits):5d} {sum(waits):7.1f} s {max(waits) * 1000:7.0f} ms  {place}")

    def _on_collection(self, event: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if event == "start":
            self._collecting = time.perf_counter()
        elif self._collecting is not None:
            self.collections[self.phase].append(time.perf_counter() - self._collecting)
            self._collecting = None


def _where(frame: FrameType | None, depth: int = 4) -> str:
    """Name the innermost frames of the project's code (briefings/, bot/) or, failing that, the innermost ones."""
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    ours = [f for f in frames if "/briefings/" in f.f_code.co_filename or "/bot/" in f.f_code.co_filename]
    chosen = (frames[:1] + ours[:depth]) if ours and frames[0] is not ours[0] else (ours or frames)[:depth]
    return "\n".join(f"          {Path(f.f_code.co_filename).name}:{f.f_lineno} {f.f_code.co_name}" for f in chosen)


if __name__ == "__main__":
    main()
