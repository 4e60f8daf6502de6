"""'What changed', replayed day by day on Timeline17 against people's timelines and update summaries (issue 10).

    .venv/bin/python bench/timeline.py [--stories a,b] [--days N | --batches N] [--baseline DIR] [--words 100] [--topic]

For each story of ../shared/data/timeline17/ and each replayed day d (a day with articles and with a human
reference: an outlet's timeline entries for d, or the annotators' "what's new that day" summaries):
- corpus = every article of the story published up to day d;
- digest = what `briefbot changes --since d --until d` computes (`build_digest`, called in-process);
- window alone = the same engine's summary of day d's articles only, with no history (`summarize_articles`);
- LexRank = sumy's LexRank on day d's articles (fed Briefbot's sentences and words: NLTK's tokenizer never runs).
Each is held to the same word budget and scored by ROUGE-2 recall with the Porter stemmer (rouge_score), averaged
over the day's references (each timeline's entries for d as one reference, each annotator's summary as one).
Prints per story and overall means, and the ratios digest/window-alone and digest/LexRank, in one run; with
--baseline DIR (a checkout of the code before a change, e.g. `git worktree add /tmp/base main`) the baseline's
digest and window-alone beside them. Also times a day's digest over the largest story's whole corpus, and, when
bench/gold.py is present, prints its moved-figure and reversal precision and recall.

Days are sampled evenly over each story's replayable days (--days 0: every day). With --batches N, the replay is
shaped like the TAC update task instead: each story's days are cut into successive batches of at least ten
articles, and N triples of successive batches (A, B, C) per story are replayed; the digest of B has A as its
history, the digest of C has A and B, and each is scored against the references of its batch's days (each
timeline's entries for those days as one reference, each annotator's summaries as one). The stories are
development data: the held-out benchmarks of the issue are other stories from other years.

With --topic, a newsroom's corpus is replayed too: the seven stories' articles in one corpus, each story moved to
start on the same day (MIXED_START) so that their days mix, and each story asked by the short query of
TOPIC_QUERIES ("oil spill", "Egypt", ...). For each step the topic digest is `changes TOPIC` over every mixed article
up to day d (`build_digest(..., topic)`, the call the briefing's "What changed" makes for a topic), the topic window
the same call over day d's mixed articles alone; both are scored against the story's references beside the
story-only digest and LexRank, with how many of the topic digest's sentences come from another story's articles,
and the time a topic digest takes.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "timeline17"
ENGINES = ("digest", "window")
BATCH = 10  # articles at least in a batch of --batches (the TAC update task's batches hold about ten)
LEXRANK_CACHE = ROOT / "bench" / "_data" / "timeline-lexrank.json"
# --topic: what a reader of a newsroom's feeds would type to follow each story, written once for every code run.
TOPIC_QUERIES = {"bp_oil_spill": "oil spill", "egyptian_crisis": "Egypt", "haitian_earthquake": "Haiti earthquake",
                 "iraq_war": "Iraq", "libyan_war": "Libya", "mj_death": "Michael Jackson", "swine_flu": "swine flu"}
MIXED_START = datetime(2030, 1, 1, tzinfo=UTC)  # --topic: every story moved to start on this day, so days mix
TOPIC_ENGINES = ("digest", "topic digest", "topic window")


def references(story: Path) -> dict[str, list[str]]:
    """Return each day's human references: one text per timeline that covers the day, one per annotator."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted((story / "timelines").glob("*.json")):
        for day, entries in json.loads(path.read_text(encoding="utf-8"))["dates"].items():
            if entries:
                found[day].append(" ".join(entries))
    for path in sorted((story / "updates").glob("*.json")):
        for day, text in json.loads(path.read_text(encoding="utf-8")).items():
            if text.strip():
                found[day].append(text)
    return dict(found)


def article_days(story: Path) -> dict[str, list[Path]]:
    """Return the story's article files by publication day (the day leads each file name)."""
    days: dict[str, list[Path]] = defaultdict(list)
    for path in sorted((story / "articles").glob("*.txt")):
        days[path.name[:10]].append(path)
    return dict(days)


def story_days(data: Path, stories: list[str] | None) -> list[tuple[Path, dict[str, list[Path]], set[str]]]:
    """Return each chosen story with its article files by day and the days that have references."""
    return [(story, article_days(story), set(references(story)))
            for story in sorted(path for path in data.iterdir() if path.is_dir())
            if not stories or story.name in stories]


