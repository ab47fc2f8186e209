"""Reading cases: ``casework case show``, ``casework worklist`` and ``casework find``.

Every reading command knows who is reading (CASEWORK_USER or ``--as``): a unit role sees its own
unit's cases only, and applicants' identity and phone numbers are masked unless ``case show
--reveal`` records a reveal event first.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from casework.cli.case_printing import (
    URGENCY_STYLE,
    Labels,
    case_json,
    due_text,
    outcome_text,
    print_case,
    short_days,
    urgency,
)
from casework.cli.common import DbOption, JsonOption, clerk_console, print_json
from casework.cli.session import AsCode, AsOf, as_of_now, parse_case_id, parse_number, session
from casework.cli.usage import ChineseCommand, ChineseGroup

if TYPE_CHECKING:
    from casework.cli.session import Session
    from casework.engine import Engine

case_app = typer.Typer(
    cls=ChineseGroup, help="案件：查看办理情况、期限和办理记录。", no_args_is_help=True
)


@case_app.command("show", cls=ChineseCommand)
def show(
    case: Annotated[str, typer.Argument(metavar="CASE", help="案件编号。")],
    reveal: Annotated[
        bool,
        typer.Option(
            "--reveal",
            help="显示申请人完整的证件号码和电话（须有权限并填写 --purpose；记入办理记录）。",
        ),
    ] = False,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="查看完整身份信息的目的（与 --reveal 同用）。")
    ] = None,
    as_of: AsOf = None,
    as_code: AsCode = None,
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """显示案件：状态、承办单位、承办人、各项期限（届满日与剩余工作日）、完整的办理记录，
    以及当前用户可以办理的下一步动作和对应命令。

    申请人证件号码和电话默认打码。--reveal 先记录一条“查看申请人完整身份信息”的办理记录
    （须填写 --purpose），再显示完整信息；审计查阅人员等无权角色会被拒绝。

    示例：casework case show 12 --as-of 2026-03-20

    示例：casework case show 12 --reveal --purpose "电话联系申请人补正"
    """
    case_id = parse_case_id(case)
    now = as_of_now(as_of)
    with session(db, as_code) as s:
        engine, actor = s.engine, s.identity.actor
        # A reveal without a purpose is refused by the reveal move (its purpose is required).
        shown = (purpose or "") if reveal else None
        view = engine.case(case_id, actor=actor, now=now, reveal=shown)
        data = case_json(view.to_dict(), masked_view=not reveal)
        if as_json:
            print_json(data)
        else:
            print_case(data, Labels(engine))


def worklist(
    mine: Annotated[bool, typer.Option("--mine", help="只看承办人是我的案件。")] = False,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="只看该单位（单位代码）；承办单位的人员默认且只能看本单位。"),
    ] = None,
    line: Annotated[
        str | None,
        typer.Option(
            "--line",
            help="只看某战线的单位：战线代码（如 line1）、战线副主任或分管副区长的代码或姓名。",
        ),
    ] = None,
    my_line: Annotated[
        bool, typer.Option("--my-line", help="只看我（战线副主任）负责的战线的单位。")
    ] = False,
    state: Annotated[
        str | None, typer.Option("--state", help="只看处于该状态的案件，如 in_progress。")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看已逾期的。")] = False,
    due_within: Annotated[
        str | None,
        typer.Option("--due-within", metavar="N", help="只看 N 个工作日内到期的（含已逾期）。"),
    ] = None,
    as_of: AsOf = None,
    as_code: AsCode = None,
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """待办清单：未办结的案件按最紧迫的期限排序（逾期最久的在前，暂停计时的在后），
    红色为已逾期，黄色为 3 个工作日内到期，灰色为暂停计时。

    范围：承办单位的人员默认看本单位；其他角色默认看全区，可用 --unit 限定；--mine 只看
    承办人是自己的案件；--line、--my-line 按战线（组织目录中分管副区长的单位）查看。

    示例：casework worklist --overdue --as-of 2026-09-30

    示例：casework worklist --mine --due-within 5 --json

    示例：casework worklist --my-line --overdue
    """
    from rich.table import Table

    from casework.engine.access import reading_scope

    within = parse_number(due_within, "due_within", "天数", minimum=0)
    now = as_of_now(as_of)
    with session(db, as_code) as s:
        engine, identity = s.engine, s.identity
        scope = reading_scope(identity.actor, unit, engine.workflow.units)
        if state is not None:
            _check_state(engine, state)
        line_units = _line_units(s, line, my_line)
        items = engine.worklist(
            actor=identity.actor, unit=scope, now=now, overdue=overdue, due_within=within
        )
        if line_units is not None:
            items = [i for i in items if i.unit in line_units]
        if state is not None:
            items = [i for i in items if i.state == state]
        if mine:
            from casework.search import cases_handled_by

            person = identity.person
            handled = cases_handled_by(engine.db, {person.name, person.code})
            items = [i for i in items if i.case_id in handled]
        labels = Labels(engine)
        rows = [
            {
                **i.to_dict(),
                "state_label": labels.state(i.flow, i.state),
                "urgency": urgency(i.days_left),
            }
            for i in items
        ]
        as_of_day = (now.date() if now else _today()).isoformat()
        if as_json:
            print_json(
                {
                    "as_of": as_of_day,
                    "scope": {
                        "unit": scope,
                        "line": line,
                        "my_line": my_line,
                        "mine": mine,
                        "state": state,
                        "overdue": overdue,
                        "due_within": within,
                    },
                    "count": len(rows),
                    "items": rows,
                }
            )
            return
        table = Table(title=f"待办清单（截至 {as_of_day}）")
        for column in ("案件", "单位", "状态", "申请人", "期限", "届满", "剩余工作日"):
            table.add_column(column, no_wrap=column != "申请人")
        for r in rows:
            table.add_row(
                str(r["case_id"]),
                labels.unit(r["unit"]),
                r["state_label"],
                r["applicant_name"],
                labels.clock(r["clock"]),
                due_text(r["due_on"], r["provisional"]) if r["due_on"] else "暂停中",
                short_days(r["days_left"]),
                style=URGENCY_STYLE[r["urgency"]],
            )
        clerk_console().print(table)
        typer.echo(f"共 {len(rows)} 件。")
        if any(r["provisional"] for r in rows):
            typer.echo(
                "标“暂定”的届满日跨入放假通知尚未登记的年度，按《全国年节及纪念日放假办法》推算，"
                "通知登记后重新计算；依据见 casework case show。"
            )


def _today() -> date:
    from datetime import datetime

    from casework.settings import TIMEZONE

    return datetime.now(TIMEZONE).date()


def _line_units(s: Session, line: str | None, mine: bool) -> set[str] | None:
    """The units of the line asked for (``--line`` or ``--my-line``); None when not asked."""
    if line is None and not mine:
        return None
    from casework.errors import InvalidInput, PermissionDenied
    from casework.organisation import directory_in_force, units_of_line

    identity = s.identity
    if identity.unit_scoped:
        raise PermissionDenied(
            f"{identity.role_label}只能查看本单位的案件，不能按战线查看",
            field="line",
            rule="own unit only",
        )
    directory = directory_in_force(s.engine.db, s.engine.settings.states_dir)
    if line is not None:
        return set(units_of_line(directory, line))  # an unknown line is refused there
    codes = [ln.code for ln in directory.lines.values() if ln.deputy == identity.person.code]
    if not codes:
        raise InvalidInput(
            f"--my-line：{identity.person.name}不是组织目录中任何战线的战线副主任",
            field="my_line",
            rule="lines of the directory",
        )
    return {u for code in codes for u in units_of_line(directory, code)}


def _check_state(engine: Engine, state: str) -> None:
    from casework.errors import InvalidInput

    known = {s for m in engine.workflow.flows.values() for s in m.flow.states}
    if state not in known:
        raise InvalidInput(
            f"state：未知的状态 {state!r}；可选：{'、'.join(sorted(known))}",
            field="state",
            rule="states of the flows",
        )


def find(
    applicant: Annotated[
        str | None,
        typer.Option("--applicant", help="申请人：姓名或名称的一部分，或完整的证件号码、电话。"),
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="申请内容中的文字。")] = None,
    received_from: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="收到申请日期不早于（YYYY-MM-DD）。"),
    ] = None,
    received_to: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="收到申请日期不晚于（YYYY-MM-DD）。")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="承办单位代码。")] = None,
    limit: Annotated[
        str | None, typer.Option("--limit", metavar="N", help="最多列出多少件（默认 50）。")
    ] = None,
    as_code: AsCode = None,
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """查找案件：按申请人、申请内容、收到申请日期范围查找，最新收到的在前。

    承办单位的人员只能查到本单位的案件。证件号码和电话打码显示。

    示例：casework find --applicant 张三 --from 2026-01-01 --to 2026-06-30

    示例：casework find --text 预算 --unit czj --json
    """
    from rich.table import Table

    from casework.engine.access import reading_scope
    from casework.errors import InvalidInput
    from casework.search import DEFAULT_LIMIT, Criteria
    from casework.workflow.fields import parse_date

    start = parse_date("from", received_from) if received_from else None
    end = parse_date("to", received_to) if received_to else None
    if start and end and start > end:
        raise InvalidInput(
            f"from：起始日期 {start} 晚于截止日期 {end}", field="from", rule="from ≤ to"
        )
    count = parse_number(limit, "limit", "件数")
    with session(db, as_code) as s:
        criteria = Criteria(applicant, text, start, end, unit, count or DEFAULT_LIMIT)
        found = s.engine.find(criteria, actor=s.identity.actor)
        scope = reading_scope(s.identity.actor, unit, s.engine.workflow.units)
        labels = Labels(s.engine)
        rows = [{**c.to_dict(), "state_label": labels.state(c.flow, c.state)} for c in found]
        if as_json:
            print_json(
                {
                    "criteria": {
                        "applicant": applicant,
                        "text": text,
                        "from": start,
                        "to": end,
                        "unit": scope,
                        "limit": criteria.limit,
                    },
                    "count": len(rows),
                    "cases": rows,
                }
            )
            return
        table = Table("案件", "收到", "状态", "单位", "申请人", "证件", "申请内容", "结果")
        for r in rows:
            table.add_row(
                str(r["case_id"]),
                r["received_on"],
                r["state_label"],
                labels.unit(r["unit"]),
                r["applicant_name"],
                r["applicant_id_number"] or "—",
                r["request"],
                outcome_text(r["outcome"]),
            )
        clerk_console().print(table)
        typer.echo(f"共 {len(rows)} 件。")
