"""Pick the default single-article summarizer: ROUGE and speed of every algorithm on BBC news articles.

    .venv/bin/python bench/single_document.py [--articles 300] [--seed 7]

For a fixed, seeded sample of articles from ../shared/data/bbc-news-summary (spread evenly over its five
categories), every algorithm in briefings.summarizers.ALGORITHMS summarises each article on its own with a word
budget equal to the reference summary's word count; a second pass uses a sentence budget equal to the reference's
sentence count. Each summary is scored against the reference with ROUGE-1, ROUGE-2 and ROUGE-L (F1 and recall,
rouge_score with the Porter stemmer), and timed. A "lead" row (the article's opening sentences within the same
budget) is printed for reference; it is not a candidate. The algorithm with the best mean ROUGE-2 F1 under the
word budget is the one to make DEFAULT_ALGORITHM.

Determinism: the sample is seeded, and the script re-runs itself with PYTHONHASHSEED=0 when it is unset, because
sumy's LSA builds its term matrix from a set, whose order (and so the ranking of near-tied sentences) otherwise
changes from one process to the next. Only the times vary between runs.

Caveat, printed with the figures: the BBC references are themselves machine-selected sentences, so these scores
measure resemblance to the method that made them, not summary quality. The data is read where it lies, never copied.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer

from briefings.corpus import Article
from briefings.summaries import summarize_articles
from briefings.summarizers import ALGORITHMS, DEFAULT_ALGORITHM, LengthBudget, take_within
from briefings.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "bbc-news-summary"
LEAD = "lead"
BASELINE = "lexrank"  # times are also given relative to sumy's LexRank
METRICS = ("rouge1", "rouge2", "rougeL")
CAVEAT = ("Caveat: the BBC reference summaries are machine-selected article sentences (94% verbatim, about 45% of\n"
          "the article), so ROUGE here mostly measures resemblance to the method that made them, not quality.")
# The references run their sentences together ("...$10.9bn.For the full-year..."): put the space back
# before counting words or sentences.
_GLUED = re.compile(r"([.!?][\"'”’)]*)(?=[A-Z\"“‘(])")


@dataclass(frozen=True, slots=True)
class Sample:
    """One article of the data set, with its reference summary."""

    key: str  # category/NNN
    article: Article
    reference: str
    reference_words: int
    reference_sentences: int


@dataclass(slots=True)
class Tally:
    """Per-article scores and times of one algorithm under one kind of budget."""

    scores: dict[str, list[float]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    length_ratio: list[float] = field(default_factory=list)

    def add(self, name: str, value: float) -> None:
        """Record one article's value of a measure."""
        self.scores.setdefault(name, []).append(value)

    def mean(self, name: str) -> float:
        """Return the mean of a measure over the articles."""
        return statistics.fmean(self.scores[name])


def read_text(path: Path) -> str:
    """Read a data file: UTF-8, or Latin-1 for the odd file that is not (sport/199 writes £ as one byte)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def choose(data: Path, count: int, seed: int) -> list[tuple[Path, Path]]:
    """Pick `count` (article, summary) file pairs, as evenly as possible over the categories, reproducibly."""
    articles = data / "News Articles"
    categories = sorted(path.name for path in articles.iterdir() if path.is_dir())
    if not categories:
        raise SystemExit(f"no categories under {articles}")
    rng = random.Random(seed)
    chosen: list[tuple[Path, Path]] = []
    for number, category in enumerate(categories):
        quota = count // len(categories) + (1 if number < count % len(categories) else 0)
        files = sorted((articles / category).glob("*.txt"))
        if quota > len(files):
            raise SystemExit(f"{category} has only {len(files)} articles; ask for fewer than {count}")
        for path in sorted(rng.sample(files, quota)):
            chosen.append((path, data / "Summaries" / category / path.name))
    return chosen


def load(article_path: Path, summary_path: Path) -> Sample | None:
    """Read one article (its first line is the headline) and its reference; None if either is empty."""
    headline, _, body = read_text(article_path).partition("\n")
    # The headline goes in as front matter, so the project never mistakes it for a sentence (or the reverse).
    key = f"{article_path.parent.name}/{article_path.stem}"
    article = Article.from_text(key, f"---\ntitle: {json.dumps(headline.strip())}\n---\n{body}")
    reference = " ".join(_GLUED.sub(r"\1 ", line.strip()) for line in read_text(summary_path).splitlines())
    reference = reference.strip()
    if not article.sentences or not reference:
        return None
    return Sample(key, article, reference, len(reference.split()), max(len(split_sentences(reference)), 1))


def lead(article: Article, budget: LengthBudget) -> list[str]:
    """Return the article's opening sentences that fit the budget: the classic news baseline."""
    return [sentence.text for sentence in take_within(article.sentences, budget)]


