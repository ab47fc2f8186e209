"""The annual report as a terminal table, CSV, XLSX, JSON or HTML, each with section 六's
information-processing fee figures (casework/reports/fees.py) after table 四.

XLSX and HTML draw the official layout (merged header cells, merged row groups) from
``layout``; CSV is flat (the three label levels in three columns) so any tool reads it back.
Every format carries the cross-check results: JSON and HTML in the document, XLSX on a sheet of
its own; the terminal table prints them under the tables. CSV holds the tables only, and the
command prints the checks beside it.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from casework.domain.outcomes import TABLE3_ROWS
from casework.reports.fees import SECTION_TITLE as FEE_SECTION_TITLE
from casework.reports.layout import TABLE3_TITLE, TABLE4_TITLE, Grid, grids, label_path
from casework.reports.model import (
    TABLE3_COLUMN_LABELS,
    TABLE3_COLUMNS,
    TABLE4_BLOCKS,
    TABLE4_RESULTS,
    AnnualReport,
)

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "csv", "xlsx", "json", "html")
WIDE = 120  # columns used when the table goes to a pipe or a file
MAX_LISTED = 20  # cases listed per failed check in the terminal and HTML (JSON lists all)


def title(report: AnnualReport) -> str:
    return f"{report.scope.label}{report.year}年政府信息公开工作年度报告"


def check_lines(report: AnnualReport, limit: int | None = MAX_LISTED) -> list[str]:
    """One line per check, then the differing cells and the cases named, indented."""
    lines: list[str] = []
    for c in report.checks:
        lines.append(f"{'通过' if c.passed else '不通过'}  {c.label}")
        lines.extend(f"    {m}" for m in c.mismatches)
        shown = c.cases if limit is None else c.cases[:limit]
        lines.extend(f"    案件 {p.case_id}：{p.problem}" for p in shown)
        if len(shown) < len(c.cases):
            lines.append(f"    ……另有 {len(c.cases) - len(shown)} 件，完整清单见 --format json")
    return lines


# ---------------------------------------------------------------- section 六 (fees)

FEE_HEADERS = ("单位", "发出收费通知（件）", "收费通知总金额（元）", "实际收取总金额（元）")


def fee_rows(report: AnnualReport) -> list[list[str]]:
    """Section 六's fee figures: one row per unit where a fee moved, then the scope's total."""
    rows = [
        [name, str(f.notices), f"{f.notified:.2f}", f"{f.collected:.2f}"]
        for _, name, f in report.fees.units
    ]
    t = report.fees.total
    rows.append(
        [f"合计（{report.scope.label}）", str(t.notices), f"{t.notified:.2f}", f"{t.collected:.2f}"]
    )
    return rows


def fee_sentence(report: AnnualReport) -> str:
    return report.fees.sentence(report.scope.label, report.year)


# ---------------------------------------------------------------- CSV


def table4_headers() -> list[str]:
    return [
        f"{TABLE4_BLOCKS[b]}/{TABLE4_RESULTS[r]}" for b in TABLE4_BLOCKS for r in TABLE4_RESULTS
    ]


def to_csv(report: AnnualReport) -> str:
    """Table 三 (label levels in three columns), a blank line, table 四 (one data row), a blank
    line, section 六's fee figures (per unit, then the total)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([TABLE3_TITLE])
    w.writerow(["序号", "项目", "", "", *(TABLE3_COLUMN_LABELS[k] for k in TABLE3_COLUMNS)])
    for row in TABLE3_ROWS:
        path = label_path(row)
        levels = [*path, "", "", ""][:3]
        w.writerow([row.number, *levels, *report.table3.cells[row.key]])
    w.writerow([])
    w.writerow([TABLE4_TITLE])
    w.writerow(table4_headers())
    w.writerow(report.table4.row())
    w.writerow([])
    w.writerow([FEE_SECTION_TITLE])
    w.writerow(FEE_HEADERS)
    w.writerows(fee_rows(report))
    return out.getvalue()


