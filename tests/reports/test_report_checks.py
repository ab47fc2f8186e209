"""The built-in cross-checks on a deliberately inconsistent database: they fail, name the
cells that differ and list the cases that cause it; nothing is dropped silently."""

from __future__ import annotations

from datetime import date

from casework.reports.annual import annual_report
from tests.support.reports import insert_case_row, proceeding


def build_inconsistent(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    d = date.fromisoformat
    return {
        # an outcome code that no row of table 三 covers
        "bad_outcome": insert_case_row(
            engine,
            applicant_kind="natural_person",
            received_on=d("2025-04-01"),
            outcome="made_up",
            replied_on=d("2025-05-01"),
        ),
        # an applicant kind outside the six columns
        "bad_kind": insert_case_row(
            engine,
            applicant_kind="alien",
            received_on=d("2025-04-01"),
            outcome="disclosed",
            replied_on=d("2025-04-10"),
        ),
        # replied (2024) before it was received (2025)
        "before": insert_case_row(
            engine,
            applicant_kind="business",
            received_on=d("2025-02-01"),
            outcome="disclosed",
            replied_on=d("2024-12-20"),
        ),
        # an outcome without a reply or closing date
        "no_date": insert_case_row(
            engine, applicant_kind="research", received_on=d("2025-03-01"), outcome="disclosed"
        ),
    }


def test_inconsistent_data_fails_the_checks_and_names_the_cases(engine) -> None:
    ids = build_inconsistent(engine)
    parent = ids["bad_kind"]
    no_route = proceeding(engine, parent, "lawsuit", "2025-03-01")  # no after_review
    odd = proceeding(engine, parent, "review", "2025-03-01", "maybe", "2025-05-01")
    undated = proceeding(engine, parent, "review", "2025-03-02", "upheld", None)

    report = annual_report(engine, 2025)
    cells = report.table3.cells
    #                               N  B  R  P  L  O  总计
    assert cells["new"] == [1, 1, 1, 0, 0, 0, 4]
    assert cells["disclosed"] == [0, 0, 0, 0, 0, 0, 1]
    assert cells["total"] == [1, 0, 0, 0, 0, 0, 2]
    assert cells["carried_out"] == [0, 0, 1, 0, 0, 0, 1]
    assert not report.passed
    checks = {c.key: c for c in report.checks}

    balance = checks["table3_balance"]
    assert not balance.passed
    assert balance.mismatches == [
        "商业企业：一+二=1，（七）总计+四=0",
        "总计：一+二=4，（七）总计+四=3",
    ]
    assert [p.case_id for p in balance.cases] == [ids["before"]]
    assert "早于收到申请日期" in balance.cases[0].problem

    outcomes = checks["table3_outcomes"]
    assert outcomes.mismatches == [
        "自然人：（七）总计=1，各项结果之和=0",
        "总计：（七）总计=2，各项结果之和=1",
    ]
    assert [p.case_id for p in outcomes.cases] == [ids["bad_outcome"]]
    assert "'made_up'" in outcomes.cases[0].problem

    columns = checks["table3_columns"]
    assert len(columns.mismatches) == 3  # rows 一, （一）予以公开, （七）总计
    assert columns.mismatches[0] == "一、本年新收政府信息公开申请数量：总计=4，六列之和=3"
    assert [p.case_id for p in columns.cases] == [ids["bad_kind"]]

    dates = checks["table3_dates"]
    assert [p.case_id for p in dates.cases] == [ids["no_date"]]
    assert "计入结转" in dates.cases[0].problem

    # Table 四: the review with an unknown result counts in the total but in no result column.
    assert report.table4.cells["review"] == {
        "upheld": 0,
        "corrected": 0,
        "other": 0,
        "pending": 1,  # the one with a result but no closing date
        "total": 2,
    }
    assert [p.case_id for p in checks["table4_blocks"].cases] == [odd]
    assert checks["table4_blocks"].mismatches == ["行政复议：总计=2，维持+纠正+其他+尚未审结=1"]
    assert [p.case_id for p in checks["table4_routes"].cases] == [no_route]
    assert [p.case_id for p in checks["table4_dates"].cases] == [undated]


def test_the_same_bad_row_breaks_the_year_it_lands_in(engine) -> None:
    ids = build_inconsistent(engine)
    report = annual_report(engine, 2024)
    # The case replied in 2024 but received in 2025 counts as a 2024 result out of nowhere.
    assert report.table3.cells["total"] == [0, 1, 0, 0, 0, 0, 1]
    balance = next(c for c in report.checks if c.key == "table3_balance")
    assert balance.mismatches == [
        "商业企业：一+二=0，（七）总计+四=1",
        "总计：一+二=0，（七）总计+四=1",
    ]
    assert [p.case_id for p in balance.cases] == [ids["before"]]
