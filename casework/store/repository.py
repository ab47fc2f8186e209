"""Reading a case into a snapshot and writing a move's result back, on the caller's connection.

Statements are SQLAlchemy Core over the SQLModel tables: a move is a handful of statements
(two reads, one versioned UPDATE of the case, one event INSERT, the changed clocks), which keeps
the engine close to hand-written SQL. The caller owns the transaction.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from casework.domain import clocks as clk
from casework.domain.case import CASE_FIELDS, CaseSnapshot
from casework.domain.roles import Actor
from casework.errors import NotFound, StaleCase
from casework.store import precompiled
from casework.store.tables import CaseRow, ClockPauseRow, ClockRow, EventRow, table_of

GENESIS = "0" * 64

CASES = table_of(CaseRow)
EVENTS = table_of(EventRow)
CLOCKS = table_of(ClockRow)
PAUSES = table_of(ClockPauseRow)

# Statements are built once with bound parameters so SQLAlchemy compiles each only once: a
# move runs the same few statements every time (this is what keeps the engine near raw SQL).
_CLOCK_LABELS = [c.label(f"k_{c.name}") for c in CLOCKS.c]
_PAUSE_LABELS = [PAUSES.c[n].label(f"p_{n}") for n in ("id", "reason", "paused_on", "resumed_on")]
# One round trip per case read: the case with its clocks and their pauses.
SELECT_CASE = (
    select(*[c for c in CASES.c if c.name != "updated_at"], *_CLOCK_LABELS, *_PAUSE_LABELS)
    .select_from(
        CASES.outerjoin(CLOCKS, CLOCKS.c.case_id == CASES.c.id).outerjoin(
            PAUSES, PAUSES.c.clock_id == CLOCKS.c.id
        )
    )
    .where(CASES.c.id == bindparam("b_id"))
    .order_by(CLOCKS.c.seq, PAUSES.c.seq)
)
INSERT_CASE = insert(CASES).returning(CASES.c.id)
# Written by every move, whatever else it changes.
_ALWAYS_UPDATED = ("updated_at", "last_event_hash", "event_count", "version")


@functools.cache
def update_case(columns: tuple[str, ...]) -> Any:
    """The versioned UPDATE of a case that sets ``columns`` (a move writes only what it
    changed: fewer values to convert, fewer index entries to rewrite). One statement object
    per set of columns, so each is compiled once."""
    return (
        update(CASES)
        .where(CASES.c.id == bindparam("b_id"), CASES.c.version == bindparam("b_version"))
        .values({name: bindparam(name) for name in columns})
    )


INSERT_EVENT = insert(EVENTS).inline()  # inline: no implicit RETURNING of the new id
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
INSERT_PAUSE = insert(PAUSES).inline()
INSERT_CLOCKS = insert(CLOCKS).inline()
UPDATE_PAUSE = (
    update(PAUSES).where(PAUSES.c.id == bindparam("b_id")).values(resumed_on=bindparam("until"))
)


def event_hash(
    *,
    case_id: int,
    seq: int,
    move: str,
    from_state: str,
    to_state: str,
    actor: Actor,
    on: date,
    recorded_at: datetime,
    payload: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 over the event's content and the previous event's hash (a per-case chain)."""
    body = json.dumps(
        {
            "case": case_id,
            "seq": seq,
            "move": move,
            "from": from_state,
            "to": to_state,
            "actor": [actor.name, actor.role, actor.unit],
            "on": on.isoformat(),
            # Databases hand datetimes back in UTC: hash the instant, not its rendering.
            "at": recorded_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "payload": payload,
            "prev": prev_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass
class StoredClock:
    id: int
    seq: int
    clock: clk.Clock
    pause_ids: list[int] = field(default_factory=list)


@dataclass
class LoadedCase:
    id: int
    version: int
    event_count: int
    last_event_hash: str
    clocks: list[StoredClock]
    snapshot: CaseSnapshot
    due_on: list[date | None]  # stored (cached) due dates, by clock seq


def _snapshot(row: Any, clocks: list[clk.Clock]) -> CaseSnapshot:
    return CaseSnapshot(
        flow=row.flow,
        state=row.state,
        rule_set=row.rule_set,
        parent_id=row.parent_id,
        fields={**{name: getattr(row, name) for name in CASE_FIELDS}, **(row.details or {})},
        clocks=tuple(clocks),
        last_on=row.last_on,
    )


@dataclass
class ClockEntry:
    stored: StoredClock
    case_id: int
    due_on: date | None  # as stored (a cache of the derived due date)


def _clock_entries(rows: Any) -> list[ClockEntry]:
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


def load_case(conn: Connection, case_id: int) -> LoadedCase:
    rows = precompiled.fetch(conn, SELECT_CASE, {"b_id": case_id})
    if not rows:
        raise NotFound(f"案件 {case_id} 不存在", case=case_id, field="case")
    row, entries = rows[0], _clock_entries(rows)
    stored = [e.stored for e in entries]
    return LoadedCase(
        id=row.id,
        version=row.version,
        event_count=row.event_count,
        last_event_hash=row.last_event_hash,
        clocks=stored,
        snapshot=_snapshot(row, [s.clock for s in stored]),
        due_on=[e.due_on for e in entries],
    )


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


def _sync_clocks(
    conn: Connection,
    case_id: int,
    loaded: LoadedCase | None,
    after: CaseSnapshot,
    calendar: clk.Calendar,
) -> None:
    stored = loaded.clocks if loaded else []
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


def _changed_columns(before: CaseSnapshot, after: dict[str, Any]) -> list[str]:
    """The columns a move may change (case fields, details, state, date of the last act) whose
    new value differs from the stored one."""
    stored = {
        **{name: before.fields.get(name) for name in CASE_FIELDS},
        "details": {k: v for k, v in before.fields.items() if k not in CASE_FIELDS},
        "state": before.state,
        "last_on": before.last_on,
    }
    return [name for name, value in stored.items() if not _same(after[name], value)]


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same JSON kind: ``1 == True == 1.0`` in Python, not once stored."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b)


def save_move(
    conn: Connection,
    loaded: LoadedCase | None,
    after: CaseSnapshot,
    *,
    move: str,
    actor: Actor,
    payload: dict[str, Any],
    now: datetime,
    calendar: clk.Calendar,
) -> tuple[int, int]:
    """Write the case, its new event and its clocks; returns (case id, new version).

    The case UPDATE names the version the move was computed from: if another transaction moved
    the case meanwhile, no row matches and ``StaleCase`` is raised (the caller rolls back).
    """
    from_state = loaded.snapshot.state if loaded else "new"
    values = {name: after.fields.get(name) for name in CASE_FIELDS}
    details = {k: v for k, v in after.fields.items() if k not in CASE_FIELDS}
    common = {
        **values,
        "details": details,
        "state": after.state,
        "last_on": after.last_on,
        "updated_at": now,
    }
    if loaded is None:
        case_id = precompiled.fetch(
            conn,
            INSERT_CASE,
            {
                **common,
                "flow": after.flow,
                "parent_id": after.parent_id,
                "rule_set": after.rule_set,
                "last_event_hash": GENESIS,
                "event_count": 0,
                "version": 0,
            },
        )[0].id
        version, prev_hash, seq = 0, GENESIS, 1
    else:
        case_id, version = loaded.id, loaded.version
        prev_hash, seq = loaded.last_event_hash, loaded.event_count + 1
    digest = event_hash(
        case_id=case_id,
        seq=seq,
        move=move,
        from_state=from_state,
        to_state=after.state,
        actor=actor,
        on=after.last_on,  # type: ignore[arg-type]  # every move sets the date of the latest act
        recorded_at=now,
        payload=payload,
        prev_hash=prev_hash,
    )
    changed = _changed_columns(loaded.snapshot, common) if loaded else []
    touched = precompiled.execute(
        conn,
        update_case((*changed, *_ALWAYS_UPDATED)),
        {
            **{name: common[name] for name in changed},
            "updated_at": now,
            "b_id": case_id,
            "b_version": version,
            "last_event_hash": digest,
            "event_count": seq,
            "version": version + 1,
        },
    )
    if touched != 1:
        raise StaleCase(
            f"案件 {case_id} 在办理过程中被他人更新，本次操作未保存，请刷新后重试",
            case=case_id,
            move=move,
            state=from_state,
            rule="optimistic locking",
        )
    precompiled.execute(
        conn,
        INSERT_EVENT,
        {
            "case_id": case_id,
            "seq": seq,
            "move": move,
            "from_state": from_state,
            "to_state": after.state,
            "actor_name": actor.name,
            "actor_role": actor.role,
            "actor_unit": actor.unit,
            "occurred_on": after.last_on,
            "recorded_at": now,
            "payload": payload,
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )
    _sync_clocks(conn, case_id, loaded, after, calendar)
    return case_id, version + 1
