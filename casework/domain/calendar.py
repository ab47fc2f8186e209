"""The working-day calendar (工作日历): which days count for statutory periods.

Pure: no file, network or clock access; the schedules come from ``casework.calendar_sources``.

A day is a working day iff it is Monday–Friday and not an official rest day, or it is a
weekend day that the State Council notice makes a working day (调休上班). A year is *known*
when a source gives its official schedule (a notice registered by the office, a file in
states/calendar/, or the holiday library). A year after the first known year that no source
knows is *provisional*: its schedule is built from the 放假办法 alone (``holiday_law``), every
date counted over it is marked provisional by its callers, and it is replaced as soon as a
source knows the year (docs/concepts.md). Years before the first known year stay unknown: a
computation that touches one raises ``UnknownCalendarYear``.

Counting conventions (docs/concepts.md, Clocks; docs/legal-basis.md E):

* working days: day 1 is the first working day strictly after the start date, so a start on
  a rest day gives the same due date as a start on the preceding working day;
* calendar days: start + n; if that day is not a working day, the next working day.

Year-end spill-over: the notice for year Y sometimes fixes the last days of December of Y-1
(the 2019 notice made 2018-12-29 a working Saturday and 2018-12-31 a rest day). A
``YearSchedule`` for Y may therefore list dates in December of Y-1; they apply to those dates
and win over the schedule of Y-1 (the later notice decides). All other dates must lie in Y.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from casework.errors import DefinitionError, InvalidInput, UnknownCalendarYear

__all__ = [
    "LAST_PROVISIONAL_YEAR",
    "ORIGINS",
    "WEEKDAY_NAMES",
    "WorkCalendar",
    "YearSchedule",
    "calendar_file_hint",
    "unknown_year",
]

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
# Where a year's schedule comes from, in the order in which one source wins over another.
ORIGINS = {
    "notice": "登记的放假通知",
    "file": "states/calendar 文件",
    "library": "节假日程序库",
    "provisional": "暂定（按《放假办法》推算）",
}
# Provisional years are built on demand up to this year; a later date is surely a typo.
LAST_PROVISIONAL_YEAR = 2100


def calendar_file_hint(year: int) -> str:
    """The file in which the official schedule of ``year`` is registered."""
    return f"states/calendar/{year}.toml"


def unknown_year(year: int) -> UnknownCalendarYear:
    """The error for a computation that needs ``year`` when its schedule is unknown."""
    return UnknownCalendarYear(year, calendar_file_hint(year))


def _in_scope(d: date, year: int) -> bool:
    """A schedule for ``year`` may list dates of that year and of December of the year before."""
    return d.year == year or (d.year == year - 1 and d.month == 12)


@dataclass(frozen=True)
class YearSchedule:
    """The official schedule of one year, from its State Council General Office notice.

    ``rest_days`` maps every official rest day (weekends inside holiday ranges included) to
    the holiday's Chinese name ("春节"; may be ""). ``makeup_workdays`` are the weekend days
    that are working days (调休上班). ``source`` is the notice number or the library name and
    version; ``origin`` one of ``ORIGINS``. Dates may lie in ``year`` or in December of
    ``year - 1`` (see the module doc).
    """

    year: int
    rest_days: Mapping[date, str]
    makeup_workdays: frozenset[date]
    source: str
    origin: str = "library"

    @property
    def provisional(self) -> bool:
        return self.origin == "provisional"

    def __post_init__(self) -> None:
        rest = MappingProxyType(dict(sorted(self.rest_days.items())))
        makeup = frozenset(self.makeup_workdays)
        object.__setattr__(self, "rest_days", rest)
        object.__setattr__(self, "makeup_workdays", makeup)
        where = f"{self.year}年的日历（{self.source}）"
        for d in rest:
            if not _in_scope(d, self.year):
                raise DefinitionError(
                    f"{where}：放假日 {d} 不在 {self.year} 年内（只允许 {self.year} 年的日期"
                    f"和上一年12月的跨年日期）",
                    field="rest_days",
                )
        for d in sorted(makeup):
            if not _in_scope(d, self.year):
                raise DefinitionError(
                    f"{where}：调休上班日 {d} 不在 {self.year} 年内（只允许 {self.year} 年的日期"
                    f"和上一年12月的跨年日期）",
                    field="makeup_workdays",
                )
            if d.weekday() < 5:
                raise DefinitionError(
                    f"{where}：调休上班日 {d} 是{WEEKDAY_NAMES[d.weekday()]}，"
                    f"调休上班日只能是星期六或星期日",
                    field="makeup_workdays",
                )
            if d in rest:
                raise DefinitionError(
                    f"{where}：{d} 既是放假日又是调休上班日",
                    field="makeup_workdays",
                )

    def __hash__(self) -> int:
        return hash((self.year, tuple(self.rest_days.items()), self.makeup_workdays, self.source))

    def same_days(self, other: YearSchedule) -> bool:
        """Whether both schedules make the same days rest days and working days."""
        return (
            dict(self.rest_days).keys() == dict(other.rest_days).keys()
            and self.makeup_workdays == other.makeup_workdays
        )


ProvisionalFactory = Callable[[int], YearSchedule]


class WorkCalendar:
    """Working days from the first known year on, as one sorted list (lookups use bisect).

    Given a ``provisional`` factory, every year after the first known one that no schedule
    covers is built from it: gaps at construction, later years on demand (under a lock, so a
    shared calendar can be extended by several threads). Without one, such years are unknown.
    """

    __slots__ = (
        "_first",
        "_known",
        "_last",
        "_lock",
        "_provisional",
        "_schedules",
        "_working",
        "_working_set",
    )

    def __init__(
        self, schedules: Iterable[YearSchedule], provisional: ProvisionalFactory | None = None
    ) -> None:
        by_year: dict[int, YearSchedule] = {}
        for schedule in schedules:
            if schedule.year in by_year:
                raise DefinitionError(f"{schedule.year}年的日历重复给出", field="year")
            by_year[schedule.year] = schedule
        self._known: dict[int, YearSchedule] = dict(sorted(by_year.items()))
        self._provisional = provisional
        self._lock = threading.Lock()
        self._schedules: dict[int, YearSchedule] = {}
        self._working: list[date] = []
        self._working_set: set[date] = set()
        self._first = min(self._known, default=0)
        self._last = self._first - 1  # the last year whose working days are in the list
        if not self._known:
            return
        end = max(self._known)
        if provisional is None:  # a gap cannot be filled: count only up to it
            while any(y not in self._known for y in range(self._first, end + 1)):
                end -= 1
        self._append_years(end)

    def _schedule_for(self, year: int) -> YearSchedule:
        known = self._known.get(year)
        if known is not None:
            return known
        assert self._provisional is not None
        return self._provisional(year)

    def _append_years(self, until: int) -> None:
        """Add the working days of the years after ``self._last`` up to ``until``."""
        new = {y: self._schedule_for(y) for y in range(self._last + 1, until + 1)}
        # Dates whose status differs from (or confirms) the Monday–Friday default: first each
        # schedule's own year, then the year-end spill-over of the next notice.
        explicit: dict[date, bool] = {}
        for spill in (False, True):
            for schedule in new.values():
                for d in schedule.rest_days:
                    if (d.year != schedule.year) == spill:
                        explicit[d] = False
                for d in schedule.makeup_workdays:
                    if (d.year != schedule.year) == spill:
                        explicit[d] = True
        one = timedelta(days=1)
        day, end = date(self._last + 1, 1, 1), date(until, 12, 31)
        days: list[date] = []
        while True:
            if explicit.get(day, day.weekday() < 5):
                days.append(day)
            if day == end:
                break
            day += one
        # Readers may bisect meanwhile: appending later dates keeps every index they hold valid.
        self._schedules.update(new)
        self._working_set.update(days)
        self._working.extend(days)
        self._last = until

    def _reach(self, year: int) -> None:
        """Make ``year`` countable, or raise ``UnknownCalendarYear``."""
        if self._first <= year <= self._last:
            return
        if self._provisional is None or not self._known or year < self._first:
            raise unknown_year(year if year < self._first else self._last + 1)
        if year > LAST_PROVISIONAL_YEAR:
            raise InvalidInput(
                f"{year}年超出可计算的范围（暂定日历只推算到 {LAST_PROVISIONAL_YEAR} 年）",
                field="date",
                rule="provisional calendar horizon",
            )
        with self._lock:
            if year > self._last:
                self._append_years(year)

    def _day_at(self, index: int) -> date:
        """The working day at ``index`` of the list, building provisional years as needed."""
        while index >= len(self._working):
            self._reach(self._last + 1)
        return self._working[index]

    # -- the years -------------------------------------------------------------------------

    @property
    def known_years(self) -> tuple[int, ...]:
        """The years a source knows (not provisional), ascending."""
        return tuple(self._known)

    @property
    def first_provisional_day(self) -> date | None:
        """The first day counted provisionally (1 January of the first year no source knows);
        None without provisional years."""
        if self._provisional is None or not self._known:
            return None
        gaps = [y for y in range(self._first, max(self._known) + 1) if y not in self._known]
        return date(min(gaps, default=max(self._known) + 1), 1, 1)

    def schedule(self, year: int) -> YearSchedule:
        """The schedule of ``year`` (provisional if no source knows it)."""
        self._reach(year)
        return self._schedules[year]

    def is_provisional_year(self, year: int) -> bool:
        return self.schedule(year).provisional

    def touches_provisional(self, first: date, last: date) -> bool:
        """Whether a count from ``first`` to ``last`` goes over a provisional year."""
        return any(self.is_provisional_year(y) for y in range(first.year, last.year + 1))

    def provisional_basis(self, first: date, last: date) -> str | None:
        """Why a count from ``first`` to ``last`` is provisional, in Chinese; None if it is not."""
        years = [y for y in range(first.year, last.year + 1) if self.is_provisional_year(y)]
        if not years:
            return None
        named = "、".join(f"{y}年" for y in years)
        return f"{named}的国务院办公厅放假通知尚未登记，{self._schedules[years[0]].source}"

    # -- queries ---------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day (Mon–Fri and not a rest day, or a makeup day)."""
        self._reach(d.year)
        return d in self._working_set

    def working_days_in_year(self, year: int) -> int:
        """How many working days ``year`` has."""
        self._reach(year)
        return bisect_right(self._working, date(year, 12, 31)) - bisect_left(
            self._working, date(year, 1, 1)
        )

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day strictly after ``start`` (day 1 = first working day after it).

        A start on a rest day gives the same result as a start on the preceding working day.
        ``n`` must be at least 1.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInput(f"工作日天数 n 应为不小于 1 的整数，收到 {n!r}", field="n")
        self._reach(start.year)
        return self._day_at(bisect_right(self._working, start) + n - 1)

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days d with a < d <= b (0 if b <= a)."""
        if b <= a:
            return 0
        self._reach(a.year)
        self._reach(b.year)
        return bisect_right(self._working, b) - bisect_right(self._working, a)

    def next_working_day_on_or_after(self, d: date) -> date:
        """``d`` if it is a working day, otherwise the first working day after it."""
        self._reach(d.year)
        return self._day_at(bisect_left(self._working, d))

    def add_calendar_days(self, start: date, n: int) -> date:
        """``start`` + n days; if that day is not a working day, the next working day.

        ``n`` must be at least 0 (0 rolls ``start`` itself forward).
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InvalidInput(f"自然日天数 n 应为不小于 0 的整数，收到 {n!r}", field="n")
        self._reach(start.year)
        try:
            target = start + timedelta(days=n)
        except OverflowError:
            raise InvalidInput(f"自然日天数 n 过大：{n}", field="n") from None
        self._reach(target.year)
        return self._day_at(bisect_left(self._working, target))
