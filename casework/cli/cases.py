"""Reading cases: ``casework case show``, ``casework worklist`` and ``casework find``.

Every reading command knows who is reading (CASEWORK_USER or ``--as``): a unit role sees its own
unit's cases only, and applicants' identity and phone numbers are masked unless ``case show
--reveal`` records a reveal event first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from casework.cli.common import DbOption, JsonOption, clerk_console, print_json
from casework.cli.masking import masked, masked_case
from casework.cli.session import AsCode, AsOf, as_of_now, parse_case_id, parse_number, session
from casework.cli.usage import ChineseCommand, ChineseGroup
from casework.glossary import choice_labels, label

if TYPE_CHECKING:
    from casework.cli.session import Session
    from casework.services import Engine

case_app = typer.Typer(
    cls=ChineseGroup, help="案件：查看办理情况、期限和办理记录。", no_args_is_help=True
)

STATUS = {
    "running": "计时中",
    "paused": "暂停",
    "met": "按期",
    "breached": "逾期",
    "lapsed": "期满",
    "cancelled": "终止",
}
DUE_SOON = 3  # working days: shown in yellow
URGENCY_STYLE = {"overdue": "bold red", "due_soon": "yellow", "running": "green", "paused": "dim"}


def urgency(days_left: int | None) -> str:
    """overdue / due_soon (within 3 working days) / running / paused (no due date now)."""
    if days_left is None:
        return "paused"
    if days_left < 0:
        return "overdue"
    return "due_soon" if days_left <= DUE_SOON else "running"


def days_text(left: int | None) -> str:
    if left is None:
        return "—"
    return f"逾期 {-left} 个工作日" if left < 0 else f"剩 {left} 个工作日"


def due_text(due_on: Any, provisional: bool) -> str:
    """A due date as printed: ``2027-01-05（暂定）`` when it is counted over a provisional year."""
    return f"{due_on}（暂定）" if provisional else str(due_on)


def provisional_lines(bases: Iterable[str | None]) -> list[str]:
    """One line per distinct reason why due dates are provisional (none when none is)."""
    return [f"（暂定）{basis}；放假通知登记后重新计算。" for basis in dict.fromkeys(bases) if basis]


def _short_days(left: int | None) -> str:
    if left is None:
        return "—"
    return f"逾期 {-left}" if left < 0 else str(left)


class Labels:
    """Chinese names of what a case view holds in codes."""

    def __init__(self, engine: Engine) -> None:
        from casework.search import unit_names

        self.engine = engine
        self.units = unit_names(engine.db)

    def unit(self, code: str | None) -> str:
        return f"{code} {self.units.get(code, '')}".strip() if code else "待转办"

    def move(self, flow: str, name: str) -> str:
        from casework.replay import RECOMPUTED, RECOMPUTED_LABEL

        if name == RECOMPUTED:  # written by the calendar recompute, no move of the flow
            return RECOMPUTED_LABEL
        variants = self.engine.workflow.flows[flow].flow.variants(name)
        return variants[-1].label if variants else name

    def state(self, flow: str, name: str) -> str:
        states = self.engine.workflow.flows[flow].flow.states
        return states[name].label if name in states else name

    def clock(self, kind: str) -> str:
        for book in self.engine.workflow.rules.values():
            for rules in reversed(book.rule_sets):
                if kind in rules.clocks:
                    return rules.clocks[kind].label
        return kind

    def channel(self, flow: str, rule_set: str, code: str | None) -> str:
        if not code or not rule_set:
            return code or "—"
        spec = self.engine.workflow.rules[flow].named(rule_set).channels.get(code)
        return spec.label if spec else code

    def input_types(self, flow: str) -> dict[str, str]:
        """The type of each input of the flow's moves (``outcome = "reply_outcome"``), and of
        the details derived from them (``first_result`` is a ``result``)."""
        types = {
            n: t for m in self.engine.workflow.flows[flow].flow.moves for n, t in m.inputs.items()
        }
        if "result" in types:
            types.update(first_result=types["result"], final_result=types["result"])
            types["category"] = "result_category"
        return types

    def payload(self, flow: str, rule_set: str, payload: dict[str, Any]) -> str:
        """An event's contents or a case's details as a clerk reads them: Chinese names and
        Chinese values (``办理结果：公开``, not ``outcome: disclosed``). Keys starting with ``_``
        (values copied from the parent case for replay) are left out."""
        types, choices = self.input_types(flow), choice_labels()

        def value(name: str, raw: Any) -> str:
            kind = types.get(name)
            if raw is None:
                return "—"
            if isinstance(raw, bool):
                return "是" if raw else "否"
            if isinstance(raw, list):
                return "、".join(value(name, item) for item in raw)
            if isinstance(raw, dict):  # a recomputed clock: its label and its due dates
                return f"{raw.get('label', '')} {raw.get('due_before')}→{raw.get('due_after')}"
            if kind == "channel":
                return self.channel(flow, rule_set, raw)
            if kind == "unit":
                return self.unit(raw)
            return choices.get(kind or "", {}).get(raw, str(raw))

        return "；".join(
            f"{label(k)}：{value(k, v)}" for k, v in payload.items() if not k.startswith("_")
        )


def _outcome(code: str | None) -> str:
    """An application's outcome, or a proceeding's result category (维持 / 纠正 / 其他)."""
    from casework.domain.outcomes import OUTCOMES
    from casework.domain.vocabulary import RESULT_CATEGORIES

    if code in OUTCOMES:
        return OUTCOMES[code].label
    return RESULT_CATEGORIES.get(code or "", code or "—")


def _clock_left(clock: dict[str, Any]) -> tuple[str, str | None]:
    """The days-left cell and its style. Only the agency's own (duty) periods can be overdue: a
    window or an applicant's period that has ended is just over."""
    left = clock["days_left"]
    if clock["status"] not in ("running", "paused"):
        return "—", None
    if clock["status"] == "paused" and clock.get("days_used") is not None:
        day = "个工作日" if clock["unit"] == "working_days" else "日"
        used, rest = clock["days_used"], clock["days_remaining"]
        return f"已用 {used} {day}，余 {rest} {day}（暂停计时）", URGENCY_STYLE["paused"]
    if left is not None and left < 0 and clock["nature"] != "duty":
        return f"已届满 {-left} 个工作日", "yellow"
    return days_text(left), URGENCY_STYLE[urgency(left)]


