"""The working-day calendar: hand-checked due dates (docs/legal-basis.md sections D and E)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from casework.calendar_sources import library_schedules
from casework.domain.calendar import WorkCalendar, YearSchedule
from casework.errors import DefinitionError, InvalidInput, UnknownCalendarYear

D = date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    """The calendar from the real holiday library (years 2004–2026)."""
    return WorkCalendar(library_schedules())


def plain(year: int, rest: dict[date, str] | None = None, makeup=(), source="测试") -> YearSchedule:
    return YearSchedule(
        year=year, rest_days=rest or {}, makeup_workdays=frozenset(makeup), source=source
    )


# -- working days: hand-checked due dates -------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # 2024 春节: rest 2/10–2/17; 2/9 (除夕) is a working day; makeup Sun 2/4 and Sun 2/18.
        (D(2024, 2, 3), 1, D(2024, 2, 4)),
        (D(2024, 2, 8), 1, D(2024, 2, 9)),
        (D(2024, 2, 8), 2, D(2024, 2, 18)),
        (D(2024, 2, 8), 3, D(2024, 2, 19)),
        # 2024 国庆: rest 10/1–10/7; makeup Sun 9/29, Sat 10/12.
        (D(2024, 9, 27), 1, D(2024, 9, 29)),
        (D(2024, 9, 27), 3, D(2024, 10, 8)),
        (D(2024, 9, 27), 7, D(2024, 10, 12)),
        (D(2024, 9, 27), 8, D(2024, 10, 14)),
        # 2025 春节: rest 1/28–2/4; makeup Sun 1/26, Sat 2/8.
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
        (D(2025, 1, 24), 3, D(2025, 2, 5)),
        (D(2025, 1, 24), 6, D(2025, 2, 8)),
        (D(2025, 1, 20), 15, D(2025, 2, 14)),
        # 2025 国庆+中秋: rest 10/1–10/8; makeup Sun 9/28, Sat 10/11. The CLI example.
        (D(2025, 9, 26), 20, D(2025, 10, 30)),
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 30), 3, D(2025, 10, 11)),
        # 2026 春节: rest 2/15–2/23; makeup Sat 2/14, Sat 2/28.
        (D(2026, 2, 12), 1, D(2026, 2, 13)),
        (D(2026, 2, 12), 2, D(2026, 2, 14)),
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        (D(2026, 2, 12), 7, D(2026, 2, 28)),
        (D(2026, 2, 12), 8, D(2026, 3, 2)),
        # 2026 中秋 9/25–9/27 and 国庆 10/1–10/7; makeup Sun 9/20, Sat 10/10.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        (D(2026, 9, 18), 6, D(2026, 9, 28)),
        (D(2026, 9, 18), 9, D(2026, 10, 8)),
        (D(2026, 9, 18), 11, D(2026, 10, 10)),
        (D(2026, 9, 18), 12, D(2026, 10, 12)),
        # Year boundary 2025 -> 2026: 元旦 1/1–1/3, makeup Sun 2026-01-04.
        (D(2025, 12, 31), 1, D(2026, 1, 4)),
        (D(2025, 12, 31), 2, D(2026, 1, 5)),
        (D(2025, 12, 25), 20, D(2026, 1, 23)),
    ],
)
def test_add_working_days_hand_checked(cal: WorkCalendar, start: date, n: int, due: date) -> None:
    assert cal.add_working_days(start, n) == due


@pytest.mark.parametrize(
    ("rest_start", "previous_working_day"),
    [
        (D(2025, 10, 4), D(2025, 9, 30)),  # inside 国庆: same as the last day before it
        (D(2025, 10, 8), D(2025, 9, 30)),
        (D(2026, 1, 3), D(2025, 12, 31)),  # 元旦 across the year boundary
        (D(2026, 2, 22), D(2026, 2, 14)),  # the previous working day is a makeup Saturday
        (D(2025, 11, 16), D(2025, 11, 14)),  # an ordinary Sunday
    ],
)
def test_start_on_rest_day_counts_like_previous_working_day(
    cal: WorkCalendar, rest_start: date, previous_working_day: date
) -> None:
    assert not cal.is_working_day(rest_start)
    assert cal.is_working_day(previous_working_day)
    for n in (1, 5, 20):
        assert cal.add_working_days(rest_start, n) == cal.add_working_days(previous_working_day, n)
    assert cal.add_working_days(D(2025, 10, 4), 20) == D(2025, 11, 4)


def test_is_working_day_follows_the_notices(cal: WorkCalendar) -> None:
    assert cal.is_working_day(D(2024, 2, 9))  # 除夕 2024 is officially a working day
    assert cal.is_working_day(D(2026, 2, 14))  # makeup Saturday
    assert cal.is_working_day(D(2026, 1, 4))  # makeup Sunday
    assert not cal.is_working_day(D(2026, 2, 23))  # weekday inside 春节
    assert not cal.is_working_day(D(2025, 11, 15))  # ordinary Saturday
    assert cal.is_working_day(D(2025, 11, 14))  # ordinary Friday


@pytest.mark.parametrize(("year", "count"), [(2024, 251), (2025, 248), (2026, 248)])
def test_working_days_per_year_match_the_notices(cal: WorkCalendar, year: int, count: int) -> None:
    assert cal.working_days_in_year(year) == count


def test_working_days_between(cal: WorkCalendar) -> None:
    assert cal.working_days_between(D(2025, 9, 26), D(2025, 10, 30)) == 20
    assert cal.working_days_between(D(2025, 9, 30), D(2025, 10, 8)) == 0
    assert cal.working_days_between(D(2025, 10, 30), D(2025, 9, 26)) == 0
    assert cal.working_days_between(D(2025, 12, 31), D(2026, 1, 4)) == 1


# -- calendar days: roll forward ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2025, 9, 16), 15, D(2025, 10, 9)),  # ends 2025-10-01, inside 国庆 -> 10/9
        (D(2025, 4, 1), 183, D(2025, 10, 9)),  # 6 months ends on 2025-10-01 (section E example)
        (D(2025, 11, 5), 10, D(2025, 11, 17)),  # ends on an ordinary Saturday -> Monday
        (D(2025, 11, 4), 10, D(2025, 11, 14)),  # ends on a Friday: stays
        (D(2025, 9, 18), 10, D(2025, 9, 28)),  # ends on a makeup Sunday: stays
        (D(2025, 12, 24), 10, D(2026, 1, 4)),  # ends on 元旦 2026-01-03 -> makeup Sun 1/4
    ],
)
def test_add_calendar_days_rolls_forward(cal: WorkCalendar, start: date, n: int, due: date) -> None:
    assert cal.add_calendar_days(start, n) == due


def test_next_working_day_on_or_after(cal: WorkCalendar) -> None:
    assert cal.next_working_day_on_or_after(D(2025, 10, 1)) == D(2025, 10, 9)
    assert cal.next_working_day_on_or_after(D(2025, 10, 9)) == D(2025, 10, 9)


# -- unknown years: never guessed ---------------------------------------------------------


def _assert_unknown_2027(err: pytest.ExceptionInfo[UnknownCalendarYear]) -> None:
    assert err.value.year == 2027
    assert err.value.file_hint == "states/calendar/2027.toml"
    assert "2027年的法定节假日安排未知" in str(err.value)


def test_start_in_unknown_year_raises(cal: WorkCalendar) -> None:
    assert 2027 not in cal.known_years
    for call in (
        lambda: cal.add_working_days(D(2027, 1, 5), 1),
        lambda: cal.add_calendar_days(D(2027, 1, 5), 1),
        lambda: cal.is_working_day(D(2027, 3, 1)),
        lambda: cal.schedule(2027),
        lambda: cal.next_working_day_on_or_after(D(2027, 3, 1)),
    ):
        with pytest.raises(UnknownCalendarYear) as err:
            call()
        _assert_unknown_2027(err)


def test_period_running_into_unknown_year_raises(cal: WorkCalendar) -> None:
    assert cal.add_working_days(D(2026, 12, 1), 5) == D(2026, 12, 8)  # stays inside 2026
    for call in (
        lambda: cal.add_working_days(D(2026, 12, 20), 20),
        lambda: cal.add_working_days(D(2026, 12, 31), 1),
        lambda: cal.add_calendar_days(D(2026, 12, 25), 10),
        lambda: cal.add_calendar_days(D(2026, 12, 30), 2),  # ends on 2027-01-01
        lambda: cal.working_days_between(D(2026, 12, 1), D(2027, 1, 10)),
    ):
        with pytest.raises(UnknownCalendarYear) as err:
            call()
        _assert_unknown_2027(err)


def test_period_ending_on_last_working_day_of_known_year_is_fine(cal: WorkCalendar) -> None:
    # Thu 2026-12-31 is a working day: nothing in 2027 is touched.
    assert cal.add_working_days(D(2026, 12, 30), 1) == D(2026, 12, 31)
    assert cal.add_calendar_days(D(2026, 12, 21), 10) == D(2026, 12, 31)


def test_without_the_law_a_gap_year_is_never_bridged() -> None:
    # A calendar given no provisional factory counts only up to the first year it lacks.
    gap = WorkCalendar([plain(2026), plain(2028)])
    assert gap.known_years == (2026, 2028)
    assert gap.first_provisional_day is None
    assert gap.add_working_days(D(2026, 12, 1), 3) == D(2026, 12, 4)
    for call in (
        lambda: gap.add_working_days(D(2026, 12, 28), 10),
        lambda: gap.add_calendar_days(D(2026, 12, 28), 400),
        lambda: gap.working_days_between(D(2026, 12, 1), D(2028, 1, 5)),
        lambda: gap.is_working_day(D(2027, 6, 1)),
        lambda: gap.add_working_days(D(2028, 1, 3), 1),
    ):
        with pytest.raises(UnknownCalendarYear) as err:
            call()
        _assert_unknown_2027(err)


def test_before_the_first_known_year_raises() -> None:
    with pytest.raises(UnknownCalendarYear) as err:
        WorkCalendar([plain(2026)]).add_working_days(D(2025, 12, 31), 1)
    assert err.value.year == 2025


# -- hand-written schedules ---------------------------------------------------------------


def test_hand_written_schedule() -> None:
    # A made-up year: Wed 2031-01-01 rest, Sat 2031-01-04 a makeup working day.
    cal = WorkCalendar([plain(2031, {D(2031, 1, 1): "元旦"}, [D(2031, 1, 4)])])
    assert cal.add_working_days(D(2031, 1, 1), 1) == D(2031, 1, 2)
    assert cal.add_working_days(D(2031, 1, 3), 1) == D(2031, 1, 4)
    assert cal.add_working_days(D(2031, 1, 3), 2) == D(2031, 1, 6)
    assert cal.schedule(2031).rest_days == {D(2031, 1, 1): "元旦"}
    with pytest.raises(UnknownCalendarYear):
        cal.add_working_days(D(2030, 12, 31), 1)


def test_year_end_spillover_from_next_notice() -> None:
    # The 2019 notice: Sat 2018-12-29 is a working day and Mon 2018-12-31 a rest day.
    notice_2019 = plain(
        2019,
        {D(2018, 12, 30): "元旦", D(2018, 12, 31): "元旦", D(2019, 1, 1): "元旦"},
        [D(2018, 12, 29)],
    )
    cal = WorkCalendar([plain(2018), notice_2019])
    assert cal.is_working_day(D(2018, 12, 29))
    assert not cal.is_working_day(D(2018, 12, 31))
    assert cal.add_working_days(D(2018, 12, 28), 2) == D(2019, 1, 2)
    # The library (which groups by year) agrees.
    lib = WorkCalendar(library_schedules())
    assert lib.add_working_days(D(2018, 12, 28), 2) == D(2019, 1, 2)


def test_invalid_schedules_are_refused() -> None:
    with pytest.raises(DefinitionError) as err:
        plain(2026, makeup=[D(2026, 3, 2)])  # a Monday
    assert err.value.field == "makeup_workdays"
    assert "星期一" in str(err.value)
    with pytest.raises(DefinitionError):
        plain(2026, {D(2026, 1, 3): "元旦"}, [D(2026, 1, 3)])  # both rest and makeup
    with pytest.raises(DefinitionError):
        plain(2026, {D(2025, 6, 2): "端午节"})  # outside the year
    with pytest.raises(DefinitionError):
        WorkCalendar([plain(2026), plain(2026)])  # a year twice


@pytest.mark.parametrize("n", [0, -1])
def test_n_below_one_is_invalid_input(cal: WorkCalendar, n: int) -> None:
    with pytest.raises(InvalidInput) as err:
        cal.add_working_days(D(2025, 9, 26), n)
    assert err.value.field == "n"


def test_domain_module_is_pure() -> None:
    source = (
        Path(__file__)
        .resolve()
        .parents[2]
        .joinpath("casework/domain/calendar.py")
        .read_text(encoding="utf-8")
    )
    for forbidden in ("chinese_calendar", "today(", "open(", "import os", "pathlib", "now("):
        assert forbidden not in source


def test_timedelta_sanity() -> None:
    # The 6-month example of section E ends on the corresponding day 2025-10-01.
    assert D(2025, 4, 1) + timedelta(days=183) == D(2025, 10, 1)
