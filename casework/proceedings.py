"""Reconsideration and litigation about a reply: opening them, and the error rate (错案率).

A review or lawsuit is a dossier of its own flow (states/review.toml, states/lawsuit.toml),
linked to the disclosure case it challenges; its moves go through ``Engine.move`` like any other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select

from casework.domain.roles import Actor
from casework.engine import Engine
from casework.errors import InvalidInput
from casework.store.repository import load_case
from casework.store.tables import CASES
from casework.views import CaseView, jsonable_dict

FLOWS = ("review", "lawsuit")


def open_review(
    engine: Engine,
    case_id: int,
    actor: Actor,
    *,
    on: date | str | None = None,
    now: datetime | None = None,
    **inputs: Any,
) -> CaseView:
    """The copy of a reconsideration application against case ``case_id`` was received."""
    return engine.start("review", "copy_received", actor, parent=case_id, on=on, now=now, **inputs)


def open_lawsuit(
    engine: Engine,
    case_id: int,
    actor: Actor,
    *,
    on: date | str | None = None,
    now: datetime | None = None,
    **inputs: Any,
) -> CaseView:
    """The complaint against case ``case_id`` was served; a suit after review names the review."""
    review = inputs.get("review")
    if review is not None:
        with engine.db.connect() as conn:
            snap = load_case(conn, int(review)).snapshot
        if snap.flow != "review" or snap.parent_id != case_id:
            raise InvalidInput(
                f"review：案件 {review} 不是针对案件 {case_id} 的行政复议",
                field="review",
                case=case_id,
                rule="a suit after review names that review",
            )
        if snap.state != "decided":
            raise InvalidInput(
                f"review：行政复议 {review} 尚未作出决定，不能复议后起诉",
                field="review",
                case=case_id,
                rule="a suit after review follows the decision",
            )
    return engine.start(
        "lawsuit", "complaint_served", actor, parent=case_id, on=on, now=now, **inputs
    )


@dataclass(frozen=True)
class Rate:
    decided: int
    corrected: int

    @property
    def rate(self) -> float | None:
        return None if self.decided == 0 else self.corrected / self.decided


@dataclass(frozen=True)
class CorrectedCase:
    proceeding: int
    flow: str
    case: int
    unit: str | None
    result: str | None
    closed_on: date


@dataclass(frozen=True)
class ErrorRate:
    """错案率 over a period: corrected results / decided proceedings, per flow and per unit."""

    start: date
    end: date
    unit: str | None
    district: dict[str, Rate]
    by_unit: dict[str, dict[str, Rate]]
    corrected: list[CorrectedCase] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def rates(d: dict[str, Rate]) -> dict[str, Any]:
            return {k: {**asdict(v), "rate": v.rate} for k, v in d.items()}

        return jsonable_dict(
            {
                "from": self.start,
                "to": self.end,
                "unit": self.unit,
                "district": rates(self.district),
                "by_unit": {u: rates(r) for u, r in self.by_unit.items()},
                "corrected": [asdict(c) for c in self.corrected],
            }
        )


def error_rate(engine: Engine, start: date, end: date, unit: str | None = None) -> ErrorRate:
    """Proceedings concluded in [start, end] (closed_on), counted in the database."""
    if end < start:
        raise InvalidInput(f"期间错误：{start} 晚于 {end}", field="to", rule="from <= to")
    if unit is not None and unit not in engine.workflow.units:
        raise InvalidInput(f"unit：未知的单位代码 {unit!r}", field="unit", rule="known unit")
    scope: list[ColumnElement[bool]] = [
        CASES.c.flow.in_(FLOWS),
        CASES.c.closed_on.between(start, end),
        CASES.c.outcome.is_not(None),
    ]
    if unit is not None:
        scope.append(CASES.c.unit == unit)
    counts = (
        select(CASES.c.flow, CASES.c.unit, CASES.c.outcome, func.count())
        .where(*scope)
        .group_by(CASES.c.flow, CASES.c.unit, CASES.c.outcome)
    )
    listing = (
        select(
            CASES.c.id,
            CASES.c.flow,
            CASES.c.parent_id,
            CASES.c.unit,
            CASES.c.details,
            CASES.c.closed_on,
        )
        .where(*scope, CASES.c.outcome == "corrected")
        .order_by(CASES.c.closed_on, CASES.c.id)
    )
    tally: dict[tuple[str, str], list[int]] = {}
    with engine.db.connect() as conn:
        for flow, unit_code, outcome, n in conn.execute(counts):
            for key in ((flow, ""), (flow, unit_code or "")):
                cell = tally.setdefault(key, [0, 0])
                cell[0] += n
                cell[1] += n if outcome == "corrected" else 0
        corrected = [
            CorrectedCase(
                r.id,
                r.flow,
                r.parent_id,
                r.unit,
                (r.details or {}).get("result") or (r.details or {}).get("final_result"),
                r.closed_on,
            )
            for r in conn.execute(listing)
        ]
    district = {f: Rate(*tally.get((f, ""), [0, 0])) for f in FLOWS}
    units = sorted({u for _, u in tally if u})
    by_unit = {u: {f: Rate(*tally.get((f, u), [0, 0])) for f in FLOWS} for u in units}
    return ErrorRate(start, end, unit, district, by_unit, corrected)
