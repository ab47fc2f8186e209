"""A case as callers see it: its clocks with due dates and days left, labels, timeline.

Pure: computed from a snapshot and the workflow in force, no database."""

from __future__ import annotations

from datetime import date

from casework.domain import clocks as clk
from casework.domain.case import CASE_FIELDS, CaseSnapshot
from casework.errors import CaseworkError
from casework.views import CaseView, ClockView, EventView, PauseView
from casework.workflow.apply import Workflow


def clock_views(workflow: Workflow, snap: CaseSnapshot, today: date) -> list[ClockView]:
    book = workflow.rules[snap.flow]
    rules = book.named(snap.rule_set) if snap.rule_set else None
    cal = workflow.calendar
    views = []
    for c in snap.clocks:
        spec = rules.clocks.get(c.kind) if rules else None
        basis = None
        usage = None
        try:
            due = clk.due_date(c, cal)
            left = clk.days_left(c, today, cal) if c.is_open else None
            usage = clk.paused_usage(c, cal)
            due_error = None
            if due is not None:
                basis = cal.provisional_basis(c.started_on, due)
        except CaseworkError as err:  # a year before the calendar: shown, never guessed
            due, left, due_error = None, None, str(err)
        views.append(
            ClockView(
                kind=c.kind,
                label=spec.label if spec else c.kind,
                basis=spec.basis if spec else "",
                nature=spec.nature if spec else "duty",
                unit=c.unit,
                length=c.length,
                started_on=c.started_on,
                extension_days=c.extension_days,
                status=c.status,
                due_on=due,
                days_left=left,
                due_error=due_error,
                pauses=[PauseView(p.reason, p.since, p.until) for p in c.pauses],
                days_used=usage[0] if usage else None,
                days_remaining=usage[1] if usage else None,
                provisional=basis is not None,
                provisional_basis=basis,
            )
        )
    return views


def case_view(
    workflow: Workflow,
    case_id: int,
    version: int,
    snap: CaseSnapshot,
    today: date,
    events: list[EventView] | None = None,
    allowed: list[str] | None = None,
) -> CaseView:
    flow = workflow.flows[snap.flow].flow
    return CaseView(
        id=case_id,
        version=version,
        flow=snap.flow,
        parent_id=snap.parent_id,
        state=snap.state,
        state_label=flow.states[snap.state].label,
        rule_set=snap.rule_set or "",
        fields={name: snap.fields.get(name) for name in CASE_FIELDS},
        details={k: v for k, v in snap.fields.items() if k not in CASE_FIELDS},
        clocks=clock_views(workflow, snap, today),
        events=events or [],
        allowed_moves=allowed or [],
    )
