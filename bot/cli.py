"""The `briefbot` command line: the same jobs as the Discord bot, in a terminal.

Exit codes are a public contract: 0 done; 1 nothing to report; 2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings
from briefings.corpus import Article, ArticleError, Corpus, CorpusError, LoadProblem
from briefings.summarizers import ALGORITHMS, DEFAULT_MULTI_ALGORITHM, DEFAULT_SINGLE_ALGORITHM, LengthBudget

log = logging.getLogger(__name__)

DONE, NOTHING_TO_REPORT, BAD_INPUT = 0, 1, 2
PROGRESS_FROM = 500  # show a progress bar when loading at least this many files into a terminal


class UsageError(Exception):
    """Bad input from the user; the message says what to fix."""


def build_parser() -> argparse.ArgumentParser:
    """Describe every command and option (this is what --help prints)."""
    parser = argparse.ArgumentParser(
        prog="briefbot",
        description="Extractive, cited news briefings from a folder of articles. With no command: the bot "
        "when DISCORD_TOKEN is set, otherwise the briefing over the corpus in this terminal.",
        epilog="Exit codes: 0 done; 1 nothing to report; 2 bad usage or bad input.",
    )
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="how much to log to stderr (default: BRIEFBOT_LOG_LEVEL or WARNING)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    reading = argparse.ArgumentParser(add_help=False)
    reading.add_argument("--corpus", type=Path, metavar="DIR",
                         help="folder of article files to read (default: BRIEFBOT_CORPUS_DIR or the bundled seeds/)")
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--json", action="store_true", help="print JSON for scripts instead of text for people")
    length = argparse.ArgumentParser(add_help=False)
    budget = length.add_mutually_exclusive_group()
    budget.add_argument("--sentences", type=_positive, metavar="N", help="at most N sentences (default: 5)")
    budget.add_argument("--words", type=_positive, metavar="N",
                        help="at most N words; stops at the last whole sentence that fits")
    length.add_argument("--truncate", action="store_true",
                        help="with --words, cut the last sentence to fill the budget exactly (marked as cut)")

    brief = commands.add_parser("brief", parents=[reading, output], help="the briefing as it would be posted",
                                description="The top stories (by number of sources and recency), each with a "
                                "headline, a short cited summary, its source count and outlets.")
    brief.add_argument("--stories", type=_positive, default=5, metavar="N", help="how many stories (default: 5)")
    brief.add_argument("--as-of", type=_date, metavar="DATE",
                       help="brief as if it were this date (YYYY-MM-DD): later articles are left out")

    summary = commands.add_parser("summary", parents=[reading, output, length],
                                  help="summarise the corpus, or what it says about a topic",
                                  description="An extractive summary across articles: sentences that several "
                                  "outlets carry appear once, credited to all of them.")
    summary.add_argument("topic", nargs="*", metavar="TOPIC",
                         help="a word or name, e.g. tariffs, fentanyl, Bessent (default: the whole corpus)")

    summarize = commands.add_parser("summarize", parents=[output, length], help="summarise any text files",
                                    description="Summarise one text file (single-document) or several "
                                    "(multi-document). Files may start with YAML front matter.")
    summarize.add_argument("files", nargs="+", type=Path, metavar="FILE", help="text files to summarise")
    summarize.add_argument("--algorithm", choices=ALGORITHMS,
                           help=f"how to choose sentences (default: {DEFAULT_SINGLE_ALGORITHM} for one file, "
                           f"{DEFAULT_MULTI_ALGORITHM} for several; all but coverage are sumy's)")

    commands.add_parser("stories", parents=[reading, output], help="the stories, with their articles and sources",
                        description="Articles grouped into stories: copies of one wire story from several "
                        "outlets are one story with a source count.")
    commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return BAD_INPUT
    logging.basicConfig(level=args.log_level or settings.log_level, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    command = args.command or ("run" if settings.discord_token else "brief")
    if args.command is None:
        args = parser.parse_args([*(argv or []), command])
    handlers: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
        "brief": _brief, "summary": _summary, "summarize": _summarize, "stories": _stories, "run": _run,
    }
    try:
        return handlers[command](args, settings)
    except (UsageError, CorpusError) as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return BAD_INPUT


def _brief(args: argparse.Namespace, settings: Settings) -> int:
    from bot.output import briefing_json, print_json  # noqa: PLC0415
    from bot.terminal import console, print_briefing  # noqa: PLC0415
    from briefings.briefing import build_briefing  # noqa: PLC0415

    corpus = _load(args, settings)
    if corpus is None:
        return NOTHING_TO_REPORT
    briefing = build_briefing(corpus, as_of=args.as_of, max_stories=args.stories)
    if not briefing.stories:
        print("briefbot: no stories to brief" + (" as of that date" if args.as_of else ""), file=sys.stderr)
        return NOTHING_TO_REPORT
    if args.json:
        print_json(briefing_json(briefing, corpus))
    else:
        print_briefing(console(), briefing, corpus)
    return DONE


def _summary(args: argparse.Namespace, settings: Settings) -> int:
    from bot.output import print_json, summary_json  # noqa: PLC0415
    from bot.terminal import console, print_summary  # noqa: PLC0415
    from briefings.summaries import NothingToReport, summarize_topic  # noqa: PLC0415

    budget = _budget(args)
    corpus = _load(args, settings)
    if corpus is None:
        return NOTHING_TO_REPORT
    topic = " ".join(args.topic).strip() or None
    try:
        summary = summarize_topic(corpus, topic, budget)
    except NothingToReport as nothing:
        hint = f" Topics that exist: {', '.join(nothing.suggestions)}." if nothing.suggestions else ""
        print(f"briefbot: {nothing}.{hint}", file=sys.stderr)
        return NOTHING_TO_REPORT
    if args.json:
        print_json(summary_json(summary, corpus))
    else:
        print_summary(console(), summary, corpus)
    return DONE


def _summarize(args: argparse.Namespace, settings: Settings) -> int:
    from bot.output import print_json, summary_json  # noqa: PLC0415
    from bot.terminal import console, print_summary  # noqa: PLC0415
    from briefings.summaries import summarize_articles  # noqa: PLC0415

    budget = _budget(args)
    articles: list[Article] = []
    for path in args.files:
        if path.stem in {article.id for article in articles}:
            raise UsageError(f"two files are named {path.stem!r}: article ids come from file names and must differ")
        try:
            articles.append(Article.from_path(path, settings.max_article_bytes))
        except ArticleError as error:
            raise UsageError(f"{path}: {error}") from error
    algorithm = args.algorithm or (DEFAULT_SINGLE_ALGORITHM if len(articles) == 1 else DEFAULT_MULTI_ALGORITHM)
    summary = summarize_articles(articles, budget, algorithm)
    corpus = Corpus(tuple(articles))
    if args.json:
        print_json({**summary_json(summary, corpus), "algorithm": algorithm})
    else:
        print_summary(console(), summary, corpus)
    return DONE if summary.sentences else NOTHING_TO_REPORT


def _stories(args: argparse.Namespace, settings: Settings) -> int:
    from bot.output import print_json, story_json  # noqa: PLC0415
    from bot.terminal import console, print_stories  # noqa: PLC0415

    corpus = _load(args, settings)
    if corpus is None:
        return NOTHING_TO_REPORT
    stories = corpus.stories
    if args.json:
        print_json({"stories": [story_json(story) for story in stories]})
    else:
        print_stories(console(), stories, corpus)
    return DONE


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.discord_token is None:
        print("briefbot: no Discord token. Set DISCORD_TOKEN in the environment or in .env (see .env.example). "
              "Without one, `briefbot brief` prints the briefing in this terminal.", file=sys.stderr)
        return BAD_INPUT
    print("briefbot: the Discord front end is not in this version yet; `briefbot brief` works in the terminal.",
          file=sys.stderr)
    return BAD_INPUT


def _load(args: argparse.Namespace, settings: Settings) -> Corpus | None:
    folder: Path = args.corpus or settings.corpus_dir
    corpus, problems = _load_with_progress(folder, settings.max_article_bytes)
    for problem in problems:
        print(f"briefbot: warning: {problem}", file=sys.stderr)
    if not len(corpus):
        print(f"briefbot: no readable articles (*.txt) in {folder}", file=sys.stderr)
        return None
    log.info("loaded %d articles from %s (%d skipped)", len(corpus), folder, len(problems))
    return corpus


def _load_with_progress(folder: Path, max_bytes: int) -> tuple[Corpus, tuple[LoadProblem, ...]]:
    if not sys.stderr.isatty() or not folder.is_dir() or sum(1 for _ in folder.glob("*.txt")) < PROGRESS_FROM:
        return Corpus.from_folder(folder, max_bytes)
    from rich.progress import Progress  # noqa: PLC0415

    with Progress(transient=True) as progress:
        task = progress.add_task(f"Reading {folder}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        corpus, problems = Corpus.from_folder(folder, max_bytes, on_progress=advance)
        progress.update(task, description="Indexing sentences")
        corpus.index  # noqa: B018 - build the index under the progress bar, not after it
    return corpus, problems


def _budget(args: argparse.Namespace) -> LengthBudget:
    if args.truncate and args.words is None:
        raise UsageError("--truncate only applies with --words N")
    return LengthBudget.of(sentences=args.sentences, words=args.words, truncate=args.truncate)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _date(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD (e.g. 2025-03-01)") from None
    if len(text) <= 10:  # a bare date means the end of that day
        parsed = datetime.combine(parsed.date(), time.max)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)

