"""When a scheduled briefing is due: pure functions of a schedule and the current time.

A schedule says "08:00 in Europe/London on weekdays". Its runs are local wall-clock times, so they move in UTC
across daylight-saving changes. A local time that does not exist (skipped by a spring-forward) runs at the
first instant after the gap; one that happens twice (a fall-back) runs once, at its first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

EVERY_DAY = frozenset(range(7))  # Monday 0 ... Sunday 6, as date.weekday()
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Full names and the usual abbreviations, nothing else: "monkey" is not Monday.
_DAY_WORDS = {
    word: number
    for number, words in enumerate((
        ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed", "weds"),
        ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"),
    ))
    for word in words
}
# Names the tz database holds that are not zones of the world: "localtime" is whatever the host is set to (so a
# schedule would move with the server), "posixrules" a template, "Factory" a placeholder.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_TIME = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")


class ScheduleError(ValueError):
    """A schedule setting that cannot be used; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """A briefing posted at a local time on chosen days, to one destination, optionally about one topic."""

    id: int
    guild_id: int
    channel_id: int
    at: time
    timezone: str
    days: frozenset[int] = EVERY_DAY
    topic: str | None = None
    role_id: int | None = None  # the only thing a briefing may mention
    paused: bool = False
    created_by: int | None = None
    failures: int = 0  # consecutive failed posts
    last_error: str | None = None
    created_at: datetime | None = None  # runs due before this were never owed: a new schedule starts from now
    include: tuple[str, ...] = ()  # only news that mentions one of these (whole words and names, as topics match)
    exclude: tuple[str, ...] = ()  # never news that mentions one of these

    @property
    def destination(self) -> str:
        """Name where the briefings go, as the briefing history knows it ("terminal" or a channel id)."""
        return "terminal" if self.channel_id == 0 else str(self.channel_id)

    @property
    def zone(self) -> ZoneInfo:
        """Return the schedule's timezone."""
        return ZoneInfo(self.timezone)

    def describe(self) -> str:
        """Describe the schedule in words."""
        days = "every day" if self.days == EVERY_DAY else ", ".join(DAY_NAMES[d].title() for d in sorted(self.days))
        about = f" about {self.topic}" if self.topic else ""
        only = f", only news about {', '.join(self.include)}" if self.include else ""
        never = f", never {', '.join(self.exclude)}" if self.exclude else ""
        return f"{self.at:%H:%M} {self.timezone}, {days}{about}{only}{never}"


@dataclass(frozen=True, slots=True)
class Run:
    """One occurrence of a schedule: the local day it belongs to and the UTC instant it is due."""

    day: date
    due: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do for a schedule now: post a run (perhaps late), and which runs were missed beyond the grace."""

    post: Run | None
    missed: tuple[Run, ...] = field(default_factory=tuple)


def parse_time(text: str) -> time:
    """Read HH:MM (24-hour)."""
    match = _TIME.match(text)
    if match is None:
        raise ScheduleError(f"“{text}” is not a time: use 24-hour HH:MM, such as 08:00 or 17:30")
    return time(int(match[1]), int(match[2]))


def parse_timezone(name: str) -> str:
    """Check an IANA timezone name (Europe/London, America/New_York, UTC): the tz database's zones only."""
    typed = name.strip()
    try:
        names = iana_zone_names()
        # Exact, else the one name that differs only in case ("europe/london" means Europe/London).
        wanted = typed if typed in names else next(n for n in sorted(names) if n.lower() == typed.lower())
        ZoneInfo(wanted)
    except (StopIteration, ZoneInfoNotFoundError, ValueError, OSError):
        raise ScheduleError(f"“{name}” is not a timezone: use an IANA name such as Europe/London, "
                            "America/New_York or Asia/Singapore") from None
    return wanted


