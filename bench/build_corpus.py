"""Build the 10,000-article benchmark corpus from real text (BBC articles and the seeds), dated over a month.

    .venv/bin/python bench/build_corpus.py [--articles 10000] [--out bench/_data/corpus10k]

A busy desk sees the same wire story from several outlets, lightly edited: each BBC article appears as up to
five copies from different outlets within two days, each copy dropping a different sentence or two. The
result is written outside git (bench/_data is ignored); the BBC data is read from ../shared and not copied
into the repository.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BBC = ROOT.parent / "shared" / "data" / "bbc-news-summary" / "News Articles"
OUTLETS = ["BBC News", "Reuters", "AFP", "Associated Press", "The Guardian", "Financial Times", "CNA",
           "The Straits Times", "Bloomberg", "Al Jazeera"]
START = datetime(2026, 10, 1, tzinfo=UTC)


def build(count: int, out: Path, seed: int = 7) -> Path:
    """Write `count` article files to `out` and return it."""
    rng = random.Random(seed)
    sources = sorted(BBC.glob("*/*.txt"))
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    for seed_file in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(seed_file, out / seed_file.name)
    written = len(list(out.glob("*.txt")))
    while written < count:
        for path in sources:
            if written >= count:
                break
            lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
            title, body = lines[0], lines[1:]
            copy = written // len(sources)
            if copy and len(body) > 3:  # a later copy: another outlet's edit of the same story
                body = [line for line in body if rng.random() > 0.15] or body
            story = zlib.crc32(f"{path.parent.name}/{path.name}".encode())  # stable across runs
            first = START + timedelta(minutes=story % (30 * 24 * 60))
            published = first + timedelta(hours=rng.randrange(48)) if copy else first
            outlet = OUTLETS[(story + copy) % len(OUTLETS)]
            headline = title.replace('"', "'")
            front = f'---\ntitle: "{headline}"\nsource: "{outlet}"\npublished: {published.isoformat()}\n---\n'
            (out / f"{path.parent.name}-{path.stem}-{copy}.txt").write_text(front + "\n".join(body) + "\n",
                                                                            encoding="utf-8")
            written += 1
        print(f"\r{written:,}/{count:,} articles", end="", file=sys.stderr)
    print(file=sys.stderr)
    return out


def main() -> None:
    """Parse the options and build the corpus."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000, help="how many article files (default 10,000)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "_data" / "corpus10k", help="output folder")
    args = parser.parse_args()
    print(build(args.articles, args.out))


if __name__ == "__main__":
    main()
