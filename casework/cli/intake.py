"""``casework import FILE``: register the applications of a service-platform export."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from casework.cli.common import DbOption, JsonOption, clerk_console, print_json
from casework.cli.errors import EXIT_FOUND
from casework.cli.session import AsCode

if TYPE_CHECKING:
    from casework.intake import ImportReport

REPORT_HEADER = ["行号", "平台编号", "申请人", "字段", "规则", "原因"]


def import_file(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="平台导出的 .csv、.xlsx 或 .json 文件。")
    ],
    report: Annotated[
        Path | None,
        typer.Option("--report", metavar="CSV", help="把被拒绝的行及原因写入该 CSV 文件。"),
    ] = None,
    as_code: AsCode = None,
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """从政府服务平台导出的 CSV、XLSX 或 JSON 文件批量登记申请，逐行报告结果。

    每一行单独登记：一行要么完整登记、要么完全不写入；被拒绝的行不影响其他行。
    报告逐行列出行号和结果：新登记（案件号）、此前已登记（同一平台编号，给出案件号），
    或拒绝（字段、规则和原因）。
    与已登记案件的收到日期、申请人、申请内容都相同的行视为重复，不再登记。
    有平台编号的行只登记一次：再次导入同一文件时，这些行列为“此前已登记”，不再写入；
    同一渠道、同一平台编号而内容不同的行被拒绝。
    全部登记（或此前已登记）退出码为 0，有被拒绝的行为 1，
    文件本身无法读取、编码无法识别或列不对为 2（不写入任何行）。

    列（表头可用代码或中文名）：received_on 收到申请日期、channel 申请渠道、
    applicant_name 申请人、applicant_kind 申请人类型、request 申请内容（以上必填）；
    applicant_id_number 证件号码、applicant_phone 联系电话、applicant_contact 通信地址、
    unit 承办单位（网上申请以外必填）、handler 承办人、reference 平台编号（随案件保存）。
    渠道、申请人类型、承办单位可填代码或中文名称；
    收到日期可写 2026-03-02、2026/3/2 或 2026年3月2日。

    编码：CSV 与 JSON 有 BOM 的按 BOM 读作 UTF-8 或 UTF-16，没有 BOM 的须为 UTF-8，
    否则按 GB18030（Excel 在中文 Windows 上另存的 CSV）读取，报告写明按哪种编码读取；
    其他编码或二进制文件被拒绝。XLSX 读取第一个工作表，表头在第一个非空行。

    示例：casework import 平台导出-2026-03.csv --report 未登记.csv
    """
    from rich.console import Console
    from rich.progress import track

    from casework.cli.session import session
    from casework.identity import check_can_act
    from casework.intake import import_rows
    from casework.intake_files import read_export

    export = read_export(file)  # a file that cannot be read: one line, nothing opened
    console = Console(stderr=True)  # the progress bar never mixes into --json output
    with session(db, as_code) as s:
        check_can_act(s.identity)
        result = import_rows(
            s.engine,
            s.identity.actor,
            export,
            progress=lambda rows, total: track(
                rows, total=total, description="登记中…", console=console
            ),
        )
    if report is not None:
        with report.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(REPORT_HEADER)
            for r in result.rejected:
                writer.writerow(
                    [
                        r.row,
                        r.reference or "",
                        r.applicant_name or "",
                        r.field or "",
                        r.rule or "",
                        r.message or "",
                    ]
                )
    if as_json:
        print_json(result.to_dict())
    else:
        _print(result, export.describe())
    if result.rejected:
        raise typer.Exit(EXIT_FOUND)


OUTCOMES = {"registered": "新登记", "already": "此前已登记", "refused": "拒绝"}


def _print(result: ImportReport, read_as: str) -> None:
    from rich.table import Table
    from rich.text import Text

    out = clerk_console()
    heading = f"文件 {result.file}：{read_as}，共 {result.rows} 行申请。"
    out.print(heading, markup=False, highlight=False)
    table = Table("行号", "结果", "案件", "平台编号", "申请人", "字段", "规则", "原因")
    table.title = "逐行结果"
    for r in result.results:
        refused = r.outcome == "refused"
        blank = "—" if refused else ""
        cells = [
            str(r.row),
            OUTCOMES[r.outcome],
            str(r.case) if r.case is not None else "—",
            r.reference or "—",
            r.applicant_name or "—",
            r.field or blank,
            r.rule or blank,
            r.message or "",
        ]
        # Text, not markup: a name or a message may hold square brackets.
        styles = ["", "red" if refused else ""] + [""] * (len(cells) - 2)
        table.add_row(*(Text(c, style=style) for c, style in zip(cells, styles, strict=True)))
    out.print(table)
    cases = [str(r.case) for r in result.registered]
    span = f"（案件 {cases[0]}–{cases[-1]}）" if cases else ""
    out.print(
        f"共 {result.rows} 行：登记 {len(result.registered)} 件{span}，"
        + (f"此前已登记 {len(result.already)} 行，" if result.already else "")
        + f"未登记 {len(result.rejected)} 行。",
        markup=False,
        highlight=False,
    )
