"""Where the working-day calendar comes from: the library, states/calendar/, registered notices.

This is the I/O edge of ``casework.domain.calendar``. ``load_calendar`` combines, each source
replacing the one before it for a whole year:

1. the years covered by the ``chinesecalendar`` package (its data are the State Council
   General Office notices; it raises ``NotImplementedError`` outside its range);
2. one file per year under ``states/calendar/`` (``<year>.toml``);
3. the notices the office registered in the database (``casework calendar notice add``),
   handed in by the caller as schedules.

Every later year that no source knows is provisional (``domain.holiday_law``). The file
format is described in ``states/calendar/README.md``; a notice file has the same format.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from casework.domain.calendar import WEEKDAY_NAMES, WorkCalendar, YearSchedule
from casework.domain.holiday_law import provisional_schedule
from casework.errors import DefinitionError
from casework.tomlfiles import Key, read_toml, strict_table

__all__ = [
    "HOLIDAY_NAMES",
    "library_schedules",
    "library_version",
    "load_calendar",
    "load_overrides",
    "parse_schedule_file",
]

LIBRARY = "chinesecalendar"

# chinese_calendar.Holiday member name -> the holiday's name as the notices write it.
HOLIDAY_NAMES: dict[str, str] = {
    "new_years_day": "元旦",
    "spring_festival": "春节",
    "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节",
    "dragon_boat_festival": "端午节",
    "mid_autumn_festival": "中秋节",
    "national_day": "国庆节",
    # 2015-09-03..05 (国发〔2015〕41号).
    "anti_fascist_70th_day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


# -- the library --------------------------------------------------------------------------


def library_version() -> str:
    """The installed version of the ``chinesecalendar`` package."""
    import chinese_calendar

    # The package states its version: reading the installed metadata for the same string
    # costs ~2.4 ms of every command's start-up.
    own = getattr(chinese_calendar, "__version__", None)
    if isinstance(own, str):
        return own
    from importlib.metadata import version

    return version(LIBRARY)


def _library_years(chinese_calendar: Any) -> range:
    """The years the library covers: the span of its data, confirmed by probing is_workday."""
    data = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    first, last = min(data).year, max(data).year

    def covered(year: int) -> bool:
        try:
            chinese_calendar.is_workday(date(year, 7, 1))
        except NotImplementedError:
            return False
        return True

    while first <= last and not covered(first):
        first += 1
    while last >= first and not covered(last):
        last -= 1
    return range(first, last + 1)


@functools.cache
def library_schedules() -> list[YearSchedule]:
    """One schedule for every year the ``chinesecalendar`` package covers.

    Dates are grouped by the year they lie in (the library already places year-end days such
    as 2018-12-31 in their own year).
    """
    import chinese_calendar

    source = f"{LIBRARY} {library_version()}（国务院办公厅部分节假日安排通知）"
    names = {
        member.value: HOLIDAY_NAMES.get(member.name, member.chinese)
        for member in chinese_calendar.Holiday
    }
    years = _library_years(chinese_calendar)
    rest: dict[int, dict[date, str]] = {year: {} for year in years}
    makeup: dict[int, set[date]] = {year: set() for year in years}
    for d, holiday in chinese_calendar.holidays.items():
        if d.year in rest:
            rest[d.year][d] = names.get(getattr(holiday, "value", holiday), str(holiday))
    for d in chinese_calendar.workdays:
        if d.year in makeup:
            makeup[d.year].add(d)
    return [
        YearSchedule(
            year=year,
            rest_days=rest[year],
            makeup_workdays=frozenset(makeup[year]),
            source=source,
            origin="library",
        )
        for year in years
    ]


# -- override files -----------------------------------------------------------------------

# The keys of a calendar file and of its [[rest]] tables (their values are checked below).
_TOP_KEYS = {k: Key() for k in ("year", "source", "issued_on", "rest", "makeup_workdays")}
_REST_KEYS = {k: Key() for k in ("name", "from", "to", "makeup_workdays")}


def _fail(path: Path, message: str, field: str) -> DefinitionError:
    return DefinitionError(message, path=str(path), field=field)


def _as_date(value: Any, path: Path, field: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise _fail(
            path, f"{field} 应为 TOML 日期（如 2027-01-01，不加引号），收到 {value!r}", field
        )
    return value


def _check_in_year(d: date, year: int, path: Path, field: str) -> None:
    if d.year == year or (d.year == year - 1 and d.month == 12):
        return
    raise _fail(
        path,
        f"{field} 的日期 {d} 不在 {year} 年内（只允许 {year} 年的日期，以及通知中跨年放假"
        f"涉及的 {year - 1} 年12月的日期）",
        field,
    )


def _makeup_list(value: Any, year: int, path: Path, field: str) -> list[date]:
    if not isinstance(value, list):
        raise _fail(path, f"{field} 应为日期列表，如 [{year}-01-04]", field)
    days = []
    for k, item in enumerate(value):
        d = _as_date(item, path, f"{field}[{k}]")
        _check_in_year(d, year, path, field)
        if d.weekday() < 5:
            raise _fail(
                path,
                f"{field} 中的 {d} 是{WEEKDAY_NAMES[d.weekday()]}：调休上班日只能是星期六或星期日",
                field,
            )
        days.append(d)
    return days


def parse_schedule_file(
    path: Path, *, origin: str = "file", named_by_year: bool = True
) -> tuple[YearSchedule, date | None]:
    """A schedule in the states/calendar/<year>.toml format, and its ``issued_on`` if given.

    ``named_by_year``: the file name must be ``<year>.toml`` (files under states/calendar/; a
    notice file given to ``casework calendar notice add`` may be named anything).
    """
    data = strict_table(read_toml(path), _TOP_KEYS, path, "")

    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise _fail(path, "缺少 year（年份，整数，如 year = 2027）", "year")
    if named_by_year and path.stem != str(year):
        raise _fail(path, f"文件名应为 {year}.toml，与 year = {year} 一致", "year")
    issued_on = data.get("issued_on")
    if issued_on is not None:
        issued_on = _as_date(issued_on, path, "issued_on")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise _fail(
            path, "缺少 source（国务院办公厅放假通知的文号，如 国办发明电〔2025〕7号）", "source"
        )

    rest_days: dict[date, str] = {}
    makeup: dict[date, str] = {}

    def add_makeup(days: list[date], field: str) -> None:
        for d in days:
            if d in makeup:
                raise _fail(path, f"{field} 中的调休上班日 {d} 重复登记", field)
            makeup[d] = field

    if "makeup_workdays" in data:
        add_makeup(
            _makeup_list(data["makeup_workdays"], year, path, "makeup_workdays"), "makeup_workdays"
        )

    ranges = data.get("rest", [])
    if not isinstance(ranges, list) or not all(isinstance(r, dict) for r in ranges):
        raise _fail(path, "rest 应写成 [[rest]] 表（每个放假区间一个）", "rest")
    for i, entry in enumerate(ranges):
        where = f"rest[{i}]"
        entry = strict_table(entry, _REST_KEYS, path, where)
        name = entry.get("name", "")
        if not isinstance(name, str):
            raise _fail(path, f'{where}.name 应为字符串（节日名称，如 "春节"）', f"{where}.name")
        for key in ("from", "to"):
            if key not in entry:
                raise _fail(
                    path, f"{where} 缺少 {key}（放假区间的起止日期，含首尾）", f"{where}.{key}"
                )
        first = _as_date(entry["from"], path, f"{where}.from")
        last = _as_date(entry["to"], path, f"{where}.to")
        _check_in_year(first, year, path, f"{where}.from")
        _check_in_year(last, year, path, f"{where}.to")
        if first > last:
            raise _fail(path, f"{where}.from（{first}）晚于 {where}.to（{last}）", f"{where}.from")
        d = first
        while d <= last:
            if d in rest_days:
                raise _fail(path, f"{where} 的放假日 {d} 与前面的放假区间重叠", where)
            rest_days[d] = name
            d += timedelta(days=1)
        if "makeup_workdays" in entry:
            field = f"{where}.makeup_workdays"
            add_makeup(_makeup_list(entry["makeup_workdays"], year, path, field), field)

    for d, field in makeup.items():
        if d in rest_days:
            raise _fail(path, f"{d} 既在放假区间内又登记为调休上班日", field)

    schedule = YearSchedule(
        year=year,
        rest_days=rest_days,
        makeup_workdays=frozenset(makeup),
        source=source.strip(),
        origin=origin,
    )
    return schedule, issued_on


def load_overrides(directory: Path) -> list[YearSchedule]:
    """The schedules in ``directory/*.toml`` (``states/calendar/``), sorted by year.

    Raises ``DefinitionError`` (with the file's path and the field) for an invalid file.
    """
    if not directory.is_dir():
        return []
    return sorted(
        (parse_schedule_file(path)[0] for path in sorted(directory.glob("*.toml"))),
        key=lambda s: s.year,
    )


# -- the calendar -------------------------------------------------------------------------


def _fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    if not directory.is_dir():
        return ()
    return tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(directory.glob("*.toml"))
    )


@functools.lru_cache(maxsize=8)
def _build(
    directory: Path,
    fingerprint: tuple[tuple[str, int, int], ...],
    notices: tuple[YearSchedule, ...],
) -> WorkCalendar:
    by_year = {s.year: s for s in library_schedules()}
    for schedule in (*load_overrides(directory), *notices):
        by_year[schedule.year] = schedule
    return WorkCalendar(by_year.values(), provisional=provisional_schedule)


def load_calendar(states_dir: Path, notices: Sequence[YearSchedule] = ()) -> WorkCalendar:
    """The calendar: the library's years, then ``states_dir/calendar/<year>.toml`` files, then
    the ``notices`` registered in the database; later years are provisional.

    Each source replaces the ones before it for its whole year. The result is cached per
    directory, the files' modification times and the notices, so it is built once per
    process (its provisional years are then built once, on first use).
    """
    directory = (Path(states_dir) / "calendar").resolve()
    return _build(directory, _fingerprint(directory), tuple(notices))
