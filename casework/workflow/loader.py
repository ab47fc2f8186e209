"""Reading states/*.toml into frozen definitions (the I/O edge of the workflow package).

Flows are read here (states/<flow>.toml), rule books in ``rule_books`` (re-exported). Loading
collects every problem it finds instead of stopping at the first, so that
``casework states check`` can list them all; ``load_*`` raise DefinitionError on any. Every
table is strict: a key it does not declare is a problem naming the file, the table and the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from casework.domain.case import CASE_FIELDS
from casework.domain.roles import ROLES
from casework.domain.rules import RULE_FLAGS, RuleBook
from casework.tomlfiles import Key, Problems, read_toml, table
from casework.workflow.definition import STAY, ClockOp, FlowDef, MoveDef, ParentMove, StateDef
from casework.workflow.fields import PARSERS
from casework.workflow.guards import GUARDS
from casework.workflow.rule_books import (
    FLOW_NAMES,
    REQUIRED_FLOW,
    flow_files,
    load_rule_book,
    load_rule_books,
    parse_rule_set,
    rules_dir,
)

__all__ = [
    "CLOCK_OPS",
    "DETAIL_KINDS",
    "FLOW_NAMES",
    "REQUIRED_FLOW",
    "Problems",
    "check_flow",
    "flow_files",
    "load_flows",
    "load_rule_book",
    "load_rule_books",
    "parse_flow",
    "parse_rule_set",
    "read_toml",
    "rules_dir",
    "unreachable_states",
]

DETAIL_KINDS = frozenset({"text", "date", "int", "bool", "list"})
CLOCK_OPS = frozenset({"start", "pause", "resume", "restart", "extend", "stop", "lapse", "cancel"})

# The keys of every table of a flow file (states/<flow>.toml); a value typed None is checked
# by the parser itself.
FLOW_FILE_KEYS = {
    "flow": Key(dict),
    "states": Key(dict),
    "moves": Key(list),
    "details": Key(dict),
    "maps": Key(dict),
}
FLOW_KEYS = {"name": Key(str), "title": Key(str), "initial": Key(str), "parent": Key(str)}
STATE_KEYS = {"label": Key(str), "final": Key(bool)}
MOVE_KEYS = {
    "name": Key(str),
    "label": Key(str),
    "from": Key(),
    "to": Key(str),
    "when": Key(),
    "requires": Key(),
    "roles": Key(),
    "fields": Key(),
    "optional": Key(),
    "set": Key(),
    "clocks": Key(list),
    "letter": Key(str),
    "parent": Key(),
}
CLOCK_OP_KEYS = {
    "op": Key(str, required=True),
    "clock": Key(str, required=True),
    "reason": Key(str),
    "length": Key((str, int)),
    "unit": Key(str),
    "at": Key(str),
    "if_rule": Key(str),
    "if_input": Key(str),
    "which": Key(str),
    "unless_open": Key(str),
}
PARENT_KEYS = {"move": Key(), "inputs": Key(dict)}


def _names(raw: Any, where: str, key: str, problems: Problems) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problems.add(where, f"{key} 应为字符串列表")
        return ()
    return tuple(raw)


def _table(raw: Any, where: str, key: str, problems: Problems) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.add(where, f'{key} 应为表（如 {{ name = "text" }}），收到 {raw!r}')
        return {}
    return dict(raw)


def _move(raw: Any, index: int, path: str, problems: Problems) -> MoveDef:
    name = str(raw.get("name", f"#{index}")) if isinstance(raw, dict) else f"#{index}"
    where = f"{path} moves[{index}] {name}"
    raw = table(raw, MOVE_KEYS, where, problems)
    clocks = []
    for j, op in enumerate(raw.get("clocks", [])):
        if not isinstance(op, dict):
            problems.add(f"{where} clocks[{j}]", f"期限操作应为表，收到 {op!r}")
            continue
        op = table(op, CLOCK_OP_KEYS, f"{where} clocks[{j}]", problems)
        if "op" in op and "clock" in op:
            clocks.append(ClockOp(**op))
    return MoveDef(
        name=name,
        label=str(raw.get("label", name)),
        sources=_names(raw.get("from"), where, "from", problems),
        dest=str(raw.get("to", "")),
        roles=_names(raw.get("roles"), where, "roles", problems),
        when=_names(raw.get("when"), where, "when", problems),
        requires=_names(raw.get("requires"), where, "requires", problems),
        fields=_table(raw.get("fields"), where, "fields", problems),
        optional=_table(raw.get("optional"), where, "optional", problems),
        sets=_table(raw.get("set"), where, "set", problems),
        clocks=tuple(clocks),
        letter=raw.get("letter"),
        parent=_parent_move(raw.get("parent"), where, problems),
    )


def _parent_move(raw: Any, where: str, problems: Problems) -> ParentMove | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("move"), str):
        problems.add(where, 'parent 应为 { move = "动作", inputs = { ... } }')
        return None
    raw = table(raw, PARENT_KEYS, f"{where} parent", problems)
    return ParentMove(raw["move"], dict(raw.get("inputs", {})))


def parse_flow(raw: dict[str, Any], path: str, problems: Problems) -> FlowDef:
    raw = table(raw, FLOW_FILE_KEYS, path, problems)
    meta = table(raw.get("flow", {}), FLOW_KEYS, f"{path} [flow]", problems)
    states = {}
    for name, s in raw.get("states", {}).items():
        if not isinstance(s, dict):
            problems.add(path, f'状态 {name!r} 应写成表，如 {name} = {{ label = "…" }}')
            s = {}
        s = table(s, STATE_KEYS, f"{path} [states.{name}]", problems)
        states[name] = StateDef(name, str(s.get("label", name)), bool(s.get("final", False)))
    moves = tuple(_move(m, i, path, problems) for i, m in enumerate(raw.get("moves", [])))
    details = dict(raw.get("details", {}))
    for name, kind in details.items():
        if kind not in DETAIL_KINDS or name in CASE_FIELDS:
            problems.add(f"{path} [details]", f"字段 {name} 的类型 {kind!r} 无效或与案件列重名")
    return FlowDef(
        name=str(meta.get("name", Path(path).stem)),
        title=str(meta.get("title", "")),
        initial=str(meta.get("initial", "")),
        states=states,
        moves=moves,
        path=path,
        parent_flow=meta.get("parent"),
        details=details,
        maps={name: dict(m) for name, m in raw.get("maps", {}).items()},
    )


def check_flow(flow: FlowDef, rules: RuleBook, problems: Problems) -> None:
    """Everything a flow file can get wrong that does not need the database."""
    where = flow.path
    if flow.initial not in flow.states:
        problems.add(where, f"初始状态 {flow.initial!r} 不在 [states] 中")
    clock_kinds = {kind for rs in rules.rule_sets for kind in rs.clocks}
    for m in flow.moves:
        mw = f"{where} 动作 {m.name}"
        for s in m.sources:
            if s not in flow.states:
                problems.add(mw, f"未知的起始状态 {s!r}")
        if m.dest != STAY and m.dest not in flow.states:
            problems.add(mw, f"未知的目标状态 {m.dest!r}")
        if not m.sources:
            problems.add(mw, "缺少 from")
        for g in (*m.when, *m.requires):
            if g not in GUARDS:
                problems.add(mw, f"未知的条件（guard） {g!r}")
        if not m.roles:
            problems.add(mw, "缺少 roles")
        for r in m.roles:
            if r not in ROLES:
                problems.add(mw, f"未知的角色 {r!r}")
        for fname, ftype in m.inputs.items():
            if ftype not in PARSERS:
                problems.add(mw, f"输入 {fname} 的类型 {ftype!r} 未知")
        for target, value in m.sets.items():
            if target not in CASE_FIELDS and target not in flow.details:
                problems.add(mw, f"set 的目标 {target!r} 既不是案件字段也不在 [details] 中")
            for problem in _value_problems(value, m, flow):
                problems.add(mw, f"set {target}：{problem}")
        for op in m.clocks:
            if op.op not in CLOCK_OPS:
                problems.add(mw, f"未知的期限操作 {op.op!r}")
            if op.clock != "*" and op.clock not in clock_kinds:
                problems.add(mw, f"未知的期限 {op.clock!r}（规则文件中没有）")
            if op.if_rule is not None and op.if_rule not in RULE_FLAGS:
                problems.add(mw, f"未知的规则开关 {op.if_rule!r}")
            for ref in (op.length, op.unit, op.reason):
                if isinstance(ref, str) and ref.startswith("$") and ref[1:] not in m.inputs:
                    problems.add(mw, f"期限操作引用了未声明的输入 {ref!r}")
            if op.if_input is not None and op.if_input not in m.inputs:
                problems.add(mw, f"if_input 引用了未声明的输入 {op.if_input!r}")
            if op.which is not None and m.inputs.get(op.which.removeprefix("$")) != "int":
                problems.add(
                    mw, f'which 应为本动作的整数输入（如 "$consultation"），收到 {op.which!r}'
                )
            if op.unless_open is not None and op.unless_open not in clock_kinds:
                problems.add(mw, f"unless_open 引用了未知的期限 {op.unless_open!r}")
            if op.at is not None and op.at.startswith("$"):
                if m.inputs.get(op.at[1:]) != "date":
                    problems.add(mw, f"at 引用的 {op.at!r} 不是本动作的日期输入")
            elif op.at is not None:
                how, _, kind = op.at.partition(":")
                if how not in {"due", "earliest", "union"} or kind not in clock_kinds:
                    expected = "due:期限、earliest:期限、union:期限 或 $日期输入"
                    problems.add(mw, f"at 应为 {expected}，收到 {op.at!r}")
    for name in flow.move_names:
        variants = flow.variants(name)
        if any(v.inputs != variants[0].inputs for v in variants):
            problems.add(f"{where} 动作 {name}", "同名动作的各分支必须声明相同的输入")
    for state in unreachable_states(flow):
        problems.add(where, f"状态 {state!r} 无法到达")


def _value_problems(value: Any, move: MoveDef, flow: FlowDef) -> list[str]:
    """What is wrong with a value written in a flow file ("$input", "$parent.x", "map:...")."""
    if not isinstance(value, str) or value == "$on":
        return []
    if value.startswith("map:"):
        parts = value.split(":", 2)
        if len(parts) != 3 or parts[1] not in flow.maps:
            return [f"未知的映射 {value!r}（见 [maps]）"]
        return _value_problems(parts[2], move, flow)
    if value.startswith("$case."):
        name = value[len("$case.") :]
        return [] if name in CASE_FIELDS or name in flow.details else [f"未知的案件字段 {value!r}"]
    if value.startswith("$parent."):
        return [] if flow.parent_flow else [f"{value!r}：本流程没有上级案件（[flow] parent）"]
    if value.startswith("$") and value[1:] not in move.inputs:
        return [f"引用了未声明的输入 {value!r}"]
    return []


def unreachable_states(flow: FlowDef) -> list[str]:
    reached, frontier = {flow.initial}, [flow.initial]
    while frontier:
        state = frontier.pop()
        for m in flow.moves:
            if state in m.sources and m.dest != STAY and m.dest not in reached:
                reached.add(m.dest)
                frontier.append(m.dest)
    return [s for s in flow.states if s not in reached]


def load_flows(
    states_dir: Path,
    rules: dict[str, RuleBook],
    problems: Problems | None = None,
    names: Iterable[str] | None = None,
) -> dict[str, FlowDef]:
    own = problems if problems is not None else Problems()
    files = flow_files(states_dir)
    wanted = list(names) if names is not None else list(files)
    flows = {}
    for name in wanted:
        path = files.get(name, states_dir / f"{name}.toml")
        flow = parse_flow(read_toml(path), str(path), own)
        check_flow(flow, rules.get(name, RuleBook(())), own)
        flows[name] = flow
    for flow in flows.values():
        _check_parent_links(flow, flows, own)
    if problems is None:
        own.raise_if_any(states_dir)
    return flows


def _check_parent_links(flow: FlowDef, flows: dict[str, FlowDef], problems: Problems) -> None:
    links = [(m, m.parent) for m in flow.moves if m.parent is not None]
    if not links:
        return
    parent = flows.get(flow.parent_flow or "")
    if parent is None:
        problems.add(flow.path, f"有 parent 动作，但 [flow] parent = {flow.parent_flow!r} 未知")
        return
    for m, link in links:
        if link.move not in parent.move_names:
            problems.add(
                f"{flow.path} 动作 {m.name}", f"上级流程 {parent.name} 没有动作 {link.move!r}"
            )
