"""The nightly sweep: lapse the applicant's periods, escalate the agency's along the ladder.

The ladder (states/escalation.toml, ``ladder``) says, per clock kind, at which working-day
offset from the due date whom to notify. The sweep:

1. makes the lapse move (correction_lapsed, fee_lapsed, consultation_lapsed) of every running
   applicant clock whose due date has passed — each through ``engine.move`` as the system, in
   its own transaction. Nothing records "to do" first: the clock itself is the to-do (it stays
   running until its lapse move commits), so a crash between two moves loses nothing and a
   rerun does the rest;
2. in ONE unit of work, under the sweep lock (PostgreSQL ``pg_try_advisory_xact_lock``;
   SQLite's write lock, taken at BEGIN IMMEDIATE), records each ladder level reached by a
   running clock as an escalation (unique per clock and level) and writes its notices to the
   outbox.

Due clocks are found by an indexed range query (``casework.store.escalation_queries``), never
by loading cases; so the cost follows the due clocks. A level is reached when its day
(``fire_on``) is on or before the sweep's date, so a sweep after missed nights sends every
level whose day has come, once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from casework.calendar_office import recompute
from casework.domain import clocks as clk
from casework.domain.holiday_law import PROVISIONAL_LAW
from casework.domain.roles import Actor
from casework.engine import APPLICATION, WallClock
from casework.errors import CaseworkError, InvalidInput
from casework.escalation.ladder import Ladder, Rung, load_ladder
from casework.escalation.levels import escalate
from casework.escalation.notices import NoticeTemplates
from casework.organisation import Directory, directory_in_force
from casework.store import escalation_queries as q
from casework.store.calendar_store import queue_notice
from casework.store.unit_of_work import unit_of_work
from casework.views import jsonable

if TYPE_CHECKING:
    from casework.engine import Engine

SYSTEM_ACTOR = Actor("夜间期限督办", "system")
# A month's warning before reply periods start to be counted over a year whose holiday notice
# is not registered (they are then provisional).
CALENDAR_WARNING_DAYS = 30


@dataclass(frozen=True)
class SweepPlan:
    """Everything a sweep needs, loaded and validated before it touches the database."""

    directory: Directory
    ladder: Ladder
    notices: NoticeTemplates


def prepare(engine: Engine) -> SweepPlan:
    """Load and check the directory in force, the ladder and the notice templates."""
    settings = engine.settings
    return SweepPlan(
        directory_in_force(engine.db, settings.states_dir),
        load_ladder(settings.states_dir, engine.workflow),
        NoticeTemplates(settings.templates_dir),
    )


@dataclass
class SweepSummary:
    as_of: date
    run_id: int | None = None
    skipped: str | None = None  # why nothing was done (the night ran elsewhere, lock busy)
    escalations: list[dict[str, Any]] = field(default_factory=list)
    notices: int = 0
    lapses: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Cases whose due dates the night's calendar recompute changed (a year became known).
    recomputed: list[dict[str, Any]] = field(default_factory=list)
    # Said to the general section through the outbox too (due dates counted provisionally).
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = jsonable(asdict(self))
        return shown

    def counts(self) -> dict[str, Any]:
        by_level: dict[str, int] = {}
        for e in self.escalations:
            key = f"{e['kind']}/{e['level']}"
            by_level[key] = by_level.get(key, 0) + 1
        return {
            "escalations": by_level,
            "notices": self.notices,
            "lapses": len([x for x in self.lapses if x["result"] == "done"]),
            "recomputed": len(self.recomputed),
            "warnings": len(self.warnings),
            "problems": len(self.problems),
            "skipped": self.skipped,
        }


def sweep(
    engine: Engine,
    as_of: date,
    *,
    now: datetime | None = None,
    run_key: str | None = None,
    started_by: str = "api",
    plan: SweepPlan | None = None,
) -> SweepSummary:
    """Sweep the clocks as of ``as_of`` (a date not after today). With a ``run_key`` (the
    scheduler's night), a key already claimed by another run makes this one do nothing."""
    moment = WallClock.of(now)
    if as_of > moment.today:
        raise InvalidInput(
            f"督办日期 {as_of} 晚于今天 {moment.today}：不能提前督办",
            field="as_of",
            rule="a sweep looks at days that have come",
        )
    plan = plan or prepare(engine)
    summary = SweepSummary(as_of)
    summary.run_id = q.claim_run(engine.db, as_of, run_key, started_by, moment.now)
    if summary.run_id is None:
        summary.skipped = f"本次夜间督办（{run_key}）已由其他实例运行"
        return summary
    # First the due dates a newly known year moved, so that lapses and levels use them.
    recomputed = recompute(engine, now=moment.now)
    summary.recomputed, summary.problems = recomputed.cases, [*recomputed.problems]
    summary.notices += recomputed.notices
    _lapse(engine, plan, as_of, moment.now, summary)
    escalate(engine, plan, as_of, moment.now, summary)
    _warn_provisional(engine, plan, as_of, moment.now, summary)
    q.finish_run(engine.db, summary.run_id, moment.now, summary.counts())
    return summary


def _warn_provisional(
    engine: Engine, plan: SweepPlan, as_of: date, now: datetime, out: SweepSummary
) -> None:
    """Every night from a month before the first receipt date whose reply period is counted
    provisionally, and every night while open due dates are provisional, tell the general
    section (outbox, once a night) from which receipt date that is and how many open clocks
    are provisional."""
    calendar = engine.workflow.calendar
    edge = calendar.first_provisional_day
    if out.skipped or edge is None:
        return
    with engine.db.connect() as conn:
        pending = q.provisional_cases(conn, edge)
    reply = engine.workflow.rules[APPLICATION].in_force_on(as_of).clocks.get("reply")
    first = (
        clk.first_provisional_start(reply.unit, reply.length, edge, calendar)
        if reply is not None and reply.length is not None
        else edge
    )
    if (first - as_of).days > CALENDAR_WARNING_DAYS and not pending:
        return
    message = (
        f"{edge.year}年的国务院办公厅放假通知尚未登记：自 {first} 起收到的申请，答复期限跨入"
        f"{edge.year}年，按{PROVISIONAL_LAW}暂定计算（届满日标注“暂定”）；目前有 {pending} 件"
        "案件的未结期限为暂定。通知发布后请管理员运行 casework calendar notice add 登记，"
        "系统将重新计算受影响的期限并通知承办单位。"
    )
    out.warnings.append(message)
    recipient = plan.directory.position("general_section")
    with unit_of_work(engine.db) as uow:
        if queue_notice(
            uow.conn,
            recipient,
            key=f"calendar-provisional:{as_of.isoformat()}",
            subject=f"【工作日历】{edge.year}年放假通知尚未登记，期限暂定计算",
            body=f"{recipient.name}：\n\n{message}\n\n（casework 夜间督办 {as_of} 自动发出）\n",
            now=now,
        ):
            out.notices += 1


def _numbered(engine: Engine, rung: Rung) -> bool:
    """Whether the lapse move names which clock of its kind it closes (an input named after
    the kind: ``consultation_lapsed`` takes ``consultation``, the clock's number in its case)."""
    return any(
        rung.kind in m.inputs
        for machine in engine.workflow.flows.values()
        for m in machine.flow.variants(rung.lapse or "")
    )


def _lapse(engine: Engine, plan: SweepPlan, as_of: date, now: datetime, out: SweepSummary) -> None:
    for rung in plan.ladder.lapsing():
        assert rung.lapse is not None
        numbered = _numbered(engine, rung)
        with engine.db.connect() as conn:
            due = []
            for batch in q.due_for_lapse(conn, rung.kind, as_of):
                for r in batch:
                    number = None
                    if numbered:  # 1-based among the case's clocks of this kind
                        number = q.clock_number(conn, r.case_id, rung.kind, r.seq)
                    due.append((r, {rung.kind: number} if numbered else {}))
        for r, inputs in due:
            entry = {"case": r.case_id, "kind": rung.kind, "move": rung.lapse, "due_on": r.due_on}
            try:
                engine.move(r.case_id, rung.lapse, SYSTEM_ACTOR, on=as_of, now=now, **inputs)
                out.lapses.append({**entry, "result": "done"})
            except CaseworkError as err:
                with engine.db.connect() as conn:
                    status = q.clock_status(conn, r.id)
                if status == "running":
                    out.problems.append(f"案件 {r.case_id} 的 {rung.lapse} 未能办理：{err}")
                    out.lapses.append({**entry, "result": "failed"})
                else:  # a clerk or another sweep closed the period first: nothing to do
                    out.lapses.append({**entry, "result": "already"})
