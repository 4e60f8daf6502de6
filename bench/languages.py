"""Languages: detection, sentences and stories per language, over real pages and the BBC articles (issue 14).

    .venv/bin/python bench/languages.py [--baseline DIR]

Reads the real web pages of ../shared/data/realweb/trafilatura-pages/ (their text extracted by trafilatura's
default settings, a stand-in for the ingestion path) and the BBC articles of ../shared/data/bbc-news-summary/,
and prints, in one run:
- languages detected, and agreement with the language each page declares (`<html lang>`, content-language or
  og:locale meta: a rough label, often the site's default rather than the page's, so disagreements are listed);
- time per article for detection (and how many articles the cheap English test settled without the model);
- sentences per language, and how many pages of each language give none;
- stories per language, and stories that mix languages (target 0);
- with --baseline DIR (a checkout of the code before this change, e.g. `git worktree add /tmp/base main`), the
  same sentence and story figures from that code on the same input, side by side.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "data" / "realweb" / "trafilatura-pages" / "pages"
BBC = ROOT.parent / "shared" / "data" / "bbc-news-summary" / "News Articles"
TARGETS = ("zh", "ja", "de", "es", "pt", "fr")
_DECLARED = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})",
    r"<meta[^>]+http-equiv=[\"']?content-language[\"']?[^>]+content=[\"']?([A-Za-z]{2,3})",
    r"<meta[^>]+property=[\"']og:locale[\"'][^>]+content=[\"']?([A-Za-z]{2,3})",
)]


def read_inputs() -> list[dict[str, str | None]]:
    """Return the pages' extracted text with their declared language, then the BBC articles."""
    for folder in (PAGES, BBC):
        if not folder.is_dir():
            sys.exit(f"{folder} is missing: the shared data is expected beside the project")
    import trafilatura

    items: list[dict[str, str | None]] = []
    for path in sorted(PAGES.glob("*.html")):
        raw = path.read_bytes()
        head = raw[:60_000].decode("utf-8", errors="replace")
        declared = next((m.group(1).lower()[:2] for p in _DECLARED if (m := p.search(head))), None)
        items.append({"id": f"page-{path.stem}", "kind": "page", "declared": declared,
                      "text": trafilatura.extract(raw) or ""})
    for path in sorted(BBC.glob("*/*.txt")):
        items.append({"id": f"bbc-{path.parent.name}-{path.stem}", "kind": "bbc", "declared": "en",
                      "text": path.read_text(encoding="latin-1")})
    return items


def run_engine(code: Path, inputs: Path) -> dict[str, object]:
    """Load the inputs as a corpus with the briefings package of `code`; return sentences and stories."""
    sys.path.insert(0, str(code))
    from briefings.corpus import Article, ArticleError, Corpus

    items = json.loads(inputs.read_text(encoding="utf-8"))
    articles = []
    for item in items:
        try:
            articles.append(Article.from_text(item["id"], item["text"]))
        except ArticleError:
            continue
    corpus = Corpus(tuple(articles))
    return {
        "sentences": {article.id: [s.text for s in article.sentences] for article in corpus},
        "languages": {article.id: getattr(article, "language", None) for article in corpus},
        "stories": [list(story.article_ids) for story in corpus.stories],
    }


