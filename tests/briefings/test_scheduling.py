from datetime import UTC, date, datetime, time, timedelta

import pytest

from briefings.scheduling import (
    EVERY_DAY,
    DigestSchedule,
    ScheduleError,
    decide,
    due_at,
    next_digest_at,
    parse_days,
    parse_time,
    parse_timezone,
)


def schedule(at="08:00", zone="Europe/London", days=EVERY_DAY, paused=False):
    return DigestSchedule(1, 10, 20, parse_time(at), zone, days, paused=paused)


def test_eight_in_london_is_eight_local_in_winter_and_summer():
    london = schedule()
    assert due_at(london, date(2025, 3, 29)) == datetime(2025, 3, 29, 8, tzinfo=UTC)  # GMT
    assert due_at(london, date(2025, 3, 31)) == datetime(2025, 3, 31, 7, tzinfo=UTC)  # BST after 30 March
    assert due_at(london, date(2025, 11, 3)) == datetime(2025, 11, 3, 8, tzinfo=UTC)  # GMT again


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        ("America/New_York", date(2025, 3, 10), datetime(2025, 3, 10, 12, tzinfo=UTC)),
        ("Asia/Singapore", date(2025, 3, 10), datetime(2025, 3, 10, 0, tzinfo=UTC)),
        ("Australia/Sydney", date(2025, 4, 7), datetime(2025, 4, 6, 22, tzinfo=UTC)),  # AEST after 6 April
    ],
)
def test_the_run_is_the_local_time_in_three_timezones(zone, day, expected):
    assert due_at(schedule(zone=zone), day) == expected


def test_a_time_skipped_by_spring_forward_runs_when_the_clocks_resume():
    # 9 March 2025 in New York: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
    run = due_at(schedule("02:30", "America/New_York"), date(2025, 3, 9))
    assert run == datetime(2025, 3, 9, 7, 0, tzinfo=UTC)  # 03:00 EDT


def test_a_time_repeated_by_fall_back_runs_once_at_its_first_occurrence():
    # 2 November 2025 in New York: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
    assert due_at(schedule("01:30", "America/New_York"), date(2025, 11, 2)) == datetime(2025, 11, 2, 5, 30,
                                                                                      tzinfo=UTC)


def test_next_run_skips_days_not_chosen_and_times_already_past():
    weekdays = schedule(days=parse_days("weekdays"))
    friday_noon = datetime(2025, 11, 7, 12, tzinfo=UTC)
    run = next_digest_at(weekdays, friday_noon)
    assert run.day == date(2025, 11, 10) and run.due == datetime(2025, 11, 10, 8, tzinfo=UTC)
    assert next_digest_at(schedule(), datetime(2025, 11, 7, 7, 59, tzinfo=UTC)).day == date(2025, 11, 7)


def test_a_late_run_inside_the_grace_is_posted_and_beyond_it_is_missed():
    london = schedule()
    due = datetime(2025, 11, 7, 8, tzinfo=UTC)
    grace = timedelta(hours=2)
    assert decide(london, due + timedelta(minutes=90), set(), grace).post.due == due
    late = decide(london, due + timedelta(hours=3), set(), grace)
    assert late.post is None and [run.day for run in late.missed] == [date(2025, 11, 7)]
    assert decide(london, due + timedelta(minutes=5), {date(2025, 11, 7)}, grace).post is None  # done already
    assert decide(schedule(paused=True), due, set(), grace).post is None


def test_settings_are_validated_with_what_to_fix():
    assert parse_time("8:05") == time(8, 5)
    for bad in ("25:00", "8am", "08:60", ""):
        with pytest.raises(ScheduleError, match="HH:MM"):
            parse_time(bad)
    assert parse_timezone("Europe/London") == "Europe/London"
    with pytest.raises(ScheduleError, match="IANA"):
        parse_timezone("Mars/Olympus_Mons")
    assert parse_days("mon, wed,fri") == frozenset({0, 2, 4})
    assert parse_days("weekends") == frozenset({5, 6})
    with pytest.raises(ScheduleError, match="not a day"):
        parse_days("funday")
