"""The annual report's tables 三 and 四 for one scope and calendar year, with their checks, and
the processing-fee figures of section 六."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select

from casework.errors import InvalidInput
from casework.reports import fees, table3, table4
from casework.reports.counting import (
    APPLICATION,
    REOPEN_MOVE,
    Period,
    application_facts,
    proceeding_facts,
)
from casework.reports.model import AnnualReport
from casework.reports.scope import Scope, resolve_scope, unit_names
from casework.store.tables import CASES, EVENTS

if TYPE_CHECKING:
    from casework.engine import Engine

FIRST_YEAR = 2008  # the 2008 Regulation took effect on 2008-05-01: no report before it


def annual_report(
    engine: Engine, year: int, *, unit: str | None = None, line: str | None = None
) -> AnnualReport:
    """Tables 三 and 四 of ``year`` for a unit, a line or (neither given) the district."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= 9999:
        raise InvalidInput(
            f"年度应为 {FIRST_YEAR} 年以后的公历年份，收到 {year!r}",
            field="year",
            rule="annual reports exist from 2008 (2008 Regulation)",
        )
    scope = resolve_scope(engine, unit=unit, line=line)
    period = Period.year(year)
    facts = application_facts(engine.workflow.flows[APPLICATION].flow, scope.units)
    proceedings = proceeding_facts(scope.units)
    names = unit_names(engine)
    with engine.db.connect() as conn:
        t3, suspects = table3.count(conn, facts, period)
        t4 = table4.count(conn, proceedings, period)
        checks = table3.checks(conn, facts, period, t3, suspects)
        # Proceedings are few and found by the flow index: their checks query them directly.
        checks += table4.checks(conn, proceedings, period, t4)
        notes = _notes(conn, scope, period)
        section6 = fees.count(conn, scope, period, names)
    return AnnualReport(year, scope, t3, t4, checks, notes, section6)


def _notes(conn: Connection, scope: Scope, period: Period) -> list[str]:
    query = (
        select(func.count(func.distinct(EVENTS.c.case_id)))
        .select_from(EVENTS.join(CASES, CASES.c.id == EVENTS.c.case_id))
        .where(EVENTS.c.move == REOPEN_MOVE, period.contains(EVENTS.c.occurred_on))
    )
    if scope.units is not None:
        query = query.where(CASES.c.unit.in_(scope.units))
    reopened = conn.scalar(query) or 0
    if not reopened:
        return []
    return [
        f"本年有 {reopened} 件申请因复议决定或判决纠正而重新办理。按统计口径，每件申请只在"
        "首次办结的年度计入表三一次，重新作出的答复不再计入。"
    ]
