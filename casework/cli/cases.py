"""Reading cases: `casework case show` and `casework worklist`."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from casework.cli.common import DbOption, JsonOption, open_engine, print_json
from casework.cli.masking import mask, mask_phone

case_app = typer.Typer(help="案件：查看办理情况。", no_args_is_help=True)

AsOfOption = typer.Option(None, "--as-of", help="按哪一天计算剩余工作日（YYYY-MM-DD，默认今天）。")

STATUS = {
    "running": "计时中",
    "paused": "暂停",
    "met": "按期",
    "breached": "逾期",
    "lapsed": "期满",
    "cancelled": "终止",
}


def _now(as_of: str | None) -> datetime | None:
    from casework.settings import TIMEZONE
    from casework.workflow.fields import parse_date

    if as_of is None:
        return None
    return datetime.combine(parse_date("as_of", as_of), time(12), TIMEZONE)


def _masked(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        **fields,
        "applicant_id_number": mask(fields.get("applicant_id_number")),
        "applicant_phone": mask_phone(fields.get("applicant_phone")),
    }


def _days(left: int | None) -> str:
    if left is None:
        return "—"
    return f"逾期 {-left} 个工作日" if left < 0 else f"剩 {left} 个工作日"


@case_app.command("show")
def show(
    case_id: int = typer.Argument(..., help="案件编号。"),
    role: str = typer.Option(None, "--role", help="以该角色查看可办理的动作，如 unit_clerk。"),
    unit: str = typer.Option(None, "--unit", help="与 --role 同用：所在单位代码。"),
    as_of: str = AsOfOption,
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """显示案件的状态、承办单位、各项期限（届满日与剩余工作日）和完整的办理记录。

    申请人身份证号与电话已打码。
    示例：casework case show 12 --role unit_clerk --unit czj --db casework-demo.db
    """
    from casework.domain.roles import Actor

    actor = Actor("查看", role, unit) if role else None
    view = open_engine(db).case(case_id, actor=actor, now=_now(as_of))
    data = view.to_dict()
    data["fields"] = _masked(data["fields"])
    if as_json:
        print_json(data)
        return
    console = Console()
    f = data["fields"]
    console.print(
        f"[bold]案件 {view.id}[/]  {view.state_label}（{view.state}）  "
        f"适用规则：{view.rule_set}  版本 {view.version}"
    )
    console.print(
        f"申请人：{f['applicant_name']}  证件：{f['applicant_id_number'] or '—'}  "
        f"电话：{f['applicant_phone'] or '—'}"
    )
    console.print(
        f"收到申请：{f['received_on']}（{f['channel']}）  承办单位：{f['unit'] or '待转办'}"
        f"  结果：{f['outcome'] or '—'}"
    )
    console.print(f"申请内容：{f['request']}")
    clocks = Table("期限", "状态", "起算", "届满", "剩余", "依据", title="期限")
    for c in view.clocks:
        due = str(c.due_on) if c.due_on else (c.due_error or "暂停中")
        clocks.add_row(
            c.label,
            STATUS.get(c.status, c.status),
            str(c.started_on),
            due,
            _days(c.days_left),
            c.basis,
        )
    console.print(clocks)
    events = Table("#", "日期", "动作", "状态变化", "办理人", "内容", title="办理记录")
    for e in view.events:
        payload = {
            k: v
            for k, v in e.payload.items()
            if k not in ("applicant_id_number", "applicant_phone")
        }
        events.add_row(
            str(e.seq),
            str(e.occurred_on),
            e.move,
            f"{e.from_state}→{e.to_state}",
            f"{e.actor_name}（{e.actor_role}）",
            str(payload),
        )
    console.print(events)
    if actor is not None:
        console.print(f"可办理：{'、'.join(view.allowed_moves) or '无'}")


def worklist(
    unit: str = typer.Option(None, "--unit", help="只看该单位（单位代码）。"),
    overdue: bool = typer.Option(False, "--overdue", help="只看已逾期的。"),
    due_within: int = typer.Option(
        None, "--due-within", help="只看 N 个工作日内到期的（含逾期）。"
    ),
    as_of: str = AsOfOption,
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """待办清单：未办结案件按最紧迫的期限排序。

    示例：casework worklist --overdue --as-of 2026-09-30 --db casework-demo.db
    """
    items = open_engine(db).worklist(
        unit=unit, now=_now(as_of), overdue=overdue, due_within=due_within
    )
    if as_json:
        print_json([i.to_dict() for i in items])
        return
    table = Table(
        "案件", "单位", "状态", "申请人", "收到", "期限", "届满", "剩余", title="待办清单"
    )
    for i in items:
        style = "red" if (i.days_left or 0) < 0 else ("yellow" if (i.days_left or 9) <= 3 else "")
        table.add_row(
            str(i.case_id),
            i.unit or "待转办",
            i.state,
            i.applicant_name,
            str(i.received_on),
            i.clock,
            str(i.due_on or "暂停中"),
            _days(i.days_left),
            style=style,
        )
    Console().print(table)
    typer.echo(f"共 {len(items)} 件。")
