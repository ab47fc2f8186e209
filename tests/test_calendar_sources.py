"""Where the calendar comes from: the holiday library and states/calendar/<year>.toml files."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from casework.calendar_sources import (
    library_schedules,
    library_version,
    load_calendar,
    load_overrides,
)
from casework.domain.calendar import YearSchedule
from casework.errors import DefinitionError, UnknownCalendarYear

D = date
FIXTURE_2027 = Path(__file__).resolve().parent / "data" / "calendar" / "2027.toml"

# docs/legal-basis.md section D: the makeup working days (调休上班) of each notice.
MAKEUP = {
    2024: {
        D(2024, 2, 4),
        D(2024, 2, 18),
        D(2024, 4, 7),
        D(2024, 4, 28),
        D(2024, 5, 11),
        D(2024, 9, 14),
        D(2024, 9, 29),
        D(2024, 10, 12),
    },
    2025: {D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)},
    2026: {
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    },
}


def _md(year: int, *days: str) -> set[date]:
    return {date.fromisoformat(f"{year}-{d}") for d in days}


def _range(year: int, first: str, last: str) -> set[date]:
    a, b = date.fromisoformat(f"{year}-{first}"), date.fromisoformat(f"{year}-{last}")
    return {date.fromordinal(k) for k in range(a.toordinal(), b.toordinal() + 1)}


# docs/legal-basis.md section D: the weekday rest days of each notice.
WEEKDAY_REST = {
    2024: _md(2024, "01-01", "04-04", "04-05", "06-10", "09-16", "09-17", "10-07")
    | _range(2024, "02-12", "02-16")
    | _range(2024, "05-01", "05-03")
    | _range(2024, "10-01", "10-04"),
    2025: _md(2025, "01-01", "02-03", "02-04", "04-04", "05-01", "05-02", "05-05", "06-02")
    | _range(2025, "01-28", "01-31")
    | _range(2025, "10-01", "10-03")
    | _range(2025, "10-06", "10-08"),
    2026: _md(
        2026,
        "01-01",
        "01-02",
        "02-23",
        "04-06",
        "05-01",
        "05-04",
        "05-05",
        "06-19",
        "09-25",
        "10-01",
        "10-02",
    )
    | _range(2026, "02-16", "02-20")
    | _range(2026, "10-05", "10-07"),
}


@pytest.fixture
def states(tmp_path: Path) -> Path:
    (tmp_path / "calendar").mkdir()
    return tmp_path


# -- the library --------------------------------------------------------------------------


def test_library_covers_2024_to_2026_and_not_2027() -> None:
    years = [s.year for s in library_schedules()]
    assert {2024, 2025, 2026} <= set(years)
    assert 2027 not in years
    assert years == list(range(years[0], years[-1] + 1))  # one contiguous range


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_library_makeup_and_rest_days_match_the_notices(year: int) -> None:
    schedule = {s.year: s for s in library_schedules()}[year]
    assert schedule.makeup_workdays == MAKEUP[year]
    assert {d for d in schedule.rest_days if d.weekday() < 5} == WEEKDAY_REST[year]


def test_library_names_and_source() -> None:
    by_year = {s.year: s for s in library_schedules()}
    assert by_year[2026].rest_days[D(2026, 2, 16)] == "春节"
    assert by_year[2026].rest_days[D(2026, 4, 6)] == "清明节"
    assert by_year[2026].rest_days[D(2026, 6, 19)] == "端午节"
    assert by_year[2026].rest_days[D(2026, 10, 1)] == "国庆节"
    assert by_year[2026].rest_days[D(2026, 9, 25)] == "中秋节"
    assert by_year[2025].rest_days[D(2025, 5, 1)] == "劳动节"
    assert by_year[2025].rest_days[D(2025, 1, 1)] == "元旦"
    assert by_year[2015].rest_days[D(2015, 9, 3)].startswith("中国人民抗日战争")
    assert (
        by_year[2026].source
        == f"chinesecalendar {library_version()}（国务院办公厅部分节假日安排通知）"
    )
    assert library_version().count(".") >= 1


def test_makeup_days_listed_in_the_brief_are_working_days(states: Path) -> None:
    cal = load_calendar(states)
    for d in (
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ):
        assert d.weekday() >= 5
        assert cal.is_working_day(d)


# -- override files -----------------------------------------------------------------------


def test_override_makes_2027_known(states: Path) -> None:
    before = load_calendar(states)
    assert before.schedule(2027).provisional  # no source knows 2027 yet: the law alone
    assert before.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)  # 元旦 1/1 only
    assert before.is_working_day(D(2027, 2, 11))  # after 春节 and its two 补假
    shutil.copy(FIXTURE_2027, states / "calendar" / "2027.toml")
    cal = load_calendar(states)
    assert 2027 in cal.known_years
    assert cal.schedule(2027).source == "测试用虚构通知〔2026〕0号"
    assert cal.schedule(2027).origin == "file" and not cal.schedule(2027).provisional
    assert cal.schedule(2026).source.startswith("chinesecalendar")
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)  # 1/1–1/3 rest
    assert cal.is_working_day(D(2027, 2, 14))  # the fixture's makeup Sunday
    assert not cal.is_working_day(D(2027, 2, 8))  # a Monday inside its 春节
    assert not cal.is_working_day(D(2027, 2, 11))  # the file's 春节 runs to 2/13
    assert cal.schedule(2027).rest_days[D(2027, 2, 8)] == "春节"
    # The year after the file is provisional, not unknown.
    assert cal.first_provisional_day == D(2028, 1, 1)
    assert cal.add_working_days(D(2027, 12, 30), 5) == D(2028, 1, 7)  # 元旦 Sat 1/1: 补假 1/3


def test_before_the_first_known_year_stays_unknown(states: Path) -> None:
    with pytest.raises(UnknownCalendarYear) as err:
        load_calendar(states).add_working_days(D(2003, 12, 1), 1)
    assert err.value.year == 2003


def test_a_notice_wins_over_a_file_and_the_library(states: Path) -> None:
    shutil.copy(FIXTURE_2027, states / "calendar" / "2027.toml")
    notice = YearSchedule(2027, {D(2027, 3, 1): "测试"}, frozenset(), "测试通知", origin="notice")
    cal = load_calendar(states, [notice])
    assert cal.schedule(2027).origin == "notice"
    assert not cal.is_working_day(D(2027, 3, 1))
    assert cal.is_working_day(D(2027, 2, 8))  # the file's 春节 no longer counts


def test_override_replaces_the_library_year(states: Path) -> None:
    (states / "calendar" / "2026.toml").write_text(
        'year = 2026\nsource = "测试通知〔2025〕99号"\n'
        '[[rest]]\nname = "虚构节"\nfrom = 2026-03-10\nto = 2026-03-10\n',
        encoding="utf-8",
    )
    cal = load_calendar(states)
    assert cal.schedule(2026).source == "测试通知〔2025〕99号"
    assert dict(cal.schedule(2026).rest_days) == {D(2026, 3, 10): "虚构节"}
    assert not cal.is_working_day(D(2026, 3, 10))  # the made-up rest day
    assert cal.is_working_day(D(2026, 2, 16))  # the library's 春节 is gone
    assert not cal.is_working_day(D(2026, 2, 14))  # and so is its makeup Saturday
    assert cal.schedule(2025).source.startswith("chinesecalendar")  # other years untouched


def test_year_end_spillover_in_a_file(states: Path) -> None:
    # A notice for 2027 may fix the last days of December 2026 (as the 2019 notice did).
    (states / "calendar" / "2027.toml").write_text(
        'year = 2027\nsource = "测试通知"\n'
        '[[rest]]\nname = "元旦"\nfrom = 2026-12-31\nto = 2027-01-03\n',
        encoding="utf-8",
    )
    cal = load_calendar(states)
    assert not cal.is_working_day(D(2026, 12, 31))
    assert cal.add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 4)


def test_calendar_is_cached_and_reloaded_after_an_edit(states: Path) -> None:
    target = states / "calendar" / "2027.toml"
    shutil.copy(FIXTURE_2027, target)
    first = load_calendar(states)
    assert load_calendar(states) is first
    target.write_text(
        target.read_text(encoding="utf-8").replace("测试用虚构通知〔2026〕0号", "改过的文号"),
        encoding="utf-8",
    )
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert load_calendar(states).schedule(2027).source == "改过的文号"


def test_missing_calendar_directory_means_library_only(tmp_path: Path) -> None:
    assert load_overrides(tmp_path / "nowhere") == []
    assert 2026 in load_calendar(tmp_path).known_years


GOOD_HEAD = 'year = 2027\nsource = "国办发明电〔2026〕N号"\n'


@pytest.mark.parametrize(
    ("name", "text", "field", "fragment"),
    [
        ("2027.toml", 'source = "x"\n', "year", "缺少 year"),
        ("2027.toml", "year = 2027\n", "source", "缺少 source"),
        ("2027.toml", 'year = 2027\nsource = ""\n', "source", "缺少 source"),
        ("2028.toml", GOOD_HEAD, "year", "文件名应为 2027.toml"),
        (
            "2027.toml",
            GOOD_HEAD + '[[rest]]\nname = "a"\nfrom = 2026-06-01\nto = 2027-01-01\n',
            "rest[0].from",
            "不在 2027 年内",
        ),
        (
            "2027.toml",
            GOOD_HEAD + '[[rest]]\nname = "a"\nfrom = 2027-12-30\nto = 2028-01-01\n',
            "rest[0].to",
            "不在 2027 年内",
        ),
        (
            "2027.toml",
            GOOD_HEAD + '[[rest]]\nname = "a"\nfrom = 2027-02-13\nto = 2027-02-06\n',
            "rest[0].from",
            "晚于",
        ),
        (
            "2027.toml",
            GOOD_HEAD + '[[rest]]\nname = "元旦"\nfrom = 2027-01-01\nto = 2027-01-03\n'
            "makeup_workdays = [2027-01-04]\n",
            "rest[0].makeup_workdays",
            "只能是星期六或星期日",
        ),
        (
            "2027.toml",
            GOOD_HEAD + '[[rest]]\nname = "元旦"\nfrom = 2027-01-01\nto = 2027-01-03\n'
            "makeup_workdays = [2027-01-02]\n",
            "rest[0].makeup_workdays",
            "既在放假区间内又登记为调休上班日",
        ),
        ("2027.toml", GOOD_HEAD + "[[rest]\n", "toml", "TOML 语法错误"),
        ("2027.toml", GOOD_HEAD + "isued_on = 2026-12-01\n", "isued_on", '未知的键 "isued_on"'),
        (
            "2027.toml",
            GOOD_HEAD + '[[rest]]\nname = "a"\nfrom = "2027-01-01"\nto = 2027-01-01\n',
            "rest[0].from",
            "TOML 日期",
        ),
        (
            "2027.toml",
            GOOD_HEAD + '[[rest]]\nname = "a"\nfrom = 2027-01-01\nto = 2027-01-01\n'
            "makeup_workday = [2027-01-09]\n",
            "rest[0].makeup_workday",
            '未知的键 "makeup_workday"',
        ),
        (
            "2027.toml",
            GOOD_HEAD + '[[rest]]\nname = "a"\nfrom = 2027-01-01\n',
            "rest[0].to",
            "缺少 to",
        ),
        (
            "2027.toml",
            GOOD_HEAD + '[[rest]]\nname = "a"\nfrom = 2027-01-01\nto = 2027-01-03\n'
            '[[rest]]\nname = "b"\nfrom = 2027-01-03\nto = 2027-01-04\n',
            "rest[1]",
            "重叠",
        ),
    ],
)
def test_invalid_files_are_refused(
    states: Path, name: str, text: str, field: str, fragment: str
) -> None:
    path = states / "calendar" / name
    path.write_text(text, encoding="utf-8")
    for load in (lambda: load_overrides(states / "calendar"), lambda: load_calendar(states)):
        with pytest.raises(DefinitionError) as err:
            load()
        assert Path(err.value.path).resolve() == path.resolve()
        assert err.value.field == field
        assert fragment in str(err.value)
        assert str(err.value).startswith(err.value.path)
