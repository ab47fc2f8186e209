"""Rule sets: the statutory figures a case runs by, chosen by its receipt date and kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from casework.domain.clocks import Unit
from casework.errors import InvalidInput


@dataclass(frozen=True)
class ClockSpec:
    kind: str
    label: str
    unit: Unit
    length: int | None  # None: the move that starts it supplies the length
    basis: str
    nature: str = "duty"  # duty / window / applicant / body: who must act by the due date
    extension: int | None = None
    extension_basis: str | None = None


@dataclass(frozen=True)
class ChannelSpec:
    code: str
    label: str
    receipt: str  # what the receipt date means for this channel (2019 Art. 31)
    basis: str


@dataclass(frozen=True)
class RuleSet:
    name: str
    title: str
    effective_from: date
    pausing_reasons: frozenset[str]
    restart_on_correction: bool
    processing_fee_allowed: bool
    clocks: dict[str, ClockSpec] = field(default_factory=dict)
    channels: dict[str, ChannelSpec] = field(default_factory=dict)

    def flag(self, name: str) -> bool:
        return bool(getattr(self, name))


# "body": a period that binds another authority (the reconsideration body's decision), kept
# for information so a late decision is visible; it escalates to no one.
CLOCK_NATURES: frozenset[str] = frozenset({"duty", "window", "applicant", "body"})
RULE_FLAGS: frozenset[str] = frozenset({"restart_on_correction", "processing_fee_allowed"})


@dataclass(frozen=True)
class RuleBook:
    """All rule sets, newest last."""

    rule_sets: tuple[RuleSet, ...]

    def in_force_on(self, on: date) -> RuleSet:
        chosen = None
        for rs in sorted(self.rule_sets, key=lambda r: r.effective_from):
            if rs.effective_from <= on:
                chosen = rs
        if chosen is None:
            first = min(r.effective_from for r in self.rule_sets)
            raise InvalidInput(
                f"收到申请日期 {on} 早于最早的规则（{first} 起施行），无法确定适用的条例",
                field="on",
                rule="rule set in force on the receipt date",
            )
        return chosen

    def named(self, name: str) -> RuleSet:
        for rs in self.rule_sets:
            if rs.name == name:
                return rs
        raise InvalidInput(f"未知的规则版本：{name}", field="rule_set", rule="states/rules/*.toml")