def _actor(event: dict[str, Any]) -> str:
    from casework.domain.roles import ROLES

    role = ROLES[event["actor_role"]].label if event["actor_role"] in ROLES else event["actor_role"]
    where = f" {event['actor_unit']}" if event["actor_unit"] else ""
    return f"{event['actor_name']}（{role}{where}）"


def print_case(data: dict[str, Any], labels: Labels, *, timeline: bool = True) -> None:
    """A case for people: header, applicant, clocks, (timeline), moves open to the reader."""
    from casework.cli.actions import command_for
    from casework.domain.vocabulary import APPLICANT_KINDS

    console = clerk_console()
    f, flow = data["fields"], data["flow"]
    console.print(
        f"[bold]案件 {data['id']}[/]  {data['state_label']}  "
        f"适用规则：{data['rule_set']}  版本 {data['version']}"
    )
    kind = APPLICANT_KINDS.get(f["applicant_kind"], f["applicant_kind"])
    console.print(
        f"申请人：{f['applicant_name']}（{kind}）  证件：{f['applicant_id_number'] or '—'}  "
        f"电话：{f['applicant_phone'] or '—'}  通信地址：{f['applicant_contact'] or '—'}"
    )
    console.print(
        f"收到申请：{f['received_on']}（{labels.channel(flow, data['rule_set'], f['channel'])}）"
        f"  承办单位：{labels.unit(f['unit'])}  承办人：{f['handler'] or '—'}"
        f"  结果：{_outcome(f['outcome'])}"
    )
    console.print(f"申请内容：{f['request']}")
    if data["details"]:
        details = labels.payload(flow, data["rule_set"], data["details"])
        console.print(f"详情：{details}", soft_wrap=True, markup=False)
    clocks = Table(title="期限")
    for column in ("期限", "状态", "起算", "届满", "剩余"):
        clocks.add_column(column, no_wrap=True)
    clocks.add_column("依据")
    for c in data["clocks"]:
        left, style = _clock_left(c)
        clocks.add_row(
            c["label"],
            STATUS.get(c["status"], c["status"]),
            c["started_on"],
            due_text(c["due_on"], c["provisional"]) if c["due_on"] else c["due_error"] or "暂停中",
            left,
            c["basis"],
            style=style,
        )
    console.print(clocks)
    for line in provisional_lines(c["provisional_basis"] for c in data["clocks"]):
        console.print(line, soft_wrap=True, markup=False)
    if timeline:
        console.print("[bold]办理记录[/]")
        for e in data["events"]:
            change = f"{labels.state(flow, e['from_state'])}→{labels.state(flow, e['to_state'])}"
            console.print(
                f"{e['seq']:>3}. {e['occurred_on']}  {labels.move(flow, e['move'])}  {change}  "
                f"{_actor(e)}",
                soft_wrap=True,
            )
            if e["payload"]:
                contents = labels.payload(flow, data["rule_set"], e["payload"])
                console.print(f"     {contents}", soft_wrap=True, markup=False)
    allowed = data["allowed_moves"]
    console.print("你可以办理：" + ("" if allowed else "无"))
    for move in allowed:
        console.print(
            f"  {labels.move(flow, move)}：{command_for(flow, move, data['id'])}",
            soft_wrap=True,
            markup=False,
        )


