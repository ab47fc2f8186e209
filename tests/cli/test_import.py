"""``casework import FILE``: a service-platform export, registered row by row."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.cli.conftest import ID_NUMBER, Cli, clock

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
    assert "第 2 行：平台编号 W-001 已登记为案件 1，未重复登记。" in said
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
    assert "只能导入 .csv 或 .json" in cli.refused("wangmin", "import", str(tmp_path / "x.xlsx"))
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
