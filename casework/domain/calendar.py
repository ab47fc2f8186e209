"""The working-day calendar (工作日历): which days count for statutory periods.

Pure: no file, network or clock access; the schedules come from ``casework.calendar_sources``.

A day is a working day iff it is Monday–Friday and not an official rest day, or it is a
weekend day that the State Council notice makes a working day (调休上班). A year is *known*
only when its official schedule is given; a computation that touches a date in an unknown
year raises ``UnknownCalendarYear`` instead of guessing a Monday–Friday year.

Counting conventions (legal-rules.md section E):

* working days: day 1 is the first working day strictly after the start date, so a start on
  a rest day gives the same due date as a start on the preceding working day;
* calendar days: start + n; if that day is not a working day, the next working day.

Year-end spill-over: the notice for year Y sometimes fixes the last days of December of Y-1
(the 2019 notice made 2018-12-29 a working Saturday and 2018-12-31 a rest day). A
``YearSchedule`` for Y may therefore list dates in December of Y-1; they apply to those dates
and win over the schedule of Y-1 (the later notice decides). All other dates must lie in Y.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from casework.errors import DefinitionError, InvalidInput, UnknownCalendarYear

__all__ = ["WEEKDAY_NAMES", "WorkCalendar", "YearSchedule", "calendar_file_hint", "unknown_year"]

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


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
    version. Dates may lie in ``year`` or in December of ``year - 1`` (see the module doc).
    """

    year: int
    rest_days: Mapping[date, str]
    makeup_workdays: frozenset[date]
    source: str

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


# A segment is a run of consecutive known years:
# (first year, last year, index of its first working day, index after its last working day).
_Segment = tuple[int, int, int, int]


class WorkCalendar:
    """Working days over the known years, precomputed as a sorted list (lookups use bisect)."""

    __slots__ = ("_schedules", "_segments", "_working", "_working_set")

    def __init__(self, schedules: Iterable[YearSchedule]) -> None:
        by_year: dict[int, YearSchedule] = {}
        for schedule in schedules:
            if schedule.year in by_year:
                raise DefinitionError(f"{schedule.year}年的日历重复给出", field="year")
            by_year[schedule.year] = schedule
        self._schedules: dict[int, YearSchedule] = dict(sorted(by_year.items()))

        # Dates whose status differs from (or confirms) the Monday–Friday default.
        # First each schedule's own year, then the year-end spill-over of the next notice.
        explicit: dict[date, bool] = {}
        for spill in (False, True):
            for schedule in self._schedules.values():
                for d in schedule.rest_days:
                    if (d.year != schedule.year) == spill:
                        explicit[d] = False
                for d in schedule.makeup_workdays:
                    if (d.year != schedule.year) == spill:
                        explicit[d] = True

        working: list[date] = []
        segments: dict[int, _Segment] = {}
        years = list(self._schedules)
        i = 0
        while i < len(years):
            j = i
            while j + 1 < len(years) and years[j + 1] == years[j] + 1:
                j += 1
            first, last = years[i], years[j]
            start_index = len(working)
            day = date(first, 1, 1)
            end = date(last, 12, 31)
            one = timedelta(days=1)
            while True:
                if explicit.get(day, day.weekday() < 5):
                    working.append(day)
                if day == end:
                    break
                day += one
            segment = (first, last, start_index, len(working))
            for year in range(first, last + 1):
                segments[year] = segment
            i = j + 1
        self._working = working
        self._working_set = frozenset(working)
        self._segments = segments

    # -- the known years -------------------------------------------------------------------

    @property
    def known_years(self) -> tuple[int, ...]:
        """The years whose official schedule is known, ascending."""
        return tuple(self._schedules)

    def schedule(self, year: int) -> YearSchedule:
        """The official schedule of ``year``; ``UnknownCalendarYear`` if it is not known."""
        try:
            return self._schedules[year]
        except KeyError:
            raise unknown_year(year) from None

    def _segment(self, year: int) -> _Segment:
        try:
            return self._segments[year]
        except KeyError:
            raise unknown_year(year) from None

    # -- queries ---------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day (Mon–Fri and not a rest day, or a makeup day)."""
        self._segment(d.year)
        return d in self._working_set

    def working_days_in_year(self, year: int) -> int:
        """How many working days ``year`` has."""
        self._segment(year)
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
        segment = self._segments.get(start.year)
        if segment is None:
            raise unknown_year(start.year)
        index = bisect_right(self._working, start) + n - 1
        if index >= segment[3]:
            raise unknown_year(segment[1] + 1)
        return self._working[index]

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days d with a < d <= b (0 if b <= a)."""
        if b <= a:
            return 0
        segment = self._segment(a.year)
        if b.year > segment[1]:
            raise unknown_year(segment[1] + 1)
        return bisect_right(self._working, b) - bisect_right(self._working, a)

    def next_working_day_on_or_after(self, d: date) -> date:
        """``d`` if it is a working day, otherwise the first working day after it."""
        segment = self._segment(d.year)
        index = bisect_left(self._working, d)
        if index >= segment[3]:
            raise unknown_year(segment[1] + 1)
        return self._working[index]

    def add_calendar_days(self, start: date, n: int) -> date:
        """``start`` + n days; if that day is not a working day, the next working day.

        ``n`` must be at least 0 (0 rolls ``start`` itself forward).
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InvalidInput(f"自然日天数 n 应为不小于 0 的整数，收到 {n!r}", field="n")
        segment = self._segment(start.year)
        try:
            target = start + timedelta(days=n)
        except OverflowError:
            raise InvalidInput(f"自然日天数 n 过大：{n}", field="n") from None
        if target.year > segment[1]:
            raise unknown_year(segment[1] + 1)
        index = bisect_left(self._working, target)
        if index >= segment[3]:
            raise unknown_year(segment[1] + 1)
        return self._working[index]
