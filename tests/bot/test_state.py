from datetime import UTC, datetime

import pytest

from bot.state import JsonBriefingLog, StateError
from briefings.history import BriefingRecord


def record(destination="terminal", day=1, sentences=("A sentence.",)):
    return BriefingRecord(destination, datetime(2025, 5, day, 8, tzinfo=UTC), datetime(2025, 4, 24, tzinfo=UTC),
                          frozenset(sentences))


def test_records_survive_a_new_log_object_and_are_kept_per_destination(tmp_path):
    path = tmp_path / "state" / "briefings.json"
    JsonBriefingLog(path).record(record())
    JsonBriefingLog(path).record(record("123456", day=2, sentences=("Other.",)))
    log = JsonBriefingLog(path)
    assert log.last("terminal") == record()
    assert log.last("123456").sentences == frozenset({"Other."})
    assert log.last("nowhere") is None


def test_a_newer_record_replaces_the_older_one(tmp_path):
    log = JsonBriefingLog(tmp_path / "b.json")
    log.record(record(day=1))
    log.record(record(day=2, sentences=("New.",)))
    assert log.last("terminal").posted_at.day == 2
    assert not list(tmp_path.glob(".briefings-*.tmp"))  # no temporary file left behind


@pytest.mark.parametrize("content", ["{not json", '{"version": 99, "destinations": {}}', '{"version": 1}', "[]"])
def test_a_damaged_file_is_an_error_and_is_not_overwritten(tmp_path, content):
    path = tmp_path / "b.json"
    path.write_text(content)
    log = JsonBriefingLog(path)
    with pytest.raises(StateError, match="b.json"):
        log.last("terminal")
    with pytest.raises(StateError):
        log.record(record())
    assert path.read_text() == content
