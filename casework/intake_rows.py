"""The rows of a service-platform export: its header read as column codes, and its CSV lines,
JSON objects or worksheet rows as ``Row`` values (casework/intake_files.py reads the file).

Columns (a CSV or XLSX header, or the keys of JSON objects) are the register inputs, by code or
by their Chinese name: received_on 收到申请日期 (the 2019 Art. 31 receipt date: YYYY-MM-DD, also
YYYY/M/D and YYYY年M月D日 as Excel writes them, or a date cell), channel 申请渠道, applicant_name
申请人, applicant_kind 申请人类型, request 申请内容 (all required); applicant_id_number 证件号码,
applicant_phone 联系电话, applicant_contact 通信地址, unit 承办单位 (required unless the channel is
online), handler 承办人, reference 平台编号. Channel, applicant kind and unit accept their code or
their Chinese name.

A header that names an unknown column, a column twice, or misses a required one refuses the
file; a cell the file itself makes unusable (a stray cell, a number Excel cut short) refuses its
row only (``Row.problem``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casework.errors import InvalidInput
from casework.glossary import LABELS

REQUIRED = ("received_on", "channel", "applicant_name", "applicant_kind", "request")
OPTIONAL = (
    "applicant_id_number",
    "applicant_phone",
    "applicant_contact",
    "unit",
    "handler",
    "reference",
)
REFERENCE_LABEL = "平台编号"
HEADERS: dict[str, str] = {
    **{code: code for code in (*REQUIRED, *OPTIONAL)},
    **{LABELS[code]: code for code in (*REQUIRED, *OPTIONAL) if code in LABELS},
    REFERENCE_LABEL: "reference",
}
FILE_RULE = "service-platform export format"
ROW_RULE = "a row's cells match the header"
# Identity and phone numbers: kept as text (a spreadsheet may have made them numbers).
NUMBER_COLUMNS = ("applicant_id_number", "applicant_phone")


@dataclass(frozen=True)
class Problem:
    """Why a row is refused before it is offered to the engine."""

    field: str | None
    rule: str
    message: str


@dataclass(frozen=True)
class Row:
    number: int  # line of a CSV file or row of a worksheet (header = 1), or position in JSON
    values: dict[str, str]  # by column code; empty cells left out
    problem: Problem | None = None  # a cell the file itself makes unusable


def bad_file(path: Path, message: str, rule: str = FILE_RULE) -> InvalidInput:
    """The whole file refused (field ``file``): nothing of it is registered."""
    return InvalidInput(f"文件 {path}：{message}", field="file", rule=rule)


def _columns(path: Path, headers: Iterable[str]) -> list[str | None]:
    """The column code of each header cell (None for an empty one); an unknown header, a
    column given twice or a missing required column refuses the file."""
    codes: list[str | None] = []
    unknown: list[str] = []
    for header in headers:
        code = HEADERS.get(header.strip())
        if code is None and header.strip():
            unknown.append(header)
        elif code is not None and code in codes:
            raise bad_file(path, f"列 {code}（{LABELS.get(code, REFERENCE_LABEL)}）出现了两次")
        codes.append(code)
    if unknown:
        known = "、".join(
            f"{c}（{LABELS.get(c, REFERENCE_LABEL)}）" for c in (*REQUIRED, *OPTIONAL)
        )
        raise bad_file(path, f"未知的列 {'、'.join(map(repr, unknown))}；可用的列：{known}")
    missing = [c for c in REQUIRED if c not in codes]
    if missing:
        names = "、".join(f"{c}（{LABELS[c]}）" for c in missing)
        raise bad_file(path, f"缺少必填列 {names}")
    return codes


def _row(number: int, codes: list[str | None], cells: list[str]) -> Row | None:
    """A row of cells under the header; None for an empty row (spreadsheets leave some)."""
    values: dict[str, str] = {}
    stray = 0
    for i, cell in enumerate(cells):
        text = cell.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text:
            continue
        code = codes[i] if i < len(codes) else None
        if code is None:
            stray += 1
        else:
            values[code] = text
    if not values and not stray:
        return None
    if stray:
        problem = Problem(
            None,
            ROW_RULE,
            f"第 {number} 行有 {stray} 个单元格不在任何表头之下（列数多于表头；CSV 中内容含有"
            "未加引号的逗号？）",
        )
        return Row(number, values, problem)
    return Row(number, values)


def csv_rows(path: Path, text: str) -> list[Row]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    codes: list[str | None] | None = None
    rows: list[Row] = []
    try:
        while True:
            start = reader.line_num + 1  # a quoted cell may run over several lines
            try:
                cells = next(reader)
            except StopIteration:
                break
            if codes is None:
                if any(c.strip() for c in cells):
                    codes = _columns(path, cells)
                continue
            row = _row(start, codes, cells)
            if row is not None:
                rows.append(row)
    except csv.Error as err:
        raise bad_file(
            path, f"第 {reader.line_num} 行不是有效的 CSV（{err}；引号不成对？）"
        ) from None
    if codes is None:
        raise bad_file(path, "没有表头")
    return rows


def json_rows(path: Path, text: str) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise bad_file(path, f"不是有效的 JSON（第 {err.lineno} 行：{err.msg}）") from None
    except (ValueError, RecursionError) as err:  # a number of 5000 digits, nesting too deep
        raise bad_file(path, f"不是可读取的 JSON（{type(err).__name__}）") from None
    if isinstance(data, dict):
        data = data.get("applications")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise bad_file(path, "JSON 应为申请对象的数组，或含 applications 数组的对象")
    codes = _columns(path, list(dict.fromkeys(k for item in data for k in item)))
    mapping = dict(zip(dict.fromkeys(k for item in data for k in item), codes, strict=True))
    rows = []
    for number, item in enumerate(data, start=1):
        values: dict[str, str] = {}
        problem = None
        for key, value in item.items():
            code = mapping[key]
            if value is None or value == "" or code is None:
                continue
            if isinstance(value, bool) or not isinstance(value, str | int):
                problem = Problem(code, FILE_RULE, f"{code}：值应为文字，收到 {value!r}")
            values[code] = str(value).strip()
        rows.append(Row(number, values, problem))
    return rows


def _cell_text(code: str | None, value: Any) -> tuple[str, str | None]:
    """A worksheet cell as text, and what is wrong with it (a number that lost digits)."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return str(value), f"{code}：值应为文字，收到 {value!r}"
    if isinstance(value, datetime):
        if code == "received_on" or value.time() == datetime.min.time():
            return value.date().isoformat(), None
        return value.isoformat(sep=" "), None
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, int | float):
        if code in NUMBER_COLUMNS and abs(value) >= 10**15:
            return str(value), (
                f"{code}：单元格是数字 {value!r}，超过 15 位的数字在 Excel 中已丢失末几位；"
                "请把该列设为文本后重新填写"
            )
        if isinstance(value, float) and value.is_integer():
            return str(int(value)), None
        return str(value), None
    return str(value), None


