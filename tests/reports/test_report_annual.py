"""Tables 三 and 四 of a hand-built year, counted by hand; carry-over; reopened cases.

The year 2025 (tests/support/report_year.py) has every one of table 三's 25 rows and 7 columns
and every one of table 四's 15 columns non-zero. Applicant kinds: N 自然人, B 商业企业,
R 科研机构, P 社会公益组织, L 法律服务机构, O 其他.
"""

from __future__ import annotations

import pytest

from casework.domain.outcomes import TABLE3_ROWS
from casework.errors import InvalidInput, NotFound
from casework.reports.annual import annual_report
from tests.support.report_year import EXPECTED_2025, EXPECTED_TABLE4, build_year
from tests.support.reports import case, reopen, reply


def printed(report) -> dict[int, tuple[int, ...]]:  # type: ignore[no-untyped-def]
    return {row.number: tuple(report.table3.cells[row.key]) for row in TABLE3_ROWS}


def test_hand_built_year_gives_the_hand_counted_tables(engine) -> None:
    build_year(engine)
    report = annual_report(engine, 2025)
    assert printed(report) == EXPECTED_2025
    assert tuple(report.table4.row()) == EXPECTED_TABLE4
    assert all(sum(v) for v in EXPECTED_2025.values()), "every row has a non-zero cell"
    assert all(any(EXPECTED_2025[r][c] for r in EXPECTED_2025) for c in range(7))
    assert all(EXPECTED_TABLE4)
    assert report.passed, [c for c in report.checks if not c.passed]
    assert report.notes == []


def test_carry_over_chains_from_year_to_year(engine) -> None:
    ids = build_year(engine)
    y2024, y2025, y2026 = (annual_report(engine, y) for y in (2024, 2025, 2026))
    assert printed(y2024)[1] == (3, 1, 1, 0, 0, 0, 5)
    assert printed(y2024)[3] == (1, 0, 0, 0, 0, 0, 1)  # 2024-03-01 case, replied 2024-03-20
    assert printed(y2024)[25] == (2, 1, 1, 0, 0, 0, 4)
    assert printed(y2024)[25] == printed(y2025)[2]
    assert printed(y2025)[25] == printed(y2026)[2] == (1, 1, 0, 0, 0, 1, 3)
    assert printed(y2026)[1] == (0, 0, 0, 0, 1, 0, 1)
    assert printed(y2026)[3] == (0, 1, 0, 0, 0, 0, 1)
    assert printed(y2026)[25] == (1, 0, 0, 0, 1, 1, 3)
    assert all(r.passed for r in (y2024, y2025, y2026))
    # The review decided in 2026 was pending in 2025 and counts its result in 2026.
    assert y2026.table4.cells["review"] == {
        "upheld": 0,
        "corrected": 1,
        "other": 0,
        "pending": 1,  # the one received 2025-10-01, never decided
        "total": 2,
    }
    assert ids["old_pending"]


def test_unit_scope_counts_only_that_units_cases(engine) -> None:
    case(engine, "N", "2025-03-03", "disclosed", "2025-03-20", unit="jyj")
    case(engine, "B", "2025-03-03", "disclosed", "2025-03-20")
    jyj = annual_report(engine, 2025, unit="jyj")
    assert jyj.scope.label == "区教育局"
    assert printed(jyj)[1] == (1, 0, 0, 0, 0, 0, 1)
    assert printed(annual_report(engine, 2025))[1] == (1, 1, 0, 0, 0, 0, 2)


def test_line_scope_comes_from_the_directory(engine) -> None:
    case(engine, "N", "2025-03-03", "disclosed", "2025-03-20", unit="czj")  # 苏海峰's line
    case(engine, "B", "2025-03-03", "disclosed", "2025-03-20", unit="jyj")  # 程宏刚's line
    report = annual_report(engine, 2025, line="操俊峰")  # the line's deputy, by name
    assert report.scope.kind == "line"
    assert "czj" in report.scope.units and "jyj" not in report.scope.units
    assert printed(report)[1] == (1, 0, 0, 0, 0, 0, 1)
    with pytest.raises(NotFound) as info:
        annual_report(engine, 2025, line="nobody")
    assert info.value.field == "line"


def test_a_year_without_data_is_an_empty_valid_table(engine) -> None:
    report = annual_report(engine, 2030)
    assert set(printed(report).values()) == {(0,) * 7}
    assert tuple(report.table4.row()) == (0,) * 15
    assert report.passed


def test_bad_scope_or_year_is_refused(engine) -> None:
    with pytest.raises(NotFound) as unit:
        annual_report(engine, 2025, unit="nosuch")
    assert unit.value.field == "unit"
    with pytest.raises(InvalidInput):
        annual_report(engine, 2025, unit="czj", line="line1")
    with pytest.raises(InvalidInput) as year:
        annual_report(engine, 1999)
    assert year.value.field == "year"


# ---------------------------------------------------------------- reopened cases


def test_a_reopened_case_counts_once_with_its_first_conclusion(engine) -> None:
    # Replied 2024, reopened and replied again in 2025.
    first = case(engine, "N", "2024-10-08", "disclosed", "2024-10-21")
    reopen(engine, first, "2025-04-01")
    reply(engine, first, "other", "2025-04-21")
    # Replied 2025, reopened 2025, replied again 2026.
    second = case(engine, "B", "2025-03-03", "withheld_process", "2025-03-20")
    reopen(engine, second, "2025-06-03")
    reply(engine, second, "disclosed", "2026-01-12")
    # Never replied: the reply was overdue (due 06-04) and a decision ordered one.
    third = case(engine, "R", "2025-05-06")
    reopen(engine, third, "2025-07-01")
    reply(engine, third, "disclosed", "2025-08-01")

    y2024, y2025, y2026 = (annual_report(engine, y) for y in (2024, 2025, 2026))
    assert printed(y2024)[1] == (1, 0, 0, 0, 0, 0, 1)
    assert printed(y2024)[3] == (1, 0, 0, 0, 0, 0, 1)
    assert printed(y2024)[25] == (0,) * 7
    # 2025: the first case is not carried in nor counted again; the second counts its first
    # reply (过程性信息); the third its only reply (予以公开).
    assert printed(y2025)[1] == (0, 1, 1, 0, 0, 0, 2)
    assert printed(y2025)[2] == (0,) * 7
    assert printed(y2025)[3] == (0, 0, 1, 0, 0, 0, 1)
    assert printed(y2025)[10] == (0, 1, 0, 0, 0, 0, 1)
    assert printed(y2025)[23] == (0,) * 7
    assert printed(y2025)[24] == (0, 1, 1, 0, 0, 0, 2)
    assert printed(y2025)[25] == (0,) * 7  # the second is open again, yet not carried over
    assert len(y2025.notes) == 1 and "3 件" in y2025.notes[0]
    # 2026: the redone reply of the second case is not counted again.
    assert printed(y2026)[24] == (0,) * 7
    assert all(r.passed for r in (y2024, y2025, y2026))
