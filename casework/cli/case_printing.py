"""How a case reads to a clerk: Chinese labels, clock status and urgency, the printed case.

Shared by the reading commands (cases.py), the moves (action_commands.py), the proceedings and
the demo.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from casework.cli.common import clerk_console
from casework.glossary import choice_labels, label

if TYPE_CHECKING:
    from casework.engine import Engine

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


def short_days(left: int | None) -> str:
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


def outcome_text(code: str | None) -> str:
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
    from rich.table import Table

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
        f"  结果：{outcome_text(f['outcome'])}"
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
    """The documented ``case`` JSON (schema: casework schema case) of a view the engine gave:
    ``masked_view`` says whether it was masked (it is, unless revealed)."""
    return {**data, "masked": masked_view}
