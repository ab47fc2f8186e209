"""Reading a case into a snapshot and writing a move's result back, on the caller's connection.

Statements are SQLAlchemy Core over the SQLModel tables: a move is a handful of statements
(two reads, one versioned UPDATE of the case, one event INSERT, the changed clocks), which keeps
the engine close to hand-written SQL. The caller owns the transaction. The clocks' rows are read
and written by casework/store/clock_rows.py, the event's hash is casework/store/event_chain.py's.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from casework.domain import clocks as clk
from casework.domain.case import CASE_FIELDS, CaseSnapshot
from casework.domain.roles import Actor
from casework.errors import NotFound, StaleCase
from casework.store import precompiled
from casework.store.chain_keys import ChainKey
from casework.store.clock_rows import (
    CLOCK_LABELS,
    PAUSE_LABELS,
    StoredClock,
    clock_entries,
    sync_clocks,
)
from casework.store.event_chain import GENESIS, event_hash
from casework.store.tables import CASES, CLOCK_PAUSES, CLOCKS, EVENTS

# Statements are built once with bound parameters so SQLAlchemy compiles each only once: a
# move runs the same few statements every time (this is what keeps the engine near raw SQL).
# One round trip per case read: the case with its clocks and their pauses.
SELECT_CASE = (
    select(*[c for c in CASES.c if c.name != "updated_at"], *CLOCK_LABELS, *PAUSE_LABELS)
    .select_from(
        CASES.outerjoin(CLOCKS, CLOCKS.c.case_id == CASES.c.id).outerjoin(
            CLOCK_PAUSES, CLOCK_PAUSES.c.clock_id == CLOCKS.c.id
        )
    )
    .where(CASES.c.id == bindparam("b_id"))
    .order_by(CLOCKS.c.seq, CLOCK_PAUSES.c.seq)
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


def load_case(conn: Connection, case_id: int) -> LoadedCase:
    rows = precompiled.fetch(conn, SELECT_CASE, {"b_id": case_id})
    if not rows:
        raise NotFound(f"案件 {case_id} 不存在", case=case_id, field="case")
    row, entries = rows[0], clock_entries(rows)
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
    key: ChainKey,
) -> tuple[int, int]:
    """Write the case, its new event (its hash keyed with ``key``) and its clocks; returns
    (case id, new version).

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
        key=key.secret,
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
            "key_id": key.id,
        },
    )
    sync_clocks(conn, case_id, loaded.clocks if loaded else [], after, calendar)
    return case_id, version + 1
