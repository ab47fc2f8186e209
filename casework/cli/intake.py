"""``casework import FILE``: register the applications of a service-platform export."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from casework.cli.common import DbOption, JsonOption, clerk_console, print_json
from casework.cli.errors import EXIT_FOUND
from casework.cli.session import AsCode

if TYPE_CHECKING:
    from casework.intake import ImportReport

REPORT_HEADER = ["行号", "平台编号", "申请人", "字段", "规则", "原因"]


def import_file(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="平台导出的 .csv 或 .json 文件。")],
    report: Annotated[
        Path | None,
        typer.Option("--report", metavar="CSV", help="把被拒绝的行及原因写入该 CSV 文件。"),
    ] = None,
    as_code: AsCode = None,
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """从政府服务平台导出的 CSV 或 JSON 文件批量登记申请，显示进度条和汇总。

    每一行单独登记：一行要么完整登记、要么完全不写入；被拒绝的行列出行号、字段和原因，
    不影响其他行。与已登记案件的收到日期、申请人、申请内容都相同的行视为重复，不再登记。
    有平台编号的行只登记一次：再次导入同一文件时，这些行列为“已登记”并给出案件号，
    不再写入；同一渠道、同一平台编号而内容不同的行被拒绝。
    全部登记成功退出码为 0，有被拒绝的行为 1，文件本身无法读取或列不对为 2（不写入任何行）。

    列（表头可用代码或中文名）：received_on 收到申请日期、channel 申请渠道、applicant_name
    申请人、applicant_kind 申请人类型、request 申请内容（以上必填）；applicant_id_number
    证件号码、applicant_phone 联系电话、applicant_contact 通信地址、unit 承办单位（网上申请
    以外必填）、handler 承办人、reference 平台编号（随案件保存）。渠道、申请人类型、承办单位
    可填代码或中文名称。CSV 为 UTF-8 或 GBK 编码；JSON 为对象数组。

    示例：casework import 平台导出-2026-03.csv --report 未登记.csv
    """
    from casework.cli.session import session
    from casework.identity import check_can_act
    from casework.intake import import_rows

    console = Console(stderr=True)  # the progress bar never mixes into --json output
    with session(db, as_code) as s:
        check_can_act(s.identity)
        result = import_rows(
            s.engine,
            s.identity.actor,
            file,
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
                        r.message,
                    ]
                )
    if as_json:
        print_json(result.to_dict())
    else:
        _print(result)
    if result.rejected:
        raise typer.Exit(EXIT_FOUND)


def _print(result: ImportReport) -> None:
    out = clerk_console()
    if result.rejected:
        table = Table("行号", "平台编号", "申请人", "字段", "原因", title="未登记的行")
        for r in result.rejected:
            table.add_row(
                str(r.row), r.reference or "—", r.applicant_name or "—", r.field or "—", r.message
            )
        out.print(table)
    for done in result.already:
        out.print(
            f"第 {done['row']} 行：平台编号 {done['reference']} 已登记为案件 {done['case']}，"
            "未重复登记。"
        )
    cases = [str(r["case"]) for r in result.registered]
    span = f"（案件 {cases[0]}–{cases[-1]}）" if cases else ""
    out.print(
        f"共 {result.rows} 行：登记 {len(result.registered)} 件{span}，"
        + (f"此前已登记 {len(result.already)} 行，" if result.already else "")
        + f"未登记 {len(result.rejected)} 行。"
    )
