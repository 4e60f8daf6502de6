"""The scale targets of issue 15 in one run, through the real command line, with main's code as the baseline.

    .venv/bin/python bench/build_corpus.py                  # once: bench/_data/corpus10k
    .venv/bin/python bench/scale.py --baseline DIR [--large 100000] [--tiny 55000] [--parts 10k,tiny,large]
    .venv/bin/python bench/scale.py --baseline DIR --parts 10k --repeat 3  # medians of three rounds
    .venv/bin/python bench/scale.py --baseline DIR --parts brief  # the briefing at --large articles, both codes

DIR is a checkout of the code before the change (`git archive main | tar -x -C DIR`); its runs use this venv.
Each figure is one fresh process, as a user would run it, and prints its target:

- 10,000 articles (a copy of bench/_data/corpus10k): `briefbot summary economy --json` from a cold state folder,
  again with nothing changed, and after 10 new articles (newer than all); the baseline's same three runs.
- A large corpus (`--large`, built by bench/build_corpus.py into bench/_data): the command line's first run
  (building the kept corpus), its next run (loading it, with peak resident memory); in one process: `summary
  TOPIC` p50/p95 over 60 topics, warm, and how long a new article takes to be answerable in a running bot's
  corpus (the incremental swap: index and stories, before the topic count).
- `--tiny` look-alike feed items in one RSS feed served on 127.0.0.1: `source add`, `source poll` and `summary
  tariffs` in all (entry caps raised to let every item in; teaser pages not fetched); then the running bot's way,
  in one process: `/source add` (the first poll, the swap, the topic count) and `summary tariffs`.
- `--parts brief` (not in the default parts): over the large corpus, this code and the baseline in turn, `brief
  --json --no-record` twice and `changes --since` the newest day from the command line, and the running bot's
  first and next briefing in one process; ratios, and whether both codes give the same answers.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "_data"
sys.path.insert(0, str(ROOT / "bench"))


class Finished(subprocess.CompletedProcess[str]):
    """A finished command, with the CPU seconds it and its worker processes used."""

    cpu: float = 0.0


def cli(code: Path, args: list[str], env: dict[str, str]) -> tuple[float, float, Finished]:
    """Run `briefbot ARGS` with the code at `code`; return wall seconds, peak RSS (MiB, sampled) and the result."""
    import psutil

    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        # As installed: pip compiles the modules to bytecode, so they are not compiled again on every run (a
        # session's PYTHONDONTWRITEBYTECODE would make each run compile the project's sources).
        inherited = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
        child = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=code,  # noqa: S603 - our own CLI
                                 env={**inherited, **env}, stdout=out, stderr=err, text=True)
        peak = 0
        watched = psutil.Process(child.pid)
        while True:  # reaped here, with its CPU time and its worker processes' (wait4's resource usage)
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            with contextlib.suppress(psutil.Error):
                peak = max(peak, watched.memory_info().rss)
            time.sleep(0.05)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        done = Finished(child.args, child.returncode, out.read(), err.read())
        done.cpu = usage.ru_utime + usage.ru_stime
    if done.returncode not in (0, 1):
        print(f"  ! exit {done.returncode}: {done.stderr.strip()[-300:]}")
    return elapsed, peak / 2**20, done


def newest_copies(folder: Path, count: int) -> list[tuple[str, str]]:
    """Return `count` new article files: copies of the newest articles, dated an hour after the newest of all."""
    import re

    dated = []
    for path in folder.glob("*.txt"):
        head = path.read_text(encoding="utf-8")[:400]
        match = re.search(r"^published: (\S+)", head, re.MULTILINE)
        if match:
            dated.append((match.group(1), path))
    dated.sort()
    newest = datetime.fromisoformat(dated[-1][0])
    files = []
    for number, (_, path) in enumerate(dated[-count:]):
        text = path.read_text(encoding="utf-8")
        when = (newest + timedelta(hours=1, minutes=number)).isoformat()
        text = re.sub(r"^published: \S+", f"published: {when}", text, count=1, flags=re.MULTILINE)
        text = re.sub(r'^source: "[^"]*"', 'source: "Late Wire"', text, count=1, flags=re.MULTILINE)
        files.append((f"zz-new-{number:02d}.txt", text))
    return files


def ten_thousand(baseline: Path | None, repeat: int = 1) -> None:
    """Cold, unchanged and after-10-new runs of `summary economy` over 10,000 articles, this code and baseline.

    With `repeat`, the three runs are made that many times (this code, then the baseline, in turn) and the
    medians printed, with the machine's load before each round.
    """
    import statistics

    source = DATA / "corpus10k"
    if not source.is_dir():
        print(f"{source} is missing: run bench/build_corpus.py first")
        return
    print(f"10,000 articles ({source.name}), `briefbot summary economy --json`, each a fresh process:")
    additions = newest_copies(source, 10)
    rounds: dict[str, list[list[float]]] = {}
    for number in range(repeat):
        if repeat > 1:
            print(f" round {number + 1} of {repeat}, load average {os.getloadavg()[0]:.1f}", flush=True)
        for name, values in _ten_thousand_round(source, additions, baseline).items():
            rounds.setdefault(name, []).append(values)
    results = {name: [statistics.median(run[k] for run in runs) for k in range(3)] for name, runs in rounds.items()}
    if repeat > 1:
        for name, values in results.items():
            print(f"  {name:9}: medians of {repeat}: cold {values[0]:5.1f} s, nothing changed {values[1]:5.1f} s, "
                  f"after 10 new articles {values[2]:5.1f} s")
    ours = results["this code"]
    print(f"  targets: cold <= 5 s ({ours[0]:.1f}), unchanged <= 1 s ({ours[1]:.1f}), after 10 new <= 2 s "
          f"({ours[2]:.1f})")
    if "baseline" in results:
        base = results["baseline"]
        print("  ratios (baseline / this code): " + ", ".join(
            f"{label} {b / o:.1f}x" for label, b, o in zip(("cold", "unchanged", "after 10 new"), base, ours,
                                                            strict=True)))


def _ten_thousand_round(source: Path, additions: list[tuple[str, str]], baseline: Path | None
                        ) -> dict[str, list[float]]:
    """One round of the three runs, this code and the baseline: their wall seconds, by name."""
    results: dict[str, list[float]] = {}
    outputs: dict[str, list[str]] = {}
    for name, code in [("this code", ROOT)] + ([("baseline", baseline)] if baseline else []):
        with tempfile.TemporaryDirectory() as work:
            folder, state = Path(work) / "corpus", Path(work) / "state"
            shutil.copytree(source, folder)
            # 10,010 files after the additions: the default limit of 10,000 files would leave the new ones out.
            env = {"BRIEFBOT_STATE_DIR": str(state), "BRIEFBOT_CORPUS_DIR": str(folder),
                   "BRIEFBOT_MAX_FOLDER_FILES": "20000"}
            args = ["summary", "economy", "--json"]
            cold, _, first = cli(code, args, env)
            warm, _, second = cli(code, args, env)
            for file_name, text in additions:
                (folder / file_name).write_text(text, encoding="utf-8")
            added, _, third = cli(code, args, env)
            if "over the limit" in third.stderr:
                print(f"  ({name}: the new articles were left out: {third.stderr.strip()[-200:]})")
            results[name] = [cold, warm, added]
            outputs[name] = [first.stdout, second.stdout, third.stdout]
        print(f"  {name:9}: cold {cold:5.1f} s, nothing changed {warm:5.1f} s, after 10 new articles {added:5.1f} s"
              f" (CPU {first.cpu:.1f}, {second.cpu:.2f}, {third.cpu:.2f} s)"
              + (f"; the kept corpus answers as the cold run did: {outputs[name][0] == outputs[name][1]}"
                 if name == "this code" else ""), flush=True)
    if "baseline" in outputs:
        print(f"  the same answers as the baseline (cold, unchanged, after 10 new): "
              f"{[a == b for a, b in zip(outputs['this code'], outputs['baseline'], strict=True)]}", flush=True)
    return results


def large(count: int, code: Path = ROOT, label: str = "this code") -> None:
    """The large corpus: first and next command-line runs, warm summary latency, a new article's delay."""
    import build_corpus

    folder = DATA / f"corpus{count // 1000}k"
    if sum(1 for _ in folder.glob("*.txt")) < count if folder.is_dir() else True:
        started = time.perf_counter()
        build_corpus.build(count, folder)
        print(f"built {count:,} articles in {folder.name} in {time.perf_counter() - started:.0f} s")
    state = DATA / (f"state{count // 1000}k" + ("" if code == ROOT else "-baseline"))  # each code's own kept corpus
    env = {"BRIEFBOT_STATE_DIR": str(state), "BRIEFBOT_CORPUS_DIR": str(folder),
           "BRIEFBOT_MAX_FOLDER_FILES": str(count)}
    print(f"{count:,} articles ({folder.name}), {label}, `briefbot summary economy --json`, each a fresh process:")
    first, first_peak, _ = cli(code, ["summary", "economy", "--json"], env)
    print(f"  first run (reads every file, builds and keeps the corpus): {first:.1f} s, peak RSS {first_peak:,.0f} "
          "MiB")
    loaded, peak, _ = cli(code, ["summary", "economy", "--json"], env)
    print(f"  next run (loads the kept corpus): {loaded:.1f} s (target <= 10 s), peak RSS {peak:,.0f} MiB "
          "(target <= 2,048 MiB)", flush=True)
    # In a process of its own, importing `code`'s modules (the baseline's too).
    subprocess.run([sys.executable, __file__, "--in-process", str(code), str(folder), str(state), str(count)],  # noqa: S603
                   check=False)


