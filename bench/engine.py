"""Speed, memory and multi-document quality of the engine, against sumy's LexRank on the same input.

    .venv/bin/python bench/build_corpus.py      # once: the 10,000-article corpus in bench/_data/
    .venv/bin/python bench/engine.py [--corpus DIR] [--queries 60] [--clusters 20]

Prints, in one run:
- load and index throughput (articles per second, one process, one core);
- story grouping time (once per corpus);
- `summary TOPIC` latency in the engine over the whole corpus: p50 and p95 over many topics;
- resident memory with the corpus, index and stories in memory;
- a 100-word summary of one ~1,500-sentence multi-document input (about 100 BBC business articles, the input issue
  15 names): Briefbot vs sumy's LexRank, time past start-up and ratio (target: at least 50x);
- ROUGE-2 recall of 100-word summaries of clusters of related BBC articles, Briefbot vs LexRank. The references
  there are the articles' own extractive summaries (see the data's README): a development check, not the
  human-written multi-document benchmark the issue names.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefings.corpus import Article, Corpus  # noqa: E402
from briefings.index import CorpusIndex  # noqa: E402
from briefings.summaries import summarize_articles, summarize_topic  # noqa: E402
from briefings.summarizers import LengthBudget  # noqa: E402
from briefings.topics import corpus_topics  # noqa: E402

BBC = ROOT.parent / "shared" / "data" / "bbc-news-summary"
WORDS = 100


def main() -> None:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "_data" / "corpus10k")
    parser.add_argument("--queries", type=int, default=60, help="topics to time (default 60)")
    parser.add_argument("--clusters", type=int, default=60, help="multi-document clusters to score (default 60)")
    parser.add_argument("--cluster-seed", type=int, default=99, help="which clusters (parameters were tuned on 5)")
    parser.add_argument("--sentences", type=int, default=1500, help="size of the speed-comparison input")
    parser.add_argument("--speed-only", action="store_true", help="only the comparison with sumy (speed, ROUGE)")
    args = parser.parse_args()
    if args.speed_only:
        compare_speed(args.sentences)
        compare_quality(args.clusters, args.cluster_seed)
        return
    if not args.corpus.is_dir():
        sys.exit(f"{args.corpus} is missing: run bench/build_corpus.py first")
    process = psutil.Process()
    baseline = process.memory_info().rss

    started = time.perf_counter()
    corpus, problems = Corpus.from_folder(args.corpus)
    loaded = time.perf_counter()
    index = corpus.index
    indexed = time.perf_counter()
    print(f"corpus: {len(corpus):,} articles, {len(index.sentences):,} sentences, {len(index.vocabulary):,} terms,"
          f" {len(problems)} skipped")
    print(f"load: {loaded - started:.2f} s; index: {indexed - loaded:.2f} s; "
          f"load+index: {len(corpus) / (indexed - started):,.0f} articles/s (target >= 1,000)")
    stories = corpus.stories
    grouped = time.perf_counter()
    copies = sum(1 for story in stories if len(story.article_ids) > 1)
    print(f"stories: {len(stories):,} ({copies:,} with several copies) in {grouped - indexed:.2f} s (once per corpus)")
    topics = [topic.name for topic in corpus_topics(index, 400)]
    print(f"topics listed in {time.perf_counter() - grouped:.2f} s (once per corpus)")

    queries, p50, p95, slowest = topic_latencies(corpus, topics, args.queries)
    print(f"summary TOPIC over {len(corpus):,} articles, {queries} topics: "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {slowest:.0f} ms (target p95 <= 250 ms)")
    rss = process.memory_info().rss
    print(f"resident memory: {rss / 2**20:,.0f} MiB in all, {(rss - baseline) / 2**20:,.0f} MiB for the corpus "
          f"(target <= 1,024 MiB)")

    compare_speed(args.sentences)
    compare_quality(args.clusters, args.cluster_seed)


def topic_latencies(corpus: Corpus, topics: list[str], count: int) -> tuple[int, float, float, float]:
    """Time `summary TOPIC` warm over `count` of the topics (a fixed sample); return count, p50, p95, max in ms."""
    queries = random.Random(11).sample(topics, min(count, len(topics)))
    summarize_topic(corpus, queries[0], LengthBudget(sentences=5))  # warm caches
    latencies = []
    for topic in queries:
        start = time.perf_counter()
        summarize_topic(corpus, topic, LengthBudget(sentences=5))
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)]
    return len(queries), statistics.median(latencies), p95, latencies[-1]


def bbc_articles() -> list[tuple[Article, str]]:
    """Return every BBC article with its reference summary."""
    pairs = []
    for path in sorted((BBC / "News Articles").glob("*/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        reference = (BBC / "Summaries" / path.parent.name / path.name).read_text(encoding="utf-8", errors="replace")
        pairs.append((Article.from_text(f"{path.parent.name}-{path.stem}", text), reference))
    return pairs


def compare_speed(size: int) -> None:
    """Time a 100-word summary of one input of about `size` sentences, Briefbot vs sumy's LexRank."""
    from briefings.summarizers import SumySummarizer

    articles: list[Article] = []
    total = 0
    for article, _ in bbc_articles():
        if article.id.startswith("business") and total < size:
            articles.append(article)
            total += len(article.sentences)
    summarize_articles(articles[:2], LengthBudget(words=WORDS))  # past start-up: imports and stop words loaded
    start = time.perf_counter()
    ours = summarize_articles(articles, LengthBudget(words=WORDS))
    ours_time = time.perf_counter() - start
    sentences = [sentence for article in articles for sentence in article.sentences]
    SumySummarizer("lexrank").rank(sentences[:20])  # past start-up, as Briefbot's
    start = time.perf_counter()
    SumySummarizer("lexrank").rank(sentences)
    sumy_time = time.perf_counter() - start
    print(f"{total:,}-sentence input ({len(articles)} articles), {WORDS}-word summary: Briefbot {ours_time:.2f} s, "
          f"sumy LexRank {sumy_time:.2f} s: {sumy_time / ours_time:,.0f}x faster (target >= 50x); "
          f"{len(ours.sentences)} sentences")