def case_json(data: dict[str, Any], *, masked_view: bool = True) -> dict[str, Any]:
    """The documented ``case`` JSON (schema: casework schema case)."""
    return {**(masked_case(data) if masked_view else data), "masked": masked_view}


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
        from casework.identity import check_can_read

        engine, actor = s.engine, s.identity.actor
        view = engine.case(case_id, actor=actor, now=now)
        check_can_read(s.identity, view.fields.get("unit"), case_id)
        if reveal:
            engine.move(case_id, "reveal", actor, on=as_of, purpose=purpose)
            view = engine.case(case_id, actor=actor, now=now)
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
    within = parse_number(due_within, "due_within", "天数", minimum=0)
    now = as_of_now(as_of)
    with session(db, as_code) as s:
        engine, identity = s.engine, s.identity
        scope = _scope(s, unit)
        if state is not None:
            _check_state(engine, state)
        line_units = _line_units(s, line, my_line)
        items = engine.worklist(unit=scope, now=now, overdue=overdue, due_within=within)
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
                _short_days(r["days_left"]),
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


def _scope(s: Session, unit: str | None) -> str | None:
    """The unit a list shows for this reader (see identity.reading_scope), checked to exist."""
    from casework.errors import InvalidInput
    from casework.identity import reading_scope

    scope = reading_scope(s.identity, unit)
    if scope is not None and scope not in s.engine.workflow.units:
        raise InvalidInput(f"unit：未知的单位代码 {scope!r}", field="unit", rule="known unit")
    return scope


def _line_units(s: Session, line: str | None, mine: bool) -> set[str] | None:
    """The units of the line asked for (``--line`` or ``--my-line``); None when not asked."""
    from casework.errors import InvalidInput, PermissionDenied
    from casework.organisation import directory_in_force, units_of_line

    if line is None and not mine:
        return None
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
    from casework.errors import InvalidInput
    from casework.search import DEFAULT_LIMIT, Criteria, find_cases
    from casework.workflow.fields import parse_date

    start = parse_date("from", received_from) if received_from else None
    end = parse_date("to", received_to) if received_to else None
    if start and end and start > end:
        raise InvalidInput(
            f"from：起始日期 {start} 晚于截止日期 {end}", field="from", rule="from ≤ to"
        )
    count = parse_number(limit, "limit", "件数")
    with session(db, as_code) as s:
        scope = _scope(s, unit)
        criteria = Criteria(applicant, text, start, end, scope, count or DEFAULT_LIMIT)
        found = find_cases(s.engine.db, criteria)
        labels = Labels(s.engine)
        rows = [
            {**masked(c.to_dict()), "state_label": labels.state(c.flow, c.state)} for c in found
        ]
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
                _outcome(r["outcome"]),
            )
        clerk_console().print(table)
        typer.echo(f"共 {len(rows)} 件。")
