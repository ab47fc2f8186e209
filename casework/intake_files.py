"""Reading a service-platform export file (CSV, XLSX or JSON) into its rows, with the encoding
(or worksheet) it was read in; casework/intake_rows.py turns its header and cells into rows.

A CSV or JSON file is text: its encoding is taken from its byte-order mark (UTF-8 or UTF-16),
else it must be strict UTF-8, else GB18030 (what Excel on a Chinese Windows writes as "CSV"); the
report names the encoding read. A file that decodes as none of these, or holds control
characters (a binary file, UTF-16 without a BOM, a spreadsheet renamed .csv), is refused as a
whole. An XLSX file is read from its first worksheet, header in its first non-empty row. A CSV
whose header is separated by tabs and holds no comma (Excel's "Unicode text") is read with tabs
as separators.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from casework.errors import InvalidInput
from casework.intake_rows import Row, bad_file, csv_rows, json_rows, xlsx_rows

FORMATS = ("csv", "json", "xlsx")
ENCODING_RULE = "UTF-8 (BOM optional), UTF-16 with BOM or GB18030 text, or XLSX"
# The encodings a text export may be read in: the name the report gives each, and how it was
# recognised.
ENCODINGS = {
    "utf-8": ("UTF-8", "无 BOM"),
    "utf-8-sig": ("UTF-8", "带 BOM"),
    "utf-16-le": ("UTF-16LE", "带 BOM"),
    "utf-16-be": ("UTF-16BE", "带 BOM"),
    "gb18030": ("GB18030", "不是 UTF-8"),
}
# Byte-order marks, longest first: a UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str | None], ...] = (
    (codecs.BOM_UTF32_LE, None),
    (codecs.BOM_UTF32_BE, None),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Export:
    """An export file as read: its format, the encoding it was read in (text files) or the
    worksheet (XLSX), and its rows."""

    file: str
    format: str
    encoding: str | None
    sheet: str | None
    rows: list[Row]
    sheets: int = 1  # worksheets in the workbook: only the first is read

    def describe(self) -> str:
        """The format and encoding in Chinese, for the clerk's report."""
        if self.format == "xlsx":
            others = f"（共 {self.sheets} 个工作表，只读取第一个）" if self.sheets > 1 else ""
            return f"XLSX，工作表“{self.sheet}”{others}"
        name, how = ENCODINGS[self.encoding or "utf-8"]
        return f"{self.format.upper()}，按 {name} 编码读取（{how}）"


def _unreadable(path: Path, why: str) -> InvalidInput:
    return bad_file(
        path,
        f"{why}；CSV、JSON 文件须为 UTF-8（可带 BOM）、带 BOM 的 UTF-16 或 GB18030 编码的文本，"
        "表格也可以存为 XLSX 导入",
        ENCODING_RULE,
    )


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of a CSV or JSON export and the encoding it was read in (a key of
    ``ENCODINGS``): the byte-order mark decides, else strict UTF-8, else GB18030. Anything
    else, or text with control characters (a binary file), is refused naming the rule."""
    for bom, encoding in _BOMS:
        if not data.startswith(bom):
            continue
        if encoding is None:
            raise _unreadable(path, "是 UTF-32 编码")
        name = ENCODINGS[encoding][0]
        try:
            text = data[len(bom) :].decode(encoding.removesuffix("-sig"))
        except UnicodeDecodeError as err:
            at = err.start + len(bom) + 1
            raise _unreadable(path, f"以 {name} 的 BOM 开头，但第 {at} 字节起不是 {name}") from None
        break
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as utf8:
            at = utf8.start + 1
            damaged = _damaged_utf8(data)
            if damaged:
                raise _unreadable(
                    path,
                    f"大部分是 UTF-8，但有 {damaged} 处字节无法按 UTF-8 解码（第 {at} 字节起）："
                    "文件已损坏或被截断，不按 GB18030 猜测",
                ) from None
            try:
                text, encoding = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                guess = "：含有 NUL 字节，是二进制文件或无 BOM 的 UTF-16？" if b"\0" in data else ""
                raise _unreadable(
                    path, f"既不是 UTF-8 也不是 GB18030 编码（第 {at} 字节起无法解码{guess}）"
                ) from None
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise _unreadable(
            path,
            f"按 {ENCODINGS[encoding][0]} 读取，第 {line} 行含有控制字符 "
            f"U+{ord(control.group()):04X}，不是文本文件（二进制文件、无 BOM 的 UTF-16？）",
        )
    return text, encoding


def _damaged_utf8(data: bytes) -> int:
    """The number of undecodable places in bytes that are mostly UTF-8 (more characters
    beyond ASCII decode than fail), else 0. GB18030 text hardly ever forms valid UTF-8
    sequences, while UTF-8 text nearly always decodes as GB18030 too, into nonsense: a UTF-8
    file with a damaged byte or cut off mid-character must not be read that way."""
    text = data.decode("utf-8", errors="replace")
    failed = text.count("\ufffd") - data.count("\ufffd".encode())
    decoded = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    return failed if decoded > failed else 0


def read_export(path: Path) -> Export:
    """The rows of an export file, with the encoding (or worksheet) read; a file that cannot
    be read is refused as a whole (``InvalidInput``, field ``file``) and nothing is written."""
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        hint = "；旧版 .xls 请在 Excel 中另存为 .xlsx" if kind == "xls" else ""
        raise bad_file(path, f"只能导入 .csv、.xlsx 或 .json 文件{hint}")
    if not path.is_file():
        raise bad_file(path, "文件不存在")
    encoding = sheet = None
    sheets = 1
    if kind == "xlsx":
        sheet, sheets, rows = xlsx_rows(path)
    else:
        try:
            data = path.read_bytes()
        except OSError as err:
            raise bad_file(path, f"无法读取：{err.strerror or err}") from None
        text, encoding = decode(path, data)
        rows = csv_rows(path, text) if kind == "csv" else json_rows(path, text)
    if not rows:
        raise bad_file(path, "没有任何申请")
    return Export(str(path), kind, encoding, sheet, rows, sheets)
