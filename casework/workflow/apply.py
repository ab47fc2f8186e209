"""Making a move, purely: check it (``prepare``), then compute the next snapshot (``evolve``).

The same two functions serve the live move and ``casework verify``'s replay of stored events,
so the stored state and clocks can always be re-derived from the event log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from casework.domain import clocks as clk
from casework.domain.case import CASE_FIELDS, CaseSnapshot
from casework.domain.roles import ROLES, Actor
from casework.domain.rules import RuleBook, RuleSet
from casework.errors import InvalidInput, MoveNotAllowed, PermissionDenied, RuleViolation
from casework.workflow.definition import ClockOp, MoveDef
from casework.workflow.fields import PARSERS, Vocab
from casework.workflow.guards import GUARDS, GuardContext
from casework.workflow.machine import FlowMachine


@dataclass(frozen=True)
class Workflow:
    """Everything pure that a move needs besides the case: flows, rules, calendar, units."""

    flows: dict[str, FlowMachine]
    rules: dict[str, RuleBook]  # per flow
    calendar: Any  # casework.domain.calendar.WorkCalendar
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


def _parse_inputs(
    move: MoveDef, raw: dict[str, Any], vocab: Vocab, case_id: int | None
) -> dict[str, Any]:
    unknown = sorted(set(raw) - set(move.inputs))
    if unknown:
        raise InvalidInput(
            f"动作 {move.name} 不接受输入 {'、'.join(unknown)}；可用：{'、'.join(move.inputs)}",
            field=unknown[0],
            move=move.name,
            case=case_id,
            rule="declared inputs of the move",
        )
    params: dict[str, Any] = {}
    for name, ftype in move.inputs.items():
        value = raw.get(name)
        if value is None or value == "":
            if name in move.fields:
                raise InvalidInput(
                    f"动作 {move.name} 缺少必填项 {name}",
                    field=name,
                    move=move.name,
                    case=case_id,
                    rule="required input",
                )
            continue
        try:
            _check_characters(name, value)
            params[name] = PARSERS[ftype](name, value, vocab)
            _check_length(name, params[name])
        except TypeError:  # e.g. a list or a dict where a name was expected: unhashable
            raise InvalidInput(
                f"{name}：类型不对，收到 {type(value).__name__} {value!r}",
                field=name,
                move=move.name,
                case=case_id,
                rule=f"input of type {ftype}",
            ) from None
        except InvalidInput as err:
            err.move, err.case = move.name, case_id
            raise
    return params


# Inputs stored in case columns of a fixed width (store/tables.py): longer is refused here, the
# same on SQLite (which would store it) and PostgreSQL (which would raise DataError).
COLUMN_LIMITS = {
    "applicant_name": 200,
    "applicant_id_number": 64,
    "applicant_phone": 64,
    "applicant_contact": 400,
    "handler": 50,
}


def _check_characters(name: str, value: Any) -> None:
    """No NUL, no lone surrogate (not encodable), no control character but newline and tab."""
    texts = value if isinstance(value, list | tuple) else [value]
    for text in texts:
        if isinstance(text, str) and any(
            (ord(c) < 32 and c not in "\n\t") or 0xD800 <= ord(c) <= 0xDFFF or c == "\x7f"
            for c in text
        ):
            raise InvalidInput(
                f"{name}：含有不允许的字符（控制字符、NUL 或无法编码的代理字符）",
                field=name,
                rule="printable text",
            )


def _check_length(name: str, value: Any) -> None:
    limit = COLUMN_LIMITS.get(name)
    if limit is not None and isinstance(value, str) and len(value) > limit:
        raise InvalidInput(
            f"{name}：超过 {limit} 字（{len(value)} 字）", field=name, rule="text length"
        )


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
    parse = _parse_inputs if not replay else lambda m, raw, v, c: dict(raw)
    params = parse(variants[0], raw_params, vocab, case_id)
    if not replay:
        _name_the_clock(variants[0], case, params, case_id)
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


def _name_the_clock(
    move: MoveDef, case: CaseSnapshot, params: dict[str, Any], case_id: int | None
) -> None:
    """Fill in the number of the clock a ``which`` op acts on when only one of its kind is
    open, so that the event always names it; refuse when several are open and none is named."""
    for op in move.clocks:
        name = op.which.removeprefix("$") if op.which is not None else None
        if name is None or params.get(name) is not None:
            continue
        numbers = [
            n
            for n, c in enumerate((c for c in case.clocks if c.kind == op.clock), start=1)
            if c.is_open
        ]
        if len(numbers) == 1:
            params[name] = numbers[0]
        elif numbers:
            raise InvalidInput(
                f"动作 {move.name} 须指明 {name}：有 {len(numbers)} 个未结的{op.clock}，"
                f"编号 {'、'.join(map(str, numbers))}",
                field=name,
                move=move.name,
                case=case_id,
                state=case.state,
                rule="each answer names the consultation it closes",
            )


PARENT_KEY = "_parent"  # event payload key holding the values copied from the parent case


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


def _resolve(value: Any, p: PreparedMove, maps: dict[str, dict[str, str]]) -> Any:
    """A value in a flow file: "$on", "$input", "$case.field", "$parent.field", "map:NAME:..."."""
    if not isinstance(value, str):
        return value
    if value == "$on":
        return p.on
    if value.startswith("map:"):
        _, name, ref = value.split(":", 2)
        return maps[name].get(_resolve(ref, p, maps))
    if value.startswith("$case."):
        return p.ctx.case.fields.get(value[len("$case.") :])
    if value.startswith("$parent."):
        return p.params.get(PARENT_KEY, {}).get(value[len("$parent.") :])
    if value.startswith("$"):
        return p.params.get(value[1:])
    return value


def parent_inputs(wf: Workflow, case: CaseSnapshot, p: PreparedMove) -> dict[str, Any]:
    """The inputs of the move a prepared move makes on its parent case (values resolved)."""
    assert p.move.parent is not None
    maps = wf.flows[case.flow].flow.maps
    resolved = {name: _resolve(v, p, maps) for name, v in p.move.parent.inputs.items()}
    return {name: value for name, value in resolved.items() if value is not None}


def _union_end(case: CaseSnapshot, kind: str, target: clk.Clock, on: date, calendar: Any) -> date:
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
    calendar: Any,
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


def _apply_clock_op(
    case: CaseSnapshot, op: ClockOp, p: PreparedMove, calendar: Any, maps: dict[str, Any]
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
        length = _resolve(op.length, p, maps) or spec.length
        unit = _resolve(op.unit, p, maps) or spec.unit
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
            reason = _resolve(op.reason, p, maps) or "pause"
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


def evolve(wf: Workflow, case: CaseSnapshot, p: PreparedMove) -> CaseSnapshot:
    """The snapshot after a prepared move: state, case fields, clocks, date of the last act."""
    machine = wf.flows[case.flow]
    maps = machine.flow.maps
    state = machine.fire(case.state, p.move.name, p.ctx)
    fields = dict(case.fields)
    for target, value in p.move.sets.items():
        resolved = _resolve(value, p, maps)
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
        nxt = _apply_clock_op(nxt, op, p, wf.calendar, maps)
    return nxt
