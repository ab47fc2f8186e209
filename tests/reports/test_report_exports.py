"""CSV, XLSX and HTML of the hand-built year, parsed back and compared with the hand-counted
table; XLSX and HTML merge exactly the cells the official layout merges."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from casework.domain.outcomes import TABLE3_ROWS
from casework.reports import exports
from casework.reports.annual import annual_report
from casework.reports.layout import TABLE3_NOTE
from casework.reports.scope import UNITS
from casework.store.db import WRITE
from tests.support.report_year import EXPECTED_2025, EXPECTED_TABLE4, build_year

KIND_HEADERS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]

# The official merges (docs/legal-basis.md B2/B3), in spreadsheet coordinates: the title is row 1,
# the header starts on row 2, table 三's 25 data rows are rows 5–29.
TABLE3_MERGES = {
    "A2:C4",  # label block, with the 勾稽关系 note
    "D2:J2",  # 申请人情况
    "D3:D4",  # 自然人
    "E3:I3",  # 法人或其他组织
    "J3:J4",  # 总计
    "A5:C5",  # 一
    "A6:C6",  # 二
    "A7:A28",  # 三、本年度办理结果 (rows 3–24: rowspan 22)
    "B7:C7",  # （一）
    "B8:C8",  # （二）
    "B9:B16",  # （三） rowspan 8
    "B17:B19",  # （四） rowspan 3
    "B20:B24",  # （五） rowspan 5
    "B25:B27",  # （六） rowspan 3
    "B28:C28",  # （七）总计
    "A29:C29",  # 四、结转
}
TABLE4_MERGES = {
    "A2:E2",  # 行政复议
    "F2:O2",  # 行政诉讼
    *(f"{c}3:{c}4" for c in "ABCDE"),  # 结果维持 … 总计 of 行政复议
    "F3:J3",  # 未经复议直接起诉
    "K3:O3",  # 复议后起诉
}


@pytest.fixture
def report(engine):  # type: ignore[no-untyped-def]
    build_year(engine)
    return annual_report(engine, 2025)


def test_csv_reads_back_to_the_same_table(report) -> None:
    rows = list(csv.reader(io.StringIO(exports.to_csv(report))))
    assert rows[0] == ["三、收到和处理政府信息公开申请情况"]
    assert rows[1] == ["序号", "项目", "", "", *KIND_HEADERS]
    data = rows[2:27]
    assert [int(r[0]) for r in data] == list(range(1, 26))
    assert {int(r[0]): tuple(int(x) for x in r[4:]) for r in data} == EXPECTED_2025
    assert data[7][1:4] == ["三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"]
    assert data[24][1:4] == ["四、结转下年度继续办理", "", ""]
    assert rows[27] == []
    assert rows[28] == ["四、政府信息公开行政复议、行政诉讼情况"]
    assert rows[29][0] == "行政复议/结果维持" and rows[29][-1] == "行政诉讼：复议后起诉/总计"
    assert tuple(int(x) for x in rows[30]) == EXPECTED_TABLE4


def test_xlsx_has_the_official_merges_and_the_numbers(report, tmp_path: Path) -> None:
    path = tmp_path / "年报.xlsx"
    exports.write_xlsx(report, path)
    book = load_workbook(path)
    t3, t4, checks, _fees = book.worksheets
    assert {str(r) for r in t3.merged_cells.ranges} == TABLE3_MERGES
    assert {str(r) for r in t4.merged_cells.ranges} == TABLE4_MERGES
    assert t3["A2"].value == TABLE3_NOTE
    assert [t3.cell(3, 4).value, t3.cell(3, 5).value, t3.cell(3, 10).value] == [
        "自然人",
        "法人或其他组织",
        "总计",
    ]
    assert [t3.cell(4, c).value for c in range(5, 10)] == KIND_HEADERS[1:6]
    for offset, row in enumerate(TABLE3_ROWS):
        values = tuple(t3.cell(5 + offset, c).value for c in range(4, 11))
        assert values == EXPECTED_2025[row.number], row.label
    assert t3["A7"].value == "三、本年度办理结果"
    assert t3["B9"].value == "（三）不予公开"
    assert t3["C9"].value == "1.属于国家秘密"
    assert tuple(t4.cell(5, c).value for c in range(1, 16)) == EXPECTED_TABLE4
    assert [t4.cell(4, c).value for c in (6, 11)] == ["结果维持", "结果维持"]
    assert checks["A1"].value.startswith("通过")


class _Tables(HTMLParser):
    """Reads <table>s into rows of (text, rowspan, colspan)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self._cell: list[str] | None = None
        self._spans = (1, 1)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
            self._spans = (int(a.get("rowspan", 1)), int(a.get("colspan", 1)))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(("".join(self._cell), *self._spans))
            self._cell = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._cell is not None:
            self._cell.append(data)


def expand(rows: list[list[tuple[str, int, int]]]) -> tuple[list[list[str]], set[tuple]]:
    """The table as a full matrix (a spanned cell repeated) and its spans as (r, c, rs, cs)."""
    grid: dict[tuple[int, int], str] = {}
    spans = set()
    for r, cells in enumerate(rows):
        c = 0
        for text, rs, cs in cells:
            while (r, c) in grid:
                c += 1
            if rs > 1 or cs > 1:
                spans.add((r, c, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text
            c += cs
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)], spans


def _as_xlsx_ranges(spans: set[tuple]) -> set[str]:
    def ref(r: int, c: int) -> str:
        return f"{'ABCDEFGHIJKLMNOP'[c]}{r + 2}"

    return {f"{ref(r, c)}:{ref(r + rs - 1, c + cs - 1)}" for r, c, rs, cs in spans}


def test_html_has_the_same_layout_and_numbers(report) -> None:
    page = exports.to_html(report)
    parser = _Tables()
    parser.feed(page)
    t3_rows, t4_rows, _fees = parser.tables
    t3, t3_spans = expand(t3_rows)
    t4, t4_spans = expand(t4_rows)
    assert _as_xlsx_ranges(t3_spans) == TABLE3_MERGES
    assert _as_xlsx_ranges(t4_spans) == TABLE4_MERGES
    assert len(t3) == 28 and all(len(r) == 10 for r in t3)
    assert t3[0][0] == TABLE3_NOTE and t3[2][3:10] == ["自然人", *KIND_HEADERS[1:]]
    numbers = {i + 1: tuple(int(x) for x in t3[3 + i][3:]) for i in range(25)}
    assert numbers == EXPECTED_2025
    assert t3[3 + 9][:3] == ["三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息"]
    assert tuple(int(x) for x in t4[3]) == EXPECTED_TABLE4
    assert t4[2][5:10] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert "勾稽关系核对" in page and "不通过" not in page


def test_json_round_trips(report) -> None:
    data = json.loads(exports.to_json(report))
    assert data["year"] == 2025 and data["passed"] is True
    by_number = {r["number"]: tuple(r["values"].values()) for r in data["table3"]["rows"]}
    assert by_number == EXPECTED_2025
    assert data["table4"]["lawsuit_after_review"]["values"]["upheld"] == 2


def test_html_escapes_names_from_the_directory(engine) -> None:
    with engine.db.execution_options(**WRITE).begin() as conn:
        conn.execute(update(UNITS).where(UNITS.c.code == "czj").values(name="<b>区财政局</b>"))
    page = exports.to_html(annual_report(engine, 2025, unit="czj"))
    assert "<b>" not in page
    assert "&lt;b&gt;区财政局&lt;/b&gt;2025年" in page
