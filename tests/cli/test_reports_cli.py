"""`casework report annual|timeliness|hot` as a clerk runs them."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from casework.store.db import WRITE
from casework.store.tables import CASES
from tests.support.report_year import EXPECTED_2025, build_year
from tests.support.reports import case, report_runner, without_hooks


@pytest.fixture
def engine(engine):  # type: ignore[no-untyped-def]
    """The shared engine fixture without its move hooks, as in tests/reports/conftest.py."""
    return without_hooks(engine)


@pytest.fixture
def run(engine):  # type: ignore[no-untyped-def]
    """``casework report ARGS --db <the test database>``, on a command root of the reports'
    commands only (tests/support/reports.py)."""
    cli = report_runner()
    return lambda *args: cli("report", *args, "--db", engine.settings.database_url)


def test_annual_table_csv_and_xlsx(engine, run, tmp_path: Path) -> None:
    build_year(engine)
    shown = run("annual", "--year", "2025")
    assert shown.exit_code == 0, shown.stderr
    assert "全区2025年政府信息公开工作年度报告" in shown.stdout
    assert "4.保护第三方合法权益" in shown.stdout
    assert "不通过" not in shown.stdout and "通过" in shown.stdout

    as_csv = run("annual", "--year", "2025", "--format", "csv")
    assert as_csv.exit_code == 0
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert tuple(int(x) for x in rows[2 + 23][4:]) == EXPECTED_2025[24]
    assert "通过" in as_csv.stderr  # the checks go beside the data, not into it

    target = tmp_path / "2025.csv"
    written = run("annual", "--year", "2025", "--format", "csv", "--output", str(target))
    assert written.exit_code == 0 and str(target) in written.stderr
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8

    book = tmp_path / "2025.xlsx"
    xlsx = run(
        "annual", "--year", "2025", "--unit", "czj", "--format", "xlsx", "--output", str(book)
    )
    assert xlsx.exit_code == 0
    sheet = load_workbook(book).worksheets[0]
    assert sheet["A1"].value.startswith("区财政局2025年")
    assert sheet.cell(28, 10).value == EXPECTED_2025[24][6]  # every case of the year is czj's


def test_annual_json_for_a_line(engine, run) -> None:
    case(engine, "N", "2025-03-03", "disclosed", "2025-03-20", unit="jyj")
    result = run("annual", "--year", "2025", "--line", "line3", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["scope"]["label"] == "程宏刚副区长分管战线"
    assert data["table3"]["rows"][0]["values"]["total"] == 1


def test_failed_check_exits_1_and_lists_the_case(engine, run) -> None:
    bad = case(engine, "N", "2025-03-03", "disclosed", "2025-03-20")
    with engine.db.execution_options(**WRITE).begin() as conn:
        conn.execute(update(CASES).where(CASES.c.id == bad).values(outcome="made_up"))
    result = run("annual", "--year", "2025")
    assert result.exit_code == 1
    assert "不通过  表三：（七）总计等于本年度各项办理结果之和" in result.stdout
    assert f"案件 {bad}：办理结果 'made_up' 不对应表三的任何一行" in result.stdout
    html = run("annual", "--year", "2025", "--format", "html")
    assert html.exit_code == 1
    assert "不通过" in html.stdout and f"案件 {bad}" in html.stdout


def test_bad_input_is_one_line_and_exit_2(engine, run) -> None:
    for args, word in [
        (("--unit", "nosuch"), "nosuch"),
        (("--line", "nobody"), "nobody"),
        (("--format", "pdf"), "pdf"),
        (("--format", "xlsx"), "--output"),
        (("--output", "x.txt"), "table"),
        (("--format", "csv", "--output", "/nonexistent/dir/x.csv"), "/nonexistent/dir/x.csv"),
    ]:
        result = run("annual", "--year", "2025", *args)
        assert result.exit_code == 2, args
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and word in result.stderr
    backwards = run("timeliness", "--from", "2025-03-31", "--to", "2025-03-01")
    assert backwards.exit_code == 2 and "早于" in backwards.stderr


def test_empty_year_prints_an_empty_table(engine, run) -> None:
    result = run("annual", "--year", "2031", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert all(r[4:] == ["0"] * 7 for r in rows[2:27])


def test_timeliness_and_hot_commands(engine, run) -> None:
    case(engine, "N", "2025-02-05", "disclosed", "2025-03-07")  # 3 working days late
    for n in range(3):
        case(engine, "B", f"2025-03-0{3 + n}", request=f"宝丰路片区房屋征收补偿方案{'及标准' * n}")
    shown = run("timeliness", "--from", "2025-03-01", "--to", "2025-03-31")
    assert shown.exit_code == 0 and "区财政局" in shown.stdout and "3/3" in shown.stdout
    data = json.loads(
        run("timeliness", "--from", "2025-03-01", "--to", "2025-03-31", "--json").stdout
    )
    assert data["total"]["late"] == 1 and data["total"]["late_days_total"] == 3
    hot = run("hot", "--from", "2025-03-01", "--to", "2025-03-31")
    assert (
        hot.exit_code == 0 and "1. 3 件" in hot.stdout and "可能属于应主动公开的事项" in hot.stdout
    )
    hot_json = json.loads(run("hot", "--from", "2025-03-01", "--to", "2025-03-31", "--json").stdout)
    assert [c["size"] for c in hot_json["clusters"]] == [3]
    assert hot_json["clusters"][0]["first_received"] == date(2025, 3, 3).isoformat()
