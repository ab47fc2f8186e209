"""Reading states/*.toml into frozen definitions (the I/O edge of the workflow package).

Loading collects every problem it finds instead of stopping at the first, so that
``casework states check`` can list them all; ``load_*`` raise DefinitionError on any.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from casework.domain.case import CASE_FIELDS
from casework.domain.clocks import UNITS
from casework.domain.roles import ROLES
from casework.domain.rules import (
    CLOCK_NATURES,
    RULE_FLAGS,
    ChannelSpec,
    ClockSpec,
    RuleBook,
    RuleSet,
)
from casework.errors import DefinitionError
from casework.workflow.definition import STAY, ClockOp, FlowDef, MoveDef, ParentMove, StateDef
from casework.workflow.fields import PARSERS
from casework.workflow.guards import GUARDS

FLOW_NAMES = ("application", "review", "lawsuit")
REQUIRED_FLOW = "application"
DETAIL_KINDS = frozenset({"text", "date", "int", "bool", "list"})
CLOCK_OPS = frozenset({"start", "pause", "resume", "restart", "extend", "stop", "lapse", "cancel"})


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise DefinitionError("文件不存在", path=str(path)) from None
    except tomllib.TOMLDecodeError as err:
        raise DefinitionError(f"TOML 语法错误：{err}", path=str(path)) from None


class Problems(list[str]):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")

    def raise_if_any(self, path: Path) -> None:
        if self:
            raise DefinitionError("；".join(self), path=str(path))


# ---------------------------------------------------------------- rule sets


def _clock_spec(kind: str, raw: dict[str, Any], where: str, problems: Problems) -> ClockSpec:
    unit = raw.get("unit", "working_days")
    if unit not in UNITS:
        problems.add(where, f"未知的期限单位 {unit!r}（working_days 或 calendar_days）")
    length = raw.get("length")
    if length is not None and (not isinstance(length, int) or length < 1):
        problems.add(where, f"length 应为正整数，收到 {length!r}")
    if not raw.get("basis"):
        problems.add(where, "缺少 basis（法律依据）")
    nature = raw.get("nature", "duty")
    if nature not in CLOCK_NATURES:
        problems.add(where, f"nature 应为 {'、'.join(sorted(CLOCK_NATURES))}，收到 {nature!r}")
    return ClockSpec(
        kind=kind,
        label=str(raw.get("label", kind)),
        unit=unit,
        length=length,
        basis=str(raw.get("basis", "")),
        nature=nature,
        extension=raw.get("extension"),
        extension_basis=raw.get("extension_basis"),
    )


def parse_rule_set(
    raw: dict[str, Any],
    local: dict[str, Any],
    where: str,
    problems: Problems,
    need_channels: bool = True,
) -> RuleSet:
    for key in ("name", "title", "effective_from"):
        if key not in raw:
            problems.add(where, f"缺少 {key}")
    effective = raw.get("effective_from")
    if not isinstance(effective, date):
        problems.add(where, "effective_from 应为日期（如 2019-05-15）")
        effective = date.min
    clocks_raw = {k: dict(v) for k, v in raw.get("clocks", {}).items()}
    # District rules (states/local.toml) add or override clock figures in every rule set.
    for kind, override in local.get("clocks", {}).items():
        clocks_raw[kind] = {**clocks_raw.get(kind, {}), **override}
    clocks = {
        kind: _clock_spec(kind, spec, f"{where} [clocks.{kind}]", problems)
        for kind, spec in clocks_raw.items()
    }
    channels = {
        code: ChannelSpec(
            code, str(c.get("label", code)), str(c.get("receipt", "")), str(c.get("basis", ""))
        )
        for code, c in raw.get("channels", {}).items()
    }
    if need_channels and not channels:
        problems.add(where, "缺少 [channels.*]（各申请渠道的收到申请日期规则）")
    return RuleSet(
        name=str(raw.get("name", "")),
        title=str(raw.get("title", "")),
        effective_from=effective,
        pausing_reasons=frozenset(raw.get("pausing_reasons", [])),
        restart_on_correction=bool(raw.get("restart_on_correction", False)),
        processing_fee_allowed=bool(raw.get("processing_fee_allowed", False)),
        clocks=clocks,
        channels=channels,
    )


def rules_dir(states_dir: Path, flow: str) -> Path:
    """Application rule sets sit in states/rules/; other flows' in states/rules/<flow>/."""
    return states_dir / "rules" if flow == REQUIRED_FLOW else states_dir / "rules" / flow


