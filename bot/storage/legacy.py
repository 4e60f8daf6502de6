"""The previous release's briefing history, `<state dir>/briefings.json`, imported into the database once.

That release kept what the terminal was last briefed on in this file; without it the first briefing after the
upgrade would repeat the last one. The file is imported, then renamed `briefings.json.imported`. A file that
cannot be read stops Briefbot with a message and is left as it is.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from bot.errors import StorageError
from bot.storage.database import Storage
from briefings.history import BriefingRecord

log = logging.getLogger(__name__)

LEGACY_HISTORY = "briefings.json"
LEGACY_VERSION = 1


def import_legacy_history(storage: Storage, state_dir: Path) -> int:
    """Import the old history file into the database, if there is one; return how many destinations it held."""
    path = state_dir / LEGACY_HISTORY
    if not path.is_file():
        return 0
    records = _read(path)
    storage.merge_records(records)
    imported = path.with_name(path.name + ".imported")
    try:
        path.rename(imported)
    except OSError as error:
        log.warning("imported %s but could not rename it (%s): it will be merged again, harmlessly", path,
                    error.strerror or error)
        return len(records)
    sentences = sum(len(record.sentences) for record in records)
    log.warning("imported the previous release's briefing history from %s: %d destination%s (%s), %d sentence%s "
                "already said; the file is now %s", path, len(records), "" if len(records) == 1 else "s",
                ", ".join(record.destination for record in records) or "none", sentences,
                "" if sentences == 1 else "s", imported.name)
    return len(records)


def _read(path: Path) -> list[BriefingRecord]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or document.get("version") != LEGACY_VERSION:
            version = document.get("version") if isinstance(document, dict) else None
            raise ValueError(f"format version {version!r}, where this Briefbot imports version {LEGACY_VERSION}")
        destinations = document["destinations"]
        if not isinstance(destinations, dict):
            raise TypeError("'destinations' is not a mapping")
        return [_record(str(destination), entry) for destination, entry in destinations.items()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        reason = error.strerror if isinstance(error, OSError) else f"{error.__class__.__name__}: {error}"
        raise StorageError(f"{path} is the previous release's briefing history, but it cannot be read ({reason}): "
                           f"repair it, or rename it to start without it; it was left untouched") from None


def _record(destination: str, entry: object) -> BriefingRecord:
    if not isinstance(entry, dict):
        raise TypeError(f"the entry for {destination!r} is not a mapping")
    covered = entry.get("covered_until")
    sentences = entry.get("sentences", [])
    if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences):
        raise TypeError(f"the sentences of {destination!r} are not a list of text")
    posted_at = datetime.fromisoformat(entry["posted_at"])
    covered_until = datetime.fromisoformat(covered) if covered else None
    if posted_at.tzinfo is None or (covered_until is not None and covered_until.tzinfo is None):
        raise ValueError(f"the dates of {destination!r} have no timezone")
    return BriefingRecord(destination, posted_at, covered_until, frozenset(sentences))
