"""Real feeds and pages through the real ingestion path, against a local HTTP server on 127.0.0.1 (issue 14).

    .venv/bin/python bench/realweb.py [--sample N] [--baseline DIR] [--extraction] [--leaks]

Serves every feed of ../shared/data/realweb/feedparser-tests/ (with the HTTP headers each file's comment
asks for) and every page of ../shared/data/realweb/trafilatura-pages/ (as the teaser pages of feeds whose items
link to them) on 127.0.0.1, follows each feed with the real `SourceStore`, `Fetcher` and `SourcePoller` (what
`briefbot source poll` runs), and prints:
- feeds parsed, recovered (malformed, but entries kept) and rejected, with the reasons; rejected feeds from
  which feedparser itself recovers entries (target 0);
- entries kept, and why the rest were dropped;
- extraction fidelity on the annotated pages: the share of "with" segments found in the stored text and the
  share of "without" segments (boilerplate) that got in, by language (targets for English and German: at
  least 95% and at most 2%);
- languages detected, sentences and stories per language, and stories that mix languages (target 0);
- lines of clean prose (the BBC and Timeline17 articles of ../shared/data) that the page cleaning drops, and those
  dropped by this code and not by the baseline (the guard against false positives: target 0).
With --baseline DIR (a checkout of main before this change: `git worktree add /tmp/base main`), the same
figures from that code on the same input, side by side. --sample N takes N feeds and N pages spread over
the sets (for a loaded machine). --extraction compares trafilatura settings on the pages (the measurement
behind bot/ingestion/pages.py's choice). --leaks lists each "without" segment counted in on the English and German
pages, with the stored line that holds it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
DATA = SHARED / "realweb"
CLEAN_TEXTS = (SHARED / "bbc-news-summary" / "News Articles", SHARED / "timeline17")
FEEDS = DATA / "feedparser-tests"
PAGES = DATA / "trafilatura-pages"
PAGES_PER_FEED = 25
TARGET_LANGUAGES = ("zh", "ja", "de", "es", "pt", "fr")
_HEADER = re.compile(r"^\s*Header:\s*([\w-]+)\s*:\s*(.+?)\s*$", re.MULTILINE | re.IGNORECASE)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def feed_files(sample: int | None) -> list[Path]:
    files = sorted(path for path in FEEDS.rglob("*") if path.is_file() and path.name != "LICENSE")
    return spread(files, sample)


def page_files(sample: int | None) -> dict[str, dict[str, Any]]:
    """Return the annotated pages (file name -> annotation), a spread sample if asked."""
    annotations = json.loads((PAGES / "annotations.json").read_text(encoding="utf-8"))
    by_file = {item["file"]: item for item in annotations.values() if (PAGES / "pages" / item["file"]).is_file()}
    return {name: by_file[name] for name in spread(sorted(by_file), sample)}


def spread(items: list[Any], sample: int | None) -> list[Any]:
    if not sample or sample >= len(items):
        return items
    step = len(items) / sample
    return [items[int(number * step)] for number in range(sample)]


def headers_of(path: Path) -> dict[str, str]:
    """The HTTP headers a feedparser test asks to be served with (its leading comment's `Header:` lines)."""
    head = path.read_bytes()[:4_000].decode("latin-1")
    comment = head[:head.find("-->")] if "-->" in head else ""
    return {name.lower(): value for name, value in _HEADER.findall(comment)}


# ---------------------------------------------------------------------------------------------------- the engine


def run_engine(code: Path, feeds: list[str], pages: list[str]) -> dict[str, Any]:
    """Serve the inputs on 127.0.0.1 and poll them with the ingestion code of `code`; return what was stored."""
    sys.path.insert(0, str(code))
    return asyncio.run(_engine(feeds, pages))


async def _engine(feeds: list[str], pages: list[str]) -> dict[str, Any]:
    import inspect
    from datetime import timedelta

    from aiohttp import web

    from bot.ingestion.fetch import Fetcher
    from bot.ingestion.sources import SourcePoller
    from bot.storage.database import SourceStore, Storage
    from briefings.corpus import Article, ArticleError, Corpus

    async def serve_feed(request: web.Request) -> web.Response:
        path = FEEDS / unquote(request.match_info["path"])
        headers = headers_of(path)
        content_type = headers.pop("content-type", "application/xml")
        return web.Response(body=path.read_bytes(), headers={"Content-Type": content_type, **{
            name: value for name, value in headers.items() if name in {"content-location", "content-language"}}})

    async def serve_page(request: web.Request) -> web.Response:
        return web.Response(body=(PAGES / "pages" / unquote(request.match_info["name"])).read_bytes(),
                            headers={"Content-Type": "text/html"})

    def page_feed(number: int, base: str) -> bytes:
        items = []
        for name in pages[number * PAGES_PER_FEED:(number + 1) * PAGES_PER_FEED]:
            found = _TITLE.search((PAGES / "pages" / name).read_bytes()[:200_000])
            title = found.group(1).decode("utf-8", errors="replace").strip() if found else name
            items.append(f"<item><guid>{escape(name)}</guid><link>{base}/pages/{quote(name)}</link>"
                         f"<title>{escape(' '.join(title.split())[:200])}</title><description></description></item>")
        return (f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Pages {number}</title>"
                + "".join(items) + "</channel></rss>").encode("utf-8")

    async def serve_page_feed(request: web.Request) -> web.Response:
        base = f"http://127.0.0.1:{request.url.port}"
        return web.Response(body=page_feed(int(request.match_info["number"]), base),
                            content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feeds/{path:.+}", serve_feed)
    app.router.add_get("/pages/{name:.+}", serve_page)
    app.router.add_get("/page-feeds/{number}", serve_page_feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"feeds": {}, "pages": {}, "articles": [], "stories": [], "seconds": {}}
    with tempfile.TemporaryDirectory() as state:
        store = SourceStore(Storage.open(f"sqlite:///{state}/bench.db"))
        urls = {f"{base}/feeds/{quote(name)}": name for name in feeds}
        page_feeds = {f"{base}/page-feeds/{number}": number
                      for number in range((len(pages) + PAGES_PER_FEED - 1) // PAGES_PER_FEED)}
        ids = {}
        for url in [*urls, *page_feeds]:
            ids[store.add(url, url, timedelta(minutes=30)).id] = url
        options: dict[str, Any] = {}
        if "limits" in inspect.signature(SourcePoller).parameters:  # this change's budgets, opened up for the bench
            from bot.ingestion.sources import PollLimits

            options["limits"] = PollLimits(pages_per_feed=10_000, pages_per_poll=100_000,
                                           page_seconds_per_poll=3_600, entries_per_poll=100_000,
                                           articles_per_source=1_000_000)
        started = time.perf_counter()
        async with Fetcher(frozenset({"127.0.0.1"})) as fetcher:
            results = await SourcePoller(store, fetcher, **options).poll_due()
        out["seconds"]["poll"] = time.perf_counter() - started
        for result in results:
            url = ids[result.source_id]
            if url in urls:
                out["feeds"][urls[url]] = {"error": result.error, "new": len(result.new_articles),
                                           "duplicates": result.duplicates,
                                           "problems": list(getattr(result, "problems", ()))}
        articles = []
        for item in store.articles():
            try:
                article = Article.from_text(item.id, item.document)
            except ArticleError:
                continue
            articles.append(article)
            page = unquote(article.url.rsplit("/pages/", 1)[1]) if article.url and "/pages/" in article.url else None
            if page is not None:
                out["pages"][page] = item.document.split("\n---\n", 1)[-1]
            out["articles"].append({"id": article.id, "page": page, "language": getattr(article, "language", "en"),
                                    "sentences": len(article.sentences),
                                    "not_verbatim": sum(sentence.text not in item.document
                                                        for sentence in article.sentences)})
        out["stories"] = [list(story.article_ids) for story in Corpus(tuple(articles)).stories]
    await runner.cleanup()
    return out


def engine_in_subprocess(code: Path, feeds: list[str], pages: list[str]) -> dict[str, Any]:
    """Run the engine in a fresh interpreter, so two versions of the code never share a process."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"feeds": feeds, "pages": pages}, handle)
    command = [sys.executable, __file__, "--engine", str(code), "--inputs", handle.name]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own script
    Path(handle.name).unlink()
    if result.returncode != 0:
        # The served feeds' own failures (relative links to files that do not exist) fill stderr; keep all of it.
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False, prefix="realweb-engine-") as log:
            log.write(result.stderr)
        sys.exit(f"the engine at {code} failed (exit {result.returncode}; its stderr is in {log.name}):\n"
                 f"{result.stderr[-3000:]}")
    return json.loads(result.stdout)


# --------------------------------------------------------------------------------------- clean prose, left alone


def clean_texts() -> list[tuple[str, str]]:
    """The BBC and Timeline17 article texts (name, text): prose from which the page cleaning should drop nothing."""
    bbc, timeline17 = CLEAN_TEXTS
    texts = [(str(path.relative_to(bbc)), path.read_text(encoding="utf-8", errors="replace"))
             for path in sorted(bbc.rglob("*.txt"))]
    texts += [(str(path.relative_to(timeline17)), path.read_text(encoding="utf-8").split("\n---\n", 1)[-1])
              for path in sorted(timeline17.glob("*/articles/*.txt"))]
    return texts


def run_cleaning(code: Path) -> dict[str, Any]:
    """Run the page cleaning of `code` over the clean texts, each as a page of one paragraph a line.

    The text steps of `extract_page` after trafilatura (banners, layout rows, furniture against the page's HTML)
    on a page that holds nothing but the article: every line they drop is a line of an article dropped.
    """
    sys.path.insert(0, str(code))
    from html import escape as html_escape

    from trafilatura.utils import load_html

    from bot.ingestion.pages import without_banners, without_furniture, without_layout_rows

    lines = 0
    dropped: list[str] = []
    for name, text in clean_texts():
        paragraphs = [line for line in text.splitlines() if line.strip()]
        lines += len(paragraphs)
        page = "".join(f"<p>{html_escape(line)}</p>" for line in paragraphs)
        tree = load_html(f"<html><body><article>{page}</article></body></html>")
        kept = Counter(without_furniture(tree, without_layout_rows(without_banners("\n".join(paragraphs)))
                                         ).splitlines())
        for line, count in (Counter(paragraphs) - kept).items():
            dropped.extend([f"{name}: {line}"] * count)
    return {"lines": lines, "dropped": dropped}


def cleaning_in_subprocess(code: Path) -> dict[str, Any]:
    """Run `run_cleaning` on `code` in a fresh interpreter, as the engine is."""
    command = [sys.executable, __file__, "--cleaning", str(code)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own script
    if result.returncode != 0:
        sys.exit(f"the cleaning at {code} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def report_cleaning(runs: dict[str, dict[str, Any]]) -> None:
    first = next(iter(runs.values()))
    print(f"\nCLEAN PROSE: {first['lines']:,} lines of {len(clean_texts()):,} BBC and Timeline17 articles through "
          "the page cleaning (each a page of one paragraph a line; target: nothing more dropped than before)")
    before = Counter(runs["before"]["dropped"]) if "before" in runs else None
    for label, run in runs.items():
        print(f"[{label}] lines dropped: {len(run['dropped']):,} of {run['lines']:,}")
    if before is not None:
        now = Counter(runs["now"]["dropped"])
        more, fewer = now - before, before - now
        print(f"[now] lines of clean BBC/Timeline17 text dropped by this code and not by the baseline: "
              f"{sum(more.values())}; kept by this code and dropped by the baseline: {sum(fewer.values())}")
        for line in list(more)[:10]:
            print(f"    now drops: {line[:150]}")


# ----------------------------------------------------------------------------------------------------- figures


def feedparser_view(files: list[Path]) -> dict[str, dict[str, Any]]:
    """What feedparser itself makes of each feed: entries, and whether it was malformed."""
    import feedparser

    view = {}
    for path in files:
        headers = headers_of(path)
        parsed = feedparser.parse(path.read_bytes(), response_headers=headers)
        view[str(path.relative_to(FEEDS))] = {"entries": len(parsed.entries), "bozo": bool(parsed.get("bozo"))}
    return view


def _kind(reason: str) -> str:
    """A reason with its particulars (positions, names, counts) taken out, to count reasons of one kind."""
    reason = re.sub(r"<unknown>:\d+:\d+: ", "", reason)
    reason = re.sub(r"'[^']*'|\"[^\"]*\"", "…", reason)
    reason = re.sub(r"\d+", "N", reason)
    return reason[:110]


def report_feeds(view: dict[str, dict[str, Any]], runs: dict[str, dict[str, Any]]) -> None:
    print(f"\nFEEDS: {len(view):,} files of feedparser's tests; feedparser finds entries in "
          f"{sum(v['entries'] > 0 for v in view.values()):,}, malformed in {sum(v['bozo'] for v in view.values()):,}")
    for label, run in runs.items():
        feeds = run["feeds"]
        rejected = {name: item["error"] for name, item in feeds.items() if item["error"]}
        recovered = [name for name, item in feeds.items() if not item["error"] and view[name]["bozo"]]
        lost = [name for name in rejected if view[name]["entries"] > 0]
        lost_entries = sum(view[name]["entries"] for name in lost)
        print(f"\n[{label}] parsed {len(feeds) - len(rejected):,} (of them recovered from malformed XML or "
              f"encoding: {len(recovered):,}), rejected {len(rejected):,}")
        print(f"[{label}] rejected although feedparser recovers entries: {len(lost):,} feeds, {lost_entries:,} "
              "entries (target 0)")
        for reason, count in Counter(_kind(reason) for reason in rejected.values()).most_common(8):
            print(f"    {count:5,}  {reason}")
        for name in lost[:5]:
            print(f"    lost: {name}: {rejected[name][:100]}")
        entries = sum(view[name]["entries"] for name in feeds)
        kept = sum(item["new"] for item in feeds.values())
        dropped: Counter[str] = Counter()
        for name, item in feeds.items():
            if item["error"]:
                dropped["the feed was rejected"] += view[name]["entries"]
                continue
            dropped["already held (same GUID, URL or text)"] += item["duplicates"]
            named = 0
            for problem in item["problems"]:
                if " skipped: " in problem:
                    dropped[_kind(problem.split(" skipped: ", 1)[1])] += 1
                    named += 1
            rest = view[name]["entries"] - item["new"] - item["duplicates"] - named
            if rest > 0:
                dropped["no sentences, or not read (no reason given)"] += rest
        print(f"[{label}] entries: {entries:,} (as feedparser counts them), kept {kept:,}; dropped:")
        for reason, count in dropped.most_common(8):
            if count:
                print(f"    {count:5,}  {reason}")


def page_languages(pages: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each page's language, detected on its annotated "with" segments (the same for every run)."""
    sys.path.insert(0, str(ROOT))
    from briefings.languages import detect_language

    return {name: detect_language(" ".join(item["with"])) for name, item in pages.items()}


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphens, zero widths


def _normal(text: str) -> str:
    """Text as compared: case and white space folded, invisible characters (soft hyphens) left out."""
    return " ".join(text.translate(_INVISIBLE).split()).casefold()


def fidelity(pages: dict[str, dict[str, Any]], stored: dict[str, str], languages: dict[str, str]
             ) -> dict[str, tuple[int, int, int, int, int, int]]:
    """Per language: pages, pages with text stored, "with" found/total, "without" found/total."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for name, item in pages.items():
        row = table[languages[name]]
        text = _normal(stored.get(name, ""))
        row[0] += 1
        row[1] += bool(text)
        row[2] += sum(_normal(segment) in text for segment in item["with"])
        row[3] += len(item["with"])
        row[4] += sum(_normal(segment) in text for segment in item["without"])
        row[5] += len(item["without"])
    return {code: (row[0], row[1], row[2], row[3], row[4], row[5]) for code, row in table.items()}


def ambiguous(pages: dict[str, dict[str, Any]], stored: dict[str, str], languages: dict[str, str]) -> Counter[str]:
    """Per language: "without" segments counted in that the substring match cannot place.

    Such a segment is stored only inside longer lines, and the page holds its words more than once, more times
    than the stored text does: "Wohnen" is a menu item of spoe.at and a word of its article's sentences, so a
    stored sentence holding it says nothing about the menu. trafilatura's evaluation counts these as in, and so do
    the figures above; this says how many of them there are.
    """
    sys.path.insert(0, str(ROOT))
    from trafilatura.utils import load_html

    counts: Counter[str] = Counter()
    for name, item in pages.items():
        text = _normal(stored.get(name, ""))
        lines = {_normal(line).removeprefix("- ") for line in stored.get(name, "").splitlines()}
        visible = None
        for segment in map(_normal, item["without"]):
            if segment not in text or segment in lines:
                continue
            if visible is None:
                tree = load_html((PAGES / "pages" / name).read_bytes())
                visible = _normal(" ".join(tree.xpath(
                    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or "
                    "ancestor::template)]"))) if tree is not None else ""
            if visible.count(segment) >= 2 and text.count(segment) < visible.count(segment):
                counts[languages[name]] += 1
    return counts


def report_leaks(pages: dict[str, dict[str, Any]], stored: dict[str, str], languages: dict[str, str]) -> None:
    """Print each "without" segment counted in on the English and German pages, with the stored line holding it."""
    print("\n'without' segments counted in, English and German (page: segment | the stored line holding it):")
    for name, item in pages.items():
        if languages[name] not in {"en", "de"}:
            continue
        text = stored.get(name, "")
        for segment in item["without"]:
            if _normal(segment) not in _normal(text):
                continue
            holding = [line for line in text.splitlines() if _normal(segment) in _normal(line)]
            where = f"{holding[0][:120]!r}" + (f" (and {len(holding) - 1} more)" if len(holding) > 1 else "") \
                if holding else "(across lines)"
            print(f"    {name}: {segment[:60]!r} | {where}")


def report_pages(pages: dict[str, dict[str, Any]], runs: dict[str, dict[str, Any]], leaks: bool = False) -> None:
    languages = page_languages(pages)
    print(f"\nPAGES: {len(pages)} annotated pages of trafilatura's evaluation set, served as teaser pages")
    tables = {label: fidelity(pages, run["pages"], languages) for label, run in runs.items()}
    first = next(iter(tables.values()))
    print("  language pages |" + " | ".join(f" {label}: stored, 'with' kept, 'without' in" for label in tables))
    for code in sorted(first, key=lambda c: -first[c][0]):
        cells = []
        for table in tables.values():
            n, stored, kept, with_total, leaked, without_total = table.get(code, (0, 0, 0, 0, 0, 0))
            cells.append(f" {stored:3}/{n:<3} {_share(kept, with_total):>6} {_share(leaked, without_total):>6}")
        print(f"  {code:8} {first[code][0]:5} |" + " |".join(cells))
    for label, table in tables.items():
        total = [sum(row[i] for row in table.values()) for i in range(6)]
        en_de = [sum(row[i] for code, row in table.items() if code in {"en", "de"}) for i in range(6)]
        print(f"[{label}] all pages: 'with' kept {_share(total[2], total[3])}, 'without' in "
              f"{_share(total[4], total[5])}; English and German: 'with' kept {_share(en_de[2], en_de[3])} "
              f"(target 95%), 'without' in {_share(en_de[4], en_de[5])} (target at most 2%)")
        unplaced = ambiguous(pages, runs[label]["pages"], languages)
        en_de_unplaced = unplaced["en"] + unplaced["de"]
        print(f"[{label}] of the 'without' segments in, {sum(unplaced.values())} (English and German "
              f"{en_de_unplaced}) are stored only inside longer lines and repeated elsewhere on the page, so the "
              "substring match cannot tell which place got in; not counting them, 'without' in "
              f"{_share(total[4] - sum(unplaced.values()), total[5])}, English and German "
              f"{_share(en_de[4] - en_de_unplaced, en_de[5])}")
    if leaks:
        report_leaks(pages, runs["now"]["pages"], languages)
    for label, run in runs.items():
        language_of = {item["id"]: item["language"] for item in run["articles"]}
        sentences: Counter[str] = Counter()
        counted: Counter[str] = Counter()
        from_feeds: Counter[str] = Counter()
        for item in run["articles"]:
            if item["page"]:
                sentences[item["language"]] += item["sentences"]
                counted[item["language"]] += 1
            else:
                from_feeds[item["language"]] += item["sentences"]
        stories_by: Counter[str] = Counter()
        mixed = 0
        for story in run["stories"]:
            codes = {language_of.get(article, "en") for article in story}
            mixed += len(codes) > 1
            for code in codes:
                stories_by[code] += 1
        print(f"\n[{label}] languages detected (pages stored): "
              + ", ".join(f"{code} {n}" for code, n in counted.most_common()))
        print(f"[{label}] sentences per language (pages): "
              + ", ".join(f"{code} {n:,}" for code, n in sentences.most_common()))
        print(f"[{label}] sentences per language (feed entries kept): "
              + ", ".join(f"{code} {n:,}" for code, n in from_feeds.most_common()))
        sentences.update(from_feeds)
        print(f"[{label}] stories per language: " + ", ".join(f"{code} {n}" for code, n in stories_by.most_common())
              + f"; stories that mix languages: {mixed} (target 0)")
        missing = [code for code in TARGET_LANGUAGES if not sentences.get(code)]
        print(f"[{label}] target languages with sentences: "
              + ", ".join(code for code in TARGET_LANGUAGES if code not in missing)
              + (f"; none for {', '.join(missing)}" if missing else ""))
        print(f"[{label}] sentences that are not a verbatim substring of the stored text: "
              f"{sum(item['not_verbatim'] for item in run['articles'])} (target 0)")
        print(f"[{label}] poll of all feeds and pages: {run['seconds']['poll']:.1f} s")


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


# ------------------------------------------------------------------------------------------ extraction settings


def compare_extraction(pages: dict[str, dict[str, Any]]) -> None:
    """Fidelity of trafilatura settings on the pages, through bot.ingestion.pages.extract_page."""
    sys.path.insert(0, str(ROOT))
    from bot.ingestion import pages as page_module

    languages = page_languages(pages)
    variants: dict[str, dict[str, Any]] = {
        "defaults": {"favor_precision": False, "favor_recall": False, "include_tables": False},
        "favor_precision (before)": {"favor_precision": True, "favor_recall": False, "include_tables": False},
        "favor_recall": {"favor_precision": False, "favor_recall": True, "include_tables": False},
        "defaults + tables (chosen)": {"favor_precision": False, "favor_recall": False, "include_tables": True},
    }
    chosen = dict(page_module.EXTRACTION)
    print(f"\nEXTRACTION SETTINGS on {len(pages)} pages (extract_page: charset, trafilatura, banners out)")
    print("  setting                    'with' kept  'without' in  en+de kept  en+de in  pages with nothing  s/page")
    for label, settings in variants.items():
        page_module.EXTRACTION.clear()
        page_module.EXTRACTION.update({**chosen, **settings})
        started = time.perf_counter()
        stored = {}
        for name in pages:
            found = page_module.extract_page((PAGES / "pages" / name).read_bytes(), "text/html")
            if found is not None:
                stored[name] = found.text
        took = (time.perf_counter() - started) / max(len(pages), 1)
        table = fidelity(pages, stored, languages)
        total = [sum(row[i] for row in table.values()) for i in range(6)]
        en_de = [sum(row[i] for code, row in table.items() if code in {"en", "de"}) for i in range(6)]
        print(f"  {label:26} {_share(total[2], total[3]):>11} {_share(total[4], total[5]):>13} "
              f"{_share(en_de[2], en_de[3]):>11} {_share(en_de[4], en_de[5]):>9} {len(pages) - len(stored):>19} "
              f"{took:7.2f}")
    page_module.EXTRACTION.clear()
    page_module.EXTRACTION.update(chosen)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, help="at most this many feeds and this many pages, spread over the sets")
    parser.add_argument("--baseline", type=Path, help="a checkout of the code to compare with (main before this)")
    parser.add_argument("--extraction", action="store_true", help="also compare trafilatura settings on the pages")
    parser.add_argument("--leaks", action="store_true",
                        help="list each 'without' segment counted in (English and German) with its stored line")
    parser.add_argument("--engine", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inputs", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cleaning", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cleaning is not None:
        json.dump(run_cleaning(args.cleaning), sys.stdout, ensure_ascii=False)
        return
    if args.engine is not None:
        inputs = json.loads(args.inputs.read_text(encoding="utf-8"))
        json.dump(run_engine(args.engine, inputs["feeds"], inputs["pages"]), sys.stdout, ensure_ascii=False)
        return
    for folder in (FEEDS, PAGES, *CLEAN_TEXTS):
        if not folder.is_dir():
            sys.exit(f"{folder} is missing: the shared data is expected beside the project")
    files = feed_files(args.sample)
    pages = page_files(args.sample)
    feeds = [str(path.relative_to(FEEDS)) for path in files]
    started = time.perf_counter()
    runs = {"now": engine_in_subprocess(ROOT, feeds, list(pages))}
    print(f"{len(feeds):,} feeds and {len(pages)} pages through the ingestion path in "
          f"{time.perf_counter() - started:.0f} s")
    if args.baseline:
        started = time.perf_counter()
        runs["before"] = engine_in_subprocess(args.baseline, feeds, list(pages))
        print(f"the same through the baseline at {args.baseline} in {time.perf_counter() - started:.0f} s")
    report_feeds(feedparser_view(files), runs)
    report_pages(pages, runs, leaks=args.leaks)
    cleaning = {"now": cleaning_in_subprocess(ROOT)}
    if args.baseline:
        cleaning["before"] = cleaning_in_subprocess(args.baseline)
    report_cleaning(cleaning)
    if args.extraction:
        compare_extraction(pages)


if __name__ == "__main__":
    main()
