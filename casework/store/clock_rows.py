"""A case's clocks and their pauses as rows: read (one joined query, columns labelled ``k_*``
and ``p_*``) and folded into domain clocks, and written back as only what a move changed, each
kind of write one executemany statement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, insert, update

from casework.domain import clocks as clk
from casework.domain.case import CaseSnapshot
from casework.store import precompiled
from casework.store.tables import CLOCK_PAUSES, CLOCKS

# Statements are built once with bound parameters so SQLAlchemy compiles each only once.
# The clock and pause columns of the case read (repository.SELECT_CASE), labelled apart.
CLOCK_LABELS = [c.label(f"k_{c.name}") for c in CLOCKS.c]
PAUSE_LABELS = [
    CLOCK_PAUSES.c[n].label(f"p_{n}") for n in ("id", "reason", "paused_on", "resumed_on")
]
_CLOCK_COLUMNS = (
    "length",
    "unit",
    "started_on",
    "extension_days",
    "status",
    "due_on",
    "stopped_on",
)
INSERT_CLOCK = insert(CLOCKS).returning(CLOCKS.c.id)
UPDATE_CLOCK = (
    update(CLOCKS)
    .where(CLOCKS.c.id == bindparam("b_id"))
    .values({name: bindparam(name) for name in _CLOCK_COLUMNS})
)
INSERT_PAUSE = insert(CLOCK_PAUSES).inline()
INSERT_CLOCKS = insert(CLOCKS).inline()
UPDATE_PAUSE = (
    update(CLOCK_PAUSES)
    .where(CLOCK_PAUSES.c.id == bindparam("b_id"))
    .values(resumed_on=bindparam("until"))
)


@dataclass
class StoredClock:
    id: int
    seq: int
    clock: clk.Clock
    pause_ids: list[int] = field(default_factory=list)


@dataclass
class ClockEntry:
    stored: StoredClock
    case_id: int
    due_on: date | None  # as stored (a cache of the derived due date)


def clock_entries(rows: Any) -> list[ClockEntry]:
    """Fold rows of (clock, pause) columns labelled k_* / p_* into clocks with their pauses."""
    entries: list[ClockEntry] = []
    pauses: list[list[clk.Pause]] = []
    first_rows: list[Any] = []
    for r in rows:
        if r.k_id is None:
            continue
        if not entries or entries[-1].stored.id != r.k_id:
            entries.append(ClockEntry(StoredClock(r.k_id, r.k_seq, None), r.k_case_id, r.k_due_on))  # type: ignore[arg-type]  # clock: set below, once its pauses are read
            pauses.append([])
            first_rows.append(r)
        if r.p_id is not None:
            entries[-1].stored.pause_ids.append(r.p_id)
            pauses[-1].append(clk.Pause(r.p_reason, r.p_paused_on, r.p_resumed_on))
    for entry, r, ps in zip(entries, first_rows, pauses, strict=True):
        entry.stored.clock = clk.Clock(
            kind=r.k_kind,
            unit=r.k_unit,
            length=r.k_length,
            started_on=r.k_started_on,
            extension_days=r.k_extension_days,
            pauses=tuple(ps),
            status=r.k_status,
            stopped_on=r.k_stopped_on,
        )
    return entries


def _clock_values(clock: clk.Clock, calendar: clk.Calendar) -> dict[str, Any]:
    return {
        "length": clock.length,
        "unit": clock.unit,
        "started_on": clock.started_on,
        "extension_days": clock.extension_days,
        "status": clock.status,
        "due_on": clk.due_date(clock, calendar),
        "stopped_on": clock.stopped_on,
    }


def sync_clocks(
    conn: Connection,
    case_id: int,
    stored: list[StoredClock],
    after: CaseSnapshot,
    calendar: clk.Calendar,
) -> None:
    """Write the clocks of ``after`` that differ from ``stored`` (the case's clocks as read;
    none for a new case), and their pauses."""
    updates: list[dict[str, Any]] = []
    plain_inserts: list[dict[str, Any]] = []
    pause_updates: list[dict[str, Any]] = []
    pause_inserts: list[dict[str, Any]] = []
    for seq, clock in enumerate(after.clocks):
        if seq < len(stored) and stored[seq].clock == clock:
            continue
        values = _clock_values(clock, calendar)
        if seq < len(stored):
            clock_id = stored[seq].id
            updates.append({"b_id": clock_id, **values})
            pause_ids, old_pauses = stored[seq].pause_ids, stored[seq].clock.pauses
        else:
            row = {"case_id": case_id, "seq": seq, "kind": clock.kind, **values}
            if not clock.pauses:  # no child rows: no need to learn the new id
                plain_inserts.append(row)
                continue
            clock_id = precompiled.fetch(conn, INSERT_CLOCK, row)[0].id
            pause_ids, old_pauses = [], ()
        for pseq, pause in enumerate(clock.pauses):
            if pseq >= len(pause_ids):
                pause_inserts.append(
                    {
                        "clock_id": clock_id,
                        "seq": pseq,
                        "reason": pause.reason,
                        "paused_on": pause.since,
                        "resumed_on": pause.until,
                    }
                )
            elif old_pauses[pseq] != pause:
                pause_updates.append({"b_id": pause_ids[pseq], "until": pause.until})
    # Each kind of write is one (executemany) statement, whatever the number of clocks.
    for statement, rows in (
        (UPDATE_CLOCK, updates),
        (INSERT_CLOCKS, plain_inserts),
        (UPDATE_PAUSE, pause_updates),
        (INSERT_PAUSE, pause_inserts),
    ):
        if rows:
            precompiled.executemany(conn, statement, rows)
