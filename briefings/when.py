"""Moments as people write them: "2025-03-01", "yesterday", "3 days"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

ACCEPTED = ("a date (2025-03-01), a date and time (2025-03-01T08:00), 'today', 'yesterday', "
            "or an age ('3 days', '12 hours', '2 weeks')")
# Moments outside these years are typos (0001-01-01, 9999-...): refused here, so that no later arithmetic
# ("the day before", a Discord timestamp) runs off the ends of the calendar.
EARLIEST = datetime(1800, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
_AGE = re.compile(r"^\s*(\d{1,4})\s*(h|hours?|d|days?|w|weeks?)(?:\s+ago)?\s*$", re.IGNORECASE)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_moment(text: str, now: datetime, end_of_day: bool = False) -> datetime:
    """Read a moment; a bare date means its start (or its end, with end_of_day). Raise ValueError if unreadable."""
    cleaned = text.strip().lower()
    today = datetime.combine(now.astimezone(UTC).date(), time.min, tzinfo=UTC)
    if cleaned in {"today", "yesterday"}:
        day = today if cleaned == "today" else today - timedelta(days=1)
        return day + timedelta(days=1, microseconds=-1) if end_of_day else day
    if age := _AGE.match(cleaned):
        return _within_range(text, now - int(age[1]) * _UNITS[age[2][0].lower()])
    try:
        parsed = datetime.fromisoformat(text.strip())
        if len(text.strip()) <= 10 and end_of_day:
            parsed = datetime.combine(parsed.date(), time.max)
        moment = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except ValueError:
        raise ValueError(f"{text!r} is not a moment Briefbot can read; use {ACCEPTED}") from None
    except OverflowError:  # an offset that carries the moment past year 1 or 9999
        raise ValueError(f"{text!r} is outside the years Briefbot reads ({EARLIEST.year} to {LATEST.year - 1})"
                         ) from None
    return _within_range(text, moment)


def _within_range(text: str, moment: datetime) -> datetime:
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"{text!r} is outside the years Briefbot reads ({EARLIEST.year} to {LATEST.year - 1})")
    return moment