def summarizer(algorithm: str) -> Callable[[Article, LengthBudget], list[str]]:
    """Return a function that summarises one article with the algorithm, as a list of sentence texts."""
    if algorithm == LEAD:
        return lead

    def run(article: Article, budget: LengthBudget) -> list[str]:
        return [cited.text for cited in summarize_articles([article], budget, algorithm).sentences]

    return run


def measure(samples: Sequence[Sample], algorithms: Sequence[str]) -> dict[tuple[str, str], Tally]:
    """Summarise every sample with every algorithm under both budgets; return the tallies by (budget, algorithm)."""
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    runners = {algorithm: summarizer(algorithm) for algorithm in algorithms}
    for run in runners.values():  # warm up: imports (sumy, NLTK's stemmer) are not per-article work
        run(samples[0].article, LengthBudget(sentences=1))
    tallies = {(kind, algorithm): Tally() for kind in ("words", "sentences") for algorithm in algorithms}
    for done, sample in enumerate(samples, start=1):
        budgets = {"words": LengthBudget(words=sample.reference_words),
                   "sentences": LengthBudget(sentences=sample.reference_sentences)}
        for kind, budget in budgets.items():
            for algorithm, run in runners.items():
                started = time.perf_counter()
                sentences = run(sample.article, budget)
                elapsed = time.perf_counter() - started
                text = " ".join(sentences)
                tally = tallies[(kind, algorithm)]
                tally.seconds.append(elapsed)
                tally.length_ratio.append(len(text.split()) / sample.reference_words)
                for metric, score in scorer.score(sample.reference, text).items():
                    tally.add(f"{metric}_f", score.fmeasure)
                    tally.add(f"{metric}_r", score.recall)
        print(f"\r{done}/{len(samples)} articles", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return tallies


def table(tallies: dict[tuple[str, str], Tally], kind: str, algorithms: Sequence[str]) -> str:
    """Format the figures of one kind of budget as a fixed-width table."""
    header = (f"{'algorithm':<10} {'R1 F1':>6} {'R1 rec':>6} {'R2 F1':>6} {'R2 rec':>6} {'RL F1':>6} {'RL rec':>6}"
              f" {'length':>6} {'ms/art':>8} {'vs LexRank':>10}")
    lines = [header, "-" * len(header)]
    base = statistics.fmean(tallies[(kind, BASELINE)].seconds)
    for algorithm in algorithms:
        tally = tallies[(kind, algorithm)]
        seconds = statistics.fmean(tally.seconds)
        cells = " ".join(f"{tally.mean(f'{metric}_{part}'):6.3f}" for metric in METRICS for part in ("f", "r"))
        name = f"{algorithm}*" if algorithm == LEAD else algorithm
        lines.append(f"{name:<10} {cells} {statistics.fmean(tally.length_ratio):6.0%} {seconds * 1000:8.2f}"
                     f" {seconds / base:9.3f}x")
    return "\n".join(lines)


def paired_bootstrap(first: Sequence[float], second: Sequence[float], seed: int,
                     rounds: int = 2000) -> tuple[float, float, float]:
    """Return the mean of first - second over articles and its 95% paired bootstrap interval."""
    differences = np.asarray(first) - np.asarray(second)
    rng = np.random.default_rng(seed)
    means = differences[rng.integers(0, len(differences), size=(rounds, len(differences)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(differences.mean()), float(low), float(high)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the tables; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=CAVEAT)
    parser.add_argument("--articles", type=int, default=300, help="articles to sample, over all categories (300)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the sample and of the bootstrap (7)")
    parser.add_argument("--data", type=Path, default=DATA, help=f"the BBC News Summary folder ({DATA})")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")

    started = time.perf_counter()
    pairs = choose(args.data, args.articles, args.seed)
    samples = [sample for pair in pairs if (sample := load(*pair)) is not None]
    if not samples:
        raise SystemExit("no usable articles in the sample")
    algorithms = (*ALGORITHMS, LEAD)
    tallies = measure(samples, algorithms)

    per_category: dict[str, int] = {}
    for sample in samples:
        category = sample.key.split("/")[0]
        per_category[category] = per_category.get(category, 0) + 1
    print(f"Single-article summaries of {len(samples)} BBC articles (seed {args.seed}, "
          f"PYTHONHASHSEED {os.environ.get('PYTHONHASHSEED', 'unset')}; "
          + ", ".join(f"{category} {count}" for category, count in sorted(per_category.items())) + ")")
    if len(samples) < len(pairs):
        print(f"({len(pairs) - len(samples)} sampled articles skipped: empty article or reference)")
    print(f"reference summaries: mean {statistics.fmean(s.reference_words for s in samples):.0f} words, "
          f"{statistics.fmean(s.reference_sentences for s in samples):.1f} sentences; "
          f"articles: mean {statistics.fmean(s.article.word_count for s in samples):.0f} words")
    print(CAVEAT)
    print()
    legend = ("ROUGE means over articles (rouge_score, Porter stemmer); length = summary words / reference words;\n"
              "ms/art = mean time to summarise one article; vs LexRank = that time / sumy LexRank's.\n"
              "* lead (the article's opening sentences) is a reference point, not a candidate.")
    print(legend)
    print()
    print("Budget: the reference's word count")
    print(table(tallies, "words", algorithms))
    print()
    print("Budget: the reference's sentence count")
    print(table(tallies, "sentences", algorithms))
    print()

    def rouge2(kind: str, algorithm: str) -> float:
        return tallies[(kind, algorithm)].mean("rouge2_f")

    ranked = sorted(ALGORITHMS, key=lambda algorithm: (-rouge2("words", algorithm), ALGORITHMS.index(algorithm)))
    best, second = ranked[0], ranked[1]
    difference, low, high = paired_bootstrap(tallies[("words", best)].scores["rouge2_f"],
                                             tallies[("words", second)].scores["rouge2_f"], args.seed)
    print(f"Best ROUGE-2 F1 (word budget): {best} ({rouge2('words', best):.3f}); "
          f"next {second} ({rouge2('words', second):.3f}), difference {difference:+.3f} "
          f"(95% paired bootstrap interval {low:+.3f} to {high:+.3f})")
    by_sentences = max(ALGORITHMS, key=lambda algorithm: rouge2("sentences", algorithm))
    by_recall = max(ALGORITHMS, key=lambda algorithm: tallies[("words", algorithm)].mean("rouge2_r"))
    if by_sentences != best or by_recall != best:
        print(f"(best on ROUGE-2 recall: {by_recall}; best under the sentence budget: {by_sentences})")
    verdict = "agrees" if best == DEFAULT_ALGORITHM else f"differs: make it {best!r}"
    print(f"DEFAULT_ALGORITHM is currently {DEFAULT_ALGORITHM!r}; this run {verdict}.")
    print(f"Run time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    if os.environ.get("PYTHONHASHSEED") in (None, "", "random"):  # see "Determinism" above
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})  # noqa: S606
    sys.exit(main())
