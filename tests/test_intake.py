"""casework.intake and the modules it reads with (intake_files, intake_rows, intake_checks):
real export files read (encodings, XLSX), every row checked before SQL, and each row its own
unit of work on SQLite and PostgreSQL.

The command line over it (the report's table, ``--json``, exit codes) is tests/cli/test_import.py.
"""

from __future__ import annotations

import codecs
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.exc import DataError
from sqlmodel import Session

from casework.errors import InvalidInput
from casework.intake import import_rows
from casework.intake_checks import check_row, receipt_date
from casework.intake_files import ENCODING_RULE, read_export
from casework.intake_rows import FILE_RULE, ROW_RULE, Row
from casework.store.models.cases import CaseRow
from casework.workflow.inputs import COLUMN_LIMITS
from tests.support.actors import CENTRE
from tests.support.application import counts
from tests.support.dates import at

NOW = at("2026-07-15")
HEADER = "收到申请日期,申请渠道,申请人,申请人类型,申请内容,联系电话,承办单位,平台编号"
LINES = [
    "2026-03-02,当面提交,张三,自然人,2025年区财政局部门预算,13912345678,区财政局,W-001",
    "2026-03-03,window,硚口区汉正商贸有限公司,法人或者其他组织,古田片区征收补偿方案,,czj,W-002",
]
VALUES = [
    {
        "received_on": "2026-03-02",
        "channel": "当面提交",
        "applicant_name": "张三",
        "applicant_kind": "自然人",
        "request": "2025年区财政局部门预算",
        "applicant_phone": "13912345678",
        "unit": "区财政局",
        "reference": "W-001",
    },
    {
        "received_on": "2026-03-03",
        "channel": "window",
        "applicant_name": "硚口区汉正商贸有限公司",
        "applicant_kind": "法人或者其他组织",
        "request": "古田片区征收补偿方案",
        "unit": "czj",
        "reference": "W-002",
    },
]


def text(lines: list[str], newline: str = "\n") -> str:
    return newline.join([HEADER, *lines]) + newline


# -- encodings ---------------------------------------------------------------------------------

