"""The application flow through the real engine: 张三's window application, a consultation,
the latest clock of a kind, and the rows a refused call must not have written."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from casework.store.tables import CASES, CLOCKS, EVENTS
from tests.support.actors import APPLICANT, CENTRE, CLERK
from tests.support.dates import at

NOW = at("2026-07-15")


def clock(view, kind):  # type: ignore[no-untyped-def]
    """The latest clock of a kind in a case view."""
    return [c for c in view.clocks if c.kind == kind][-1]


def register(engine, on="2026-03-02", **extra):  # type: ignore[no-untyped-def]
    inputs = {"channel": "window", "unit": "czj", **APPLICANT, **extra}
    return engine.register(CENTRE, on=on, now=NOW, **inputs)


def consult_third_party(engine, case_id, actor=CLERK):  # type: ignore[no-untyped-def]
    """The unit writes to a third party on 2026-03-04 (the reply clock pauses)."""
    return engine.move(
        case_id,
        "consult",
        actor,
        on="2026-03-04",
        now=NOW,
        party="third_party",
        party_name="某公司",
        matter="x",
    )


def counts(engine) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """How many cases, events and clocks there are (a refused call leaves them unchanged)."""
    with Session(engine.db) as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(t)) for t in (CASES, EVENTS, CLOCKS)
        )