def compare_quality(count: int, seed: int) -> None:
    """Score 100-word summaries of clusters of related articles, Briefbot vs LexRank, by ROUGE-2 recall."""
    from rouge_score import rouge_scorer

    pairs = bbc_articles()
    index = CorpusIndex.build([article for article, _ in pairs])
    vectors = index.article_vectors
    rng = random.Random(seed)
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    scores: dict[str, list[float]] = {"coverage": [], "lexrank": []}
    timing: dict[str, float] = {"coverage": 0.0, "lexrank": 0.0}
    for centre in rng.sample(range(len(pairs)), count):
        similar = np.asarray((vectors @ vectors[centre].T).todense()).ravel()
        members = [int(i) for i in np.argsort(-similar)[:10]]  # a seed article and its nine nearest neighbours
        articles = [pairs[i][0] for i in members]
        reference = " ".join(pairs[i][1] for i in members)
        for algorithm in scores:
            start = time.perf_counter()
            summary = summarize_articles(articles, LengthBudget(words=WORDS, truncate=True), algorithm)
            timing[algorithm] += time.perf_counter() - start
            text = " ".join(sentence.text for sentence in summary.sentences)
            scores[algorithm].append(scorer.score(reference, text)["rouge2"].recall * 100)
    ours, lexrank = statistics.mean(scores["coverage"]), statistics.mean(scores["lexrank"])
    print(f"multi-document ROUGE-2 recall, {count} clusters of 10 related BBC articles (seed {seed}), {WORDS} words: "
          f"Briefbot {ours:.2f}, sumy LexRank {lexrank:.2f} (ratio {ours / lexrank:.2f}); "
          f"time {timing['coverage']:.1f} s vs {timing['lexrank']:.1f} s")


if __name__ == "__main__":
    main()
