"""Frozen definitions of a flow, built from states/*.toml by the loader. Pure data."""

from __future__ import annotations

from dataclasses import dataclass, field

STAY = "="  # a move that keeps the case in its state


@dataclass(frozen=True)
class StateDef:
    name: str
    label: str
    final: bool = False


@dataclass(frozen=True)
class ClockOp:
    op: str
    clock: str
    reason: str | None = None
    length: str | int | None = None
    unit: str | None = None
    at: str | None = None
    if_rule: str | None = None
    if_input: str | None = None  # the op applies only when this (optional) input was given
    # "$input": the op acts on the n-th clock of its kind (an int input, 1-based) instead of the
    # latest open one: several consultations run at once and each answer names its own.
    which: str | None = None
    unless_open: str | None = None  # skip the op while a clock of this kind is still open


@dataclass(frozen=True)
class ParentMove:
    """A move this move makes on the parent case, in the same transaction."""

    move: str
    inputs: dict[str, str] = field(default_factory=dict)  # parent input -> "$input"/"$on"/literal


@dataclass(frozen=True)
class MoveDef:
    name: str
    label: str
    sources: tuple[str, ...]
    dest: str  # STAY for an internal move
    roles: tuple[str, ...]
    when: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)
    optional: dict[str, str] = field(default_factory=dict)
    sets: dict[str, str] = field(default_factory=dict)
    clocks: tuple[ClockOp, ...] = ()
    letter: str | None = None  # the letter kind this move issues (templates/<kind>.html.j2)
    parent: ParentMove | None = None

    @property
    def inputs(self) -> dict[str, str]:
        return {**self.fields, **self.optional}


@dataclass(frozen=True)
class FlowDef:
    name: str
    title: str
    initial: str
    states: dict[str, StateDef]
    moves: tuple[MoveDef, ...]
    path: str = ""
    parent_flow: str | None = None  # a dossier of this flow belongs to a case of that flow
    details: dict[str, str] = field(default_factory=dict)  # flow-specific fields: name -> kind
    maps: dict[str, dict[str, str]] = field(default_factory=dict)  # "map:NAME:$input" in set

    def variants(self, move: str) -> tuple[MoveDef, ...]:
        """Every definition of a move name, in file order (branches chosen by `when`)."""
        return tuple(m for m in self.moves if m.name == move)

    @property
    def move_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.name for m in self.moves))
