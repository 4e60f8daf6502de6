from datetime import UTC, datetime, timedelta

import pytest

from briefings.when import parse_moment

NOW = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)


def test_dates_start_their_day_or_end_it():
    assert parse_moment("2025-03-01", NOW) == datetime(2025, 3, 1, tzinfo=UTC)
    assert parse_moment("2025-03-01", NOW, end_of_day=True) == datetime(2025, 3, 1, 23, 59, 59, 999999, tzinfo=UTC)


def test_times_with_offsets_become_utc():
    assert parse_moment("2025-03-01T08:00+01:00", NOW) == datetime(2025, 3, 1, 7, 0, tzinfo=UTC)


def test_words_and_ages_count_back_from_now():
    assert parse_moment("yesterday", NOW) == datetime(2026, 11, 23, tzinfo=UTC)
    assert parse_moment("today", NOW) == datetime(2026, 11, 24, tzinfo=UTC)
    assert parse_moment("3 days", NOW) == NOW - timedelta(days=3)
    assert parse_moment("12 hours ago", NOW) == NOW - timedelta(hours=12)
    assert parse_moment("2w", NOW) == NOW - timedelta(weeks=2)


@pytest.mark.parametrize("text", ["next tuesday", "", "3 fortnights", "2025-13-01"])
def test_unreadable_moments_say_which_forms_work(text):
    with pytest.raises(ValueError, match="yesterday"):
        parse_moment(text, NOW)
