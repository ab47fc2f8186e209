"""The text of an escalation notice: the Chinese subject and body (templates/escalation/) and
the outbox rows of one level reached by one clock, one per addressee."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casework.domain import clocks as clk
from casework.errors import DefinitionError
from casework.escalation.routing import describe_route, recipients

if TYPE_CHECKING:
    from casework.escalation.ladder import Level, Rung
    from casework.organisation import Directory
    from casework.workflow.apply import Workflow

CONTEXT = frozenset(
    {
        "recipient_name",
        "level_label",
        "case_id",
        "flow_label",
        "state_label",
        "unit_name",
        "handler",
        "clock_label",
        "basis",
        "due_on",
        "days_overdue",
        "route",
        "as_of",
    }
)
SAMPLE = {
    "recipient_name": "测试",
    "level_label": "到期提醒",
    "case_id": 1,
    "flow_label": "依申请公开申请",
    "state_label": "办理中",
    "unit_name": "区财政局",
    "handler": "李娜",
    "clock_label": "答复期限",
    "basis": "《条例》第三十三条第二款",
    "due_on": "2026-03-30",
    "days_overdue": 1,
    "route": "督查室",
    "as_of": "2026-03-31",
}
MAX_SUBJECT, MAX_BODY = 300, 20_000


class NoticeTemplates:
    """The Chinese subject and body of a notice (templates/escalation/subject.txt, body.txt),
    in Jinja2's sandbox with StrictUndefined; checked when loaded, not at 01:00."""

    def __init__(self, templates_dir: Path) -> None:
        from jinja2 import StrictUndefined, TemplateSyntaxError, meta
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        self._templates = {}
        for name in ("subject", "body"):
            path = templates_dir / "escalation" / f"{name}.txt"
            try:
                source = path.read_text(encoding="utf-8")
                unknown = meta.find_undeclared_variables(env.parse(source)) - CONTEXT
                self._templates[name] = env.from_string(source)
            except (OSError, TemplateSyntaxError) as err:
                raise DefinitionError(f"督办通知模板无法读取：{err}", path=str(path)) from None
            if unknown:
                raise DefinitionError(
                    f"督办通知模板使用了未知的变量 {sorted(unknown)}（可用：{sorted(CONTEXT)}）",
                    path=str(path),
                )
        self.render(SAMPLE)

    def render(self, context: dict[str, Any]) -> tuple[str, str]:
        subject = " ".join(self._templates["subject"].render(context).split())
        body = self._templates["body"].render(context)
        return subject[:MAX_SUBJECT], body[:MAX_BODY]


def notice_rows(
    wf: Workflow,
    d: Directory,
    templates: NoticeTemplates,
    rung: Rung,
    lv: Level,
    r: Any,
    as_of: date,
    now: datetime,
) -> list[dict[str, Any]]:
    """The outbox rows for level ``lv`` reached by the running clock ``r`` (a due-clock row
    with its case's unit, handler, flow, state and rule set), one per addressee."""
    flow = wf.flows[r.flow].flow
    spec = wf.rules[r.flow].named(r.rule_set).clocks.get(rung.kind)
    overdue = -clk.working_days_left(r.due_on, as_of, wf.calendar)
    context = {
        "level_label": lv.label,
        "case_id": r.case_id,
        "flow_label": flow.title,
        "state_label": flow.states[r.state].label if r.state in flow.states else r.state,
        "unit_name": d.units[r.unit].name if r.unit in d.units else "（尚未转办）",
        "handler": r.handler or "（未指定）",
        "clock_label": spec.label if spec else rung.kind,
        "basis": spec.basis if spec else "",
        "due_on": r.due_on.isoformat(),
        "days_overdue": overdue,
        "route": describe_route(d, r.unit),
        "as_of": as_of.isoformat(),
    }
    rows: list[dict[str, Any]] = []
    keys: set[str] = set()
    addresses: set[tuple[str, str]] = set()
    for target in lv.notify:
        for rcp in recipients(d, target, r.unit, r.handler):
            # One notice per addressee: a handler and a head both falling back to the unit's
            # mailbox get one mail, not two.
            if rcp.key in keys or (rcp.channel, rcp.address) in addresses:
                continue
            keys.add(rcp.key)
            addresses.add((rcp.channel, rcp.address))
            subject, body = templates.render({**context, "recipient_name": rcp.name})
            rows.append(
                {
                    "case_id": r.case_id,
                    "channel": rcp.channel,
                    "recipient": rcp.key,
                    "recipient_name": rcp.name[:100],
                    "address": rcp.address[:200],
                    "subject": subject,
                    "body": body,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
    return rows
