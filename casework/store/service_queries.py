"""The HTTP service's statements: API keys, the installation's secrets and the events feed.

The feed reads the events table in the order the events were committed. On SQLite a writer
holds the write lock from BEGIN, so ids are given out in commit order. On PostgreSQL ids come
from a sequence when a row is inserted, and a transaction that took id 9 may commit after the
one that took id 10: a reader that saw 10 and moved its cursor past it would never see 9. So on
PostgreSQL the feed first takes ``SHARE`` mode on ``events``, which waits for every transaction
that inserted into it to end (and holds new inserts back for the few milliseconds of the read):
everything below the sequence is then committed or gone for good.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, func, insert, or_, select, text, update

from casework.store.tables import API_KEYS, CASES, EVENTS, PEOPLE, SERVICE_SECRETS

FEED_LOCK_TIMEOUT = "2s"


def insert_key(conn: Connection, row: dict[str, Any]) -> int:
    return int(conn.execute(insert(API_KEYS).returning(API_KEYS.c.id), row).scalar_one())


def select_keys(conn: Connection) -> Sequence[Row[Any]]:
    query = (
        select(API_KEYS, PEOPLE.c.name, PEOPLE.c.role, PEOPLE.c.unit_code)
        .join(PEOPLE, PEOPLE.c.code == API_KEYS.c.person_code)
        .order_by(API_KEYS.c.id)
    )
    return conn.execute(query).all()


def key_by_prefix(conn: Connection, prefix: str) -> Row[Any] | None:
    return conn.execute(select(API_KEYS).where(API_KEYS.c.prefix == prefix)).first()


def key_by_id(conn: Connection, key_id: int) -> Row[Any] | None:
    return conn.execute(select(API_KEYS).where(API_KEYS.c.id == key_id)).first()


def revoke_key(conn: Connection, key_id: int, by: str, at: datetime) -> bool:
    """Revoke a key not yet revoked; False when it already was."""
    result = conn.execute(
        update(API_KEYS)
        .where(API_KEYS.c.id == key_id, API_KEYS.c.revoked_at.is_(None))
        .values(revoked_at=at, revoked_by=by)
    )
    return result.rowcount == 1


def touch_key(conn: Connection, key_id: int, at: datetime) -> None:
    conn.execute(update(API_KEYS).where(API_KEYS.c.id == key_id).values(last_used_at=at))


def secret(conn: Connection, name: str) -> str | None:
    return conn.scalar(select(SERVICE_SECRETS.c.value).where(SERVICE_SECRETS.c.name == name))


def set_secret(conn: Connection, name: str, value: str, at: datetime) -> None:
    """Replace a secret (a test pins the status-code key to print stable letters)."""
    conn.execute(SERVICE_SECRETS.delete().where(SERVICE_SECRETS.c.name == name))
    conn.execute(insert(SERVICE_SECRETS), {"name": name, "value": value, "created_at": at})


def first_event_recorded_at(conn: Connection, case_id: int) -> datetime | None:
    """When a case's first event was recorded (tells a new registration from a repeated one)."""
    return conn.scalar(
        select(EVENTS.c.recorded_at).where(EVENTS.c.case_id == case_id, EVENTS.c.seq == 1)
    )


def lock_events_for_feed(conn: Connection) -> None:
    """PostgreSQL: wait until no transaction holds an uncommitted event (module docstring)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SET LOCAL lock_timeout = '{FEED_LOCK_TIMEOUT}'"))
        conn.execute(text("LOCK TABLE events IN SHARE MODE"))


def events_after(conn: Connection, after: int, limit: int, unit: str | None) -> Sequence[Any]:
    """Events with an id above ``after``, oldest first, with their case's flow; ``unit``: only
    those of cases that unit handles (a review or lawsuit counts as its case's unit's)."""
    parent = CASES.alias("parent")
    query = (
        select(
            EVENTS.c.id,
            EVENTS.c.case_id,
            EVENTS.c.seq,
            EVENTS.c.move,
            EVENTS.c.from_state,
            EVENTS.c.to_state,
            EVENTS.c.occurred_on,
            EVENTS.c.recorded_at,
            CASES.c.flow,
            CASES.c.unit,
            CASES.c.parent_id,
        )
        .join(CASES, CASES.c.id == EVENTS.c.case_id)
        .where(EVENTS.c.id > after)
        .order_by(EVENTS.c.id)
        .limit(limit)
    )
    if unit is not None:
        query = query.outerjoin(parent, parent.c.id == CASES.c.parent_id).where(
            or_(CASES.c.unit == unit, and_(CASES.c.unit.is_(None), parent.c.unit == unit))
        )
    return conn.execute(query).all()


def last_event_id(conn: Connection) -> int:
    return int(conn.scalar(select(func.max(EVENTS.c.id))) or 0)


def read_feed(db: Engine, after: int, limit: int, unit: str | None) -> tuple[Sequence[Any], int]:
    """One page of the feed and the newest event id, read in one transaction that first
    waits for uncommitted events (``lock_events_for_feed``)."""
    with db.begin() as conn:
        lock_events_for_feed(conn)
        return events_after(conn, after, limit, unit), last_event_id(conn)
