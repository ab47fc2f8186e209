"""The official layout of tables 三 and 四 as a grid of cells with their spans.

One grid feeds both the HTML and the XLSX export, so the two merge the same header cells as
国办公开办函〔2021〕30号 prints them (docs/legal-basis.md B2, B3).
"""

from __future__ import annotations

from dataclasses import dataclass

from casework.domain.outcomes import TABLE3_ROWS, ReportRow
from casework.domain.vocabulary import APPLICANT_KINDS
from casework.reports.model import TABLE4_RESULTS, AnnualReport

TABLE3_TITLE = "三、收到和处理政府信息公开申请情况"
TABLE4_TITLE = "四、政府信息公开行政复议、行政诉讼情况"
TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
RESULTS_GROUP = TABLE3_ROWS[2].group  # 三、本年度办理结果: level 1 of rows 3–24
LABEL_COLUMNS = 3


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    text: str
    kind: str  # header / label / value
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Grid:
    title: str
    rows: int
    cols: int
    header_rows: int
    cells: tuple[Cell, ...]

    def starting_in(self, row: int) -> list[Cell]:
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)


def label_path(row: ReportRow) -> list[str]:
    """The row's labels from level 1 down: one, two or three of them."""
    if not row.group:
        return [row.label]
    if row.group == RESULTS_GROUP:
        return [RESULTS_GROUP, row.label]
    return [RESULTS_GROUP, row.group, row.label]


def _label_cells(first_row: int) -> list[Cell]:
    """Label cells of the 25 data rows; equal group labels of consecutive rows merge."""
    cells: list[Cell] = []
    open_groups: dict[int, Cell] = {}  # column -> group cell still growing downwards
    for offset, row in enumerate(TABLE3_ROWS):
        r = first_row + offset
        path = label_path(row)
        *groups, leaf = path
        for col in range(LABEL_COLUMNS - 1):
            current = open_groups.get(col)
            text = groups[col] if col < len(groups) else None
            if current is not None and current.text == text:
                open_groups[col] = Cell(
                    current.row, col, text, "label", rowspan=current.rowspan + 1
                )
                continue
            if current is not None:
                cells.append(current)
                del open_groups[col]
            if text is not None:
                open_groups[col] = Cell(r, col, text, "label")
        leaf_col = len(groups)
        cells.append(Cell(r, leaf_col, leaf, "label", colspan=LABEL_COLUMNS - leaf_col))
    cells.extend(open_groups.values())
    return cells


def table3_grid(report: AnnualReport) -> Grid:
    kinds = list(APPLICANT_KINDS.values())
    header = [
        Cell(0, 0, TABLE3_NOTE, "header", rowspan=3, colspan=LABEL_COLUMNS),
        Cell(0, 3, "申请人情况", "header", colspan=7),
        Cell(1, 3, kinds[0], "header", rowspan=2),
        Cell(1, 4, "法人或其他组织", "header", colspan=5),
        Cell(1, 9, "总计", "header", rowspan=2),
        *(Cell(2, 4 + i, name, "header") for i, name in enumerate(kinds[1:])),
    ]
    values = [
        Cell(3 + i, LABEL_COLUMNS + j, str(n), "value")
        for i, row in enumerate(TABLE3_ROWS)
        for j, n in enumerate(report.table3.cells[row.key])
    ]
    cells = (*header, *_label_cells(3), *values)
    return Grid(TABLE3_TITLE, 3 + len(TABLE3_ROWS), LABEL_COLUMNS + 7, 3, cells)


def table4_grid(report: AnnualReport) -> Grid:
    results = list(TABLE4_RESULTS.values())
    header = [
        Cell(0, 0, "行政复议", "header", colspan=5),
        Cell(0, 5, "行政诉讼", "header", colspan=10),
        *(Cell(1, i, name, "header", rowspan=2) for i, name in enumerate(results)),
        Cell(1, 5, "未经复议直接起诉", "header", colspan=5),
        Cell(1, 10, "复议后起诉", "header", colspan=5),
        *(Cell(2, 5 + i, name, "header") for i, name in enumerate(results * 2)),
    ]
    values = [Cell(3, i, str(n), "value") for i, n in enumerate(report.table4.row())]
    return Grid(TABLE4_TITLE, 4, 15, 3, (*header, *values))


def grids(report: AnnualReport) -> tuple[Grid, Grid]:
    return table3_grid(report), table4_grid(report)
