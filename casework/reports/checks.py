"""Building blocks of the built-in cross-checks: listing the cases that break a rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Subquery, select

from casework.reports.model import CaseProblem, Check


def offending_cases(
    conn: Connection,
    facts: Subquery,
    condition: ColumnElement[bool],
    describe: Callable[[Any], str],
) -> list[CaseProblem]:
    """The facts rows matching ``condition`` (few: they are data errors), described one by one."""
    rows = conn.execute(select(facts).where(condition).order_by(facts.c.id))
    return [CaseProblem(r.id, describe(r)) for r in rows]


def check(key: str, label: str, mismatches: list[str], cases: list[CaseProblem]) -> Check:
    """A check holds only when no cell differs and no case breaks its rule."""
    return Check(key, label, not mismatches and not cases, mismatches, cases)