# ---------------------------------------------------------------- JSON


def to_json(report: AnnualReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


# ---------------------------------------------------------------- HTML

_STYLE = """
body { font-family: "仿宋_GB2312", "FangSong", "Noto Serif CJK SC", serif; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #000; padding: 2px 6px; }
th { font-weight: normal; text-align: center; }
td.value { text-align: right; }
.failed { color: #b00; }
""".strip()


def _html_table(grid: Grid) -> str:
    rows = []
    for r in range(grid.rows):
        cells = []
        for c in grid.starting_in(r):
            tag = "th" if c.kind == "header" else "td"
            spans = "".join(
                f' {name}="{n}"'
                for name, n in (("rowspan", c.rowspan), ("colspan", c.colspan))
                if n > 1
            )
            cells.append(f'<{tag} class="{c.kind}"{spans}>{escape(c.text)}</{tag}>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<h2>{escape(grid.title)}</h2>\n<table>\n" + "\n".join(rows) + "\n</table>"


def to_html(report: AnnualReport) -> str:
    """A standalone page; the two tables can be pasted into the published report."""
    checks = "\n".join(
        f'<li class="{"passed" if line.startswith("通过") else "failed"}">{escape(line)}</li>'
        if not line.startswith("    ")
        else f'<li class="detail">{escape(line.strip())}</li>'
        for line in check_lines(report)
    )
    notes = "".join(f"<p>{escape(n)}</p>" for n in report.notes)
    tables = "\n".join(_html_table(g) for g in grids(report))
    fee_cells = "\n".join(
        "<tr>"
        + "".join(
            f'<td class="{"label" if i == 0 else "value"}">{escape(v)}</td>'
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in fee_rows(report)
    )
    fee_head = "".join(f"<th>{escape(h)}</th>" for h in FEE_HEADERS)
    section6 = (
        f'<section class="fees">\n<h2>{escape(FEE_SECTION_TITLE)}</h2>\n'
        f"<p>{escape(fee_sentence(report))}</p>\n"
        f"<table>\n<tr>{fee_head}</tr>\n{fee_cells}\n</table>\n</section>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title(report))}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
        f"<h1>{escape(title(report))}</h1>\n{tables}\n{section6}\n{notes}\n"
        f'<section class="checks">\n<h2>勾稽关系核对</h2>\n<ul>\n{checks}\n</ul>\n</section>\n'
        "</body>\n</html>\n"
    )


# ---------------------------------------------------------------- XLSX

SHEET_TITLES = ("三、收到和处理申请情况", "四、行政复议行政诉讼情况", "勾稽关系核对")
FEE_SHEET_TITLE = "六、信息处理费"


def write_xlsx(report: AnnualReport, path: Path) -> None:
    """Tables 三 and 四 on a sheet each (row 1 the title, the grid from row 2), checks on a
    third sheet, section 六's fee figures on a fourth."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side

    side = Side(style="thin")
    border = Border(left=side, right=side, top=side, bottom=side)
    book = Workbook()
    sheets = [book.active, book.create_sheet(), book.create_sheet()]
    for sheet, name in zip(sheets, SHEET_TITLES, strict=True):
        sheet.title = name
    for sheet, grid in zip(sheets, grids(report), strict=False):
        sheet.cell(1, 1, f"{title(report)}　{grid.title}")
        for c in grid.cells:
            top, left = c.row + 2, c.col + 1
            cell = sheet.cell(top, left, int(c.text) if c.kind == "value" else c.text)
            cell.alignment = Alignment(
                horizontal="right" if c.kind == "value" else "center",
                vertical="center",
                wrap_text=True,
            )
            for r in range(top, top + c.rowspan):
                for col in range(left, left + c.colspan):
                    sheet.cell(r, col).border = border
            if c.rowspan > 1 or c.colspan > 1:
                sheet.merge_cells(
                    start_row=top,
                    start_column=left,
                    end_row=top + c.rowspan - 1,
                    end_column=left + c.colspan - 1,
                )
    sheets[0].column_dimensions["C"].width = 40
    for i, line in enumerate([*check_lines(report, limit=None), *report.notes], start=1):
        sheets[2].cell(i, 1, line)
    fees = book.create_sheet(FEE_SHEET_TITLE)
    fees.cell(1, 1, f"{title(report)}　{FEE_SECTION_TITLE}")
    fees.cell(2, 1, fee_sentence(report))
    for r, row in enumerate([list(FEE_HEADERS), *fee_rows(report)], start=3):
        for col, value in enumerate(row, start=1):
            numeric = r > 3 and col > 1
            fees.cell(r, col, (int(value) if col == 2 else Decimal(value)) if numeric else value)
    fees.column_dimensions["A"].width = 30
    book.save(path)


# ---------------------------------------------------------------- dispatch


def render(report: AnnualReport, fmt: str) -> str:
    """The report as text in ``fmt`` (csv, json or html)."""
    return {"csv": to_csv, "json": to_json, "html": to_html}[fmt](report)


def write(report: AnnualReport, fmt: str, path: Path) -> None:
    """Write the report to ``path``; CSV gets a UTF-8 BOM so that Excel reads it as UTF-8."""
    if fmt == "xlsx":
        write_xlsx(report, path)
    else:
        path.write_text(render(report, fmt), encoding="utf-8-sig" if fmt == "csv" else "utf-8")


# ---------------------------------------------------------------- terminal


def wide_console() -> Console:
    """The terminal's width; at least ``WIDE`` columns for a pipe or a file."""
    from rich.console import Console

    console = Console(highlight=False)
    if console.is_terminal:
        return console
    return Console(highlight=False, width=max(console.width, WIDE))


def print_table(report: AnnualReport) -> None:
    """Both tables with rich (aligns double-width Chinese), then notes and checks."""
    from rich.table import Table

    console = wide_console()
    console.print(f"[bold]{title(report)}[/]")
    t3 = Table(title=TABLE3_TITLE)
    t3.add_column("项目", overflow="fold", max_width=44)
    for key in TABLE3_COLUMNS:
        t3.add_column(TABLE3_COLUMN_LABELS[key], justify="right")
    shown: list[str] = []  # group headings printed so far, by depth
    for row in TABLE3_ROWS:
        *groups, leaf = label_path(row)
        for depth, group in enumerate(groups):
            if shown[depth : depth + 1] != [group]:
                shown[depth:] = [group]
                t3.add_row("　" * depth + group, *[""] * len(TABLE3_COLUMNS))
        del shown[len(groups) :]
        cells = (str(n) for n in report.table3.cells[row.key])
        t3.add_row("　" * len(groups) + leaf, *cells)
    console.print(t3)
    console.print("（商业企业、科研机构、社会公益组织、法律服务机构、其他 属于“法人或其他组织”）")
    t4 = Table(title=TABLE4_TITLE)
    t4.add_column("")
    for label in TABLE4_RESULTS.values():
        t4.add_column(label, justify="right")
    for block, label in TABLE4_BLOCKS.items():
        t4.add_row(label, *(str(report.table4.cells[block][r]) for r in TABLE4_RESULTS))
    console.print(t4)
    t6 = Table(title=FEE_SECTION_TITLE)
    for i, header in enumerate(FEE_HEADERS):
        t6.add_column(header, justify="left" if i == 0 else "right")
    for fee_row in fee_rows(report):
        t6.add_row(*fee_row)
    console.print(t6)
    console.print(fee_sentence(report))
    for note in report.notes:
        console.print(note)
    console.print("[bold]勾稽关系核对[/]")
    for line in check_lines(report):
        style = "red" if line.startswith("不通过") or line.startswith("    ") else "green"
        console.print(line, style=style, markup=False, highlight=False)
