"""Builders for report tests: cases through the real engine, proceedings by direct insert, and
``casework report`` on a command root of its own.

Application cases go through ``engine.register`` / ``engine.move`` with explicit dates, so the
rows the reports count are the rows the engine writes. Reviews and lawsuits are inserted with
SQLAlchemy Core (flow, parent_id, received_on, outcome, closed_on, details), the contract the
proceedings flows fill, so table 四 is tested against that contract alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import typer
from sqlalchemy import insert
from typer.testing import CliRunner

from casework.cli.errors import CaseworkGroup
from casework.domain.roles import Actor
from casework.store.db import WRITE
from casework.store.tables import CASES
from tests.support.actors import CENTRE, GENERAL, LEGAL
from tests.support.dates import at

NOW = at("2026-03-31")
KINDS = {
    "N": "natural_person",
    "B": "business",
    "R": "research",
    "P": "public_interest",
    "L": "legal_services",
    "O": "other_org",
}


def clerk(unit: str) -> Actor:
    return Actor("经办人", "unit_clerk", unit)


def register(
    engine: Any, kind: str, received: str, *, unit: str = "czj", request: str = "某项政府信息"
) -> int:
    view = engine.register(
        CENTRE,
        on=received,
        now=NOW,
        channel="window",
        unit=unit,
        applicant_name="申请人",
        applicant_kind=KINDS[kind],
        request=request,
    )
    return view.id


def conclude(engine: Any, case_id: int, outcome: str, on: str, unit: str = "czj") -> None:
    """Bring a registered case to ``outcome`` on ``on`` with the move the flow uses for it.

    The closing outcomes need their periods to have run: the correction notice goes out on
    the receipt date with 5 working days, the fee notice on the receipt date (20 working days
    to pay), and ``on`` must lie after that period.
    """
    who = clerk(unit)
    received = engine.case(case_id, actor=GENERAL, now=NOW).fields["received_on"]
    if outcome == "other_no_correction":
        engine.move(
            case_id, "request_correction", who, on=received, now=NOW, items=["载体形式"], days=5
        )
        engine.move(case_id, "correction_lapsed", who, on=on, now=NOW)
    elif outcome == "other_fee_unpaid":
        engine.move(case_id, "fee_notice", who, on=received, now=NOW, basis="per_page", pages=40)
        engine.move(case_id, "fee_lapsed", who, on=on, now=NOW)
    elif outcome == "other_withdrawn":
        engine.move(case_id, "withdraw", who, on=on, now=NOW, reason="申请人书面撤回")
    else:
        reply(engine, case_id, outcome, on, unit)


def reply(engine: Any, case_id: int, outcome: str, on: str, unit: str = "czj") -> None:
    """A reply with the reasons and responsible agency a reply letter may need."""
    engine.move(
        case_id,
        "reply",
        clerk(unit),
        on=on,
        now=NOW,
        outcome=outcome,
        reasons="依据《条例》相关条款作出答复",
        responsible_agency="区某局",
    )


def case(
    engine: Any,
    kind: str,
    received: str,
    outcome: str | None = None,
    concluded: str | None = None,
    unit: str = "czj",
    request: str = "某项政府信息",
) -> int:
    case_id = register(engine, kind, received, unit=unit, request=request)
    if outcome is not None:
        assert concluded is not None
        conclude(engine, case_id, outcome, concluded, unit)
    return case_id


def reopen(engine: Any, case_id: int, on: str, days: int = 20) -> None:
    engine.move(
        case_id,
        "reopen",
        LEGAL,
        on=on,
        now=NOW,
        reason="复议决定撤销原答复，责令重新答复",
        deadline_days=days,
        deadline_unit="working_days",
    )


def insert_case_row(engine: Any, **values: Any) -> int:
    """A row of ``cases`` written directly (for data the engine cannot or must not produce)."""
    row = {
        "flow": "application",
        "parent_id": None,
        "state": "in_progress",
        "rule_set": "2019",
        "received_on": date(2025, 1, 6),
        "applicant_name": "直接写入",
        "applicant_kind": "natural_person",
        "request": "直接写入的记录",
        "unit": "czj",
        "details": {},
        "last_on": date(2025, 1, 6),
        "last_event_hash": "0" * 64,
        "event_count": 0,
        "version": 1,
        "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
        **values,
    }
    with engine.db.execution_options(**WRITE).begin() as conn:
        return conn.execute(insert(CASES).returning(CASES.c.id), row).scalar_one()


def proceeding(
    engine: Any,
    parent: int,
    flow: str,
    received: str,
    outcome: str | None = None,
    closed: str | None = None,
    after_review: bool | None = None,
) -> int:
    """A review or lawsuit as the proceedings flows leave it (contract of table 四)."""
    details = {} if after_review is None else {"after_review": after_review}
    return insert_case_row(
        engine,
        flow=flow,
        parent_id=parent,
        state="closed" if closed else "open",
        rule_set="2023",
        received_on=date.fromisoformat(received),
        outcome=outcome,
        closed_on=date.fromisoformat(closed) if closed else None,
        details=details,
        last_on=date.fromisoformat(closed or received),
    )


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


def without_hooks(engine: Any) -> Any:
    """The engine without its move hooks: the hooks only issue letters (PDF, about a second a
    move), which no report reads; the moves themselves are unchanged."""
    engine.hooks.clear()
    return engine


def report_runner() -> Callable[..., Run]:
    """Runs ``casework report ...`` through this feature's ``register`` on a CaseworkGroup root
    (the same error handling as the real ``casework`` command)."""
    from casework.cli import reports

    root = typer.Typer(cls=CaseworkGroup)

    @root.callback()
    def main() -> None:
        """casework"""

    reports.register(root)
    runner = CliRunner()

    def run(*args: str) -> Run:
        result = runner.invoke(root, list(args), catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run
