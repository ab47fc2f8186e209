"""The statements of the nightly sweep (casework.escalation): claiming the night, finding the
due clocks, the sweep lock, recording escalations and queueing their notices.

Due clocks are found by an indexed range query on ``clocks(status, due_on)``
(ix_clocks_status_due), keyset-paged on (due_on, id) and joined to their cases by key, never
by loading cases; so the cost follows the due clocks. Except for ``claim_run`` and
``finish_run`` (a sweep run's own short transactions) the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, exists, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from casework.domain.clocks import OPEN_STATUSES
from casework.store.tables import CASES, CLOCKS, ESCALATIONS, OUTBOX, SWEEP_RUNS
from casework.store.unit_of_work import unit_of_work

__all__ = [
    "BATCH",
    "SWEEP_LOCK_KEY",
    "claim_run",
    "clock_number",
    "clock_status",
    "due_clocks",
    "due_for_escalation",
    "due_for_lapse",
    "due_query",
    "finish_run",
    "provisional_cases",
    "queue_notices",
    "reached_levels",
    "record_escalations",
    "sweep_lock",
    "units_with_cases",
]

# One sweep at a time on PostgreSQL (pg_try_advisory_xact_lock); the key names this lock only.
SWEEP_LOCK_KEY = 7_263_827_001
BATCH = 500
STALE_RUN = timedelta(hours=2)  # a claimed night never finished (crashed) may be taken over
# The case columns a notice needs besides the clock's (id, case_id, due_on).
ESCALATION_COLUMNS = (CASES.c.unit, CASES.c.handler, CASES.c.flow, CASES.c.state, CASES.c.rule_set)


# -- the run ------------------------------------------------------------------------------


def claim_run(db: Engine, as_of: date, key: str | None, by: str, now: datetime) -> int | None:
    """Record the run; a run key that another run holds (and finished, or is still running
    recently) means this one must not run (None)."""
    row: dict[str, Any] = {
        "run_key": key,
        "as_of": as_of,
        "started_by": by,
        "started_at": now,
        "summary": {},
    }
    try:
        with unit_of_work(db) as uow:
            run_id: int = uow.conn.execute(
                insert(SWEEP_RUNS).values(row).returning(SWEEP_RUNS.c.id)
            ).scalar_one()
            return run_id
    except IntegrityError:
        if key is None:
            raise
    with unit_of_work(db) as uow:  # take over a run that crashed
        return uow.conn.execute(
            update(SWEEP_RUNS)
            .where(
                SWEEP_RUNS.c.run_key == key,
                SWEEP_RUNS.c.finished_at.is_(None),
                SWEEP_RUNS.c.started_at < now - STALE_RUN,
            )
            .values(started_at=now, started_by=by)
            .returning(SWEEP_RUNS.c.id)
        ).scalar_one_or_none()


def finish_run(db: Engine, run_id: int, now: datetime, summary: dict[str, Any]) -> None:
    with unit_of_work(db) as uow:
        uow.conn.execute(
            update(SWEEP_RUNS)
            .where(SWEEP_RUNS.c.id == run_id)
            .values(finished_at=now, summary=summary)
        )


def sweep_lock(conn: Connection) -> bool:
    """One sweep at a time: SQLite holds its write lock since BEGIN IMMEDIATE; PostgreSQL
    takes a transaction-scoped advisory lock, or reports that another sweep holds it."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(
        conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SWEEP_LOCK_KEY}).scalar()
    )


# -- due clocks ---------------------------------------------------------------------------


def due_query(
    kind: str, where: list[Any], columns: list[Any], after: tuple[date, int] | None
) -> Any:
    """One batch of running clocks of ``kind`` matching ``where``, keyset-paged on (due_on, id):
    an index range scan on ix_clocks_status_due (status, due_on), joined to their cases by key."""
    query = (
        select(CLOCKS.c.id, CLOCKS.c.case_id, CLOCKS.c.due_on, *columns)
        .select_from(CLOCKS.join(CASES, CASES.c.id == CLOCKS.c.case_id))
        .where(CLOCKS.c.status == "running", CLOCKS.c.kind == kind, *where)
        .order_by(CLOCKS.c.due_on, CLOCKS.c.id)
        .limit(BATCH)
    )
    if after is not None:
        query = query.where(
            or_(
                CLOCKS.c.due_on > after[0],
                and_(CLOCKS.c.due_on == after[0], CLOCKS.c.id > after[1]),
            )
        )
    return query


