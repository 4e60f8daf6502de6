"""What each destination was last briefed on, so the next briefing says only what is new."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class BriefingRecord:
    """A posted briefing: where, when, up to which article date it covered, and the sentences it said."""

    destination: str  # "terminal", or a Discord channel id
    posted_at: datetime
    covered_until: datetime | None  # the newest publication date the briefing took into account
    sentences: frozenset[str]

    def repaired(self, now: datetime) -> BriefingRecord:
        """Return the record with a coverage beyond `now` brought back to when it was posted (never after now).

        Before future dates were refused, one article dated 2099 left a record covering news "up to 2099", and
        every later briefing found nothing new; read through this, such a channel recovers at its next briefing.
        """
        if self.covered_until is None or self.covered_until <= now:
            return self
        return replace(self, covered_until=min(self.posted_at, now))


class BriefingLog(Protocol):
    """Where briefing records are kept (the database, in `bot.storage`)."""

    def last(self, destination: str) -> BriefingRecord | None:
        """Return the latest record for a destination, if any."""

    def record(self, record: BriefingRecord) -> None:
        """Keep a record, durably, before returning."""