def sample(items: list[Any], wanted: int) -> list[Any]:
    """Return `wanted` items spread evenly over the list (all of them when wanted is 0 or more than there are)."""
    if not wanted or len(items) <= wanted:
        return items
    step = len(items) / wanted
    return [items[int(step * n + step / 2)] for n in range(wanted)]


def plan(data: Path, stories: list[str] | None, days: int) -> list[dict[str, Any]]:
    """Choose the days to replay for each story: days with articles and references, sampled evenly."""
    steps: list[dict[str, Any]] = []
    for story, by_day, refs in story_days(data, stories):
        replayable = sample(sorted(day for day in by_day if day in refs), days)
        steps += [{"story": story.name, "key": f"{story.name}/{day}", "days": [day], "start": None}
                  for day in replayable]
    return steps


def plan_batches(data: Path, stories: list[str] | None, per_story: int, size: int = BATCH) -> list[dict[str, Any]]:
    """Choose TAC-like steps: triples of successive batches of >= size articles, B and C each with references."""
    steps: list[dict[str, Any]] = []
    for story, by_day, refs in story_days(data, stories):
        batches: list[list[str]] = []
        current: list[str] = []
        for day in sorted(by_day):
            current.append(day)
            if sum(len(by_day[d]) for d in current) >= size:
                batches.append(current)
                current = []
        triples = [batches[n : n + 3] for n in range(0, len(batches) - 2, 3)]
        triples = [t for t in triples if all(any(day in refs for day in batch) for batch in t[1:])]
        for first, *later in sample(triples, per_story):
            for number, batch in enumerate(later, start=2):
                steps.append({"story": story.name, "key": f"{story.name}/{batch[0]}..{batch[-1]}/{number}",
                              "days": batch, "start": first[0]})
    return steps


def step_references(data: Path, step: dict[str, Any]) -> list[str]:
    """Return a step's references: per timeline and per annotator, its texts for the step's days joined."""
    story = data / step["story"]
    found: list[str] = []
    for path in sorted((story / "timelines").glob("*.json")):
        dates = json.loads(path.read_text(encoding="utf-8"))["dates"]
        text = " ".join(" ".join(dates[day]) for day in step["days"] if dates.get(day))
        if text.strip():
            found.append(text)
    for path in sorted((story / "updates").glob("*.json")):
        texts = json.loads(path.read_text(encoding="utf-8"))
        text = " ".join(texts[day] for day in step["days"] if texts.get(day, "").strip())
        if text.strip():
            found.append(text)
    return found


def window_of(step: dict[str, Any]) -> tuple[datetime, datetime, datetime | None]:
    """Return a step's window (its first day's start, its last day's end) and where its history starts."""
    since = datetime.fromisoformat(step["days"][0]).replace(tzinfo=UTC)
    until = datetime.fromisoformat(step["days"][-1]).replace(tzinfo=UTC) + timedelta(days=1, microseconds=-1)
    start = datetime.fromisoformat(step["start"]).replace(tzinfo=UTC) if step["start"] else None
    return since, until, start


