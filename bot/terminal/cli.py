"""The `briefbot` command line: the same jobs as the Discord bot, in a terminal.

Exit codes are a public contract: 0 done; 1 nothing to report; 2 bad usage, bad input, or a fault Briefbot cannot
work around (the database locked or unusable, the disk full, the state folder unusable), always with one line
saying what to fix.
"""

from __future__ import annotations

import argparse
import errno
import gc
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.discord.shards import ShardError, Shards
from bot.errors import StorageError
from bot.settings import Settings, SettingsError, load_settings
from bot.storage import MAX_ID
from briefings.addresses import AddressError, check_feed_url
from briefings.corpus import FUTURE_TOLERANCE, Article, ArticleError, Corpus, CorpusError, LoadProblem
from briefings.printable import printable_name
from briefings.summarizers import ALGORITHMS, DEFAULT_MULTI_ALGORITHM, DEFAULT_SINGLE_ALGORITHM, LengthBudget
from briefings.when import parse_moment

if TYPE_CHECKING:
    from bot.storage.database import Storage
    from briefings.scheduling import DigestSchedule
    from briefings.summaries import NothingToReport

log = logging.getLogger(__name__)

DONE, NOTHING_TO_REPORT, BAD_INPUT = 0, 1, 2
TERMINAL = "terminal"  # the terminal's destination in the briefing log
TERMINAL_GUILD = TERMINAL_CHANNEL = 0  # schedules that post to the terminal
PROGRESS_FROM = 500  # show a progress bar when loading at least this many files into a terminal
PROBLEMS_SHOWN = 20  # skipped files named one by one; beyond that, a count (10,000 bad files are not 10,000 lines)
POLL_MINUTES = (5, 1_440)  # as /source add allows: a poll at least every day, at most every five minutes


class UsageError(Exception):
    """Bad input from the user; the message says what to fix."""


