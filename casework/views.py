"""What the engine hands back to callers: plain read-only views with a stable JSON shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


def jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return jsonable_dict(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def jsonable_dict(value: dict[str, Any]) -> dict[str, Any]:
    """``jsonable`` of a mapping, typed as one (a view's ``to_dict``)."""
    return {k: jsonable(v) for k, v in value.items()}


@dataclass(frozen=True)
class PauseView:
    reason: str
    since: date
    until: date | None


@dataclass(frozen=True)
class ClockView:
    kind: str
    label: str
    basis: str
    nature: str  # duty / window / applicant
    unit: str
    length: int
    started_on: date
    extension_days: int
    status: str
    due_on: date | None
    days_left: int | None  # working days; negative once overdue; None when paused or closed
    pauses: list[PauseView]
    # While paused (else None): days of the budget counted before the pause, and the rest.
    days_used: int | None = None
    days_remaining: int | None = None
    due_error: str | None = None  # why the due date cannot be computed (unknown calendar year)
    # The count goes over a year whose holiday notice is not registered yet: the due date is
    # counted from the 放假办法 and will be recomputed when the notice arrives.
    provisional: bool = False
    provisional_basis: str | None = None


@dataclass(frozen=True)
class EventView:
    seq: int
    move: str
    from_state: str
    to_state: str
    actor_name: str
    actor_role: str
    actor_unit: str | None
    occurred_on: date
    recorded_at: datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class CaseView:
    id: int
    version: int
    flow: str
    parent_id: int | None
    state: str
    state_label: str
    rule_set: str
    fields: dict[str, Any]
    details: dict[str, Any]  # the flow's own fields (a review's body, procedure, result...)
    clocks: list[ClockView]
    events: list[EventView] = field(default_factory=list)
    allowed_moves: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return jsonable_dict(asdict(self))


@dataclass(frozen=True)
class WorkItem:
    case_id: int
    flow: str
    state: str
    unit: str | None
    applicant_name: str
    received_on: date
    clock: str
    due_on: date | None
    days_left: int | None
    provisional: bool = False  # the due date is counted over a provisional year

    def to_dict(self) -> dict[str, Any]:
        return jsonable_dict(asdict(self))


@dataclass(frozen=True)
class Discrepancy:
    """One difference ``verify`` found between the event log and the stored rows."""

    case_id: int
    what: str
    stored: Any
    replayed: Any

    def to_dict(self) -> dict[str, Any]:
        return jsonable_dict(asdict(self))