# (how the file is written, the encoding the export says it was read in)
ENCODED = [
    pytest.param(lambda t: t.encode("utf-8"), "utf-8", id="utf-8"),
    pytest.param(lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig", id="utf-8-bom"),
    pytest.param(lambda t: t.encode("gb18030"), "gb18030", id="gb18030"),
    pytest.param(lambda t: t.encode("utf-16"), "utf-16-le", id="utf-16-le-bom"),
    pytest.param(
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be", id="utf-16-be-bom"
    ),
]


@pytest.mark.parametrize(("encode", "encoding"), ENCODED)
def test_a_csv_is_read_in_the_encoding_its_bytes_show(tmp_path: Path, encode, encoding) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "export.csv"
    path.write_bytes(encode(text(LINES, "\r\n")))  # Excel ends lines with CRLF
    export = read_export(path)
    assert (export.format, export.encoding, export.sheet) == ("csv", encoding, None)
    assert [r.number for r in export.rows] == [2, 3]
    assert [r.values for r in export.rows] == VALUES
    assert all(r.problem is None for r in export.rows)


@pytest.mark.parametrize(("encode", "encoding"), ENCODED)
def test_a_json_export_in_any_of_the_encodings(tmp_path: Path, encode, encoding) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "export.json"
    path.write_bytes(encode(json.dumps(VALUES, ensure_ascii=False)))
    export = read_export(path)
    assert (export.format, export.encoding) == ("json", encoding)
    assert [r.values for r in export.rows] == VALUES


def test_the_report_says_which_encoding_was_read(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(text(LINES).encode("gb18030"))
    assert read_export(path).describe() == "CSV，按 GB18030 编码读取（不是 UTF-8）"
    path.write_bytes(codecs.BOM_UTF8 + text(LINES).encode("utf-8"))
    assert read_export(path).describe() == "CSV，按 UTF-8 编码读取（带 BOM）"


def test_excel_unicode_text_is_tab_separated_utf16(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(text(LINES, "\r\n").replace(",", "\t").encode("utf-16"))
    export = read_export(path)
    assert export.encoding == "utf-16-le"
    assert [r.values for r in export.rows] == VALUES


def test_rows_are_numbered_by_their_first_line(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    multi_line = LINES[0].replace("2025年区财政局部门预算", '"2025年区财政局部门预算\r\n及决算"')
    path.write_text(text([multi_line, "", ",,,,,,,", LINES[1]]), encoding="utf-8")
    export = read_export(path)
    assert [r.number for r in export.rows] == [2, 6]  # empty lines skipped, not renumbered
    assert export.rows[0].values["request"] == "2025年区财政局部门预算\n及决算"


def test_a_row_with_more_cells_than_the_header_is_refused_alone(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(text([LINES[0] + ",多余", LINES[1] + ",,"]), encoding="utf-8")
    first, second = read_export(path).rows
    assert first.problem is not None and first.problem.rule == ROW_RULE
    assert "第 2 行有 1 个单元格不在任何表头之下" in first.problem.message
    assert second.problem is None  # empty cells beyond the header are nothing


# -- files that are refused whole --------------------------------------------------------------

UTF8 = text(LINES).encode("utf-8")


@pytest.mark.parametrize(
    ("name", "content", "rule", "fragment"),
    [
        ("bin.csv", bytes(range(256)) * 8, ENCODING_RULE, "既不是 UTF-8 也不是 GB18030"),
        ("nul.csv", UTF8 + b"\x00\x01\x02", ENCODING_RULE, "第 4 行含有控制字符 U+0000"),
        ("u16.csv", text(LINES).encode("utf-16-le"), ENCODING_RULE, "无 BOM 的 UTF-16"),
        ("u32.csv", text(LINES).encode("utf-32"), ENCODING_RULE, "是 UTF-32 编码"),
        ("latin.csv", HEADER.encode() + "\ncafé,".encode("latin-1"), ENCODING_RULE, "GB18030"),
        ("cut.csv", UTF8[:-2] + "案".encode()[:2], ENCODING_RULE, "文件已损坏或被截断"),
        ("bad.csv", UTF8.replace("张".encode(), b"\xff"), ENCODING_RULE, "不按 GB18030 猜测"),
        ("odd.csv", codecs.BOM_UTF16_LE + b"a\x00b", ENCODING_RULE, "第 5 字节起不是 UTF-16LE"),
        ("x.xlsx", b"PK\x03\x04 not a workbook", FILE_RULE, "不是有效的 XLSX 文件"),
        ("x.xls", b"\xd0\xcf\x11\xe0", FILE_RULE, "另存为 .xlsx"),
        ("quote.csv", (text(LINES) + '2026-03-04,"window\n').encode(), FILE_RULE, "引号不成对"),
        ("twice.csv", b"request," + text(LINES).encode(), FILE_RULE, "出现了两次"),
        ("empty.csv", (HEADER + "\n\n").encode("gb18030"), FILE_RULE, "没有任何申请"),
        ("big.json", b'[{"request": ' + b"1" * 5000 + b"}]", FILE_RULE, "不是可读取的 JSON"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, FILE_RULE, "不是可读取的 JSON"),
        ("bad.json", b'[{"request": }]', FILE_RULE, "不是有效的 JSON（第 1 行"),
    ],
    ids=lambda value: value if isinstance(value, str) and "." in value else "",
)
def test_a_file_that_cannot_be_read_is_refused_naming_the_file_and_the_rule(
    tmp_path: Path, name: str, content: bytes, rule: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as err:
        read_export(path)
    assert (err.value.field, err.value.rule) == ("file", rule)
    message = str(err.value)
    assert message.startswith(f"文件 {path}：") and fragment in message, message
    assert "\n" not in message


# -- XLSX --------------------------------------------------------------------------------------


def workbook(path: Path, rows: list[list[object]], *, more_sheets: int = 0) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "平台导出"
    for row in rows:
        sheet.append(row)
    for i in range(more_sheets):
        book.create_sheet(f"说明{i}")
    book.save(path)
    return path


def test_an_xlsx_is_read_from_its_first_worksheet(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "export.xlsx",
        [
            [],  # the header may sit below an empty first row
            HEADER.split(","),
            # A date cell, a date-time cell, a phone number stored as a number.
            [
                datetime(2026, 3, 2),
                "当面提交",
                "张三",
                "自然人",
                "2025年区财政局部门预算",
                13912345678,
                "区财政局",
                "W-001",
            ],
            [None] * 8,
            [
                date(2026, 3, 3),
                "window",
                "硚口区汉正商贸有限公司",
                "法人或者其他组织",
                "古田片区征收补偿方案",
                None,
                "czj",
                "W-002",
            ],
        ],
        more_sheets=1,
    )
    export = read_export(path)
    assert (export.format, export.encoding, export.sheet) == ("xlsx", None, "平台导出")
    assert export.describe() == "XLSX，工作表“平台导出”（共 2 个工作表，只读取第一个）"
    assert [r.number for r in export.rows] == [3, 5]  # as Excel numbers them
    assert [r.values for r in export.rows] == VALUES


VALUES_CELLS = ["2026-03-02", "window", "张三", "自然人", "预算", None, "czj", "W-001"]


def test_an_identity_number_excel_stored_as_a_number_refuses_its_row(tmp_path: Path) -> None:
    header = [*HEADER.split(","), "证件号码"]
    path = workbook(
        tmp_path / "export.xlsx",
        [header, [*VALUES_CELLS, 420106199001011234], [*VALUES_CELLS[:-1], "W-9", "42010619900"]],
    )
    lossy, fine = read_export(path).rows
    assert lossy.problem is not None and lossy.problem.field == "applicant_id_number"
    assert "超过 15 位的数字" in lossy.problem.message
    assert fine.problem is None


# -- rows checked before SQL -------------------------------------------------------------------

BASE = {
    "received_on": "2026-03-02",
    "channel": "window",
    "applicant_name": "张三",
    "applicant_kind": "natural_person",
    "request": "预算",
    "unit": "czj",
}


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        *[(c, "1" * (n + 1), "text length") for c, n in COLUMN_LIMITS.items()],
        ("request", "要" * 4001, "text length"),
        ("reference", "R" * 65, "a reference fits its column"),
        ("applicant_name", "张\x00三", "printable text"),
        ("request", "预\ud800算", "printable text"),
        ("reference", "W\x1b001", "printable text"),
        ("channel", "win\x00dow", "printable text"),
        ("unit", "c\x7fzj", "printable text"),
        ("applicant_id_number", "4.20106E+17", "numbers are kept as text"),
    ],
)
def test_every_value_an_import_row_can_fill_is_checked(column: str, value: str, rule: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_row(Row(2, {**BASE, column: value}))
    assert (err.value.field, err.value.rule) == (column, rule)
    assert str(err.value).startswith(f"{column}：")


def test_a_row_within_every_limit_passes() -> None:
    full = {c: "1" * n for c, n in COLUMN_LIMITS.items()}
    check_row(Row(2, {**BASE, **full, "reference": "R" * 64, "request": "要\n点" * 1000}))


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2026-03-02", date(2026, 3, 2)),
        ("2026/3/2", date(2026, 3, 2)),
        ("2026.03.02", date(2026, 3, 2)),
        ("2026年3月2日", date(2026, 3, 2)),
        ("2026/3/2 0:00", date(2026, 3, 2)),
    ],
)
def test_receipt_dates_as_spreadsheets_write_them(raw: str, day: date) -> None:
    assert receipt_date(raw) == day


@pytest.mark.parametrize("raw", ["2026-02-30", "2026/2/30", "3/2/2026", "二〇二六年三月二日"])
def test_a_receipt_date_that_is_no_day_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as err:
        receipt_date(raw)
    assert (err.value.field, err.value.rule) == ("received_on", "date YYYY-MM-DD")
    assert repr(raw) in str(err.value)


# -- each row its own unit of work, on both databases ------------------------------------------


def row(n: int, **extra: str) -> dict[str, str]:
    return {
        **BASE,
        "applicant_name": f"申请人{n}",
        "request": f"第 {n} 件申请的内容",
        "reference": f"P-{n:03}",
        **extra,
    }


def test_refused_rows_never_stop_the_others(engine, tmp_path: Path, pinned_today) -> None:  # type: ignore[no-untyped-def]
    """Over-long values in every column of limited width, a bad date, a NUL byte and a lone
    surrogate (JSON can carry both) in the middle of the file: on PostgreSQL each of these
    used to raise out of the import after the rows before it had committed."""
    rows = [
        row(1),
        row(2),
        row(3, applicant_name="长" * 201),
        row(4),
        row(5, received_on="2026-02-30"),
        row(6, applicant_contact="址" * 401),
        row(7, handler="办" * 51),
        row(8, applicant_phone="1" * 65),
        row(9, reference="R" * 65),
        row(10, request="预\u0000算"),
        row(11, applicant_name="张\ud800"),
        row(12),
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(rows), encoding="utf-8")  # \u0000 and \ud800 as JSON escapes
    report = import_rows(engine, CENTRE, path, now=NOW)
    assert [(r.row, r.outcome) for r in report.results] == [
        (n, "refused" if 3 <= n <= 11 and n != 4 else "registered") for n in range(1, 13)
    ]
    assert [(r.row, r.case) for r in report.registered] == [(1, 1), (2, 2), (4, 3), (12, 4)]
    refused = {r.row: (r.field, r.rule) for r in report.rejected}
    assert refused == {
        3: ("applicant_name", "text length"),
        5: ("received_on", "date YYYY-MM-DD"),
        6: ("applicant_contact", "text length"),
        7: ("handler", "text length"),
        8: ("applicant_phone", "text length"),
        9: ("reference", "a reference fits its column"),
        10: ("request", "printable text"),
        11: ("applicant_name", "printable text"),
    }
    assert report.rejected[0].reference == "P-003" and report.rejected[0].message
    assert counts(engine)[:2] == (4, 4)  # four cases, one register event each

    again = import_rows(engine, CENTRE, path, now=NOW)  # the platform reference: once
    assert [(r.row, r.case) for r in again.already] == [(1, 1), (2, 2), (4, 3), (12, 4)]
    assert again.registered == [] and len(again.rejected) == 8
    assert counts(engine)[:2] == (4, 4)


def test_an_xlsx_registers_through_the_engine(engine, tmp_path: Path, pinned_today) -> None:  # type: ignore[no-untyped-def]
    cells = [
        [
            datetime(2026, 3, 2, 9, 30),
            "当面提交",
            "张三",
            "自然人",
            "2025年区财政局部门预算",
            13912345678,
            "区财政局",
            "W-001",
        ],
        [date(2026, 3, 3), "window", "李四", "自然人", "x" * 4001, None, "czj", "W-002"],
        [date(2026, 3, 4), "window", "王五", "自然人", "招生方案", None, "jyj", "W-003"],
    ]
    path = workbook(tmp_path / "export.xlsx", [HEADER.split(","), *cells])
    report = import_rows(engine, CENTRE, path, now=NOW)
    assert [(r.row, r.outcome, r.case) for r in report.results] == [
        (2, "registered", 1),
        (3, "refused", None),
        (4, "registered", 2),
    ]
    assert (report.format, report.sheet, report.encoding) == ("xlsx", "平台导出", None)
    with Session(engine.db) as s:
        first = s.get(CaseRow, 1)
    assert first is not None
    assert (first.received_on, first.unit, first.applicant_phone) == (
        date(2026, 3, 2),  # the day of a date-time cell
        "czj",  # the unit by its name
        "13912345678",  # a number cell, as text
    )


def test_a_row_the_database_still_refuses_is_refused_alone(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path, pinned_today, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last guard: should a value pass every check and still be refused by the database
    (a ``DataError``), that row is refused and the import goes on."""
    register = engine.register

    def refusing(actor, **inputs):  # type: ignore[no-untyped-def]
        if inputs.get("reference") == "P-002":
            raise DataError("INSERT …", {}, Exception("value too long for type character(1)"))
        return register(actor, **inputs)

    monkeypatch.setattr(engine, "register", refusing)
    path = tmp_path / "export.json"
    path.write_text(json.dumps([row(1), row(2), row(3)]), encoding="utf-8")
    report = import_rows(engine, CENTRE, path, now=NOW)
    assert [(r.row, r.outcome) for r in report.results] == [
        (1, "registered"),
        (2, "refused"),
        (3, "registered"),
    ]
    (refused,) = report.rejected
    assert (refused.field, refused.rule) == (None, "the database refused a value")
    assert refused.message == "数据库拒绝了该行：value too long for type character(1)"


def test_the_engine_itself_refuses_every_import_column_over_its_width(  # type: ignore[no-untyped-def]
    engine, pinned_today
) -> None:
    """check_row refuses these first; the engine (which other intakes call directly) refuses
    each as well before any SQL, so on PostgreSQL none becomes a DataError."""
    over = {
        **{c: "1" * (n + 1) for c, n in COLUMN_LIMITS.items()},
        "request": "要" * 4001,
        "reference": "R" * 65,
    }
    inputs = {k: v for k, v in BASE.items() if k != "received_on"}
    for column, value in over.items():
        with pytest.raises(InvalidInput) as err:
            engine.register(CENTRE, on="2026-03-02", now=NOW, **{**inputs, column: value})
        assert err.value.field == column
    assert counts(engine) == (0, 0, 0)