def resident() -> str:
    """Return this process's resident memory now and its peak so far (VmRSS, VmHWM), in MiB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    now, peak = (int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM"))
    return f"resident {now:,.0f} MiB (peak {peak:,.0f} MiB)"


def in_process(folder: Path, state: Path, count: int) -> None:
    """Warm `summary TOPIC` latency and the incremental swap of one new article, in one process."""
    from dataclasses import replace

    from bot.ingestion.live import ready
    from bot.storage.corpus_cache import Limits, load_corpus
    from briefings.summaries import summarize_topic
    from briefings.summarizers import LengthBudget
    from briefings.topics import corpus_topics

    started = time.perf_counter()
    corpus, _ = load_corpus(folder, state, Limits(1_048_576, 16_384, count), datetime.now(UTC))
    print(f"  in one process: kept corpus loaded in {time.perf_counter() - started:.1f} s, {resident()}")
    started = time.perf_counter()
    topics = [topic.name for topic in corpus_topics(corpus.index, 400)]
    print(f"  topics counted in {time.perf_counter() - started:.1f} s (off the event loop in the bot), {resident()}")
    from engine import topic_latencies

    queries, p50, p95, _ = topic_latencies(corpus, topics, 60)
    print(f"  summary TOPIC warm, {queries} topics: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
          f"(target p95 <= 250 ms); {resident()}")
    newest = max(a.published for a in corpus.articles if a.published)
    latest = next(a for a in reversed(corpus.articles) if a.published == newest)
    wire = replace(latest, id="bench-new-wire", source="Late Wire", published=newest + timedelta(minutes=5))
    started = time.perf_counter()
    grown = ready(corpus.updated((*corpus.articles, wire), corpus.backfill), topics=False)
    swap = time.perf_counter() - started
    word = next(w for w in wire.title.split() if len(w) > 5)
    started = time.perf_counter()
    cited = summarize_topic(grown, word, LengthBudget(sentences=5))
    answer = time.perf_counter() - started
    joined = next(s for s in grown.stories if wire.id in s.article_ids)
    print(f"  a new article in the running bot's corpus, the first since start-up: swapped in after {swap:.1f} s "
          f"(index and stories), `summary {word}` {answer * 1000:.0f} ms: answerable {swap + answer:.1f} s after its "
          f"poll (target <= 5 s); it joined a story of {len(joined.article_ids)} articles; "
          f"{len(cited.sentences)} sentences")
    later = []
    for number in range(1, 4):  # the next ones, as a feed brings them: each swap grows from the one before
        wire = replace(latest, id=f"bench-new-wire-{number}", source=f"Wire {number}",
                       published=newest + timedelta(minutes=5 + number))
        started = time.perf_counter()
        grown = ready(grown.updated((*grown.articles, wire), grown.backfill), topics=False)
        summarize_topic(grown, word, LengthBudget(sentences=5))
        later.append(time.perf_counter() - started)
    print(f"  the next three new articles answerable after {', '.join(f'{x:.1f}' for x in later)} s (swap and "
          f"summary); {resident()}")
    # Expiry: the oldest 1% leave (the retention window moved) as one more article comes, then another comes.
    expired = {article.id for article in grown.articles[: len(grown.articles) // 100]}
    wire = replace(latest, id="bench-new-wire-expiry", source="Wire E", published=newest + timedelta(minutes=10))
    started = time.perf_counter()
    grown = ready(grown.updated((*(a for a in grown.articles if a.id not in expired), wire), grown.backfill),
                  topics=False)
    summarize_topic(grown, word, LengthBudget(sentences=5))
    expiry = time.perf_counter() - started
    wire = replace(latest, id="bench-new-wire-after", source="Wire F", published=newest + timedelta(minutes=11))
    started = time.perf_counter()
    grown = ready(grown.updated((*grown.articles, wire), grown.backfill), topics=False)
    summarize_topic(grown, word, LengthBudget(sentences=5))
    after = time.perf_counter() - started
    print(f"  {len(expired):,} oldest articles expiring as one new comes: answerable after {expiry:.1f} s; the next "
          f"new article after {after:.1f} s (swap and summary); {resident()}")


def briefing_part(count: int, baseline: Path | None) -> None:
    """The briefing and "what changed" over the large corpus: the command line's and the running bot's, each code.

    Each code keeps its own corpus (built by a first `summary` run when missing, not timed here). The command
    line: `brief --json --no-record` twice (each a fresh process loading the kept corpus) and `changes --since`
    the newest article's day; the running bot's way, in one process: the first briefing after loading the kept
    corpus, then the next (the same window, as a second destination's would be).
    """
    import json

    folder = DATA / f"corpus{count // 1000}k"
    if not folder.is_dir():
        print(f"{folder} is missing: run bench/build_corpus.py --articles {count} --out {folder} first")
        return
    newest = max(line[len("published: "):].strip() for path in folder.glob("*.txt")
                 for line in path.read_text(encoding="utf-8")[:400].splitlines() if line.startswith("published: "))
    day = datetime.fromisoformat(newest).date().isoformat()
    print(f"{count:,} articles ({folder.name}), the briefing and what changed since {day}:")
    figures: dict[str, list[float]] = {}
    answers: dict[str, list[object]] = {}
    for label, code in [("this code", ROOT)] + ([("baseline", baseline)] if baseline else []):
        state = DATA / (f"state{count // 1000}k" + ("" if code == ROOT else "-baseline"))
        env = {"BRIEFBOT_STATE_DIR": str(state), "BRIEFBOT_CORPUS_DIR": str(folder),
               "BRIEFBOT_MAX_FOLDER_FILES": str(count)}
        if not any(state.glob("corpus-*")):
            cli(code, ["summary", "economy", "--json"], env)  # builds the kept corpus
        runs = [cli(code, ["brief", "--json", "--no-record"], env) for _ in range(2)]
        changed = cli(code, ["changes", "--since", day, "--json"], env)
        briefs = [json.loads(done.stdout or "null") for _, _, done in runs]
        for brief in briefs:
            if isinstance(brief, dict):
                brief.pop("now", None)  # the wall clock
        answers[label] = [*briefs, json.loads(changed[2].stdout or "null")]
        print(f"  {label}, command line: brief {runs[0][0]:.1f} s (CPU {runs[0][2].cpu:.1f} s, peak RSS "
              f"{runs[0][1]:,.0f} MiB), again {runs[1][0]:.1f} s (CPU {runs[1][2].cpu:.1f} s); changes --since {day} "
              f"{changed[0]:.1f} s (CPU {changed[2].cpu:.1f} s, exit {changed[2].returncode})", flush=True)
        done = subprocess.run([sys.executable, __file__, "--in-briefing", str(code), str(folder), str(state),  # noqa: S603
                               str(count)], check=False, capture_output=True, text=True)
        print(done.stdout.rstrip(), flush=True)
        bot = [float(x) for x in done.stdout.split("FIGURES")[-1].split()] if "FIGURES" in done.stdout else [0.0] * 2
        figures[label] = [runs[0][0], runs[1][0], changed[0], *bot]
    if "baseline" in figures:
        names = ("brief", "brief again", "changes", "bot's first briefing", "bot's next briefing")
        print("  ratios (baseline / this code): " + ", ".join(
            f"{name} {b / o:.1f}x" for name, b, o in zip(names, figures["baseline"], figures["this code"], strict=True)
            if o > 0))
        print(f"  the same answers as the baseline (brief, brief again, changes): "
              f"{[a == b for a, b in zip(answers['this code'], answers['baseline'], strict=True)]}")
    ours = figures["this code"]
    print(f"  targets: the bot's first briefing <= 10 s ({ours[3]:.1f}), later ones <= 3 s ({ours[4]:.1f})")


def in_briefing(folder: Path, state: Path, count: int) -> None:
    """The running bot's first and next briefing over the kept corpus, in one process."""
    from bot.storage.corpus_cache import Limits, load_corpus
    from briefings.briefing import build_briefing

    started = time.perf_counter()
    corpus, _ = load_corpus(folder, state, Limits(1_048_576, 16_384, count), datetime.now(UTC))
    print(f"  in one process: kept corpus loaded in {time.perf_counter() - started:.1f} s, {resident()}")
    took = []
    for _ in range(2):
        started, cpu = time.perf_counter(), time.process_time()
        briefing = build_briefing(corpus, now=datetime.now(UTC))
        took.append(time.perf_counter() - started)
        print(f"  a briefing: {took[-1]:.1f} s (CPU {time.process_time() - cpu:.1f} s), "
              f"{len(briefing.stories)} stories, {resident()}", flush=True)
    print("FIGURES", *(f"{x:.2f}" for x in took))


class _Feed(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def tiny_feed(count: int, code: Path, label: str) -> float:
    """Serve one feed of `count` tiny look-alike items; time source add + poll + summary with the code at `code`."""
    from grouping import GOODS, PLACES

    rng = random.Random(5)
    # As small as the (55,000 items in 5 MB, under the fetcher's 5 MiB cap): a description alone.
    items = "".join(f"<item><description>Shipper {n} says tariffs on {rng.choice(GOODS)} from {rng.choice(PLACES)} "
                    "rose.</description></item>" for n in range(count))
    _Feed.body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/'
                  f"</link><description>Wire</description>{items}</channel></rss>").encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.rss"
    try:
        with tempfile.TemporaryDirectory() as work:
            empty = Path(work) / "corpus"
            empty.mkdir()
            env = {"BRIEFBOT_STATE_DIR": str(Path(work) / "state"), "BRIEFBOT_CORPUS_DIR": str(empty),
                   "BRIEFBOT_FETCH_ALLOW_HOSTS": "127.0.0.1", "BRIEFBOT_MAX_ENTRIES_PER_POLL": str(count),
                   "BRIEFBOT_MAX_ARTICLES_PER_SOURCE": str(count), "BRIEFBOT_PAGES_PER_FEED": "0",
                   "BRIEFBOT_PAGES_PER_POLL": "0"}
            added, _, _ = cli(code, ["source", "add", url], env)
            polled, _, poll = cli(code, ["source", "poll"], env)
            summary, _, done = cli(code, ["summary", "tariffs", "--json"], env)
            again, _, _ = cli(code, ["summary", "tariffs", "--json"], env)
        total = added + polled + summary
        print(f"  {label}: {len(_Feed.body) / 2**20:.1f} MiB feed; source add {added:.1f} s, poll {polled:.1f} s "
              f"({poll.stdout.strip()[:60]}), summary {summary:.1f} s (exit {done.returncode}): {total:.1f} s in all "
              f"(target < 60 s); the next summary {again:.1f} s", flush=True)
        # The running bot: one process follows the feed (`/source add`: the first poll and the swap) and answers.
        with tempfile.TemporaryDirectory() as work:
            subprocess.run([sys.executable, __file__, "--bot-tiny", str(code), url, work, str(count)],  # noqa: S603
                           check=False)
    finally:
        server.shutdown()
    return total


def bot_tiny(url: str, work: Path, count: int) -> None:
    """In one process, as the running bot does: follow the feed (its first poll and the swap), then answer."""
    import asyncio

    from bot.ingestion.fetch import Fetcher
    from bot.ingestion.live import LiveCorpus
    from bot.ingestion.sources import Ingestor, PollLimits
    from bot.storage.database import SourceStore, Storage
    from briefings.corpus import Corpus
    from briefings.summaries import summarize_topic
    from briefings.summarizers import LengthBudget

    (work / "folder").mkdir()
    store = SourceStore(Storage.open(f"sqlite:///{work / 'briefbot.db'}"))

    async def follow() -> tuple[float, float, int]:
        async with Fetcher(frozenset({"127.0.0.1"})) as fetcher:
            ingestor = Ingestor(LiveCorpus(Corpus(())), work / "folder", 1_000_000, store, fetcher,
                                timedelta(days=3650), limits=PollLimits(count, count, 0, 0))
            started = time.perf_counter()
            followed = await ingestor.add_and_poll(url, timedelta(minutes=30))
            swapped = time.perf_counter() - started
            started = time.perf_counter()
            summarize_topic(ingestor.live.current, "tariffs", LengthBudget(sentences=5))
            return swapped, time.perf_counter() - started, followed.articles

    swapped, answered, articles = asyncio.run(follow())
    print(f"  the running bot, one process: /source add (first poll, swap and topic count) {swapped:.1f} s for "
          f"{articles:,} articles, then `summary tariffs` {answered:.1f} s: {swapped + answered:.1f} s in all")


def main() -> None:
    """Run the three parts and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="a checkout of the code before the change")
    parser.add_argument("--large", type=int, default=100_000, help="articles in the large corpus (default 100,000)")
    parser.add_argument("--parts", default="10k,tiny,large", help="parts to run (default 10k,tiny,large; or brief)")
    parser.add_argument("--tiny", type=int, default=55_000, help="look-alike feed items (default 55,000)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the 10,000-article runs (medians printed)")
    parser.add_argument("--tiny-baseline", action="store_true",
                        help="run the tiny items with the baseline too (main before took 437 s for 55,000)")
    parser.add_argument("--large-baseline", action="store_true", help="run the large corpus with the baseline too")
    parser.add_argument("--in-process", nargs=4, metavar=("CODE", "FOLDER", "STATE", "COUNT"), help=argparse.SUPPRESS)
    parser.add_argument("--in-briefing", nargs=4, metavar=("CODE", "FOLDER", "STATE", "COUNT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--bot-tiny", nargs=4, metavar=("CODE", "URL", "WORK", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bot_tiny:
        code, url, work, count = args.bot_tiny
        sys.path.insert(0, code)
        bot_tiny(url, Path(work), int(count))
        return
    if args.in_briefing:
        code, folder, state, count = args.in_briefing
        sys.path.insert(0, code)
        in_briefing(Path(folder), Path(state), int(count))
        return
    if args.in_process:
        code, folder, state, count = args.in_process
        sys.path.insert(0, code)
        import briefings

        print(f"  in one process, the code of {Path(briefings.__file__).parent.parent}:")
        in_process(Path(folder), Path(state), int(count))
        return
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    parts = set(args.parts.split(","))
    if "10k" in parts:
        ten_thousand(args.baseline, args.repeat)
    if "tiny" in parts:
        print(f"{args.tiny:,} tiny look-alike items in one feed:")
        ours = tiny_feed(args.tiny, ROOT, "this code")
        if args.baseline and args.tiny_baseline:
            base = tiny_feed(args.tiny, args.baseline, "baseline")
            print(f"  ratio (baseline / this code): {base / ours:.1f}x")
    if "large" in parts:
        large(args.large)
        if args.baseline and args.large_baseline:
            large(args.large, args.baseline, "baseline")
    if "brief" in parts:
        briefing_part(args.large, args.baseline)


if __name__ == "__main__":
    main()
