"""What ``evolve`` (apply.py) reads and does: a value of the flow file resolved against the
prepared move ("$on", "$input", "$case.field", "$parent.field", "map:NAME:..."), and each clock
operation of the move (start, pause, resume, restart, extend, stop, lapse, cancel) applied to
the snapshot. Pure, like apply.py.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from casework.domain import clocks as clk
from casework.domain.case import CaseSnapshot
from casework.errors import DefinitionError
from casework.workflow.definition import ClockOp

if TYPE_CHECKING:  # a type only: apply.py imports this module, not the other way round
    from casework.workflow.apply import PreparedMove

PARENT_KEY = "_parent"  # event payload key holding the values copied from the parent case


def resolve(value: Any, p: PreparedMove, maps: dict[str, dict[str, str]]) -> Any:
    """A value in a flow file: "$on", "$input", "$case.field", "$parent.field", "map:NAME:..."."""
    if not isinstance(value, str):
        return value
    if value == "$on":
        return p.on
    if value.startswith("map:"):
        _, name, ref = value.split(":", 2)
        return maps[name].get(resolve(ref, p, maps))
    if value.startswith("$case."):
        return p.ctx.case.fields.get(value[len("$case.") :])
    if value.startswith("$parent."):
        return p.params.get(PARENT_KEY, {}).get(value[len("$parent.") :])
    if value.startswith("$"):
        return p.params.get(value[1:])
    return value


def _union_end(
    case: CaseSnapshot, kind: str, target: clk.Clock, on: date, calendar: clk.Calendar
) -> date:
    """Where a pause made for several clocks of ``kind`` ends: the latest end among those that
    started during ``target``'s current pause (each ends on the day it was closed, or on its
    due date if that came first). The paused time is the union of their periods."""
    since = target.pauses[-1].since if target.pauses else None
    ends = [
        min(c.stopped_on, clk.due_date(c, calendar) or c.stopped_on)
        for c in case.clocks
        if c.kind == kind
        and not c.is_open
        and c.stopped_on is not None
        and (since is None or c.started_on >= since)
    ]
    return max(ends, default=on)


def _at(
    op: ClockOp,
    case: CaseSnapshot,
    p: PreparedMove,
    calendar: clk.Calendar,
    target: clk.Clock | None = None,
) -> date:
    """The date a clock op takes effect: the act's date unless the flow says otherwise."""
    if op.at is None:
        return p.on
    if op.at.startswith("$"):
        given = p.params.get(op.at[1:])
        return date.fromisoformat(given) if given else p.on
    how, _, kind = op.at.partition(":")
    if how == "union" and target is not None:
        return _union_end(case, kind, target, p.on, calendar)
    other = case.latest_clock(kind)
    due = clk.due_date(other, calendar) if other is not None else None
    if due is None:
        return p.on
    return due if how == "due" else min(p.on, due)


def _target(
    case: CaseSnapshot, kind: str, op: ClockOp, p: PreparedMove
) -> tuple[int, clk.Clock] | None:
    """The open clock an op acts on: the one its ``which`` input names, else the latest open.
    (Events recorded before consultations were named carry no such input: the latest.)"""
    n = p.params.get(op.which.removeprefix("$")) if op.which is not None else None
    if n is None:
        return case.open_clock(kind)
    found = case.nth_clock(kind, int(n))
    return found if found is not None and found[1].is_open else None


def apply_clock_op(
    case: CaseSnapshot,
    op: ClockOp,
    p: PreparedMove,
    calendar: clk.Calendar,
    maps: dict[str, dict[str, str]],
) -> CaseSnapshot:
    rules = p.rules
    if op.if_rule is not None and not rules.flag(op.if_rule):
        return case
    if op.if_input is not None and p.params.get(op.if_input) is None:
        return case
    if op.op == "start":
        spec = rules.clocks.get(op.clock)
        if spec is None:
            return case  # this rule set has no such period (e.g. 2008: no correction limit)
        length = resolve(op.length, p, maps) or spec.length
        if length is None:  # a flow file error: neither the rule set nor the move gives one
            raise DefinitionError(
                f"动作 {p.move.name} 开始的期限 {op.clock} 没有天数（规则与流程均未给出 length）",
                field="length",
                rule="a started clock has a length",
            )
        unit = resolve(op.unit, p, maps) or spec.unit
        at = _at(op, case, p, calendar)
        return case.with_clock(None, clk.start(op.clock, unit, int(length), at))
    if op.unless_open is not None and case.open_count(op.unless_open):
        return case
    kinds = [c.kind for c in case.clocks if c.is_open] if op.clock == "*" else [op.clock]
    for kind in dict.fromkeys(kinds):
        found = _target(case, kind, op, p)
        if found is None:
            continue
        index, clock = found
        at = _at(op, case, p, calendar, clock)
        if op.op == "pause":
            reason = resolve(op.reason, p, maps) or "pause"
            if clock.status == "paused" or reason not in rules.pausing_reasons:
                continue
            clock = clk.pause(clock, at, reason)
        elif op.op == "resume":
            if clock.status != "paused":
                continue
            clock = clk.resume(clock, at)
        elif op.op == "restart":
            clock = clk.restart(clock, at)
        elif op.op == "extend":
            clock = clk.extend(clock, rules.clocks[kind].extension or 0)
        elif op.op == "stop":
            clock = clk.stop(clock, at, calendar)
        elif op.op == "lapse":
            clock = clk.close(clock, at, "lapsed")
        else:  # cancel
            clock = clk.close(clock, at, "cancelled")
        case = case.with_clock(index, clock)
    return case
