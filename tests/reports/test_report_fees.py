"""Section 六 (其他需要报告的事项) of the annual report: fee notices issued, the amounts
notified and the amounts collected (国办函〔2020〕109号), in every output format."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from casework.reports import exports
from casework.reports.annual import annual_report
from tests.support.reports import NOW, clerk, register

TITLE = "六、其他需要报告的事项"


def fee(engine: Any, case_id: int, move: str, on: str, unit: str = "czj", **inputs: Any) -> None:
    engine.move(case_id, move, clerk(unit), on=on, now=NOW, **inputs)


@pytest.fixture
def fees_2025(engine):  # type: ignore[no-untyped-def]
    """2025: czj notifies 100元 (paid) and 1100元 (lapsed); jyj collects in January 2025 the
    720元 it notified in December 2024."""
    paid = register(engine, "N", "2025-03-03")
    fee(engine, paid, "fee_notice", "2025-03-03", basis="per_page", pages=40)
    fee(engine, paid, "fee_paid", "2025-03-10", receipt_number="2025-0001")
    lapsed = register(engine, "N", "2025-03-03")
    fee(engine, lapsed, "fee_notice", "2025-03-03", basis="per_page", pages=120)
    fee(engine, lapsed, "fee_lapsed", "2025-04-01")
    december = register(engine, "B", "2024-12-16", unit="jyj")
    fee(engine, december, "fee_notice", "2024-12-16", "jyj", basis="per_page", pages=101)
    fee(engine, december, "fee_paid", "2025-01-06", "jyj")
    return engine


def test_figures_per_unit_and_district_wide(fees_2025) -> None:
    district = annual_report(fees_2025, 2025).fees
    assert (district.total.notices, district.total.notified, district.total.collected) == (
        2,
        Decimal("1200.00"),
        Decimal("820.00"),
    )
    per_unit = {code: (f.notices, f.notified, f.collected) for code, _, f in district.units}
    assert per_unit == {
        "czj": (2, Decimal("1200.00"), Decimal("100.00")),
        "jyj": (0, Decimal("0.00"), Decimal("720.00")),
    }
    czj = annual_report(fees_2025, 2025, unit="czj").fees
    assert (czj.total.notices, czj.total.collected) == (2, Decimal("100.00"))
    earlier = annual_report(fees_2025, 2024).fees.total
    assert (earlier.notices, earlier.notified, earlier.collected) == (1, Decimal("720.00"), 0)
    none = annual_report(fees_2025, 2023)
    assert (
        none.fees.sentence("全区", 2023)
        == "2023年度全区未发出信息处理费收费通知，未收取信息处理费。"
    )


def test_json(fees_2025) -> None:
    data = json.loads(exports.to_json(annual_report(fees_2025, 2025)))["fees"]
    assert data["title"] == TITLE
    assert (data["notices"], data["notified"], data["collected"]) == (2, "1200.00", "820.00")
    assert [u["unit"] for u in data["units"]] == ["czj", "jyj"]


def test_csv(fees_2025) -> None:
    rows = list(csv.reader(io.StringIO(exports.to_csv(annual_report(fees_2025, 2025)))))
    start = rows.index([TITLE])
    assert rows[start + 1] == list(exports.FEE_HEADERS)
    assert rows[start + 2][1:] == ["2", "1200.00", "100.00"]
    assert rows[start + 3][1:] == ["0", "0.00", "720.00"]
    assert rows[start + 4] == ["合计（全区）", "2", "1200.00", "820.00"]


def test_html(fees_2025) -> None:
    page = exports.to_html(annual_report(fees_2025, 2025))
    assert f"<h2>{TITLE}</h2>" in page
    assert "发出收费通知2件，总金额1200.00元；实际收取信息处理费总金额820.00元" in page
    assert '<td class="label">合计（全区）</td><td class="value">2</td>' in page


def test_xlsx(fees_2025, tmp_path: Path) -> None:
    path = tmp_path / "年报.xlsx"
    exports.write_xlsx(annual_report(fees_2025, 2025), path)
    sheet = load_workbook(path)["六、信息处理费"]
    assert "实际收取信息处理费总金额820.00元" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == list(exports.FEE_HEADERS)
    assert [c.value for c in sheet[6]] == ["合计（全区）", 2, 1200, 820]


def test_terminal(fees_2025, capsys: pytest.CaptureFixture[str]) -> None:
    exports.print_table(annual_report(fees_2025, 2025, unit="czj"))
    out = "".join(capsys.readouterr().out.split())  # the terminal may wrap the sentence
    assert TITLE in out and "1200.00" in out
    assert "发出收费通知2件，总金额1200.00元；实际收取信息处理费总金额100.00元" in out