def load_rule_book(
    states_dir: Path, problems: Problems | None = None, flow: str = REQUIRED_FLOW
) -> RuleBook:
    own = problems if problems is not None else Problems()
    local_path = states_dir / "local.toml"
    local = read_toml(local_path) if local_path.exists() and flow == REQUIRED_FLOW else {}
    directory = rules_dir(states_dir, flow)
    files = sorted(directory.glob("*.toml"))
    if not files:
        own.add(str(directory), "没有任何规则文件")
    sets = tuple(
        parse_rule_set(read_toml(p), local, str(p), own, need_channels=flow == REQUIRED_FLOW)
        for p in files
    )
    names = [rs.name for rs in sets]
    for name in {n for n in names if names.count(n) > 1}:
        own.add(str(directory), f"规则版本 {name} 重复")
    if problems is None:
        own.raise_if_any(directory)
    return RuleBook(sets)


def flow_files(states_dir: Path) -> dict[str, Path]:
    """The flow files present: application is required, review and lawsuit come with them."""
    return {
        name: states_dir / f"{name}.toml"
        for name in FLOW_NAMES
        if name == REQUIRED_FLOW or (states_dir / f"{name}.toml").exists()
    }


def load_rule_books(states_dir: Path, problems: Problems | None = None) -> dict[str, RuleBook]:
    return {flow: load_rule_book(states_dir, problems, flow) for flow in flow_files(states_dir)}


# ---------------------------------------------------------------- flows


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


def _move(raw: dict[str, Any], index: int, path: str, problems: Problems) -> MoveDef:
    name = str(raw.get("name", f"#{index}"))
    where = f"{path} moves[{index}] {name}"
    clocks = []
    for j, op in enumerate(raw.get("clocks", [])):
        known = {
            "op",
            "clock",
            "reason",
            "length",
            "unit",
            "at",
            "if_rule",
            "if_input",
            "which",
            "unless_open",
        }
        if not isinstance(op, dict):
            problems.add(f"{where} clocks[{j}]", f"期限操作应为表，收到 {op!r}")
            continue
        for key in set(op) - known:
            problems.add(f"{where} clocks[{j}]", f"未知的键 {key!r}")
        missing = [key for key in ("op", "clock") if key not in op]
        if missing:
            problems.add(f"{where} clocks[{j}]", f"缺少 {'、'.join(missing)}")
            continue
        clocks.append(ClockOp(**{k: v for k, v in op.items() if k in known}))
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
    return ParentMove(raw["move"], dict(raw.get("inputs", {})))


def parse_flow(raw: dict[str, Any], path: str, problems: Problems) -> FlowDef:
    meta = raw.get("flow", {})
    states = {}
    for name, s in raw.get("states", {}).items():
        if not isinstance(s, dict):
            problems.add(path, f'状态 {name!r} 应写成表，如 {name} = {{ label = "…" }}')
            s = {}
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
    moves = [m for m in flow.moves if m.parent is not None]
    if not moves:
        return
    parent = flows.get(flow.parent_flow or "")
    if parent is None:
        problems.add(flow.path, f"有 parent 动作，但 [flow] parent = {flow.parent_flow!r} 未知")
        return
    for m in moves:
        if m.parent.move not in parent.move_names:  # type: ignore[union-attr]
            problems.add(
                f"{flow.path} 动作 {m.name}", f"上级流程 {parent.name} 没有动作 {m.parent.move!r}"
            )  # type: ignore[union-attr]