def due_clocks(
    conn: Connection, kind: str, where: list[Any], columns: Sequence[Any]
) -> Iterator[Sequence[Any]]:
    """Every running clock of ``kind`` matching ``where``, in batches of ``BATCH``."""
    after: tuple[date, int] | None = None
    while True:
        rows = conn.execute(due_query(kind, where, list(columns), after)).all()
        if not rows:
            return
        yield rows
        after = (rows[-1].due_on, rows[-1].id)


def due_for_lapse(conn: Connection, kind: str, as_of: date) -> Iterator[Sequence[Any]]:
    """Running clocks of ``kind`` due before ``as_of`` (their period is over), with ``seq``."""
    return due_clocks(conn, kind, [CLOCKS.c.due_on < as_of], [CLOCKS.c.seq])


def due_for_escalation(
    conn: Connection,
    kind: str,
    by: date,
    *,
    window_from: date | None = None,
    last_level: str | None = None,
) -> Iterator[Sequence[Any]]:
    """Running clocks of ``kind`` due by ``by`` with their case's columns: for a window, those
    still open on ``window_from``; otherwise those that have not reached ``last_level``."""
    where = [CLOCKS.c.due_on <= by]
    if window_from is not None:  # a closed window needs no reminder any more
        where.append(CLOCKS.c.due_on >= window_from)
    else:  # clocks that reached the last level are done with
        done = exists().where(
            ESCALATIONS.c.clock_id == CLOCKS.c.id,
            ESCALATIONS.c.level == last_level,
        )
        where.append(~done)
    return due_clocks(conn, kind, where, ESCALATION_COLUMNS)


def clock_number(conn: Connection, case_id: int, kind: str, seq: int) -> int | None:
    """The clock's number among its case's clocks of ``kind`` (1-based, in ``seq`` order)."""
    return conn.scalar(
        select(func.count()).where(
            CLOCKS.c.case_id == case_id,
            CLOCKS.c.kind == kind,
            CLOCKS.c.seq <= seq,
        )
    )


def clock_status(conn: Connection, clock_id: int) -> str | None:
    return conn.scalar(select(CLOCKS.c.status).where(CLOCKS.c.id == clock_id))


def provisional_cases(conn: Connection, edge: date) -> int | None:
    """How many cases have an open clock due on or after ``edge`` (counted provisionally)."""
    return conn.scalar(
        select(func.count(CLOCKS.c.case_id.distinct())).where(
            CLOCKS.c.status.in_(OPEN_STATUSES), CLOCKS.c.due_on >= edge
        )
    )


# -- escalations and their notices --------------------------------------------------------


def reached_levels(conn: Connection, clock_ids: list[int]) -> set[tuple[Any, ...]]:
    """(clock id, level) of every escalation already recorded for these clocks."""
    query = select(ESCALATIONS.c.clock_id, ESCALATIONS.c.level)
    return {tuple(r) for r in conn.execute(query.where(ESCALATIONS.c.clock_id.in_(clock_ids)))}


def record_escalations(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the escalations (unique per clock and level); their ids, in the rows' order."""
    return list(
        conn.execute(
            insert(ESCALATIONS).returning(ESCALATIONS.c.id, sort_by_parameter_order=True),
            rows,
        )
        .scalars()
        .all()
    )


def queue_notices(conn: Connection, rows: list[dict[str, Any]]) -> None:
    conn.execute(insert(OUTBOX), rows)


def units_with_cases(conn: Connection) -> set[str]:
    return set(conn.scalars(select(CASES.c.unit).where(CASES.c.unit.is_not(None)).distinct()))