def run_engine(code: Path, data: Path, steps: list[dict[str, Any]], words: int) -> dict[str, Any]:
    """With the briefings package of `code`, return the digest and window-alone sentences of each planned step."""
    sys.path.insert(0, str(code))
    from briefings.corpus import Article, ArticleError, Corpus
    from briefings.digests import build_digest
    from briefings.summaries import summarize_articles
    from briefings.summarizers import LengthBudget

    budget = LengthBudget(words=words)
    out: dict[str, Any] = {"days": {}, "timing": {}}
    loaded: dict[str, list[Article]] = {}
    for step in steps:
        story = step["story"]
        if story not in loaded:
            loaded[story] = []
            for path in sorted((data / story / "articles").glob("*.txt")):
                try:
                    loaded[story].append(Article.from_path(path))
                except ArticleError:
                    continue
        since, until, start = window_of(step)
        known = [a for a in loaded[story] if a.published is not None and a.published <= until
                 and (start is None or a.published >= start)]
        window = [a for a in known if a.published is not None and a.published >= since]
        corpus = Corpus(tuple(known))
        corpus.index  # noqa: B018 - built here, as a running bot holds it, so the timing is the digest's
        started = time.perf_counter()
        digest = build_digest(corpus, since, until, budget=budget)
        elapsed = time.perf_counter() - started
        alone = summarize_articles(window, budget) if window else None
        out["days"][step["key"]] = {
            "digest": [cited.text for cited in digest.sentences],
            "window": [cited.text for cited in alone.sentences] if alone else [],
            "seconds": elapsed,
            "articles": len(known),
            "window_articles": len(window),
        }
        print(f"\r{code.name}: {step['key']}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    out["timing"] = time_largest(data, words)
    return out


def mixed_articles(data: Path) -> tuple[list[Any], dict[str, str], dict[str, datetime]]:
    """Return the seven stories' articles in one corpus, each story moved to start on MIXED_START.

    Also each article's story (its id names it) and each story's first day, by which a step's days are moved. The
    stories span 2005-2011: left where they are, a day's window would hold one story and the topic would be free.
    """
    from dataclasses import replace

    from briefings.corpus import Corpus  # the code run_engine put first on the path

    articles: list[Any] = []
    story_of: dict[str, str] = {}
    first_day: dict[str, datetime] = {}
    for story in sorted(path for path in data.iterdir() if path.is_dir()):
        corpus, _ = Corpus.from_folder(story / "articles")  # as bench/gold.py's mixed corpus reads them
        loaded = list(corpus)
        first = min(a.published for a in loaded if a.published is not None)
        first = first.replace(hour=0, minute=0, second=0, microsecond=0)
        first_day[story.name] = first
        for article in loaded:
            story_of[article.id] = story.name
            if article.published is not None:
                article = replace(article, published=MIXED_START + (article.published - first))
            articles.append(article)
    return articles, story_of, first_day


def run_topic_engine(code: Path, data: Path, steps: list[dict[str, Any]], words: int) -> dict[str, Any]:
    """With the briefings package of `code`, return each step's story-only digest and its topic digest and window.

    The topic digest is `briefbot changes TOPIC --since d --until d` (`build_digest(..., topic)`, as the briefing's
    "what changed" calls it too) over every story's articles up to day d, moved to MIXED_START; the topic window is
    the same call over day d's mixed articles alone (no history: the window's summary of what mentions the topic).
    """
    sys.path.insert(0, str(code))
    from briefings.corpus import Corpus
    from briefings.digests import build_digest
    from briefings.summaries import NothingToReport
    from briefings.summarizers import LengthBudget

    budget = LengthBudget(words=words)
    story_only = run_engine(code, data, steps, words)
    mixed, story_of, first_day = mixed_articles(data)
    out: dict[str, Any] = {"days": story_only["days"], "timing": story_only["timing"], "topic_timing": {}}

    def topic_digest(corpus: Any, since: datetime, until: datetime, query: str) -> list[Any]:  # noqa: ANN401
        try:
            return list(build_digest(corpus, since, until, topic=query, budget=budget).sentences)
        except NothingToReport:
            return []

    for step in steps:
        story, query = step["story"], TOPIC_QUERIES[step["story"]]
        since, until, start = window_of(step)
        moved = MIXED_START - first_day[story]
        since, until = since + moved, until + moved
        start = start + moved if start is not None else None
        known = [a for a in mixed if a.published is not None and a.published <= until
                 and (start is None or a.published >= start)]
        window = [a for a in known if a.published is not None and a.published >= since]
        corpus = Corpus(tuple(known))
        corpus.index  # noqa: B018 - built here, as a running bot holds it, so the timing is the digest's
        started = time.perf_counter()
        digest = topic_digest(corpus, since, until, query)
        elapsed = time.perf_counter() - started
        alone = topic_digest(Corpus(tuple(window)), since, until, query) if window else []
        out["days"][step["key"]].update({
            "topic digest": [cited.text for cited in digest],
            "topic window": [cited.text for cited in alone],
            "topic digest wrong": [cited.text for cited in digest if story_of[cited.article_id] != story],
            "topic window wrong": [cited.text for cited in alone if story_of[cited.article_id] != story],
            "topic seconds": elapsed,
            "mixed articles": len(known),
            "mixed window articles": len(window),
        })
        print(f"\r{code.name} (topic): {step['key']}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    out["topic_timing"] = time_mixed_busiest(mixed, story_of, words)
    return out


def time_mixed_busiest(mixed: list[Any], story_of: dict[str, str], words: int) -> dict[str, Any]:
    """Time the largest story's query on its busiest day, over every mixed article up to it."""
    from briefings.corpus import Corpus
    from briefings.digests import build_digest
    from briefings.summarizers import LengthBudget

    largest = max(sorted(set(story_of.values())), key=lambda story: list(story_of.values()).count(story))
    per_day: dict[datetime, int] = defaultdict(int)
    for article in mixed:
        if article.published is not None and story_of[article.id] == largest:
            per_day[article.published.replace(hour=0, minute=0, second=0, microsecond=0)] += 1
    busiest = max(sorted(per_day), key=lambda day: per_day[day])
    until = busiest + timedelta(days=1, microseconds=-1)
    known = tuple(a for a in mixed if a.published is not None and a.published <= until)
    started = time.perf_counter()
    corpus = Corpus(known)
    corpus.index  # noqa: B018
    indexed = time.perf_counter() - started
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        build_digest(corpus, busiest, until, topic=TOPIC_QUERIES[largest], budget=LengthBudget(words=words))
        runs.append(time.perf_counter() - started)
    return {"query": TOPIC_QUERIES[largest], "articles": len(known), "day": f"{busiest:%Y-%m-%d}",
            "day_articles": sum(a.published is not None and a.published >= busiest for a in known),
            "index_seconds": indexed, "digest_seconds": min(runs)}


def time_largest(data: Path, words: int) -> dict[str, Any]:
    """Time a day's digest over the whole of the largest story (its busiest day), the index built once."""
    from briefings.corpus import Article, ArticleError, Corpus  # the code run_engine put first on the path
    from briefings.digests import build_digest
    from briefings.summarizers import LengthBudget

    story = max((path for path in data.iterdir() if path.is_dir()), key=lambda p: len(list(p.glob("articles/*"))))
    by_day = article_days(story)
    busiest = max(sorted(by_day), key=lambda day: len(by_day[day]))
    articles = []
    for path in sorted((story / "articles").glob("*.txt")):
        try:
            articles.append(Article.from_path(path))
        except ArticleError:
            continue
    started = time.perf_counter()
    corpus = Corpus(tuple(articles))
    corpus.index  # noqa: B018
    indexed = time.perf_counter() - started
    since = datetime.fromisoformat(busiest).replace(tzinfo=UTC)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        build_digest(corpus, since, since + timedelta(days=1, microseconds=-1), budget=LengthBudget(words=words))
        runs.append(time.perf_counter() - started)
    return {"story": story.name, "articles": len(articles), "day": busiest, "day_articles": len(by_day[busiest]),
            "index_seconds": indexed, "digest_seconds": min(runs)}


def engine_in_subprocess(code: Path, data: Path, steps: list[dict[str, Any]], words: int,
                         topic: bool = False) -> dict[str, Any]:
    """Run run_engine (run_topic_engine) in a fresh interpreter, so two versions of briefings never share a process."""
    command = [sys.executable, __file__, "--engine", str(code), "--data", str(data), "--words", str(words),
               "--plan", json.dumps(steps), *(["--topic"] if topic else [])]
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)  # noqa: S603 - our own script
    return json.loads(result.stdout)


def lexrank(data: Path, steps: list[dict[str, Any]], words: int) -> dict[str, list[str]]:
    """Return sumy LexRank's sentences for each planned step's window articles alone."""
    sys.path.insert(0, str(ROOT))
    from briefings.corpus import Article, ArticleError
    from briefings.summaries import summarize_articles
    from briefings.summarizers import LengthBudget

    cached: dict[str, list[str]] = {}
    if LEXRANK_CACHE.exists():
        cached = json.loads(LEXRANK_CACHE.read_text(encoding="utf-8"))
    chosen: dict[str, list[str]] = {}
    days_of: dict[str, dict[str, list[Path]]] = {}
    for step in steps:
        story = step["story"]
        by_day = days_of.setdefault(story, article_days(data / story))
        window = []
        for day in step["days"]:
            for path in by_day.get(day, []):
                try:
                    window.append(Article.from_path(path))
                except ArticleError:
                    continue
        # sumy's LexRank compares every pair of sentences in Python (a minute for a 1,000-sentence day), and its
        # answer depends only on the window's sentences: it is computed once for them and kept in bench/_data.
        digest = hashlib.sha256("\n".join(s.text for a in window for s in a.sentences).encode()).hexdigest()[:16]
        key = f"{story}/{step['days'][0]}/{words}/{digest}"
        if key not in cached:
            cached[key] = [cited.text for cited in
                           summarize_articles(window, LengthBudget(words=words), "lexrank").sentences]
            LEXRANK_CACHE.parent.mkdir(parents=True, exist_ok=True)
            LEXRANK_CACHE.write_text(json.dumps(cached), encoding="utf-8")
        chosen[step["key"]] = cached[key]
        print(f"\rlexrank: {step['key']}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return chosen


def rouge2_recall(scorer: rouge_scorer.RougeScorer, refs: list[str], sentences: list[str]) -> float:
    """Return ROUGE-2 recall (x100) of the sentences, averaged over the references."""
    text = " ".join(sentences)
    return 100 * statistics.fmean(scorer.score(ref, text)["rouge2"].recall for ref in refs)


def report(data: Path, steps: list[dict[str, Any]], systems: dict[str, dict[str, list[str]]]) -> dict[str, float]:
    """Print per-story and overall ROUGE-2 recall of every system, and the ratios the issue names; return the means."""
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    names = list(systems)
    overall: dict[str, list[float]] = defaultdict(list)
    header = f"{'story':<20} {'steps':>5} " + " ".join(f"{name:>15}" for name in names)
    print("ROUGE-2 recall (x100, Porter stemmer), mean over replayed steps")
    print(header)
    print("-" * len(header))
    by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for step in steps:
        by_story[step["story"]].append(step)
    for story, wanted in by_story.items():
        scores: dict[str, list[float]] = defaultdict(list)
        for step in wanted:
            refs = step_references(data, step)
            for name in names:
                value = rouge2_recall(scorer, refs, systems[name][step["key"]])
                scores[name].append(value)
                overall[name].append(value)
        print(f"{story:<20} {len(wanted):>5} " + " ".join(f"{statistics.fmean(scores[n]):15.2f}" for n in names))
    print("-" * len(header))
    total = len(steps)
    means = {name: statistics.fmean(overall[name]) for name in names}
    print(f"{'all (mean of steps)':<20} {total:>5} " + " ".join(f"{means[n]:15.2f}" for n in names))
    for prefix in ("", "baseline "):
        digest, window = means.get(f"{prefix}digest"), means.get(f"{prefix}window")
        if digest is None or window is None:
            continue
        print(f"{prefix}digest / window-alone: {digest / window:.2f}; {prefix}digest / LexRank: "
              f"{digest / means['lexrank']:.2f}")
        pairs = list(zip(overall[f"{prefix}digest"], overall[f"{prefix}window"], strict=True))
        print(f"  {prefix}digest above / below window-alone on {sum(d > w for d, w in pairs)} / "
              f"{sum(d < w for d, w in pairs)} of {total} steps; under 1.0 on "
              f"{sum(d < 1.0 for d, _ in pairs)}")
    if "baseline digest" in means:
        print(f"digest now / baseline digest: {means['digest'] / means['baseline digest']:.2f}")
    return means


def report_topic(means: dict[str, float], runs: dict[str, dict[str, Any]]) -> None:
    """Print the topic digest's ratios, its sentences from another story's articles, and its time (--topic)."""
    for prefix in ("", "baseline "):
        topic = means.get(f"{prefix}topic digest")
        if topic is None:
            continue
        print(f"{prefix}topic digest / story-only digest: {topic / means[f'{prefix}digest']:.2f}; / topic window: "
              f"{topic / means[f'{prefix}topic window']:.2f}; / LexRank on the story's day: "
              f"{topic / means['lexrank']:.2f}")
    if "baseline topic digest" in means:
        print(f"topic digest now / baseline topic digest: {means['topic digest'] / means['baseline topic digest']:.2f}")
    for label, run in runs.items():
        days = run["days"].values()
        for name in ("topic digest", "topic window"):
            shown = sum(len(day[name]) for day in days)
            wrong = sum(len(day[f"{name} wrong"]) for day in days)
            steps = sum(bool(day[f"{name} wrong"]) for day in days)
            print(f"{label}: {name} sentences from another story's articles: {wrong} of {shown} "
                  f"({steps} of {len(run['days'])} steps); empty on {sum(not day[name] for day in days)} steps")
    for label, run in runs.items():
        per_day = sorted(day["topic seconds"] for day in run["days"].values())
        timing = run["topic_timing"]
        print(f"{label}: topic digest time over replayed days: median {1000 * statistics.median(per_day):.0f} ms, "
              f"max {1000 * per_day[-1]:.0f} ms; mixed corpus up to its busiest day ({timing['articles']:,} "
              f"articles, index built in {timing['index_seconds']:.2f} s): `changes \"{timing['query']}\"` of "
              f"{timing['day']} ({timing['day_articles']} articles that day) in {timing['digest_seconds']:.2f} s")


def print_timing(label: str, timing: dict[str, Any], per_day: list[float]) -> None:
    """Print the digest's speed: over the replayed days and over the largest story's busiest day."""
    per_day = sorted(per_day)
    print(f"{label}: digest time over replayed days: median {1000 * statistics.median(per_day):.0f} ms, "
          f"max {1000 * per_day[-1]:.0f} ms; {timing['story']} ({timing['articles']:,} articles, index built in "
          f"{timing['index_seconds']:.2f} s): the digest of {timing['day']} ({timing['day_articles']} articles that "
          f"day) in {timing['digest_seconds']:.2f} s (target < 2 s)")


def print_gold(baseline: Path | None) -> None:
    """Print the moved-figure and reversal precision and recall of bench/gold.py (and the baseline's), if there."""
    path = ROOT / "bench" / "gold.py"
    if not path.exists():
        print("bench/gold.py is not there yet: no figure or reversal precision and recall in this run")
        return
    spec = importlib.util.spec_from_file_location("bench_gold", path)
    assert spec is not None and spec.loader is not None  # noqa: S101 - a file that exists has a loader
    gold = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gold)
    gold.print_gold_scores(baseline)


def main() -> None:
    """Replay the stories and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help=f"the Timeline17 folder ({DATA})")
    parser.add_argument("--stories", help="comma-separated story folders (default: all)")
    parser.add_argument("--days", type=int, default=5, help="days replayed per story, evenly spaced (0: all; 5)")
    parser.add_argument("--batches", type=int, help="TAC-like: N triples of successive batches per story (0: all)")
    parser.add_argument("--words", type=int, default=100, help="word budget of every system (100)")
    parser.add_argument("--baseline", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--no-gold", action="store_true", help="skip bench/gold.py's figures and reversals")
    parser.add_argument("--topic", action="store_true",
                        help="also the seven stories in one corpus, each asked by a short query (`changes TOPIC`)")
    parser.add_argument("--engine", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data} is missing: the shared data is expected beside the project")
    if args.engine is not None:
        engine = run_topic_engine if args.topic else run_engine
        json.dump(engine(args.engine, args.data, json.loads(args.plan), args.words), sys.stdout)
        return
    stories = args.stories.split(",") if args.stories else None
    if args.batches is not None:
        steps = plan_batches(args.data, stories, args.batches)
    else:
        steps = plan(args.data, stories, args.days)
    started = time.perf_counter()
    engines = TOPIC_ENGINES if args.topic else ENGINES
    now = engine_in_subprocess(ROOT, args.data, steps, args.words, args.topic)
    systems = {name: {key: day[name] for key, day in now["days"].items()} for name in engines}
    before = engine_in_subprocess(args.baseline, args.data, steps, args.words, args.topic) if args.baseline else None
    if before is not None:
        for name in engines:
            systems[f"baseline {name}"] = {key: day[name] for key, day in before["days"].items()}
    systems["lexrank"] = lexrank(args.data, steps, args.words)
    kind = "batches (TAC-like)" if args.batches is not None else "days"
    print(f"{len(steps)} {kind} of {len({step['story'] for step in steps})} stories replayed in "
          f"{time.perf_counter() - started:.0f} s ({args.words}-word budget)")
    means = report(args.data, steps, systems)
    if args.topic:
        report_topic(means, {"now": now, **({"baseline": before} if before is not None else {})})
    print_timing("now", now["timing"], [day["seconds"] for day in now["days"].values()])
    if before is not None:
        print_timing("baseline", before["timing"], [day["seconds"] for day in before["days"].values()])
    if not args.no_gold:
        print_gold(args.baseline)


if __name__ == "__main__":
    main()