def build_parser() -> argparse.ArgumentParser:
    """Describe every command and option (this is what --help prints)."""
    parser = argparse.ArgumentParser(
        prog="briefbot",
        description="Extractive, cited news briefings from a folder of articles. With no command: the bot "
        "when DISCORD_TOKEN is set, otherwise the briefing over the corpus in this terminal.",
        epilog="Exit codes: 0 done; 1 nothing to report; 2 bad usage, bad input, or a fault (the database locked "
        "or unusable, the disk full), with a message saying what to fix.",
    )
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="how much to log to stderr (default: BRIEFBOT_LOG_LEVEL or WARNING)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    reading = argparse.ArgumentParser(add_help=False)
    reading.add_argument("--corpus", type=Path, metavar="DIR",
                         help="folder of article files to read (default: BRIEFBOT_CORPUS_DIR or the bundled seeds/)")
    reading.add_argument("--server", type=_identifier, metavar="ID",
                         help="read as one Discord server sees it: the folder and the feeds that server follows "
                         "(default: everything, as the operator); `brief --server` previews that server's next "
                         "scheduled post without recording it")
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
                                description="What changed since the last briefing in this terminal, then the top "
                                "stories (by sources and recency: headline, cited sentences, source count and "
                                "outlets), then the figures that moved. Sized for a Discord embed; the briefing "
                                "is recorded so the next one does not repeat it.")
    brief.add_argument("--stories", type=_positive, default=5, metavar="N", help="at most N stories (default: 5)")
    brief.add_argument("--as-of", type=_end_date, metavar="DATE",
                       help="brief as if it were this date (YYYY-MM-DD): later articles are left out")
    brief.add_argument("--no-record", action="store_true",
                       help="do not record this briefing (the next one will repeat what it says)")

    changes = commands.add_parser("changes", parents=[reading, output, length],
                                  help="what the newer articles say that the older ones did not",
                                  description="What the articles published in the window add to those before it: "
                                  "new facts, quotes and reversals (restatements left out), and figures that moved.")
    changes.add_argument("topic", nargs="*", metavar="TOPIC", help="only what changed about this topic")
    changes.add_argument("--since", type=_start_date, metavar="WHEN",
                         help="start of the window: a date (YYYY-MM-DD), 'yesterday' or an age ('3 days'); "
                         "default: the last briefing recorded in this terminal")
    changes.add_argument("--until", type=_end_date, metavar="WHEN", help="end of the window (default: now)")

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
    run = commands.add_parser("run", parents=[reading], help="start the Discord bot (needs DISCORD_TOKEN)",
                              description="Connect to Discord and answer slash commands over the corpus, posting "
                              "the scheduled briefings. Needs DISCORD_TOKEN; DISCORD_GUILD_ID syncs the commands "
                              "to one server instantly. With --console: no Discord, the schedules post here.")
    run.add_argument("--console", action="store_true",
                     help="run the schedules with this terminal as the channel (no token needed)")
    run.add_argument("--shards", type=_shards, metavar="IDS/COUNT",
                     help="run only these Discord shards, e.g. 0-1/4 (shards 0 and 1 of 4): one process per part, "
                     "over one PostgreSQL database; each runs its shards' servers' schedules")

    source = commands.add_parser("source", help="feeds to follow (RSS or Atom)",
                                 description="Feeds Briefbot follows; their articles join the corpus (kept "
                                 "BRIEFBOT_RETENTION_DAYS days).")
    source_commands = source.add_subparsers(dest="source_command", metavar="ACTION", required=True)
    source_add = source_commands.add_parser("add", help="follow a feed")
    source_add.add_argument("url", type=_feed_url, metavar="URL", help="the feed's address (http or https)")
    source_add.add_argument("--interval", type=_poll_minutes, default=30, metavar="MINUTES",
                            help=f"how often to poll it, {POLL_MINUTES[0]} to {POLL_MINUTES[1]} minutes "
                            "(default: 30)")
    source_commands.add_parser("list", help="the feeds, with last success, last error and article count")
    source_remove = source_commands.add_parser("remove", help="stop following a feed")
    source_remove.add_argument("id", type=_identifier, metavar="ID", help="the source's number (see `source list`)")
    source_commands.add_parser("poll", help="poll the feeds that are due now and report what came in")

    schedule = commands.add_parser("schedule", help="daily briefings for the terminal (`run --console` posts them)",
                                   description="Schedules kept in the database. Discord servers set theirs with "
                                   "/schedule; these post to the terminal under `briefbot run --console`.")
    schedule_commands = schedule.add_subparsers(dest="schedule_command", metavar="ACTION", required=True)
    add = schedule_commands.add_parser("add", help="add a daily briefing at a local time")
    add.add_argument("time", metavar="HH:MM", help="local time, 24-hour")
    add.add_argument("timezone", metavar="TIMEZONE", help="IANA timezone, e.g. Europe/London")
    add.add_argument("--days", help="every day (default), weekdays, weekends, or e.g. mon,wed,fri")
    add.add_argument("--topic", help="only news about this subject")
    schedule_commands.add_parser("list", help="list the schedules with their next run and what happened")
    remove = schedule_commands.add_parser("remove", help="remove a schedule")
    remove.add_argument("id", type=_identifier, metavar="ID", help="the schedule's number (see `schedule list`)")
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
        "brief": _brief, "changes": _changes, "summary": _summary, "summarize": _summarize, "stories": _stories,
        "run": _run, "schedule": _schedule, "source": _source,
    }
    try:
        return handlers[command](args, settings)
    except (UsageError, CorpusError, StorageError) as error:
        print(f"briefbot: {printable_name(str(error))}", file=sys.stderr)
        return BAD_INPUT
    except Exception as error:  # a fault of the machine, not a bug: one line, exit 2, never a traceback
        message = _fault(error, settings)
        if message is None:
            raise
        log.debug("fault", exc_info=error)
        print(f"briefbot: {printable_name(message)}", file=sys.stderr)
        return BAD_INPUT


