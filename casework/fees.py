"""Pricing a fee notice: the applicant's monthly count from the database, then the pure rules.

The engine calls :func:`price` inside the move's transaction, after ``prepare`` has judged the
role and the legal guards and before ``evolve``. Whatever the count query found is written into
the event's payload (``fee_computation``), so ``casework verify`` replays the event without
querying anything and a re-issued letter states the same computation.

Who is the same applicant (国办函〔2020〕109号第四条 "同一申请人"): the same ID number or unified
social credit code (both in ``applicant_id_number``, compared without case or surrounding
spaces); without one, the same name and the same contact address (else the same phone). Which
applications count: those of the application flow held by the same unit (the 行政机关 that
charges: each unit answers and charges in its own name), received in the same natural month as
this one, up to and including this one (by receipt date, then registration order). That the
count is per agency, not district-wide, is an interpretation (docs/legal-basis.md A5, ❌).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from casework.domain import fees
from casework.domain.case import CaseSnapshot
from casework.errors import RuleViolation
from casework.store.tables import CASES

PRICED_MOVES = frozenset({"fee_notice"})
COMPUTATION = "fee_computation"  # event payload key: what the engine computed and from what


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def same_applicant(case: CaseSnapshot) -> tuple[str, Any | None]:
    """How the applicant is recognised (``id_number``, ``name_contact``, ``name_phone`` or
    ``none``) and the SQL condition for it (None: only this application is known to be his)."""
    id_number = (case.get("applicant_id_number") or "").strip()
    if id_number:
        column = func.upper(func.trim(CASES.c.applicant_id_number))
        return "id_number", column == id_number.upper()
    name = case.get("applicant_name")
    for how, field in (("name_contact", "applicant_contact"), ("name_phone", "applicant_phone")):
        value = case.get(field)
        if value:
            return how, and_(CASES.c.applicant_name == name, CASES.c[field] == value)
    return "none", None


def month_rank(conn: Connection, case_id: int, case: CaseSnapshot) -> dict[str, Any]:
    """This application's place among the applicant's applications to its unit in the natural
    month of its receipt (1 = the first), and how it was found."""
    received = _as_date(case.get("received_on"))
    first, nxt = _month(received)
    how, same = same_applicant(case)
    rank = 1
    if same is not None:
        earlier = or_(
            CASES.c.received_on < received,
            and_(CASES.c.received_on == received, CASES.c.id <= case_id),
        )
        query = select(func.count()).where(
            CASES.c.flow == case.flow,
            CASES.c.unit == case.unit,
            CASES.c.received_on >= first,
            CASES.c.received_on < nxt,
            earlier,
            or_(CASES.c.id == case_id, same),
        )
        rank = conn.scalar(query) or 1
    return {"month": f"{first:%Y-%m}", "rank": rank, "matched_by": how, "unit": case.unit}


def price(
    conn: Connection, case_id: int | None, case: CaseSnapshot, params: dict[str, Any]
) -> None:
    """Compute the fee of a fee notice and settle the amount it states (in ``params``)."""
    if case_id is None:
        raise RuleViolation("收费通知须针对已登记的申请", rule=fees.ART3)
    basis, pages = params.get("basis"), params.get("pages")
    count = month_rank(conn, case_id, case) if basis == fees.PER_APPLICATION else None
    fee = fees.compute(basis, rank=count["rank"] if count else None, pages=pages)
    params["amount"] = fees.settle(fee, params.get("amount"), params.get("deviation_reason"))
    params[COMPUTATION] = {**fee.as_record(), **(count or {})}
