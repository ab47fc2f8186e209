"""``casework import FILE``: a service-platform export, registered row by row."""

from __future__ import annotations

import codecs
import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openpyxl import Workbook

from casework.cli.schemas import SCHEMAS
from tests.support.cli import ID_NUMBER, Cli, clock

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

HEADER = "收到申请日期,申请渠道,申请人,申请人类型,申请内容,证件号码,联系电话,承办单位,平台编号\n"
GOOD = [
    # Chinese names for channel, kind and unit; codes work too.
    f"2026-03-02,当面提交,张三,自然人,2025年部门预算,{ID_NUMBER},13912345678,区财政局,W-001\n",
    "2026-03-06,online,汉正商贸有限公司,business,古田片区征收补偿方案,,027-85123456,,W-002\n",
]
BAD = [
    "2026-03-02,飞鸽传书,李四,自然人,学校招生方案,,,jyj,W-003\n",  # unknown channel
    "2026-03-03,window,王五,自然人,社保政策,,,,W-004\n",  # window without a unit
    "2026-02-30,window,赵六,自然人,审计报告,,,sjj,W-005\n",  # no such date
]


def valid(data: Any) -> None:
    """``--json`` output against ``casework schema import``."""
    jsonschema.validate(data, SCHEMAS["import"])


def table(stdout: str) -> list[list[str]]:
    """The rows of the report's table (行号, 结果, 案件, 平台编号, 申请人, 字段, 规则, 原因)."""
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in stdout.splitlines()]
    return [row for row in cells if row and row[0].isdigit()]


def write(tmp_path: Path, lines: list[str], name: str = "export.csv", encoding: str = "utf-8"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding=encoding)
    return path


