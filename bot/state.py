"""The terminal's briefing log: a small JSON file, replaced atomically so a crash never leaves half a file."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from briefings.history import BriefingRecord

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


class StateError(Exception):
    """The state file cannot be used; the message says which file and why. Nothing is overwritten."""


class JsonBriefingLog:
    """Briefing records in `<state dir>/briefings.json`, newest per destination."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def last(self, destination: str) -> BriefingRecord | None:
        """Return the latest record for a destination, if any."""
        entry = self._read().get(destination)
        return _record(destination, entry) if entry else None

    def record(self, record: BriefingRecord) -> None:
        """Write the record (replacing the destination's previous one) atomically."""
        data = self._read()
        data[record.destination] = {
            "posted_at": record.posted_at.isoformat(),
            "covered_until": record.covered_until.isoformat() if record.covered_until else None,
            "sentences": sorted(record.sentences),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"version": FORMAT_VERSION, "destinations": data}, ensure_ascii=False, indent=1)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, delete=False,
                                         prefix=".briefings-", suffix=".tmp") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, self.path)
        log.info("recorded briefing for %s (covered until %s)", record.destination, record.covered_until)

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            if document.get("version") != FORMAT_VERSION:
                raise StateError(f"{self.path} has format version {document.get('version')!r}, "
                                 f"this Briefbot reads version {FORMAT_VERSION}")
            destinations = document["destinations"]
            if not isinstance(destinations, dict):
                raise TypeError("destinations is not a mapping")
            return destinations
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise StateError(f"{self.path} is unreadable ({error.__class__.__name__}: {error}); move it aside to "
                             "start afresh (it is left untouched)") from error


def _record(destination: str, entry: dict[str, Any]) -> BriefingRecord:
    try:
        covered = entry.get("covered_until")
        return BriefingRecord(
            destination=destination,
            posted_at=datetime.fromisoformat(entry["posted_at"]),
            covered_until=datetime.fromisoformat(covered) if covered else None,
            sentences=frozenset(entry.get("sentences", [])),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise StateError(f"the briefing record for {destination!r} is damaged ({error})") from error
