"""Reading a case into a snapshot and writing a move's result back, inside the caller's session."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from casework.domain import clocks as clk
from casework.domain.case import CASE_FIELDS, CaseSnapshot
from casework.domain.roles import Actor
from casework.errors import NotFound
from casework.store.tables import CaseRow, ClockPauseRow, ClockRow, EventRow

GENESIS = "0" * 64


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


def clock_from_rows(row: ClockRow, pauses: list[ClockPauseRow]) -> clk.Clock:
    return clk.Clock(
        kind=row.kind,
        unit=row.unit,  # type: ignore[arg-type]
        length=row.length,
        started_on=row.started_on,
        extension_days=row.extension_days,
        pauses=tuple(clk.Pause(p.reason, p.paused_on, p.resumed_on) for p in pauses),
        status=row.status,  # type: ignore[arg-type]
        stopped_on=row.stopped_on,
    )


@dataclass
class LoadedCase:
    row: CaseRow
    clock_rows: list[ClockRow]
    pause_rows: dict[int, list[ClockPauseRow]]
    snapshot: CaseSnapshot


def load_case(session: Session, case_id: int) -> LoadedCase:
    row = session.get(CaseRow, case_id)
    if row is None:
        raise NotFound(f"案件 {case_id} 不存在", case=case_id, field="case")
    clock_rows = list(
        session.scalars(select(ClockRow).where(ClockRow.case_id == case_id).order_by(ClockRow.seq))
    )
    pause_rows: dict[int, list[ClockPauseRow]] = {r.id: [] for r in clock_rows}  # type: ignore[misc]
    if clock_rows:
        for p in session.scalars(
            select(ClockPauseRow)
            .where(ClockPauseRow.clock_id.in_(list(pause_rows)))  # type: ignore[attr-defined]
            .order_by(ClockPauseRow.clock_id, ClockPauseRow.seq)
        ):
            pause_rows[p.clock_id].append(p)
    snapshot = CaseSnapshot(
        state=row.state,
        rule_set=row.rule_set,
        fields={name: getattr(row, name) for name in CASE_FIELDS},
        clocks=tuple(clock_from_rows(r, pause_rows[r.id]) for r in clock_rows),  # type: ignore[index]
        last_on=row.last_on,
    )
    return LoadedCase(row, clock_rows, pause_rows, snapshot)


def _sync_clocks(
    session: Session, case_id: int, loaded: LoadedCase | None, after: CaseSnapshot, calendar: Any
) -> None:
    rows = loaded.clock_rows if loaded else []
    before = loaded.snapshot.clocks if loaded else ()
    for seq, clock in enumerate(after.clocks):
        if seq < len(before) and before[seq] == clock:
            continue
        due = clk.due_date(clock, calendar)
        if seq < len(rows):
            row = rows[seq]
            row.length, row.unit, row.started_on = clock.length, clock.unit, clock.started_on
            row.extension_days, row.status = clock.extension_days, clock.status
            row.due_on, row.stopped_on = due, clock.stopped_on
            pause_rows = loaded.pause_rows[row.id] if loaded else []  # type: ignore[index]
        else:
            row = ClockRow(
                case_id=case_id,
                seq=seq,
                kind=clock.kind,
                unit=clock.unit,
                length=clock.length,
                started_on=clock.started_on,
                extension_days=clock.extension_days,
                status=clock.status,
                due_on=due,
                stopped_on=clock.stopped_on,
            )
            session.add(row)
            pause_rows = []
        if clock.pauses:
            session.flush()  # the pause rows need the clock's id
        for pseq, pause in enumerate(clock.pauses):
            if pseq < len(pause_rows):
                pause_rows[pseq].resumed_on = pause.until
            else:
                session.add(
                    ClockPauseRow(
                        clock_id=row.id,
                        seq=pseq,
                        reason=pause.reason,  # type: ignore[arg-type]
                        paused_on=pause.since,
                        resumed_on=pause.until,
                    )
                )


def save_move(
    session: Session,
    loaded: LoadedCase | None,
    after: CaseSnapshot,
    *,
    move: str,
    actor: Actor,
    payload: dict[str, Any],
    now: datetime,
    calendar: Any,
) -> CaseRow:
    """Write the case, its new event and its clocks; the caller commits (one transaction)."""
    from_state = loaded.snapshot.state if loaded else "new"
    values = {name: after.fields.get(name) for name in CASE_FIELDS}
    if loaded is None:
        row = CaseRow(
            **values,
            state=after.state,
            rule_set=after.rule_set,
            last_on=after.last_on,
            last_event_hash=GENESIS,
            event_count=0,
            updated_at=now,
        )
        session.add(row)
        session.flush()  # assigns the case id, which the event hash covers
    else:
        row = loaded.row
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
        row.state, row.last_on, row.updated_at = after.state, after.last_on, now
    seq = row.event_count + 1
    digest = event_hash(
        case_id=row.id,
        seq=seq,
        move=move,
        from_state=from_state,
        to_state=after.state,  # type: ignore[arg-type]
        actor=actor,
        on=after.last_on,
        recorded_at=now,
        payload=payload,  # type: ignore[arg-type]
        prev_hash=row.last_event_hash,
    )
    session.add(
        EventRow(
            case_id=row.id,
            seq=seq,
            move=move,
            from_state=from_state,  # type: ignore[arg-type]
            to_state=after.state,
            actor_name=actor.name,
            actor_role=actor.role,
            actor_unit=actor.unit,
            occurred_on=after.last_on,
            recorded_at=now,  # type: ignore[arg-type]
            payload=payload,
            prev_hash=row.last_event_hash,
            hash=digest,
        )
    )
    row.last_event_hash, row.event_count = digest, seq
    _sync_clocks(session, row.id, loaded, after, calendar)  # type: ignore[arg-type]
    return row
