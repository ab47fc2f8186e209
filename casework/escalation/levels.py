"""The sweep's second step: the ladder levels reached by running clocks.

In ONE unit of work, under the sweep lock, each level whose day (``fire_on``) is on or before
the sweep's date is recorded as an escalation (unique per clock and level) and its notices are
written to the outbox. A catch-up sweep records every level reached but notifies only the
highest of each clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from casework.errors import UnknownCalendarYear
from casework.escalation.ladder import Level, Rung, fire_on, horizon
from casework.escalation.notices import notice_rows
from casework.store import escalation_queries as q
from casework.store.unit_of_work import unit_of_work

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from casework.engine import Engine
    from casework.escalation.sweep import SweepPlan, SweepSummary


def escalate(
    engine: Engine, plan: SweepPlan, as_of: date, now: datetime, out: SweepSummary
) -> None:
    """Record every ladder level reached by ``as_of`` and queue its notices, in one unit of
    work under the sweep lock (``out.skipped`` says so when another sweep holds it)."""
    cal = engine.workflow.calendar
    with unit_of_work(engine.db) as uow:
        conn = uow.conn
        if not q.sweep_lock(conn):
            out.skipped = "另一个督办任务正在运行（PostgreSQL 咨询锁被占用），本次未执行"
            return
        for rung in plan.ladder.escalating():
            try:
                by = horizon(as_of, rung, cal)
            except UnknownCalendarYear as err:
                out.problems.append(f"{rung.kind}：{err}")
                continue
            if rung.nature == "window":
                batches = q.due_for_escalation(conn, rung.kind, by, window_from=as_of)
            else:
                last = rung.levels[-1].name
                batches = q.due_for_escalation(conn, rung.kind, by, last_level=last)
            for batch in batches:
                _escalate_batch(conn, engine, plan, rung, batch, as_of, now, out)


def _escalate_batch(
    conn: Connection,
    engine: Engine,
    plan: SweepPlan,
    rung: Rung,
    batch: Sequence[Any],
    as_of: date,
    now: datetime,
    out: SweepSummary,
) -> None:
    cal = engine.workflow.calendar
    seen = q.reached_levels(conn, [r.id for r in batch])
    new: list[tuple[Any, Level, date]] = []
    for r in batch:
        for lv in rung.levels:
            if (r.id, lv.name) in seen:
                continue
            try:
                day = fire_on(r.due_on, lv.offset, cal)
            except UnknownCalendarYear as err:
                out.problems.append(f"案件 {r.case_id} 的 {rung.kind}/{lv.name}：{err}")
                continue
            if day <= as_of:
                new.append((r, lv, day))
    if not new:
        return
    esc_ids = q.record_escalations(
        conn,
        [
            {
                "clock_id": r.id,
                "case_id": r.case_id,
                "kind": rung.kind,
                "level": lv.name,
                "offset_days": lv.offset,
                "due_on": r.due_on,
                "fire_on": day,
                "as_of": as_of,
                "created_at": now,
            }
            for r, lv, day in new
        ],
    )
    # A catch-up sweep may reach several levels of one clock at once: each is recorded (so that
    # none is sent later), but only the highest reached is notified — an overdue clock gets the
    # breach notice, not a reminder that it is about to run out.
    highest: dict[int, int] = {}
    for r, lv, _ in new:
        highest[r.id] = max(highest.get(r.id, lv.offset), lv.offset)
    notices: list[dict[str, Any]] = []
    for esc_id, (r, lv, day) in zip(esc_ids, new, strict=True):
        notified = lv.offset == highest[r.id]
        rows = (
            notice_rows(engine.workflow, plan.directory, plan.notices, rung, lv, r, as_of, now)
            if notified
            else []
        )
        notices.extend({**n, "escalation_id": esc_id} for n in rows)
        out.escalations.append(
            {
                "case": r.case_id,
                "clock": r.id,
                "kind": rung.kind,
                "level": lv.name,
                "unit": r.unit,
                "due_on": r.due_on,
                "fire_on": day,
                "notices": len(rows),
            }
        )
    if notices:
        q.queue_notices(conn, notices)
    out.notices += len(notices)
