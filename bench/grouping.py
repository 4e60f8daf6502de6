"""Story grouping at scale and on real news: this code against a baseline checkout, in one run.

    .venv/bin/python bench/grouping.py --baseline DIR [--sizes 5000,10000,20000] [--real-only]

DIR is a checkout of the code before the change (e.g. `git archive main | tar -x -C /tmp/base`). Each version
runs in its own interpreter, so two versions of briefings never share a process.

- Look-alike items: N tiny feed items of one template ("Shipper 17 says new tariffs on steel from Chile raised
  its costs this week."), five seconds apart, as a feed of 55,000 items would bring them; the time to group them.
- Real news: the 10,000-article benchmark corpus (BBC copies from several outlets, bench/build_corpus.py) and
  the seven Timeline17 stories (3,658 articles over 2005-2011): stories, multi-source stories, the pairwise
  agreement between the two groupings (of the article pairs either puts in one story, the share both do), and,
  on Timeline17, pairs put together across its seven stories (which are surely wrong).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMELINE17 = ROOT.parent / "shared" / "data" / "timeline17"
CORPUS10K = ROOT / "bench" / "_data" / "corpus10k"
GOODS = ["steel", "cars", "soybeans", "chips", "wine", "cheese", "lumber", "copper", "textiles", "phones"]
PLACES = ["Canada", "Mexico", "China", "Japan", "Brazil", "India", "Germany", "Korea", "France", "Chile"]


def lookalike_texts(count: int, seed: int = 1) -> list[str]:
    """Return `count` tiny look-alike feed items as article files (front matter, one sentence)."""
    from datetime import UTC, datetime, timedelta

    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    return [f"---\nsource: Wire {n % 7}\npublished: {(start + timedelta(seconds=5 * n)).isoformat()}\n---\n"
            f"Shipper {n} says new tariffs on {rng.choice(GOODS)} from {rng.choice(PLACES)} raised its costs "
            "this week.\n" for n in range(count)]


def run_grouping(code: Path, what: str) -> dict[str, object]:
    """In this interpreter: load `what` with the code at `code`, group it, return the stories and the time."""
    sys.path.insert(0, str(code))
    from briefings.corpus import Article, Corpus

    if what.startswith("lookalike:"):
        texts = lookalike_texts(int(what.split(":")[1]))
        corpus = Corpus(tuple(Article.from_text(f"item{n:06d}", text) for n, text in enumerate(texts)))
    elif what == "timeline17":
        articles = []
        for folder in sorted(TIMELINE17.glob("*/articles")):
            loaded, _ = Corpus.from_folder(folder)
            articles.extend(loaded.articles)
        corpus = Corpus(tuple(articles))
    else:
        corpus, _ = Corpus.from_folder(Path(what))
    corpus.index  # noqa: B018 - the index is not what is timed
    started = time.perf_counter()
    stories = corpus.stories
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "stories": [list(story.article_ids) for story in stories],
            "multi_source": sum(1 for story in stories if story.sources > 1)}


def in_subprocess(code: Path, what: str) -> dict[str, object]:
    """Run run_grouping in a fresh interpreter."""
    command = [sys.executable, __file__, "--worker", str(code), "--what", what]
    result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603 - our own script
    return json.loads(result.stdout)


def together(stories: list[list[str]]) -> set[tuple[str, str]]:
    """Return the article pairs put in one story."""
    return {(a, b) if a < b else (b, a) for story in stories for i, a in enumerate(story) for b in story[i + 1 :]}


def compare_real(baseline: Path, what: str, label: str) -> None:
    """Print stories, multi-source stories and agreement of the two groupings of one corpus."""
    before, after = in_subprocess(baseline, what), in_subprocess(ROOT, what)
    pairs_before, pairs_after = together(before["stories"]), together(after["stories"])  # type: ignore[arg-type]
    either = pairs_before | pairs_after
    agreement = len(pairs_before & pairs_after) / len(either) if either else 1.0
    print(f"{label}: stories {len(before['stories']):,} -> {len(after['stories']):,}; multi-source "  # type: ignore[arg-type]
          f"{before['multi_source']:,} -> {after['multi_source']:,}; pairs together {len(pairs_before):,} -> "
          f"{len(pairs_after):,}, agreement {agreement:.3f}; grouping {before['seconds']:.2f} s -> "
          f"{after['seconds']:.2f} s ({before['seconds'] / max(after['seconds'], 1e-9):.1f}x)")  # type: ignore[operator]
    if what == str(CORPUS10K):  # the copies of one BBC article are surely one story
        truth = together([[article for article in story if article.count("-") == 2] for story in
                          _by_origin(before["stories"])])  # type: ignore[arg-type]
        for name, pairs in (("before", pairs_before), ("after", pairs_after)):
            copies = {pair for pair in pairs if pair[0].count("-") == 2 and pair[1].count("-") == 2}
            print(f"  {name}: copies of one BBC article together {len(copies & truth) / len(truth):.3f} of "
                  f"{len(truth):,} such pairs; pairs of two BBC articles together {len(copies - truth):,}")
    if what == "timeline17":
        story_of = {}
        for folder in sorted(TIMELINE17.glob("*/articles")):
            for path in folder.glob("*.txt"):
                story_of[path.stem] = folder.parent.name
        for name, pairs in (("before", pairs_before), ("after", pairs_after)):
            wrong = sum(1 for a, b in pairs if story_of.get(a) != story_of.get(b))
            print(f"  {name}: {wrong:,} of {len(pairs):,} pairs together join two of the seven Timeline17 stories")


def _by_origin(stories: list[list[str]]) -> list[list[str]]:
    """Group the benchmark corpus's articles by the BBC article each copies (ids end in -<copy>)."""
    origin: dict[str, list[str]] = {}
    for story in stories:
        for article in story:
            origin.setdefault(article.rsplit("-", 1)[0], []).append(article)
    return list(origin.values())


def main() -> None:
    """Time the look-alike sizes and compare real groupings, baseline then this code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--sizes", default="5000,10000,20000,55000",
                        help="look-alike item counts (the baseline runs only up to --baseline-up-to)")
    parser.add_argument("--baseline-up-to", type=int, default=10_000)
    parser.add_argument("--real-only", action="store_true")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--what", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_grouping(args.worker, args.what)))
        return
    if not args.real_only:
        for size in (int(part) for part in args.sizes.split(",")):
            after = in_subprocess(ROOT, f"lookalike:{size}")
            line = f"{size:,} look-alike items: grouped in {after['seconds']:.2f} s"
            sizes = Counter(len(story) for story in after["stories"])  # type: ignore[attr-defined]
            line += f" ({len(after['stories']):,} stories, largest {max(sizes)})"  # type: ignore[arg-type]
            if args.baseline and size <= args.baseline_up_to:
                before = in_subprocess(args.baseline, f"lookalike:{size}")
                same = together(before["stories"]) == together(after["stories"])  # type: ignore[arg-type]
                line += (f"; baseline {before['seconds']:.2f} s: {before['seconds'] / after['seconds']:.0f}x faster"  # type: ignore[operator]
                         f", {'the same' if same else 'different'} stories")
            print(line, flush=True)
    if args.baseline:
        if CORPUS10K.is_dir():
            compare_real(args.baseline, str(CORPUS10K), "10,000-article corpus")
        else:
            print(f"{CORPUS10K} is missing: run bench/build_corpus.py first")
        compare_real(args.baseline, "timeline17", "Timeline17 (7 stories)")


if __name__ == "__main__":
    main()