def test_a_clean_export_registers_every_row(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    result = cli.ok("wangmin", "import", str(path), "--json")
    report = result.json
    assert report["rows"] == 2 and report["format"] == "csv"
    assert report["registered"] == [{"row": 2, "case": 1}, {"row": 3, "case": 2}]
    assert report["rejected"] == []
    first = cli.ok("zonghe", "case", "show", "1", "--json").json
    assert (first["state"], first["fields"]["unit"], first["fields"]["channel"]) == (
        "in_progress",
        "czj",
        "window",
    )
    assert clock(first, "reply")["due_on"] == "2026-03-30"
    second = cli.ok("zonghe", "case", "show", "2", "--json").json
    assert second["state"] == "awaiting_forward"
    assert second["fields"]["applicant_kind"] == "business"


def test_the_summary_and_progress_for_people(cli: Cli, tmp_path: Path) -> None:
    result = cli("wangmin", "import", str(write(tmp_path, GOOD)))
    assert result.exit_code == 0
    assert "共 2 行：登记 2 件（案件 1–2），未登记 0 行。" in result.stdout
    assert f"文件 {tmp_path / 'export.csv'}：CSV，按 UTF-8 编码读取（无 BOM），共 2 行申请。" in (
        result.stdout
    )
    assert table(result.stdout) == [
        ["2", "新登记", "1", "W-001", "张三", "", "", ""],
        ["3", "新登记", "2", "W-002", "汉正商贸有限公司", "", "", ""],
    ]
    assert "登记中" in result.stderr  # the progress bar goes to stderr


def test_rejected_rows_are_reported_and_the_others_registered(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, [GOOD[0], *BAD, GOOD[1]])
    report_file = tmp_path / "rejected.csv"
    # 综合科 imports: a window row without a unit is refused (the service centre's own import
    # would keep it waiting at the centre to be forwarded).
    result = cli("zonghe", "import", str(path), "--report", str(report_file), "--json")
    assert result.exit_code == 1  # rows were refused: a failure found
    report = result.json
    assert report["registered"] == [{"row": 2, "case": 1}, {"row": 6, "case": 2}]
    rejected = {r["row"]: r for r in report["rejected"]}
    assert sorted(rejected) == [3, 4, 5]
    assert rejected[3]["field"] == "channel" and "飞鸽传书" in rejected[3]["message"]
    assert rejected[3]["reference"] == "W-003" and rejected[3]["applicant_name"] == "李四"
    assert rejected[4]["rule"] == "unit_given"
    assert rejected[5]["field"] == "received_on"
    assert "received_on：日期格式错误" in rejected[5]["message"]
    assert cli.events() == 2  # one register event per registered row, nothing else
    with report_file.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["行号", "平台编号", "申请人", "字段", "规则", "原因"]
    assert [r[0] for r in rows[1:]] == ["3", "4", "5"]


def test_importing_the_same_export_twice_registers_nothing_new(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    cli.ok("wangmin", "import", str(path))
    events = cli.events()
    again = cli("wangmin", "import", str(path), "--json")
    assert again.exit_code == 0
    assert again.json["registered"] == [] and again.json["rejected"] == []
    assert again.json["already"] == [
        {"row": 2, "reference": "W-001", "case": 1},
        {"row": 3, "reference": "W-002", "case": 2},
    ]
    assert cli.events() == events
    said = cli.ok("wangmin", "import", str(path)).stdout
    assert table(said)[:2] == [
        ["2", "此前已登记", "1", "W-001", "张三", "", "", ""],
        ["3", "此前已登记", "2", "W-002", "汉正商贸有限公司", "", "", ""],
    ]
    assert "登记 0 件，此前已登记 2 行，未登记 0 行。" in said


def test_a_row_without_reference_is_refused_as_a_duplicate(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, [GOOD[0].replace(",W-001", ",")])
    cli.ok("wangmin", "import", str(path))
    again = cli("wangmin", "import", str(path), "--json")
    assert again.exit_code == 1
    assert again.json["registered"] == [] and again.json["already"] == []
    messages = [r["message"] for r in again.json["rejected"]]
    assert messages == ["与已登记的案件 1 重复（收到日期、申请人、申请内容相同）"]


def test_a_reference_registered_with_other_contents_is_refused(cli: Cli, tmp_path: Path) -> None:
    cli.ok("wangmin", "import", str(write(tmp_path, GOOD[:1])))
    other = write(tmp_path, [GOOD[0].replace("2025年部门预算", "2024年决算")], name="other.csv")
    events = cli.events()
    again = cli("wangmin", "import", str(other), "--json")
    assert again.exit_code == 1 and cli.events() == events
    (rejected,) = again.json["rejected"]
    assert rejected["field"] == "reference" and rejected["reference"] == "W-001"
    assert rejected["rule"] == "a platform reference names one application"
    assert "已登记为案件 1" in rejected["message"]


def test_a_gbk_export_from_excel_is_read(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD[:1], encoding="gb18030")
    assert cli.ok("wangmin", "import", str(path), "--json").json["registered"] == [
        {"row": 2, "case": 1}
    ]


def test_a_json_export(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    rows = [
        {
            "received_on": "2026-03-02",
            "channel": "window",
            "applicant_name": "张三",
            "applicant_kind": "natural_person",
            "request": "2025年部门预算",
            "unit": "czj",
            "applicant_phone": 13912345678,
        },
        {
            "received_on": "2026-03-02",
            "channel": "window",
            "applicant_name": "李四",
            "applicant_kind": "natural_person",
            "request": "招生方案",
            "unit": ["jyj"],
        },
    ]
    path.write_text(json.dumps({"applications": rows}, ensure_ascii=False), encoding="utf-8")
    result = cli("wangmin", "import", str(path), "--json")
    assert result.exit_code == 1
    assert result.json["registered"] == [{"row": 1, "case": 1}]
    assert result.json["rejected"][0]["row"] == 2
    assert result.json["rejected"][0]["message"] == "unit：值应为文字，收到 ['jyj']"
    shown = cli.ok("zonghe", "case", "show", "1", "--json").json
    assert shown["fields"]["applicant_phone"] == "139****5678"


def test_a_file_that_cannot_be_read_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    missing_column = tmp_path / "a.csv"
    missing_column.write_text("received_on,channel,applicant_name\n2026-03-02,window,张三\n")
    line = cli.refused("wangmin", "import", str(missing_column))
    assert "缺少必填列 applicant_kind（申请人类型）、request（申请内容）" in line
    unknown_column = write(tmp_path, [GOOD[0]], name="b.csv")
    unknown_column.write_text(HEADER.replace("平台编号", "状态") + GOOD[0], encoding="utf-8")
    assert "未知的列 '状态'" in cli.refused("wangmin", "import", str(unknown_column))
    assert "只能导入 .csv、.xlsx 或 .json" in cli.refused(
        "wangmin", "import", str(tmp_path / "x.xls")
    )
    assert "文件不存在" in cli.refused("wangmin", "import", str(tmp_path / "none.csv"))
    bad_json = tmp_path / "c.json"
    bad_json.write_text("{oops")
    assert "不是有效的 JSON" in cli.refused("wangmin", "import", str(bad_json))
    empty = write(tmp_path, [",,,,,,,,\n"], name="d.csv")
    assert "没有任何申请" in cli.refused("wangmin", "import", str(empty))


def test_import_needs_a_role_that_registers(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD[:1])
    assert "只能查阅" in cli.refused("sun", "import", str(path))
    result = cli("liu", "import", str(path), "--json")  # the legal office does not register
    assert result.exit_code == 1
    assert result.json["rejected"][0]["field"] == "role"


# -- real files: encodings, XLSX, unreadable files, one unit of work per row ------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "reported", "said"),
    [
        ("utf-8", b"", "utf-8", "UTF-8 编码读取（无 BOM）"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig", "UTF-8 编码读取（带 BOM）"),
        ("gb18030", b"", "gb18030", "GB18030 编码读取（不是 UTF-8）"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE 编码读取（带 BOM）"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE 编码读取（带 BOM）"),
    ],
)
def test_each_encoding_is_read_and_named(
    sqlite_cli: Cli, tmp_path: Path, encoding: str, bom: bytes, reported: str, said: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(bom + (HEADER + "".join(GOOD)).replace("\n", "\r\n").encode(encoding))
    data = sqlite_cli.ok("wangmin", "import", str(path), "--json").json
    assert (data["format"], data["encoding"], data["sheet"]) == ("csv", reported, None)
    assert data["registered"] == [{"row": 2, "case": 1}, {"row": 3, "case": 2}]
    valid(data)
    shown = sqlite_cli.ok("zonghe", "case", "show", "1", "--json").json
    assert shown["fields"]["applicant_name"] == "张三"  # not mojibake
    again = sqlite_cli.ok("wangmin", "import", str(path)).stdout
    assert said in again and "此前已登记 2 行" in again


def test_an_xlsx_export(sqlite_cli: Cli, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "3月"
    sheet.append(HEADER.strip().split(","))
    first = ["当面提交", "张三", "自然人", "2025年部门预算", ID_NUMBER, 13912345678, "区财政局"]
    sheet.append([date(2026, 3, 2), *first, "W-001"])
    sheet.append(
        [date(2026, 3, 2), "window", "李四", "自然人", "招生方案", None, None, "jyj", "W-2"]
    )
    path = tmp_path / "平台导出.xlsx"
    book.save(path)
    result = sqlite_cli("wangmin", "import", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json
    assert (data["format"], data["encoding"], data["sheet"]) == ("xlsx", None, "3月")
    assert [(r["row"], r["outcome"], r["case"]) for r in data["results"]] == [
        (2, "registered", 1),
        (3, "registered", 2),
    ]
    valid(data)
    shown = sqlite_cli.ok("zonghe", "case", "show", "1", "--json").json
    assert (shown["fields"]["received_on"], shown["fields"]["unit"]) == ("2026-03-02", "czj")
    said = sqlite_cli.ok("wangmin", "import", str(path)).stdout
    assert "XLSX，工作表“3月”，共 2 行申请" in said


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("binary.csv", bytes(range(256)) * 4, "既不是 UTF-8 也不是 GB18030"),
        ("utf16.csv", (HEADER + GOOD[0]).encode("utf-16-le"), "无 BOM 的 UTF-16"),
        ("spreadsheet.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "控制字符"),
        ("export.json", "[]".encode("utf-32"), "UTF-32"),
        ("renamed.xlsx", (HEADER + GOOD[0]).encode(), "不是有效的 XLSX 文件"),
    ],
)
def test_a_file_in_no_readable_encoding_is_one_line(
    sqlite_cli: Cli, tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    line = sqlite_cli.refused("wangmin", "import", str(path))  # exit 2, no traceback, no write
    assert line.startswith(f"错误：文件 {path}：") and fragment in line, line


def test_an_over_long_row_and_a_bad_date_never_stop_the_others(cli: Cli, tmp_path: Path) -> None:
    """The same rows on SQLite and PostgreSQL: each row is its own unit of work."""
    rows = [
        "2026-03-02,window,申请人一,自然人,第一件,,,czj,R-1\n",
        "2026-03-02,window,申请人二,自然人,第二件,,,czj,R-2\n",
        f"2026-03-02,window,{'长' * 201},自然人,第三件,,,czj,R-3\n",  # over-long name
        "2026-03-02,window,申请人四,自然人,第四件,,,czj,R-4\n",
        "2026-02-30,window,申请人五,自然人,第五件,,,czj,R-5\n",  # no such day
        "2026/3/3,window,申请人六,自然人,第六件,,,czj,R-6\n",  # as Excel writes dates
    ]
    path = write(tmp_path, rows)
    report_file = tmp_path / "未登记.csv"
    result = cli("wangmin", "import", str(path), "--report", str(report_file), "--json")
    assert result.exit_code == 1, result.stderr  # some rows were refused
    data = result.json
    valid(data)
    assert [(r["row"], r["outcome"], r["case"]) for r in data["results"]] == [
        (2, "registered", 1),
        (3, "registered", 2),
        (4, "refused", None),
        (5, "registered", 3),
        (6, "refused", None),
        (7, "registered", 4),
    ]
    refused = {r["row"]: (r["field"], r["rule"], r["reference"]) for r in data["rejected"]}
    assert refused == {
        4: ("applicant_name", "text length", "R-3"),
        6: ("received_on", "date YYYY-MM-DD", "R-5"),
    }
    assert cli.events() == 4  # one register event per registered row
    with report_file.open(encoding="utf-8-sig") as f:
        assert [r[0] for r in list(csv.reader(f))[1:]] == ["4", "6"]
    said = cli("wangmin", "import", str(path))
    assert said.exit_code == 1
    assert [row[:3] for row in table(said.stdout)] == [
        ["2", "此前已登记", "1"],
        ["3", "此前已登记", "2"],
        ["4", "拒绝", "—"],
        ["5", "此前已登记", "3"],
        ["6", "拒绝", "—"],
        ["7", "此前已登记", "4"],
    ]
    (long_name,) = [row for row in table(said.stdout) if row[0] == "4"]
    assert long_name[5:7] == ["applicant_name", "text length"]
    assert "applicant_name：超过 200 字（201 字）" in long_name[7]
    assert "共 6 行：登记 0 件，此前已登记 4 行，未登记 2 行。" in said.stdout
    assert cli.events() == 4