@cache
def iana_zone_names() -> frozenset[str]:
    """Return the IANA zone names installed (the system's tz database, else the tzdata package)."""
    return frozenset(name for name in available_timezones()
                     if name not in _NOT_ZONES and not name.startswith(("posix/", "right/")))


def parse_days(text: str | None) -> frozenset[int]:
    """Read days: 'every day', 'weekdays', 'weekends', or names such as 'mon,wed,fri'."""
    if text is None or text.strip().lower() in {"", "every day", "daily", "all"}:
        return EVERY_DAY
    cleaned = text.strip().lower()
    if cleaned == "weekdays":
        return frozenset(range(5))
    if cleaned == "weekends":
        return frozenset({5, 6})
    days = set()
    for part in re.split(r"\s*,\s*|\s+", cleaned):
        if part not in _DAY_WORDS:
            shown = f"“{part}” is not a day" if part else "an empty day between commas is not a day"
            raise ScheduleError(f"{shown}: use mon, tue, wed, thu, fri, sat, sun (or full names), 'weekdays', "
                                "'weekends' or 'every day'")
        days.add(_DAY_WORDS[part])
    return frozenset(days)


def timezone_names(typed: str, limit: int = 25) -> list[str]:
    """Return IANA timezone names containing the typed text, for autocompletion."""
    wanted = typed.strip().lower().replace(" ", "_")
    names = sorted(iana_zone_names())
    first = [n for n in names if n.lower().startswith(wanted)]
    rest = [n for n in names if wanted in n.lower() and n not in first]
    return (first + rest)[:limit]


def due_at(schedule: DigestSchedule, day: date) -> datetime:
    """Return the UTC instant of the schedule's run on a local day (DST gaps and repeats handled)."""
    zone = schedule.zone
    wall = datetime.combine(day, schedule.at)
    instant = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first of a repeated time
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # The wall time was skipped by a spring-forward: run at the first instant after the gap, which lies
    # between the two readings of the missing time.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = instant
    low, high = min(low, high), max(low, high)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)  # transitions fall on whole seconds; high is less than 1 s past it


def next_digest_at(schedule: DigestSchedule, now: datetime) -> Run:
    """Return the schedule's first run strictly after `now`."""
    today = now.astimezone(schedule.zone).date()
    for offset in range(0, 9):
        day = today + timedelta(days=offset)
        if day.weekday() in schedule.days:
            due = due_at(schedule, day)
            if due > now:
                return Run(day, due)
    raise ScheduleError("the schedule has no days to run on")


def next_run(schedule: DigestSchedule, now: datetime, done_days: set[date], grace: timedelta) -> Run:
    """Return the run the schedule will post next: one owed now (posted late, at once), else the next due."""
    owed = decide(schedule, now, done_days, grace).post
    return owed if owed is not None else next_digest_at(schedule, now)


def previous_run(schedule: DigestSchedule, now: datetime) -> Run | None:
    """Return the schedule's latest run at or before `now`, within the last eight days."""
    today = now.astimezone(schedule.zone).date()
    for offset in range(0, 9):
        day = today - timedelta(days=offset)
        if day.weekday() in schedule.days:
            due = due_at(schedule, day)
            if due <= now:
                return Run(day, due)
    return None


def decide(schedule: DigestSchedule, now: datetime, done_days: set[date], grace: timedelta) -> Decision:
    """Decide what a schedule owes now, given the local days already posted or skipped.

    The latest run is posted if it is not done and at most `grace` late; later than that it is missed (the next
    briefing says so). A run due before the schedule was created was never owed: a schedule set at 09:00 for
    08:00 first posts tomorrow, and no day before it existed is "skipped".
    """
    if schedule.paused:
        return Decision(None)
    latest = previous_run(schedule, now)
    if latest is None or latest.day in done_days:
        return Decision(None)
    if schedule.created_at is not None and latest.due < schedule.created_at:
        return Decision(None)
    if now - latest.due <= grace:
        return Decision(latest)
    return Decision(None, (latest,))
