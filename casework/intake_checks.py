"""The checks on a row of an export that need no database, made before any SQL runs: the cell
the file made unusable, printable text, the length of each value's case column, numbers Excel
turned into scientific notation, and the receipt date as spreadsheets write it. So no row reaches
the database with a value it would refuse."""

from __future__ import annotations

import re
from datetime import date

from casework.engine.core import REFERENCE_LENGTH
from casework.errors import InvalidInput
from casework.intake_rows import NUMBER_COLUMNS, Row
from casework.workflow.fields import MAX_TEXT, parse_date
from casework.workflow.inputs import COLUMN_LIMITS

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
# Receipt dates as spreadsheets write them: 2026-03-02, 2026/3/2, 2026.3.2, 2026年3月2日,
# possibly followed by a time of day (a date-time cell saved as CSV).
_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
# An identity or phone number Excel turned into a number shown in scientific notation.
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+\d+")


def receipt_date(raw: str) -> date:
    """The receipt date of a row: ISO, or the Y/M/D forms a spreadsheet writes."""
    match = _DATE.fullmatch(raw.strip())
    if match is None:
        return parse_date("received_on", raw)
    year, month, day = match.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return parse_date("received_on", raw)  # 2026/2/30: the usual message


def check_row(row: Row) -> None:
    """Everything about a row that needs no database, checked before any SQL: the cell the
    file made unusable, printable text, the length of each value's case column, and the
    identity or phone number Excel turned into scientific notation."""
    if row.problem is not None:
        p = row.problem
        raise InvalidInput(p.message, field=p.field, rule=p.rule)
    for name, value in row.values.items():
        if _UNPRINTABLE.search(value):
            raise InvalidInput(
                f"{name}：含有不允许的字符（控制字符、NUL 或无法编码的代理字符）",
                field=name,
                rule="printable text",
            )
        if name == "reference" and len(value) > REFERENCE_LENGTH:
            raise InvalidInput(
                f"reference：平台编号最长 {REFERENCE_LENGTH} 个字符（{len(value)} 字）",
                field="reference",
                rule="a reference fits its column",
            )
        limit = COLUMN_LIMITS.get(name, MAX_TEXT)
        if len(value) > limit:
            raise InvalidInput(
                f"{name}：超过 {limit} 字（{len(value)} 字）", field=name, rule="text length"
            )
        if name in NUMBER_COLUMNS and _SCIENTIFIC.fullmatch(value):
            raise InvalidInput(
                f"{name}：{value!r} 是被 Excel 改成科学计数法的数字，末几位已丢失；"
                "请在原表中把该列设为文本后重新导出",
                field=name,
                rule="numbers are kept as text",
            )
