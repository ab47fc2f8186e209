"""Reading the rule books (states/rules/**.toml and states/local.toml) into frozen rule sets.

A rule set holds the statutory figures a case runs by (its clocks, channels and flags); the
application flow's rule sets are in states/rules/, each other flow's in states/rules/<flow>/,
and the district's own figures (states/local.toml) amend every application rule set. Loading
collects every problem it finds; ``load_rule_book`` raises DefinitionError on any.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from casework.domain.clocks import UNITS
from casework.domain.rules import CLOCK_NATURES, ChannelSpec, ClockSpec, RuleBook, RuleSet
from casework.tomlfiles import Key, Problems, read_toml, table

FLOW_NAMES = ("application", "review", "lawsuit")
REQUIRED_FLOW = "application"

# The keys of every table of a rule-set file (states/rules/**.toml) and of states/local.toml;
# a value typed None is checked by the parser itself.
RULE_SET_KEYS = {
    "name": Key(str, required=True),
    "title": Key(str, required=True),
    "effective_from": Key(required=True),
    "pausing_reasons": Key(list),
    "restart_on_correction": Key(bool),
    "processing_fee_allowed": Key(bool),
    "clocks": Key(dict),
    "channels": Key(dict),
}
CLOCK_KEYS = {
    "label": Key(str),
    "unit": Key(),
    "length": Key(),
    "basis": Key(),
    "nature": Key(),
    "extension": Key(int),
    "extension_basis": Key(str),
}
CHANNEL_KEYS = {"label": Key(str), "receipt": Key(str), "basis": Key(str)}
LOCAL_KEYS = {"clocks": Key(dict)}


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
    raw = table(raw, RULE_SET_KEYS, where, problems)
    effective = raw.get("effective_from")
    if not isinstance(effective, date):
        problems.add(where, "effective_from 应为日期（如 2019-05-15）")
        effective = date.min
    clocks_raw = {
        kind: table(spec, CLOCK_KEYS, f"{where} [clocks.{kind}]", problems)
        for kind, spec in raw.get("clocks", {}).items()
    }
    # District rules (states/local.toml, checked when read) add or override clock figures in
    # every rule set.
    for kind, override in local.get("clocks", {}).items():
        clocks_raw[kind] = {**clocks_raw.get(kind, {}), **override}
    clocks = {
        kind: _clock_spec(kind, spec, f"{where} [clocks.{kind}]", problems)
        for kind, spec in clocks_raw.items()
    }
    channels = {}
    for code, raw_channel in raw.get("channels", {}).items():
        c = table(raw_channel, CHANNEL_KEYS, f"{where} [channels.{code}]", problems)
        channels[code] = ChannelSpec(
            code, str(c.get("label", code)), str(c.get("receipt", "")), str(c.get("basis", ""))
        )
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


def _local_rules(states_dir: Path, problems: Problems) -> dict[str, Any]:
    """The district's rules (states/local.toml, optional): clock figures by kind."""
    path = states_dir / "local.toml"
    if not path.exists():
        return {}
    raw = table(read_toml(path), LOCAL_KEYS, str(path), problems)
    return {
        "clocks": {
            kind: table(spec, CLOCK_KEYS, f"{path} [clocks.{kind}]", problems)
            for kind, spec in raw.get("clocks", {}).items()
        }
    }


def load_rule_book(
    states_dir: Path, problems: Problems | None = None, flow: str = REQUIRED_FLOW
) -> RuleBook:
    own = problems if problems is not None else Problems()
    local = _local_rules(states_dir, own) if flow == REQUIRED_FLOW else {}
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
