"""Reads the HTTP service needs beyond the engine's own: the ordered feed of case events, when a
case was first recorded (a new registration or a repeated one), and the health of the engine.

The feed is scoped like every read: a unit role sees the events of its own unit's cases (and of
the reviews and lawsuits about them), every other role the district's. It carries no payload:
no personal data and no notes, only which case moved from which state to which.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from casework.boundary import check_actor
from casework.domain.roles import Actor
from casework.engine.access import reading_scope
from casework.errors import DatabaseUnavailable, InvalidInput
from casework.store import migrate
from casework.store import service_queries as q
from casework.views import jsonable_dict

if TYPE_CHECKING:
    from casework.engine import Engine

MAX_CURSOR = 2**31 - 1  # events.id is a 32-bit integer on PostgreSQL
MAX_PAGE = 500


@dataclass(frozen=True)
class FeedEvent:
    cursor: str  # the position of this event in the feed: pass it as ``after`` to go on
    case_id: int
    flow: str
    seq: int  # the event's number within its case
    move: str
    from_state: str
    to_state: str
    state_label: str
    occurred_on: date
    recorded_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return jsonable_dict(asdict(self))


@dataclass(frozen=True)
class FeedPage:
    events: list[FeedEvent]
    next: str  # the cursor to ask with next time (the same when nothing new came)


def parse_cursor(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or int(raw) > MAX_CURSOR:
        raise InvalidInput(
            f"after：游标应为上一页返回的 next（非负整数），收到 {raw[:40]!r}",
            field="after",
            rule="a cursor from the feed",
        )
    return int(raw)


def events_after(
    engine: Engine, *, actor: Actor | None, after: str | None = None, limit: int = 100
) -> FeedPage:
    """The events committed after the cursor ``after`` that ``actor`` may see, oldest first;
    at most ``limit``. Events are never skipped: a page ends before any event whose
    transaction might still commit (see casework/store/service_queries.py)."""
    actor = check_actor(actor)
    start = parse_cursor(after)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(
            f"limit：每页 1 至 {MAX_PAGE} 条，收到 {limit!r}", field="limit", rule="page size"
        )
    unit = reading_scope(actor, None, engine.workflow.units)
    try:
        rows, horizon = q.read_feed(engine.db, start, limit, unit)
    except OperationalError as err:  # PostgreSQL's lock_timeout: writers held the table
        raise DatabaseUnavailable(
            "事件流暂时繁忙（有办理中的事务），请稍后重试",
            field="after",
            rule="the feed waits for moves in progress",
        ) from err
    flows = engine.workflow.flows
    events = [
        FeedEvent(
            str(r.id),
            r.case_id,
            r.flow,
            r.seq,
            r.move,
            r.from_state,
            r.to_state,
            flows[r.flow].flow.states[r.to_state].label
            if r.flow in flows and r.to_state in flows[r.flow].flow.states
            else r.to_state,
            r.occurred_on,
            r.recorded_at,
        )
        for r in rows
    ]
    # A full page goes on from its last event; a short one from the newest event there was
    # (a unit's reader then skips the other units' events once, not on every call).
    last = int(events[-1].cursor) if len(events) == limit else max(horizon, start)
    return FeedPage(events, str(last))


def first_recorded_at(engine: Engine, case_id: int) -> datetime | None:
    """When the case's first event was recorded (None when there is no such case)."""
    with engine.db.connect() as conn:
        return q.first_event_recorded_at(conn, case_id)


@dataclass(frozen=True)
class Health:
    database: str  # ok / unreachable
    schema: str  # current / behind / unknown
    calendar_known_to: int | None  # the last year a source knows
    provisional_from: date | None  # the first day counted provisionally
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.schema == "current"


def health(engine: Engine) -> Health:
    """Database reachable, schema at the newest migration, and the calendar in force."""
    calendar = engine.workflow.calendar
    known = calendar.known_years
    last_known = known[-1] if known else None
    try:
        current = migrate.is_current(engine.db)
    except SQLAlchemyError as err:
        reason = " ".join(str(getattr(err, "orig", err)).split())[:200]
        return Health("unreachable", "unknown", last_known, calendar.first_provisional_day, reason)
    with suppress(SQLAlchemyError):
        engine.refresh_calendar()  # a notice registered by another process since
    calendar = engine.workflow.calendar
    known = calendar.known_years
    return Health(
        "ok",
        "current" if current else "behind",
        known[-1] if known else None,
        calendar.first_provisional_day,
    )