def xlsx_rows(path: Path) -> tuple[str, int, list[Row]]:
    """The name of the first worksheet, the number of worksheets, and the first one's rows
    (numbered as Excel numbers them)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception as err:  # a zip that is no workbook, an encrypted or damaged file
        raise bad_file(
            path,
            f"不是有效的 XLSX 文件（{type(err).__name__}）；旧版 .xls 请在 Excel 中另存为 .xlsx",
        ) from None
    try:
        if not book.worksheets:
            raise bad_file(path, "没有工作表")
        sheet = book.worksheets[0]
        codes: list[str | None] | None = None
        rows: list[Row] = []
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            if codes is None:
                if any(v is not None and str(v).strip() for v in values):
                    codes = _columns(path, ["" if v is None else str(v) for v in values])
                continue
            cells, problems = [], []
            for i, value in enumerate(values):
                code = codes[i] if i < len(codes) else None
                text, problem = _cell_text(code, value)
                cells.append(text)
                if problem is not None:
                    problems.append((code, problem))
            row = _row(number, codes, cells)
            if row is not None and problems and row.problem is None:
                code, message = problems[0]
                row = Row(number, row.values, Problem(code, FILE_RULE, message))
            if row is not None:
                rows.append(row)
        if codes is None:
            raise bad_file(path, f"工作表“{sheet.title}”没有表头")
        return sheet.title, len(book.worksheets), rows
    finally:
        book.close()
