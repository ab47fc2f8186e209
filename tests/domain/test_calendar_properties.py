"""Properties of the working-day calendar, checked against a naive day-by-day reference."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.calendar_sources import library_schedules
from casework.domain.calendar import WorkCalendar, YearSchedule
from casework.errors import UnknownCalendarYear

ONE = timedelta(days=1)
CAL = WorkCalendar(library_schedules())

# Starts up to the end of 2025 with n <= 200 keep every result inside 2026 (the last known year).
starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2025, 12, 31))
ns = st.integers(min_value=1, max_value=200)


def naive_add_working_days(start: date, n: int) -> date:
    """Reference: walk day by day, asking the holiday library itself."""
    d, count = start, 0
    while count < n:
        d += ONE
        if chinese_calendar.is_workday(d):
            count += 1
    return d


def naive_add_calendar_days(start: date, n: int) -> date:
    d = start + timedelta(days=n)
    while not chinese_calendar.is_workday(d):
        d += ONE
    return d


@given(starts, ns)
def test_result_is_a_working_day_and_matches_reference(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.is_working_day(due)
    assert due > start
    assert due == naive_add_working_days(start, n)


@given(starts, ns)
def test_between_inverts_add(start: date, n: int) -> None:
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@given(starts, ns)
def test_monotone_in_n(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)


@given(starts, starts, ns)
def test_monotone_in_start(a: date, b: date, n: int) -> None:
    a, b = min(a, b), max(a, b)
    assert CAL.add_working_days(a, n) <= CAL.add_working_days(b, n)


@given(st.dates(min_value=date(2004, 1, 10), max_value=date(2025, 12, 31)), ns)
def test_rest_day_start_equals_previous_working_day(start: date, n: int) -> None:
    previous = start
    while not CAL.is_working_day(previous):
        previous -= ONE
    assert CAL.add_working_days(start, n) == CAL.add_working_days(previous, n)


@given(starts, st.integers(min_value=0, max_value=300))
def test_calendar_days(start: date, n: int) -> None:
    due = CAL.add_calendar_days(start, n)
    target = start + timedelta(days=n)
    assert CAL.is_working_day(due)
    assert due >= target
    d = target
    while d < due:
        assert not CAL.is_working_day(d)
        d += ONE
    assert due == naive_add_calendar_days(start, n)


@given(starts, starts)
def test_between_matches_reference(a: date, b: date) -> None:
    if b > a and (b - a).days > 400:
        b = a + timedelta(days=400)
    expected = sum(
        1 for k in range(1, (b - a).days + 1) if chinese_calendar.is_workday(a + timedelta(days=k))
    )
    assert CAL.working_days_between(a, b) == expected


# -- random hand-made calendars with gaps -------------------------------------------------

YEARS = range(2001, 2008)


@st.composite
def schedules(draw: st.DrawFn) -> list[YearSchedule]:
    years = draw(st.sets(st.sampled_from(YEARS), min_size=1))
    result = []
    for year in sorted(years):
        in_year = st.dates(min_value=date(year, 1, 1), max_value=date(year, 12, 31))
        rest = draw(st.sets(in_year, max_size=40))
        makeup = draw(
            st.sets(in_year.filter(lambda d: d.weekday() >= 5), max_size=10).map(
                lambda s, rest=rest: s - rest
            )
        )
        result.append(
            YearSchedule(year, dict.fromkeys(rest, "假"), frozenset(makeup), source="random")
        )
    return result


def weekends_only(year: int) -> YearSchedule:
    """A stand-in for the law's provisional year: no holiday at all."""
    return YearSchedule(year, {}, frozenset(), source="provisional", origin="provisional")


def naive_working(scheds: list[YearSchedule], d: date) -> bool:
    """The reference: a year before the first known one is unknown, a missing later one is
    the provisional year, and a known one is its schedule."""
    by_year = {s.year: s for s in scheds}
    if d.year < min(by_year):
        raise UnknownCalendarYear(d.year, f"states/calendar/{d.year}.toml")
    s = by_year.get(d.year) or weekends_only(d.year)
    return d in s.makeup_workdays or (d.weekday() < 5 and d not in s.rest_days)


def naive_add(scheds: list[YearSchedule], start: date, n: int) -> date:
    naive_working(scheds, start)  # the start's year must be known
    d, count = start, 0
    while count < n:
        d += ONE
        if naive_working(scheds, d):
            count += 1
    return d


def outcome(f, *args):
    try:
        return f(*args)
    except UnknownCalendarYear as err:
        return ("unknown", err.year, err.file_hint)


@settings(max_examples=60, deadline=None)
@given(
    schedules(),
    st.dates(min_value=date(2000, 12, 1), max_value=date(2008, 1, 31)),
    st.integers(min_value=1, max_value=600),
)
def test_random_calendars_with_gaps_match_reference(
    scheds: list[YearSchedule], start: date, n: int
) -> None:
    cal = WorkCalendar(scheds, provisional=weekends_only)
    assert outcome(cal.add_working_days, start, n) == outcome(naive_add, scheds, start, n)
    if start.year >= min(s.year for s in scheds):
        due = cal.add_working_days(start, n)
        missing = any(y not in {s.year for s in scheds} for y in range(start.year, due.year + 1))
        assert cal.touches_provisional(start, due) == missing


@pytest.mark.parametrize("year", [2004, 2015, 2020, 2026])
def test_every_day_agrees_with_the_library(year: int) -> None:
    d = date(year, 1, 1)
    while d.year == year:
        assert CAL.is_working_day(d) == chinese_calendar.is_workday(d), d
        d += ONE
