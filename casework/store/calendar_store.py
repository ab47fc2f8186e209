"""Reading and writing the calendar's rows: registered notices, the basis of the stored due
dates, and outbox notices that belong to no escalation. The caller owns the transaction."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, insert, or_, select, update

from casework.domain.calendar import YearSchedule
from casework.domain.clocks import OPEN_STATUSES
from casework.store.tables import CALENDAR_BASIS, CALENDAR_NOTICES, CLOCKS, OUTBOX

__all__ = [
    "affected_case_ids",
    "all_notices",
    "insert_notice",
    "notice_in_force",
    "notices_in_force",
    "queue_notice",
    "read_basis",
    "schedule_digest",
    "write_basis",
]


class Addressee(Protocol):
    """Who receives a notice (``organisation.Recipient`` fits). Read-only: a frozen dataclass
    fits only a protocol whose members are properties."""

    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def address(self) -> str: ...


def schedule_digest(schedule: YearSchedule) -> str:
    """A digest of which days a schedule makes rest days and working days (not its source)."""
    body = json.dumps(
        {
            "rest": [d.isoformat() for d in schedule.rest_days],
            "makeup": sorted(d.isoformat() for d in schedule.makeup_workdays),
        },
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _schedule(row: Any) -> YearSchedule:
    return YearSchedule(
        year=row.year,
        rest_days={date.fromisoformat(d): name for d, name in row.rest_days},
        makeup_workdays=frozenset(date.fromisoformat(d) for d in row.makeup_workdays),
        source=row.number,
        origin="notice",
    )


def notices_in_force(conn: Connection) -> list[YearSchedule]:
    """The schedules of the notices in force, by year."""
    query = select(CALENDAR_NOTICES).where(CALENDAR_NOTICES.c.replaced_at.is_(None))
    return [_schedule(r) for r in conn.execute(query.order_by(CALENDAR_NOTICES.c.year))]


def all_notices(conn: Connection) -> list[dict[str, Any]]:
    """Every registered notice, replaced ones included (the register is its audit trail)."""
    columns = [c for c in CALENDAR_NOTICES.c if c.name not in ("rest_days", "makeup_workdays")]
    query = select(*columns).order_by(CALENDAR_NOTICES.c.year, CALENDAR_NOTICES.c.id)
    return [dict(r._mapping) for r in conn.execute(query)]


def notice_in_force(conn: Connection, year: int) -> Any | None:
    """The row of ``year``'s notice in force, if one is registered."""
    query = select(CALENDAR_NOTICES).where(
        CALENDAR_NOTICES.c.year == year, CALENDAR_NOTICES.c.replaced_at.is_(None)
    )
    return conn.execute(query).one_or_none()


def insert_notice(
    conn: Connection,
    schedule: YearSchedule,
    issued_on: date,
    *,
    by: str,
    role: str,
    now: datetime,
    replacing: int | None,
) -> int:
    """Register a notice (marking the one it replaces); returns the new row's id."""
    if replacing is not None:  # first step aside: one notice in force per year (unique index)
        conn.execute(
            update(CALENDAR_NOTICES)
            .where(CALENDAR_NOTICES.c.id == replacing)
            .values(replaced_at=now)
        )
    new_id = conn.execute(
        insert(CALENDAR_NOTICES)
        .values(
            year=schedule.year,
            number=schedule.source,
            issued_on=issued_on,
            rest_days=[[d.isoformat(), name] for d, name in schedule.rest_days.items()],
            makeup_workdays=sorted(d.isoformat() for d in schedule.makeup_workdays),
            digest=schedule_digest(schedule),
            registered_at=now,
            registered_by=by,
            registered_role=role,
        )
        .returning(CALENDAR_NOTICES.c.id)
    ).scalar_one()
    if replacing is not None:
        conn.execute(
            update(CALENDAR_NOTICES)
            .where(CALENDAR_NOTICES.c.id == replacing)
            .values(replaced_by=new_id)
        )
    return int(new_id)


def read_basis(conn: Connection) -> dict[str, str] | None:
    """Year -> schedule digest of the calendar the stored due dates were last recomputed on."""
    row = conn.execute(select(CALENDAR_BASIS.c.years).where(CALENDAR_BASIS.c.id == 1)).first()
    return None if row is None else dict(row.years)


def write_basis(conn: Connection, years: dict[str, str], now: datetime) -> None:
    done = conn.execute(
        update(CALENDAR_BASIS).where(CALENDAR_BASIS.c.id == 1).values(years=years, updated_at=now)
    ).rowcount
    if not done:
        conn.execute(insert(CALENDAR_BASIS).values(id=1, years=years, updated_at=now))


def affected_case_ids(conn: Connection, since: date) -> list[int]:
    """Cases with a clock due on or after ``since``, or an open clock with no due date (paused):
    the clocks a change of the calendar from ``since`` on can move."""
    query = (
        select(CLOCKS.c.case_id)
        .where(
            or_(
                CLOCKS.c.due_on >= since,
                CLOCKS.c.due_on.is_(None) & CLOCKS.c.status.in_(OPEN_STATUSES),
            )
        )
        .distinct()
        .order_by(CLOCKS.c.case_id)
    )
    return list(conn.scalars(query))


def queue_notice(
    conn: Connection,
    recipient: Addressee,
    *,
    key: str,
    subject: str,
    body: str,
    now: datetime,
    case_id: int | None = None,
) -> bool:
    """Put a notice that belongs to no escalation in the outbox, once per ``key`` and
    recipient; returns whether it was new."""
    exists = conn.execute(
        select(OUTBOX.c.id).where(OUTBOX.c.notice_key == key, OUTBOX.c.recipient == recipient.key)
    ).first()
    if exists is not None:
        return False
    conn.execute(
        insert(OUTBOX).values(
            notice_key=key,
            case_id=case_id,
            channel=recipient.channel,
            recipient=recipient.key,
            recipient_name=recipient.name[:100],
            address=recipient.address[:200],
            subject=subject[:300],
            body=body,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return True
