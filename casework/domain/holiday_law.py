"""The statutory holidays of 全国年节及纪念日放假办法, and the provisional year built from them.

Pure: the lunar dates and the 清明 solar term come from ``lunar_python`` (a maintained
calendar library, pinned by tests to the 2024–2026 notices); nothing else is read.

The State Council notice for year Y comes out in November of Y-1 or later. Until a source
knows Y, its working days are counted *provisionally* from what the 办法 itself fixes
(docs/concepts.md; docs/legal-basis.md D, "2027"):

* Saturdays and Sundays are rest days (国务院关于职工工作时间的规定 Art. 7);
* the statutory days of Art. 2 are rest days (13 from 2025 under the 2024 revision);
* Art. 6: a statutory day that falls on a Saturday or Sunday is made up (补假) on a working
  day; the 补假 is placed on the first weekdays after that holiday's block (the run of rest
  days containing it) that are not already rest days;
* no makeup workday (调休上班) is ever inferred: only a notice creates one.

Two holidays on one day (中秋 falls on 10-03 in 2028, on 10-01 in 2020): the 办法 is silent.
We count each statutory day separately, so the day taken twice is made up by one 补假 after
the combined block, like a statutory day falling on a weekend. This is what the notices did
when it happened: the 2020 notice gave 国庆 and 中秋 together four statutory days (10-01 to
10-08 with 9-27 and 10-10 worked), not three. ``tests/domain/test_holiday_law.py`` pins
the rule to the library's 2020 data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from casework.domain.calendar import YearSchedule

__all__ = [
    "PROVISIONAL_LAW",
    "Revision",
    "provisional_rest_days",
    "provisional_schedule",
    "revision_for",
    "statutory_days",
]

PROVISIONAL_LAW = "《全国年节及纪念日放假办法》（2024年修订）第二条、第六条"


@dataclass(frozen=True)
class Revision:
    """One version of the 办法: from which year it applies and what its Art. 2 gives."""

    name: str
    first_year: int
    new_years_eve: bool  # 农历除夕 is a statutory day
    spring_days: int  # 正月初一 onwards
    labour_days: int


# Article 2 of each revision in force since the 2008 regulation's time.
REVISIONS = (
    Revision("2007年修订（国务院令第513号）", 2008, True, 2, 1),
    Revision("2013年修订（国务院令第644号）", 2014, False, 3, 1),
    Revision("2024年修订（国务院令第795号）", 2025, True, 3, 2),
)


def revision_for(year: int) -> Revision | None:
    """The revision in force in ``year``; None before 2008 (not modelled)."""
    found = [r for r in REVISIONS if r.first_year <= year]
    return found[-1] if found else None


def _lunar(year: int, month: int, day: int) -> date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    from lunar_python import Solar

    term = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"]
    return date(term.getYear(), term.getMonth(), term.getDay())


def statutory_days(year: int) -> list[tuple[date, str]]:
    """The statutory days of Art. 2 for ``year``, in the order of the article (a day may appear
    twice when two holidays fall on it). Raises ``ValueError`` before 2008."""
    rev = revision_for(year)
    if rev is None:
        raise ValueError(f"{year}年早于本程序所载的《放假办法》各版本（2008年起）")
    one = timedelta(days=1)
    spring = _lunar(year, 1, 1)
    days: list[tuple[date, str]] = [(date(year, 1, 1), "元旦")]
    if rev.new_years_eve:
        days.append((spring - one, "春节"))
    days += [(spring + one * k, "春节") for k in range(rev.spring_days)]
    days.append((_qingming(year), "清明节"))
    days += [(date(year, 5, 1 + k), "劳动节") for k in range(rev.labour_days)]
    days.append((_lunar(year, 5, 5), "端午节"))
    days.append((_lunar(year, 8, 15), "中秋节"))
    days += [(date(year, 10, 1 + k), "国庆节") for k in range(3)]
    return days


def provisional_rest_days(year: int) -> dict[date, str]:
    """The weekday and weekend rest days the 办法 alone gives ``year``: its statutory days and
    the 补假 of Art. 6 (see the module doc for the rules and the overlap decision)."""
    one = timedelta(days=1)
    groups: dict[str, list[date]] = {}
    for d, name in statutory_days(year):
        groups.setdefault(name, []).append(d)
    rest: dict[date, str] = {}

    def is_rest(d: date) -> bool:
        return d.weekday() >= 5 or d in rest

    for name, days in sorted(groups.items(), key=lambda item: min(item[1])):
        owed = 0
        for d in days:
            if d in rest or d.weekday() >= 5:
                owed += 1  # on a weekend, or on another holiday's day: made up (Art. 6)
            rest.setdefault(d, name)
        day = max(days)
        while owed:
            day += one
            if not is_rest(day):
                rest[day] = f"{name}（补假）"
                owed -= 1
    return dict(sorted(rest.items()))


def provisional_schedule(year: int) -> YearSchedule:
    """The provisional schedule of ``year`` (the ``WorkCalendar``'s factory)."""
    return YearSchedule(
        year,
        provisional_rest_days(year),
        frozenset(),
        source=f"按{PROVISIONAL_LAW}暂定",
        origin="provisional",
    )
