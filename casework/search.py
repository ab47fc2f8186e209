"""Finding cases by applicant, request text and receipt dates, in SQL over the case table.

Read-only queries for the clerk's ``casework find``, ``worklist --mine`` and the platform import's
duplicate check. Results carry raw applicant data: callers mask before they print.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import or_, select

from casework.store.tables import CASES, UNITS
from casework.views import jsonable_dict

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class FoundCase:
    case_id: int
    flow: str
    state: str
    unit: str | None
    handler: str | None
    applicant_name: str
    applicant_kind: str
    applicant_id_number: str | None
    applicant_phone: str | None
    received_on: date
    request: str
    outcome: str | None

    def to_dict(self) -> dict[str, Any]:
        return jsonable_dict(asdict(self))


@dataclass(frozen=True)
class Criteria:
    """What ``find`` looks for; every given criterion must hold."""

    applicant: str | None = None  # part of the name, or a whole identity or phone number
    text: str | None = None  # part of the request
    received_from: date | None = None
    received_to: date | None = None
    unit: str | None = None
    limit: int = DEFAULT_LIMIT


def find_cases(db: DbEngine, criteria: Criteria) -> list[FoundCase]:
    """Matching cases, newest receipt first."""
    c = CASES.c
    query = select(
        c.id,
        c.flow,
        c.state,
        c.unit,
        c.handler,
        c.applicant_name,
        c.applicant_kind,
        c.applicant_id_number,
        c.applicant_phone,
        c.received_on,
        c.request,
        c.outcome,
    )
    if criteria.applicant:
        who = criteria.applicant.strip()
        query = query.where(
            or_(
                c.applicant_name.contains(who, autoescape=True),
                c.applicant_id_number == who,
                c.applicant_phone == who,
            )
        )
    if criteria.text:
        query = query.where(c.request.contains(criteria.text.strip(), autoescape=True))
    if criteria.received_from is not None:
        query = query.where(c.received_on >= criteria.received_from)
    if criteria.received_to is not None:
        query = query.where(c.received_on <= criteria.received_to)
    if criteria.unit is not None:
        query = query.where(c.unit == criteria.unit)
    query = query.order_by(c.received_on.desc(), c.id.desc()).limit(criteria.limit)
    with db.connect() as conn:
        return [FoundCase(*tuple(row)) for row in conn.execute(query)]


def cases_handled_by(db: DbEngine, handlers: Collection[str]) -> set[int]:
    """Ids of the cases whose handler (承办人) is one of these names or codes."""
    with db.connect() as conn:
        return set(conn.scalars(select(CASES.c.id).where(CASES.c.handler.in_(list(handlers)))))


def find_duplicate(
    db: DbEngine, *, received_on: date, applicant_name: str, request: str
) -> int | None:
    """The id of a case already registered with the same receipt date, applicant and request."""
    query = select(CASES.c.id).where(
        CASES.c.received_on == received_on,
        CASES.c.applicant_name == applicant_name,
        CASES.c.request == request,
    )
    with db.connect() as conn:
        return conn.scalars(query.limit(1)).first()


def unit_names(db: DbEngine) -> dict[str, str]:
    """Unit code → name, for printing."""
    with db.connect() as conn:
        return {code: name for code, name in conn.execute(select(UNITS.c.code, UNITS.c.name))}
