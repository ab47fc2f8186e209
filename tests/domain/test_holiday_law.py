"""The 放假办法's statutory days and the provisional year built from them, checked against the
State Council notices the holiday library carries (2024–2026, and 2020 for two holidays on one
day) and by hand for 2027 and 2028."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.calendar_sources import library_schedules
from casework.domain.calendar import WorkCalendar
from casework.domain.holiday_law import (
    provisional_rest_days,
    provisional_schedule,
    revision_for,
    statutory_days,
)

D = date
ONE = timedelta(days=1)
LIBRARY = {s.year: s for s in library_schedules()}


def by_name(year: int) -> dict[str, list[date]]:
    out: dict[str, list[date]] = {}
    for d, name in statutory_days(year):
        out.setdefault(name, []).append(d)
    return out


@pytest.mark.parametrize(
    ("year", "eve", "spring", "qingming", "dragon_boat", "mid_autumn"),
    [
        # From the notices (docs/legal-basis.md D): 2024 春节 2/10, 清明 4/4, 端午 6/10, 中秋 9/17;
        # 2025 除夕 1/28, 清明 4/4, 端午 5/31, 中秋 10/6; 2026 春节 2/17 (除夕 2/16),
        # 清明 4/5, 端午 6/19, 中秋 9/25.
        (2024, D(2024, 2, 9), D(2024, 2, 10), D(2024, 4, 4), D(2024, 6, 10), D(2024, 9, 17)),
        (2025, D(2025, 1, 28), D(2025, 1, 29), D(2025, 4, 4), D(2025, 5, 31), D(2025, 10, 6)),
        (2026, D(2026, 2, 16), D(2026, 2, 17), D(2026, 4, 5), D(2026, 6, 19), D(2026, 9, 25)),
    ],
)
def test_the_lunar_library_gives_the_notices_dates(
    year: int, eve: date, spring: date, qingming: date, dragon_boat: date, mid_autumn: date
) -> None:
    days = by_name(year)
    assert min(days["春节"]) == (eve if revision_for(year).new_years_eve else spring)
    assert spring in days["春节"]
    assert days["清明节"] == [qingming]
    assert days["端午节"] == [dragon_boat]
    assert days["中秋节"] == [mid_autumn]


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_statutory_day_is_a_rest_day_of_the_notice(year: int) -> None:
    notice = LIBRARY[year]
    for d, name in statutory_days(year):
        assert d in notice.rest_days, (d, name)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_provisional_year_has_as_many_working_days_as_the_notice(year: int) -> None:
    # The notices move rest days around (调休) but keep the 13 statutory days and Art. 6:
    # counted over the year, the law alone gives the same number of working days.
    provisional = WorkCalendar([provisional_schedule(year)])
    official = WorkCalendar([LIBRARY[year]])
    assert provisional.working_days_in_year(year) == official.working_days_in_year(year) == 248


def test_two_holidays_on_one_day_are_made_up_as_the_2020_notice_did() -> None:
    # 2020: 中秋 fell on 10-01, 国庆's first day. The notice gave 10-01..10-08 off with Sun
    # 9-27 and Sat 10-10 worked: 6 weekdays off less 2 weekend days worked = 4 statutory days.
    window = [D(2020, 9, 26) + ONE * i for i in range(16)]
    official_lost = sum(
        (d.weekday() < 5 and not chinese_calendar.is_workday(d))
        - (d.weekday() >= 5 and chinese_calendar.is_workday(d))
        for d in window
    )
    rest = provisional_rest_days(2020)
    provisional_lost = sum(1 for d in window if d in rest and d.weekday() < 5)
    assert official_lost == provisional_lost == 4


def test_2027_provisional_days_counted_by_hand() -> None:
    # 元旦 Fri 1/1; 春节 除夕 Fri 2/5, 初一–初三 Sat 2/6–Mon 2/8, two on the weekend: 补假 Tue 2/9,
    # Wed 2/10; 清明 Mon 4/5; 劳动节 Sat 5/1, Sun 5/2: 补假 5/3, 5/4; 端午 Wed 6/9; 中秋 Wed
    # 9/15; 国庆 Fri 10/1, Sat 10/2, Sun 10/3: 补假 Mon 10/4, Tue 10/5.
    weekdays_off = [d for d in provisional_rest_days(2027) if d.weekday() < 5]
    assert weekdays_off == [
        D(2027, 1, 1),
        D(2027, 2, 5),
        D(2027, 2, 8),
        D(2027, 2, 9),
        D(2027, 2, 10),
        D(2027, 4, 5),
        D(2027, 5, 3),
        D(2027, 5, 4),
        D(2027, 6, 9),
        D(2027, 9, 15),
        D(2027, 10, 1),
        D(2027, 10, 4),
        D(2027, 10, 5),
    ]
    assert provisional_rest_days(2027)[D(2027, 2, 9)] == "春节（补假）"


def test_2028_mid_autumn_on_national_day_gets_its_own_day() -> None:
    # 国庆 Sun 10/1, Mon 10/2, Tue 10/3; 中秋 also Tue 10/3. 国庆's Sunday is made up on Wed
    # 10/4, 中秋's shared day on Thu 10/5: the block is Sat 9/30 to Thu 10/5.
    rest = provisional_rest_days(2028)
    assert [d for d in rest if d.month == 10] == [D(2028, 10, d) for d in range(1, 6)]
    assert rest[D(2028, 10, 4)] == "国庆节（补假）"
    assert rest[D(2028, 10, 5)] == "中秋节（补假）"
    # 元旦 on Saturday 1/1: made up on Monday 1/3 (Sunday is a rest day anyway).
    assert rest[D(2028, 1, 3)] == "元旦（补假）"


def test_a_provisional_year_has_no_makeup_workday() -> None:
    schedule = provisional_schedule(2027)
    assert schedule.makeup_workdays == frozenset()
    assert schedule.provisional and "放假办法" in schedule.source


def test_before_the_2008_revision_nothing_is_modelled() -> None:
    assert revision_for(2007) is None
    with pytest.raises(ValueError, match="2008"):
        statutory_days(2007)


@given(st.integers(min_value=2025, max_value=2100))
def test_each_statutory_day_costs_exactly_one_weekday(year: int) -> None:
    """Art. 2 and Art. 6 together: 13 statutory days take 13 weekdays off, whatever weekday
    or other holiday they fall on; every 补假 is a weekday; no rest day leaves the year."""
    rest = provisional_rest_days(year)
    assert all(d in rest for d, _ in statutory_days(year))
    weekdays_off = [d for d in rest if d.weekday() < 5]
    assert len(weekdays_off) == 13
    assert all(d.year == year for d in rest)
    assert all(d.weekday() < 5 for d, name in rest.items() if name.endswith("（补假）"))
