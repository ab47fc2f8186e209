"""Making a move, purely: check it (``prepare``), then compute the next snapshot (``evolve``).

The same two functions serve the live move and ``casework verify``'s replay of stored events,
so the stored state and clocks can always be re-derived from the event log. A move's inputs
are checked in inputs.py; its clock operations are applied in clock_ops.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from casework.domain.calendar import WorkCalendar
from casework.domain.case import CASE_FIELDS, CaseSnapshot
from casework.domain.roles import ROLES, Actor
from casework.domain.rules import RuleBook, RuleSet
from casework.errors import InvalidInput, MoveNotAllowed, PermissionDenied, RuleViolation
from casework.workflow.clock_ops import PARENT_KEY, apply_clock_op, resolve
from casework.workflow.definition import MoveDef
from casework.workflow.fields import Vocab
from casework.workflow.guards import GUARDS, GuardContext
from casework.workflow.inputs import name_the_clock, parse_inputs
from casework.workflow.machine import FlowMachine


@dataclass(frozen=True)
class Workflow:
    """Everything pure that a move needs besides the case: flows, rules, calendar, units."""

    flows: dict[str, FlowMachine]
    rules: dict[str, RuleBook]  # per flow
    calendar: WorkCalendar
    units: frozenset[str]


@dataclass(frozen=True)
class PreparedMove:
    move: MoveDef
    params: dict[str, Any]
    on: date
    rules: RuleSet
    ctx: GuardContext

    @property
    def letter(self) -> str | None:
        return self.move.letter


def _rules_for(wf: Workflow, case: CaseSnapshot, on: date) -> RuleSet:
    book = wf.rules[case.flow]
    return book.in_force_on(on) if case.rule_set is None else book.named(case.rule_set)


def prepare(
    wf: Workflow,
    case: CaseSnapshot,
    move_name: str,
    actor: Actor,
    raw_params: dict[str, Any],
    on: date,
    today: date | None,
    case_id: int | None = None,
    parent: CaseSnapshot | None = None,
) -> PreparedMove:
    """Check a move completely (role, unit, inputs, dates, legal guards) without changing anything.

    ``today`` is None when replaying stored events: replay re-derives state and clocks from the
    recorded (already normalized) inputs; it does not judge roles or legal guards again, since
    those were judged when the move was made and rule files may have changed since.
    """
    replay = today is None
    machine = wf.flows[case.flow]
    if move_name not in machine.flow.move_names:
        raise MoveNotAllowed(
            f"未知的动作 {move_name!r}；可用：{'、'.join(machine.flow.move_names)}",
            move=move_name,
            case=case_id,
            state=case.state,
            field="move",
            rule="moves of the flow",
        )
    if not replay and actor.role not in ROLES:
        raise InvalidInput(
            f"未知的角色 {actor.role!r}；可用：{'、'.join(ROLES)}",
            field="role",
            move=move_name,
            case=case_id,
            rule="known roles",
        )
    if today is not None and on > today:
        raise InvalidInput(
            f"办理日期 {on} 晚于今天 {today}",
            field="on",
            move=move_name,
            case=case_id,
            rule="a move records an act that has happened",
        )
    if case.last_on is not None and on < case.last_on:
        raise RuleViolation(
            f"办理日期 {on} 早于本案上一环节的日期 {case.last_on}",
            field="on",
            move=move_name,
            case=case_id,
            state=case.state,
            rule="acts of a case are recorded in date order",
        )
    wf.calendar.is_working_day(on)  # a date in an unknown year fails loudly here
    rules = _rules_for(wf, case, on)
    variants = [m for m in machine.flow.variants(move_name) if case.state in m.sources]
    if not variants:
        label = machine.flow.states[case.state].label
        raise MoveNotAllowed(
            f"案件当前状态为“{label}”（{case.state}），不能执行“{move_name}”",
            move=move_name,
            case=case_id,
            state=case.state,
            rule="flow transitions",
        )
    vocab = Vocab(units=wf.units, channels=rules.channels)
    parse = parse_inputs if not replay else lambda m, raw, v, c: dict(raw)
    params = parse(variants[0], raw_params, vocab, case_id)
    if not replay:
        name_the_clock(variants[0], case, params, case_id)
    ctx = GuardContext(case, params, on, rules, wf.calendar, parent, actor)
    chosen = next((m for m in variants if all(GUARDS[g].check(ctx) for g in m.when)), None)
    if chosen is None:
        raise MoveNotAllowed(
            f"“{move_name}”的条件都不满足",
            move=move_name,
            case=case_id,
            state=case.state,
            rule="flow transitions",
        )
    if parent is not None and not replay:
        # What the move copies from the parent case is recorded in the event, so that a
        # replay re-derives the same fields whatever the parent became since.
        copied = _parent_fields(chosen)
        if copied:
            params[PARENT_KEY] = {f: _jsonable(parent.get(f)) for f in copied}
    if not replay:
        _check_actor(chosen, actor, case.unit or params.get("unit"), case_id, case.state)
        for g in chosen.requires:
            if not GUARDS[g].check(ctx):
                raise RuleViolation(
                    GUARDS[g].rule, move=move_name, case=case_id, state=case.state, rule=g
                )
    return PreparedMove(chosen, params, on, rules, ctx)


def _parent_fields(move: MoveDef) -> list[str]:
    prefix = "$parent."
    return [
        v[len(prefix) :] for v in move.sets.values() if isinstance(v, str) and v.startswith(prefix)
    ]


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _check_actor(
    move: MoveDef, actor: Actor, unit: str | None, case_id: int | None, state: str
) -> None:
    role = ROLES[actor.role]
    if actor.role not in move.roles:
        allowed = "、".join(ROLES[r].label for r in move.roles)
        raise PermissionDenied(
            f"{role.label}无权执行“{move.label}”；可执行的角色：{allowed}",
            move=move.name,
            case=case_id,
            state=state,
            field="role",
            rule="roles of the move",
        )
    if role.unit_scoped and unit != actor.unit:
        raise PermissionDenied(
            f"{role.label}只能办理本单位（{actor.unit}）的案件，本案承办单位为 {unit}",
            move=move.name,
            case=case_id,
            state=state,
            field="unit",
            rule="own unit only",
        )


def allowed_moves(
    wf: Workflow,
    case: CaseSnapshot,
    actor: Actor,
    today: date,
    parent: CaseSnapshot | None = None,
) -> list[str]:
    """Moves this actor could make now (guards that need inputs are judged when they are given)."""
    machine = wf.flows[case.flow]
    if case.rule_set is None or actor.role not in ROLES:
        return []
    rules = wf.rules[case.flow].named(case.rule_set)
    ctx = GuardContext(case, {}, today, rules, wf.calendar, parent, actor)
    allowed = []
    for name in machine.moves_from(case.state):
        for m in machine.flow.variants(name):
            if case.state not in m.sources:
                continue
            try:
                _check_actor(m, actor, case.unit, None, case.state)
            except PermissionDenied:
                continue
            if all(GUARDS[g].needs_inputs or GUARDS[g].check(ctx) for g in m.requires):
                allowed.append(name)
                break
    return allowed


# ---------------------------------------------------------------- evolve


def parent_inputs(wf: Workflow, case: CaseSnapshot, p: PreparedMove) -> dict[str, Any]:
    """The inputs of the move a prepared move makes on its parent case (values resolved)."""
    assert p.move.parent is not None
    maps = wf.flows[case.flow].flow.maps
    resolved = {name: resolve(v, p, maps) for name, v in p.move.parent.inputs.items()}
    return {name: value for name, value in resolved.items() if value is not None}


def evolve(wf: Workflow, case: CaseSnapshot, p: PreparedMove) -> CaseSnapshot:
    """The snapshot after a prepared move: state, case fields, clocks, date of the last act."""
    machine = wf.flows[case.flow]
    maps = machine.flow.maps
    state = machine.fire(case.state, p.move.name, p.ctx)
    fields = dict(case.fields)
    for target, value in p.move.sets.items():
        resolved = resolve(value, p, maps)
        if resolved == "":
            resolved = None
        elif target in CASE_FIELDS:
            if CASE_FIELDS[target] == "date" and isinstance(resolved, str):
                resolved = date.fromisoformat(resolved)
        elif isinstance(resolved, date):  # details are stored as JSON
            resolved = resolved.isoformat()
        fields[target] = resolved
    nxt = replace(case, state=state, rule_set=p.rules.name, fields=fields, last_on=p.on)
    for op in p.move.clocks:
        nxt = apply_clock_op(nxt, op, p, wf.calendar, maps)
    return nxt