def engine_in_subprocess(code: Path, inputs: Path) -> dict[str, object]:
    """Run run_engine in a fresh interpreter, so two versions of briefings never share a process."""
    command = [sys.executable, __file__, "--engine", str(code), "--inputs", str(inputs)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603 - our own script
    return json.loads(result.stdout)


def time_detection(items: list[dict[str, str | None]]) -> None:
    """Print detection time per article, and how often the cheap English test decided."""
    sys.path.insert(0, str(ROOT))
    from briefings.languages import SAMPLE_CHARS, detect_language, reads_as_english

    samples = {kind: [str(item["text"])[:SAMPLE_CHARS] for item in items if item["kind"] == kind]
               for kind in ("page", "bbc")}
    started = time.perf_counter()
    detect_language("Die Bundesregierung hat ein neues Gesetz zur Förderung der Wirtschaft beschlossen.")
    print(f"model load and first detection: {time.perf_counter() - started:.2f} s (once a process, only when "
          "text is not plainly English)")
    for kind, texts in samples.items():
        times = []
        for text in texts:
            start = time.perf_counter()
            detect_language(text)
            times.append(time.perf_counter() - start)
        cheap = sum(reads_as_english(text) for text in texts)
        times.sort()
        print(f"detection, {kind:4}: {len(texts):,} articles, mean {1000 * statistics.fmean(times):.3f} ms, "
              f"p95 {1000 * times[int(0.95 * len(times))]:.3f} ms; settled by the English test: {cheap:,}")


def main() -> None:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--engine", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inputs", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine is not None:
        json.dump(run_engine(args.engine, args.inputs), sys.stdout, ensure_ascii=False)
        return
    items = read_inputs()
    data = ROOT / "bench" / "_data"
    data.mkdir(parents=True, exist_ok=True)
    inputs = data / "languages-inputs.json"
    inputs.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    started = time.perf_counter()
    now = engine_in_subprocess(ROOT, inputs)
    pages = sum(item["kind"] == "page" for item in items)
    print(f"{len(items):,} articles ({pages} pages, {len(items) - pages:,} BBC) loaded and grouped in "
          f"{time.perf_counter() - started:.1f} s")
    before = engine_in_subprocess(args.baseline, inputs) if args.baseline else None
    report(items, now, before)
    time_detection(items)


def report(items: list[dict[str, str | None]], now: dict[str, object], before: dict[str, object] | None) -> None:
    """Print languages, agreement, sentences and stories per language (and the baseline's, if given)."""
    languages: dict[str, str] = {k: v or "en" for k, v in now["languages"].items()}  # type: ignore[attr-defined]
    declared = {str(item["id"]): item["declared"] for item in items}
    pages = [str(item["id"]) for item in items if item["kind"] == "page"]
    counts = Counter(languages.get(page, "(no text)") for page in pages)
    print("\npages by detected language:", ", ".join(f"{code} {n}" for code, n in counts.most_common()))
    labelled = [page for page in pages if declared[page] and page in languages]
    agree = [page for page in labelled if languages[page] == declared[page]]
    print(f"agreement with the declared language: {len(agree)}/{len(labelled)} labelled pages; disagreements:")
    for page in labelled:
        if languages[page] != declared[page]:
            text = " ".join(next(i for i in items if i["id"] == page)["text"].split())[:70]  # type: ignore[union-attr]
            print(f"  {page[5:50]:45} declared {declared[page]}, detected {languages[page]}: {text}")
    bbc = [str(item["id"]) for item in items if item["kind"] == "bbc"]
    print(f"BBC articles detected as English: {sum(languages.get(a) == 'en' for a in bbc):,}/{len(bbc):,}")

    def per_language(result: dict[str, object]) -> dict[str, tuple[int, int, int]]:
        sentences: dict[str, list[str]] = result["sentences"]  # type: ignore[assignment]
        table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for page in pages:
            code = languages.get(page, "(no text)")
            row = table[code]
            row[0] += 1
            row[1] += len(sentences.get(page, []))
            row[2] += not sentences.get(page)
        return {code: (row[0], row[1], row[2]) for code, row in table.items()}

    print("\nsentences per language (pages):" + ("  now | before" if before else ""))
    table_now = per_language(now)
    table_before = per_language(before) if before else {}
    for code, (n, sentences, empty) in sorted(table_now.items(), key=lambda kv: -kv[1][0]):
        line = f"  {code:9} {n:4} pages: {sentences:6,} sentences, {empty:3} pages with none"
        if before:
            _, old_sentences, old_empty = table_before.get(code, (0, 0, 0))
            line += f"   | {old_sentences:6,} sentences, {old_empty:3} pages with none"
        print(line)
    missing = [code for code in TARGETS if table_now.get(code, (0, 0, 0))[1] == 0]
    print(f"target languages with sentences: {', '.join(c for c in TARGETS if c not in missing)}"
          + (f"; none for {', '.join(missing)} (no such page in the set)" if missing else ""))

    for label, result in (("now", now), ("before", before)):
        if result is None:
            continue
        stories: list[list[str]] = result["stories"]  # type: ignore[assignment]
        by_language: Counter[str] = Counter()
        multi: Counter[str] = Counter()
        mixed = []
        for story in stories:
            codes = {languages.get(article, "en") for article in story}
            if len(codes) > 1:
                mixed.append(story)
            for code in codes:
                by_language[code] += 1
                multi[code] += len(story) > 1
        print(f"\nstories ({label}): {len(stories):,}; per language (of them, with more than one article): "
              + ", ".join(f"{code} {n} ({multi[code]})" for code, n in by_language.most_common()))
        print(f"stories that mix languages ({label}): {len(mixed)}")
        for story in mixed[:5]:
            print("  ", ", ".join(f"{a[:40]} [{languages.get(a, '?')}]" for a in story[:6]))


if __name__ == "__main__":
    main()
