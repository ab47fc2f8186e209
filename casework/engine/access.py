"""Who may read what, and what a read shows.

Unit roles (a department's clerk and head) read their own unit's cases only: the applicant's
data stays in the unit that answers. Every other role reads the whole district. Whatever the
role, applicants' identity and phone numbers are masked (casework/domain/masking.py) unless the
reader reveals them, which is a move recorded in the case's events.
"""

from __future__ import annotations

from dataclasses import replace

from casework.domain.masking import masked
from casework.domain.roles import ROLES, Actor
from casework.errors import InvalidInput, PermissionDenied
from casework.views import CaseView


def unit_scoped(actor: Actor) -> bool:
    return ROLES[actor.role].unit_scoped


def can_read(actor: Actor, unit: str | None) -> bool:
    """Whether ``actor`` may read a case handled by ``unit``."""
    return not unit_scoped(actor) or unit == actor.unit


def check_can_read(actor: Actor, unit: str | None, case_id: int | None = None) -> None:
    """Refuse a unit role reading another unit's case (or one not yet forwarded)."""
    if not can_read(actor, unit):
        raise PermissionDenied(
            f"{ROLES[actor.role].label}只能查看本单位（{actor.unit}）的案件"
            + (f"，案件 {case_id} 的承办单位为 {unit or '（待转办）'}" if case_id else ""),
            case=case_id,
            field="unit",
            rule="own unit only",
        )


def reading_scope(actor: Actor, unit: str | None, units: frozenset[str]) -> str | None:
    """The unit a list may show: a unit role its own unit only; others ``unit`` or all."""
    if unit is not None and unit not in units:
        raise InvalidInput(f"unit：未知的单位代码 {unit!r}", field="unit", rule="known unit")
    if unit_scoped(actor):
        if unit is not None:
            check_can_read(actor, unit)
        return actor.unit
    return unit


def masked_view(view: CaseView) -> CaseView:
    """A case view with identity and phone numbers masked in its fields, details and events."""
    return replace(
        view,
        fields=masked(view.fields),
        details=masked(view.details),
        events=[replace(e, payload=masked(e.payload)) for e in view.events],
    )