def _brief(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal.console import console, print_briefing  # noqa: PLC0415
    from bot.terminal.output import briefing_json, print_json  # noqa: PLC0415
    from briefings.briefing import build_briefing  # noqa: PLC0415
    from briefings.filters import KeywordFilter  # noqa: PLC0415

    now = datetime.now(UTC)
    schedule = None
    if args.as_of is not None and args.as_of > now + FUTURE_TOLERANCE:
        raise UsageError(f"--as-of {args.as_of:%Y-%m-%d} is in the future: a briefing can be as of today or an "
                         "earlier date")
    corpus = _load(args, settings)
    if corpus is None:
        return NOTHING_TO_REPORT
    briefings = _log(settings)
    last = briefings.last(TERMINAL)
    if args.server is not None:  # a preview of what the server's next scheduled post would say: never recorded
        args.no_record = True
        schedule = _next_schedule(briefings, args.server)
        if schedule is not None:
            corpus = KeywordFilter(schedule.include, schedule.exclude).apply(corpus)
            print(printable_name(f"Preview of schedule {schedule.id} ({schedule.describe()}) in channel "
                                 f"{schedule.channel_id}: not recorded"), file=sys.stderr)
        last = briefings.last(schedule.destination) if schedule is not None else None
    briefing = build_briefing(corpus, as_of=args.as_of, last=last, max_stories=args.stories, now=now,
                              topic=schedule.topic if schedule is not None else None)
    if briefing.is_empty:
        when = f" on {last.posted_at:%-d %B %Y %H:%M} UTC" if last else ""
        print(f"briefbot: nothing new since the last briefing{when}. `briefbot brief --as-of DATE --no-record` "
              "shows an earlier one.", file=sys.stderr)
        return NOTHING_TO_REPORT
    if not args.no_record:  # recorded first: a briefing that cannot be recorded is not shown (it would repeat)
        briefings.record(briefing.record(TERMINAL, now, last))
    if args.json:
        print_json(briefing_json(briefing, corpus))
    else:
        print_briefing(console(), briefing, corpus)
    return DONE


def _changes(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal.console import console, print_digest  # noqa: PLC0415
    from bot.terminal.output import digest_json, print_json  # noqa: PLC0415
    from briefings.digests import build_digest  # noqa: PLC0415
    from briefings.summaries import NothingToReport  # noqa: PLC0415

    budget = _budget(args)
    corpus = _load(args, settings)
    if corpus is None:
        return NOTHING_TO_REPORT
    since = args.since
    if since is None:
        last = _log(settings).last(TERMINAL)
        if last is None or last.covered_until is None:
            raise UsageError("no briefing has been recorded in this terminal yet: give --since DATE "
                             "(e.g. --since 2025-03-01), or run `briefbot brief` first")
        since = last.covered_until + timedelta(microseconds=1)
        print(f"briefbot: changes since the last briefing ({last.covered_until:%-d %B %Y})", file=sys.stderr)
    if args.until is not None and args.until < since:
        raise UsageError("--until is before --since: the window is empty")
    topic = " ".join(args.topic).strip() or None
    try:
        digest = build_digest(corpus, since, args.until, topic, budget)
    except NothingToReport as nothing:
        return _nothing_to_report(nothing, corpus)
    if digest.is_empty:
        window = "in that window" if digest.new_article_ids else "(no article was published in that window)"
        print(f"briefbot: nothing changed {window}", file=sys.stderr)
        return NOTHING_TO_REPORT
    if args.json:
        print_json(digest_json(digest, corpus))
    else:
        print_digest(console(), digest, corpus)
    return DONE


def _summary(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal.console import console, print_summary  # noqa: PLC0415
    from bot.terminal.output import print_json, summary_json  # noqa: PLC0415
    from briefings.summaries import NothingToReport, summarize_topic  # noqa: PLC0415

    budget = _budget(args)
    corpus = _load(args, settings)
    if corpus is None:
        return NOTHING_TO_REPORT
    topic = " ".join(args.topic).strip() or None
    try:
        summary = summarize_topic(corpus, topic, budget)
    except NothingToReport as nothing:
        return _nothing_to_report(nothing, corpus)
    if args.json:
        print_json(summary_json(summary, corpus))
    else:
        print_summary(console(), summary, corpus)
    return DONE


def _summarize(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal.console import console, print_summary  # noqa: PLC0415
    from bot.terminal.output import print_json, summary_json  # noqa: PLC0415
    from briefings.summaries import summarize_articles  # noqa: PLC0415

    budget = _budget(args)
    stems: set[str] = set()
    for path in args.files:
        if path.stem in stems:
            raise UsageError(f"two files are named {path.stem!r}: article ids come from file names and must differ")
        stems.add(path.stem)
    articles: list[Article] = []
    unusable: list[str] = []
    for path in args.files:
        try:
            articles.append(Article.from_path(path, settings.max_article_bytes,
                                              max_front_matter_bytes=settings.max_front_matter_bytes,
                                              now=datetime.now(UTC)))
        except ArticleError as error:
            unusable.append(f"{path}: {error}")
    if not articles:  # one line, as every fault is: each file named with its reason
        raise UsageError(unusable[0] if len(unusable) == 1 else
                         f"no file holds a usable sentence: {'; '.join(unusable)}")
    for problem in unusable:  # as the corpus loader does: one bad file never stops the others
        print(f"briefbot: warning: skipped {printable_name(problem)}", file=sys.stderr)
    algorithm = args.algorithm or (DEFAULT_SINGLE_ALGORITHM if len(articles) == 1 else DEFAULT_MULTI_ALGORITHM)
    summary = summarize_articles(articles, budget, algorithm)
    corpus = Corpus(tuple(articles))
    if args.json:
        print_json({**summary_json(summary, corpus), "algorithm": algorithm})
    else:
        print_summary(console(), summary, corpus)
    return DONE if summary.sentences else NOTHING_TO_REPORT


def _stories(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal.console import console, print_stories  # noqa: PLC0415
    from bot.terminal.output import print_json, story_json  # noqa: PLC0415

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
    if getattr(args, "console", False):
        if args.shards is not None:
            print("briefbot: --shards splits the Discord bot across processes; --console runs without Discord. "
                  "Use one or the other.", file=sys.stderr)
            return BAD_INPUT
        return _run_console(args, settings)
    if settings.discord_token is None:
        print("briefbot: no Discord token. Set DISCORD_TOKEN in the environment or in .env (see .env.example). "
              "Without one, `briefbot brief` prints the briefing in this terminal.", file=sys.stderr)
        return BAD_INPUT
    from bot.__main__ import run_discord  # noqa: PLC0415 - discord.py loads only for the bot

    corpus = _load(args, settings)
    if corpus is None:
        return NOTHING_TO_REPORT
    from bot.ingestion.live import ready  # noqa: PLC0415

    ready(corpus)  # index, stories and topics before connecting, not during the first command
    from bot.storage.corpus_cache import keep_topics  # noqa: PLC0415

    keep_topics(corpus.index)  # counted once: the next start reads them
    return run_discord(settings, corpus, shards=args.shards)


def _run_console(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio  # noqa: PLC0415
    import signal  # noqa: PLC0415
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    from bot.delivery.scheduler import ScheduleRunner  # noqa: PLC0415
    from bot.ingestion.live import LiveCorpus  # noqa: PLC0415
    from bot.terminal.poster import ConsolePoster  # noqa: PLC0415

    corpus = _load(args, settings)
    if corpus is None:
        return NOTHING_TO_REPORT
    storage = _log(settings)

    async def serve() -> None:
        live = LiveCorpus(corpus)
        runner = ScheduleRunner(storage, ConsolePoster(live), live,
                                timedelta(minutes=settings.schedule_grace_minutes), ThreadPoolExecutor(1))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        runner.start()
        count = len(storage.schedules())
        print(f"briefbot: running {count} schedule{'s' if count != 1 else ''} in this terminal; Ctrl-C stops"
              + ("" if count else " (add one with `briefbot schedule add 08:00 Europe/London`)"), file=sys.stderr,
              flush=True)
        await stop.wait()
        runner.stop()

    asyncio.run(serve())
    print("briefbot: stopped", file=sys.stderr)
    return DONE


def _source(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio  # noqa: PLC0415

    from bot.ingestion.fetch import Fetcher, printable_url  # noqa: PLC0415
    from bot.ingestion.sources import SourcePoller, find_feed  # noqa: PLC0415
    from bot.storage.database import SourceStore  # noqa: PLC0415
    from briefings.feeds import FeedError, canonical_url  # noqa: PLC0415

    store = SourceStore(_log(settings))
    if args.source_command == "add":
        async def discover() -> tuple[str, str | None]:
            async with Fetcher(settings.allowed_hosts) as fetcher:
                return await find_feed(fetcher, args.url)

        try:
            url, note = asyncio.run(discover())  # a web page gives the feed it announces
        except FeedError as error:
            raise UsageError(f"{error}; give the address of its RSS or Atom feed. Nothing was saved") from None
        try:
            added = store.add(url, canonical_url(url), timedelta(minutes=args.interval))
        except StorageError as error:
            raise StorageError(printable_url(str(error))) from None
        if note:
            print(printable_name(f"Note: {note}."))
        print(f"Following source {added.id}: {printable_name(printable_url(added.url))}, every {args.interval} "
              "minutes. `briefbot source poll` fetches it now.")
        return DONE
    if args.source_command == "remove":
        if not store.remove(args.id):
            raise UsageError(f"there is no source {args.id} (see `briefbot source list`)")
        print(f"Stopped following source {args.id}; its articles stay until they age out.")
        return DONE
    if args.source_command == "list":
        sources = store.all()
        if not sources:
            print("briefbot: no sources yet; add one with `briefbot source add URL`", file=sys.stderr)
            return NOTHING_TO_REPORT
        for item in sources:
            state = "paused" if item.paused else f"next poll {item.feed.next_poll:%d %b %H:%M} UTC"
            success = f"{item.last_success:%d %b %H:%M} UTC" if item.last_success else "never"
            address = printable_url(item.url)  # a user:password@ in it is not shown
            print(printable_name(f"{item.id}: {item.title or address} <{address}> every "
                                 f"{int(item.interval.total_seconds() // 60)} min; {store.article_count(item.feed_id)} "
                                 f"articles; last success {success}; {state}"
                                 + (f"; last error: {item.last_error}" if item.last_error else "")))
        return DONE

    async def poll() -> int:
        async with Fetcher(settings.allowed_hosts) as fetcher:
            results = await SourcePoller(store, fetcher, limits=settings.poll_limits).poll_due()
        for result in results:
            outcome = result.error or ("not modified" if result.not_modified else
                                       f"{len(result.new_articles)} new, {result.duplicates} already held")
            problems = f" ({'; '.join(result.problems[:3])}{'; …' if len(result.problems) > 3 else ''})"
            print(printable_name(f"source {result.source_id}: {outcome}{problems if result.problems else ''}"))
        fault = next((result.fault for result in results if result.fault), None)
        if fault:  # a full disk: the sources are marked failed, and the command says so and fails
            print(f"briefbot: {printable_name(fault)}. Free some space and poll again", file=sys.stderr)
            return BAD_INPUT
        return DONE if results else NOTHING_TO_REPORT

    return asyncio.run(poll())


def _schedule(args: argparse.Namespace, settings: Settings) -> int:
    from briefings.scheduling import (  # noqa: PLC0415
        DigestSchedule,
        ScheduleError,
        next_digest_at,
        parse_days,
        parse_time,
        parse_timezone,  # noqa: PLC0415
    )

    storage = _log(settings)
    if args.schedule_command == "add":
        try:
            schedule = DigestSchedule(0, TERMINAL_GUILD, TERMINAL_CHANNEL, parse_time(args.time),
                                      parse_timezone(args.timezone), parse_days(args.days), args.topic)
        except ScheduleError as error:
            raise UsageError(f"{error}; nothing was saved") from None
        saved = storage.add_schedule(schedule)
        run = next_digest_at(saved, datetime.now(UTC))
        print(f"Saved schedule {saved.id}: {printable_name(saved.describe())}; next "
              f"{run.due.astimezone(saved.zone):%a %-d %b %H:%M %Z}. `briefbot run --console` posts it here.")
        return DONE
    if args.schedule_command == "remove":
        if not storage.remove_schedule(args.id, TERMINAL_GUILD):
            other = storage.schedule(args.id)
            if other is not None:
                raise UsageError(f"schedule {args.id} belongs to a Discord server: remove it there with "
                                 "/schedule remove; nothing was changed")
            raise UsageError(f"there is no terminal schedule {args.id} (see `briefbot schedule list`)")
        print(f"Removed schedule {args.id}.")
        return DONE
    schedules = storage.schedules()
    if not schedules:
        print("briefbot: no schedules yet; add one with `briefbot schedule add 08:00 Europe/London`", file=sys.stderr)
        return NOTHING_TO_REPORT
    for schedule in schedules:
        where = "terminal" if schedule.guild_id == TERMINAL_GUILD else f"Discord channel {schedule.channel_id}"
        state = f"paused: {schedule.last_error}" if schedule.paused else \
            f"next {next_digest_at(schedule, datetime.now(UTC)).due.astimezone(schedule.zone):%a %-d %b %H:%M %Z}"
        print(printable_name(f"{schedule.id}: {schedule.describe()} ({where}); {state}"))
        for day, status, reason in storage.runs(schedule.id)[:3]:
            print(printable_name(f"    {day}: {status}" + (f" ({reason})" if reason else "")))
    return DONE


def _next_schedule(storage: Storage, server: int) -> DigestSchedule | None:
    from briefings.scheduling import next_digest_at  # noqa: PLC0415

    now = datetime.now(UTC)
    armed = [(next_digest_at(s, now).due, s.id, s) for s in storage.schedules(server) if not s.paused]
    return min(armed)[2] if armed else None


def _load(args: argparse.Namespace, settings: Settings) -> Corpus | None:
    folder: Path = args.corpus or settings.corpus_dir
    corpus, problems = _load_with_progress(folder, settings)
    if args.command != "run":  # the corpus lives as long as the command: collections need not walk its objects
        gc.freeze()
    if getattr(args, "server", None) is not None:
        corpus = _server_view(corpus, settings, args.server)
    for problem in problems[:PROBLEMS_SHOWN]:
        print(f"briefbot: warning: {problem}", file=sys.stderr)
    if len(problems) > PROBLEMS_SHOWN:
        print(f"briefbot: warning: {len(problems) - PROBLEMS_SHOWN:,} more files skipped (--log-level INFO "
              "names them all)", file=sys.stderr)
    if any(problem.path == folder for problem in problems):
        print("briefbot: warning: BRIEFBOT_MAX_FOLDER_FILES sets how many article files a folder may have",
              file=sys.stderr)
    if not len(corpus):
        print(f"briefbot: no readable articles (*.txt) in {printable_name(str(folder))}", file=sys.stderr)
        return None
    log.info("loaded %d articles from %s (%d skipped)", len(corpus), printable_name(str(folder)), len(problems))
    return corpus


def _feed_articles(settings: Settings) -> Callable[[dict[str, Article]], list[tuple[Article, bool]]] | None:
    """Return how to read the articles ingested from feeds (within the retention window), or None if none were."""
    database = settings.database_url or str(settings.state_dir / "briefbot.db")
    if settings.database_url is None and not Path(database).exists():
        return None  # no database yet: nothing was ever ingested (and none is created just to look)
    from bot.storage.database import SourceStore  # noqa: PLC0415

    def stored(parsed: dict[str, Article]) -> list[tuple[Article, bool]]:
        since = datetime.now(UTC) - timedelta(days=settings.retention_days)
        held = SourceStore(_log(settings)).held_articles(since, parsed)
        log.info("added %d articles from feeds", len(held))
        return held

    return stored


def _server_view(corpus: Corpus, settings: Settings, server: int) -> Corpus:
    """Return one server's view of the operator's corpus: the folder and the feeds that server follows (`--server`)."""
    from dataclasses import replace  # noqa: PLC0415

    from bot.ingestion.tenancy import holdings_of, server_corpus  # noqa: PLC0415
    from bot.storage.database import SourceStore  # noqa: PLC0415

    store = SourceStore(_log(settings))
    held = store.held(datetime.now(UTC) - timedelta(days=settings.retention_days), {a.id: a for a in corpus})
    from_feeds = {item.article.id for item in held}
    folder = Corpus(tuple(article for article in corpus if article.id not in from_feeds))
    holdings = replace(holdings_of(folder, held), folder_corpus=None)  # a view of the loaded corpus, not a new index
    return server_corpus(holdings, store.all(server), corpus)


def _load_with_progress(folder: Path, settings: Settings) -> tuple[Corpus, tuple[LoadProblem, ...]]:
    """Load the folder and the feeds' articles, reusing the corpus kept in the state folder for what is unchanged."""
    from bot.storage.corpus_cache import Limits, load_corpus  # noqa: PLC0415

    if not folder.exists() or not folder.is_dir():
        Corpus.from_folder(folder)  # raises the CorpusError that says what is wrong with it
    limits = Limits(settings.max_article_bytes, settings.max_front_matter_bytes, settings.max_folder_files)

    def load(on_progress: Callable[[int, int], None] | None = None) -> tuple[Corpus, tuple[LoadProblem, ...]]:
        return load_corpus(folder, settings.state_dir, limits, datetime.now(UTC), _feed_articles(settings),
                           on_progress)

    if not sys.stderr.isatty() or sum(1 for _ in folder.glob("*.txt")) < PROGRESS_FROM:
        return load()
    from rich.progress import Progress  # noqa: PLC0415

    with Progress(transient=True) as progress:
        task = progress.add_task(f"Reading {printable_name(str(folder))}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return load(advance)


def _nothing_to_report(nothing: NothingToReport, corpus: Corpus) -> int:
    from bot.storage.corpus_cache import keep_topics  # noqa: PLC0415

    keep_topics(corpus.index)  # the suggestions counted the topics: the next command need not
    hint = f" Topics that exist: {', '.join(nothing.suggestions)}." if nothing.suggestions else ""
    print(f"briefbot: {nothing}.{hint}", file=sys.stderr)
    return NOTHING_TO_REPORT


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


def _identifier(text: str) -> int:
    value = _positive(text)
    if value > MAX_ID:
        raise argparse.ArgumentTypeError(f"{text} is larger than any number Briefbot gives out (see the list)")
    return value


def _poll_minutes(text: str) -> int:
    value = _positive(text)
    low, high = POLL_MINUTES
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be {low} to {high} minutes (a day), not {value}")
    return value


def _shards(text: str) -> Shards:
    try:
        return Shards.parse(text)
    except ShardError as error:
        raise argparse.ArgumentTypeError(printable_name(str(error))) from None


def _feed_url(text: str) -> str:
    try:
        return check_feed_url(text)
    except AddressError as error:
        raise argparse.ArgumentTypeError(printable_name(str(error))) from None


def _start_date(text: str) -> datetime:
    try:
        return parse_moment(text, datetime.now(UTC))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _end_date(text: str) -> datetime:
    try:
        return parse_moment(text, datetime.now(UTC), end_of_day=True)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _log(settings: Settings) -> Storage:
    from bot.storage.database import Storage  # noqa: PLC0415 - SQLAlchemy loads only for commands that keep state
    from bot.storage.legacy import import_legacy_history  # noqa: PLC0415

    storage = Storage.open(settings.database)
    import_legacy_history(storage, settings.state_dir)
    return storage


def _fault(error: Exception, settings: Settings) -> str | None:
    """Describe a fault of the machine (the database, the disk) in one line; None if it is not one."""
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError  # noqa: PLC0415

        from bot.storage.database import masked_url, scrubbed  # noqa: PLC0415

        if isinstance(error, SQLAlchemyError):
            cause = error.orig if isinstance(error, DBAPIError) else error
            text = str(cause).splitlines()[0] if str(cause) else cause.__class__.__name__
            if "locked" in text or "busy" in text:
                return ("the database is locked by another process (waited 5 seconds): another Briefbot is "
                        "writing to it; try again when it is done. Nothing was changed")
            if "full" in text or "disk i/o" in text.lower():
                return (f"the database could not be written ({text}: the disk is full or failing); the change was "
                        "rolled back, nothing is half-written. Free some space and try again")
            return (f"the database at {masked_url(settings.database)} failed "
                    f"({cause.__class__.__name__}: {scrubbed(text, settings.database)})")
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        if error.errno == errno.ENOSPC:
            return f"the disk is full: could not write{where}; free some space and try again"
        return f"cannot use{where or ' a file'}: {error.strerror or error}"
    return None

