"""Use cases over one database: register, move, read, worklist, verify, recompute.

The engine owns the transaction: a move's state, event, clocks and case fields are written
together or not at all, and a move against a stale case version raises ``StaleCase``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from casework.calendar_sources import load_calendar
from casework.domain import clocks as clk
from casework.domain.case import CASE_FIELDS, CaseSnapshot
from casework.domain.roles import Actor
from casework.errors import CaseworkError, StaleCase, UnknownCalendarYear
from casework.organisation import load_units
from casework.settings import TIMEZONE, Settings
from casework.store import migrate
from casework.store.db import WRITE, create_db_engine
from casework.store.repository import (
    GENESIS,
    LoadedCase,
    clock_from_rows,
    event_hash,
    load_case,
    save_move,
)
from casework.store.tables import CaseRow, ClockPauseRow, ClockRow, EventRow, UnitRow
from casework.views import (
    CaseView,
    ClockView,
    Discrepancy,
    EventView,
    PauseView,
    WorkItem,
)
from casework.workflow.apply import Workflow, allowed_moves, evolve, prepare
from casework.workflow.fields import parse_date
from casework.workflow.loader import Problems, load_flows, load_rule_book
from casework.workflow.machine import FlowMachine

FLOW = "application"


def build_workflow(states_dir: Path, units: frozenset[str]) -> Workflow:
    rules = load_rule_book(states_dir)
    flows = load_flows(states_dir, rules)
    return Workflow(
        flows={name: FlowMachine(f) for name, f in flows.items()},
        rules=rules,
        calendar=load_calendar(states_dir),
        units=units,
    )


@dataclass(frozen=True)
class Clock:
    """When the engine thinks it is (Asia/Shanghai); callers may pass their own."""

    now: datetime

    @classmethod
    def of(cls, now: datetime | None) -> Clock:
        now = now or datetime.now(TIMEZONE)
        if now.tzinfo is None:
            raise CaseworkError("now 必须带时区", field="now", rule="timezone-aware time")
        return cls(now.astimezone(TIMEZONE))

    @property
    def today(self) -> date:
        return self.now.date()


class Engine:
    """The casework engine over one database. Obtain it with ``casework.open(url)``."""

    def __init__(self, db: DbEngine, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._writer = db.execution_options(**WRITE)
        with Session(db) as s:
            units = frozenset(s.scalars(select(UnitRow.code)))
        self.workflow = build_workflow(settings.states_dir, units)

    # ------------------------------------------------------------ moves

    def register(
        self,
        actor: Actor,
        *,
        on: date | str | None = None,
        now: datetime | None = None,
        **inputs: Any,
    ) -> CaseView:
        """Register a new application; ``on`` is its legal receipt date (2019 Art. 31)."""
        return self._move(None, "register", actor, on, now, None, inputs)

    def move(
        self,
        case_id: int,
        move: str,
        actor: Actor,
        *,
        on: date | str | None = None,
        now: datetime | None = None,
        expected_version: int | None = None,
        **inputs: Any,
    ) -> CaseView:
        """Make one move on a case; ``on`` is the date the act happened (default today)."""
        return self._move(case_id, move, actor, on, now, expected_version, inputs)

    def _move(
        self,
        case_id: int | None,
        move: str,
        actor: Actor,
        on: date | str | None,
        now: datetime | None,
        expected_version: int | None,
        inputs: dict[str, Any],
    ) -> CaseView:
        clock = Clock.of(now)
        day = parse_date("on", on) if on is not None else clock.today
        with Session(self._writer, expire_on_commit=False) as s:
            loaded = load_case(s, case_id) if case_id is not None else None
            before = loaded.snapshot if loaded else CaseSnapshot()
            if loaded and expected_version is not None and loaded.row.version != expected_version:
                raise StaleCase(
                    f"案件 {case_id} 已被他人更新（当前版本 {loaded.row.version}，"
                    f"你看到的是 {expected_version}），请刷新后重试",
                    case=case_id,
                    move=move,
                    state=before.state,
                    rule="optimistic locking",
                )
            prepared = prepare(
                self.workflow, FLOW, before, move, actor, inputs, day, clock.today, case_id
            )
            after = evolve(self.workflow, FLOW, before, prepared)
            try:
                row = save_move(
                    s,
                    loaded,
                    after,
                    move=move,
                    actor=actor,
                    payload=prepared.params,
                    now=clock.now,
                    calendar=self.workflow.calendar,
                )
                s.commit()
            except (StaleDataError, IntegrityError):
                s.rollback()
                raise StaleCase(
                    f"案件 {case_id} 在办理过程中被他人更新，本次操作未保存，请刷新后重试",
                    case=case_id,
                    move=move,
                    state=before.state,
                    rule="optimistic locking",
                ) from None
            return self._view(row.id, row.version, after, clock.today)  # type: ignore[arg-type]

    # ------------------------------------------------------------ reading

    def _view(
        self,
        case_id: int,
        version: int,
        snap: CaseSnapshot,
        today: date,
        events: list[EventView] | None = None,
        allowed: list[str] | None = None,
    ) -> CaseView:
        rules = self.workflow.rules.named(snap.rule_set) if snap.rule_set else None
        cal = self.workflow.calendar
        clocks = []
        for c in snap.clocks:
            spec = rules.clocks.get(c.kind) if rules else None
            try:
                due = clk.due_date(c, cal)
                left = clk.days_left(c, today, cal) if c.is_open else None
                due_error = None
            except UnknownCalendarYear as err:  # shown, never guessed
                due, left, due_error = None, None, str(err)
            clocks.append(
                ClockView(
                    kind=c.kind,
                    label=spec.label if spec else c.kind,
                    basis=spec.basis if spec else "",
                    nature=spec.nature if spec else "duty",
                    unit=c.unit,
                    length=c.length,
                    started_on=c.started_on,
                    extension_days=c.extension_days,
                    status=c.status,
                    due_on=due,
                    days_left=left,
                    due_error=due_error,
                    pauses=[PauseView(p.reason, p.since, p.until) for p in c.pauses],
                )
            )
        flow = self.workflow.flows[FLOW].flow
        return CaseView(
            id=case_id,
            version=version,
            flow=FLOW,
            state=snap.state,
            state_label=flow.states[snap.state].label,
            rule_set=snap.rule_set or "",
            fields={name: snap.fields.get(name) for name in CASE_FIELDS},
            clocks=clocks,
            events=events or [],
            allowed_moves=allowed or [],
        )

    def case(
        self, case_id: int, *, actor: Actor | None = None, now: datetime | None = None
    ) -> CaseView:
        """A case with its clocks, its timeline and (given an actor) the moves open to them."""
        clock = Clock.of(now)
        with Session(self.db) as s:
            loaded = load_case(s, case_id)
            events = [
                EventView(
                    e.seq,
                    e.move,
                    e.from_state,
                    e.to_state,
                    e.actor_name,
                    e.actor_role,
                    e.actor_unit,
                    e.occurred_on,
                    e.recorded_at,
                    dict(e.payload),
                )
                for e in s.scalars(
                    select(EventRow).where(EventRow.case_id == case_id).order_by(EventRow.seq)
                )
            ]
        allowed = (
            allowed_moves(self.workflow, FLOW, loaded.snapshot, actor, clock.today)
            if actor is not None
            else []
        )
        return self._view(
            case_id, loaded.row.version, loaded.snapshot, clock.today, events, allowed
        )

    def worklist(
        self,
        *,
        unit: str | None = None,
        now: datetime | None = None,
        overdue: bool = False,
        due_within: int | None = None,
        limit: int | None = None,
    ) -> list[WorkItem]:
        """Open cases ordered by their most urgent open clock (paused clocks last).

        ``overdue`` keeps cases whose most urgent clock has run out; ``due_within`` those due
        within that many working days (overdue ones included).
        """
        clock = Clock.of(now)
        query = (
            select(CaseRow, ClockRow)
            .join(ClockRow, ClockRow.case_id == CaseRow.id)  # type: ignore[arg-type]
            .where(ClockRow.status.in_(clk.OPEN_STATUSES))  # type: ignore[attr-defined]
            .order_by(ClockRow.due_on.is_(None), ClockRow.due_on, CaseRow.id)  # type: ignore[union-attr]
        )
        if unit is not None:
            query = query.where(CaseRow.unit == unit)
        seen: set[int] = set()
        items: list[WorkItem] = []
        cal = self.workflow.calendar
        with Session(self.db) as s:
            for case, c in s.execute(query):
                spec = self.workflow.rules.named(case.rule_set).clocks.get(c.kind)
                window_closed = (
                    spec is not None
                    and spec.nature == "window"
                    and (c.due_on is None or c.due_on < clock.today)
                )
                if case.id in seen or window_closed:
                    continue
                seen.add(case.id)
                left = None
                if c.due_on is not None:
                    left = clk.working_days_left(c.due_on, clock.today, cal)
                if overdue and (left is None or left >= 0):
                    continue
                if due_within is not None and (left is None or left > due_within):
                    continue
                items.append(
                    WorkItem(
                        case.id,
                        case.state,
                        case.unit,
                        case.applicant_name,
                        case.received_on,
                        c.kind,
                        c.due_on,
                        left,
                    )
                )
                if limit is not None and len(items) >= limit:
                    break
        return items

    # ------------------------------------------------------------ integrity

    def _case_ids(self, batch: int = 500) -> Iterator[list[int]]:
        last = 0
        while True:
            with Session(self.db) as s:
                ids = list(
                    s.scalars(
                        select(CaseRow.id)
                        .where(CaseRow.id > last)
                        .order_by(CaseRow.id)
                        .limit(batch)
                    )
                )
            if not ids:
                return
            yield ids  # type: ignore[misc]
            last = ids[-1]  # type: ignore[assignment]

    def verify(self) -> list[Discrepancy]:
        """Replay every case's events; list every difference from the stored rows."""
        found: list[Discrepancy] = []
        for ids in self._case_ids():
            with Session(self.db) as s:
                for case_id in ids:
                    found.extend(self._verify_case(s, case_id))
        return found

    def _verify_case(self, s: Session, case_id: int) -> list[Discrepancy]:
        loaded = load_case(s, case_id)
        events = list(
            s.scalars(select(EventRow).where(EventRow.case_id == case_id).order_by(EventRow.seq))
        )
        out: list[Discrepancy] = []
        prev, snap = GENESIS, CaseSnapshot()
        for e in events:
            actor = Actor(e.actor_name, e.actor_role, e.actor_unit)
            digest = event_hash(
                case_id=case_id,
                seq=e.seq,
                move=e.move,
                from_state=e.from_state,
                to_state=e.to_state,
                actor=actor,
                on=e.occurred_on,
                recorded_at=e.recorded_at,
                payload=e.payload,
                prev_hash=e.prev_hash,
            )
            if e.prev_hash != prev:
                out.append(Discrepancy(case_id, f"event {e.seq} prev_hash", e.prev_hash, prev))
            if e.hash != digest:
                out.append(Discrepancy(case_id, f"event {e.seq} hash", e.hash, digest))
            prev = e.hash
            try:
                p = prepare(
                    self.workflow,
                    FLOW,
                    snap,
                    e.move,
                    actor,
                    e.payload,
                    e.occurred_on,
                    None,
                    case_id,
                )
                nxt = evolve(self.workflow, FLOW, snap, p)
            except CaseworkError as err:
                out.append(Discrepancy(case_id, f"event {e.seq} {e.move} replay", "ok", str(err)))
                return out
            if (e.from_state, e.to_state) != (snap.state, nxt.state):
                out.append(
                    Discrepancy(
                        case_id,
                        f"event {e.seq} states",
                        [e.from_state, e.to_state],
                        [snap.state, nxt.state],
                    )
                )
            snap = nxt
        out.extend(self._compare(case_id, loaded, snap, prev, len(events)))
        return out

    def _compare(
        self,
        case_id: int,
        loaded: LoadedCase,
        replayed: CaseSnapshot,
        last_hash: str,
        count: int,
    ) -> list[Discrepancy]:
        stored, row, cal = loaded.snapshot, loaded.row, self.workflow.calendar
        out = []
        pairs: list[tuple[str, Any, Any]] = [
            ("state", stored.state, replayed.state),
            ("rule_set", stored.rule_set, replayed.rule_set),
            ("last_on", stored.last_on, replayed.last_on),
            ("last_event_hash", row.last_event_hash, last_hash),
            ("event_count", row.event_count, count),
        ]
        pairs += [
            (f"field {k}", stored.fields.get(k), replayed.fields.get(k))
            for k in replayed.fields.keys() | stored.fields.keys()
            if stored.fields.get(k) is not None or replayed.fields.get(k) is not None
        ]
        pairs.append(("clock count", len(stored.clocks), len(replayed.clocks)))
        for i, (a, b) in enumerate(zip(stored.clocks, replayed.clocks, strict=False)):
            pairs.append((f"clock {i} {b.kind}", a, b))
            if b.is_open:  # a closed clock keeps the due date that was in force when it closed
                due = clk.due_date(b, cal)
                pairs.append((f"clock {i} {b.kind} due_on", loaded.clock_rows[i].due_on, due))
        out.extend(Discrepancy(case_id, what, s, r) for what, s, r in pairs if s != r)
        return out

    def recompute_clocks(self, *, now: datetime | None = None) -> list[tuple[int, str, Any, Any]]:
        """Re-derive the due date of every open clock (after a calendar correction)."""
        changed = []
        with Session(self._writer) as s:
            rows = s.scalars(
                select(ClockRow).where(ClockRow.status.in_(clk.OPEN_STATUSES))  # type: ignore[attr-defined]
            ).all()
            pauses = _pauses_by_clock(s, [r.id for r in rows])  # type: ignore[misc]
            for r in rows:
                due = clk.due_date(clock_from_rows(r, pauses.get(r.id, [])), self.workflow.calendar)  # type: ignore[arg-type]
                if due != r.due_on:
                    changed.append((r.case_id, r.kind, r.due_on, due))
                    r.due_on = due
            s.commit()
        return changed

    def count_cases_by(self, column: str) -> dict[Any, int]:
        """How many cases per value of a case column (state, outcome, unit...), in SQL."""
        col = getattr(CaseRow, column)
        with Session(self.db) as s:
            query = select(col, func.count()).group_by(col)
            return {value: count for value, count in s.execute(query)}

    def count_clocks(self) -> dict[tuple[str, str], int]:
        """How many clocks per (kind, status), in SQL."""
        with Session(self.db) as s:
            query = select(ClockRow.kind, ClockRow.status, func.count()).group_by(
                ClockRow.kind, ClockRow.status
            )
            return {(k, st): n for k, st, n in s.execute(query)}


def _pauses_by_clock(s: Session, clock_ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for chunk_start in range(0, len(clock_ids), 500):
        chunk = clock_ids[chunk_start : chunk_start + 500]
        for p in s.scalars(
            select(ClockPauseRow)
            .where(ClockPauseRow.clock_id.in_(chunk))  # type: ignore[attr-defined]
            .order_by(ClockPauseRow.clock_id, ClockPauseRow.seq)
        ):
            out.setdefault(p.clock_id, []).append(p)
    return out


def sync_units(db: DbEngine, states_dir: Path) -> int:
    """Insert or update the units of states/organisation.toml; returns how many were written."""
    units = load_units(states_dir)
    with Session(db.execution_options(**WRITE)) as s:
        for u in units:
            row = s.get(UnitRow, u.code) or UnitRow(code=u.code, name=u.name, group=u.group)
            row.name, row.group = u.name, u.group
            row.seed_number, row.from_seed = u.seed_number, u.from_seed
            s.add(row)
        s.commit()
    return len(units)


def open_engine(
    url: str | None = None, *, states_dir: Path | str | None = None, upgrade: bool = False
) -> Engine:
    """Open the engine on a database URL (default: settings / CASEWORK_DATABASE_URL).

    ``upgrade=True`` migrates the schema to the newest revision and loads the units first;
    otherwise a database that is not at the newest revision is refused with a clear error.
    """
    base = Settings()
    settings = Settings(
        database_url=url or base.database_url,
        states_dir=Path(states_dir) if states_dir else base.states_dir,
        templates_dir=base.templates_dir,
    )
    db = create_db_engine(settings.database_url)
    if upgrade:
        migrate.upgrade(db)
        sync_units(db, settings.states_dir)
    elif migrate.current_revision(db) != migrate.head_revision():
        raise CaseworkError(
            f"数据库 {db.url.render_as_string(hide_password=True)} 尚未初始化或结构不是最新版本："
            "请先运行 casework db upgrade",
            field="database_url",
            rule="schema at the newest migration",
        )
    return Engine(db, settings)


def check_states(states_dir: Path, engine: Engine | None = None) -> list[str]:
    """Every problem in the rule files (and, given a database, stored cases they strand)."""
    problems = Problems()
    try:
        rules = load_rule_book(states_dir, problems)
        flows = load_flows(states_dir, rules, problems)
        load_calendar(states_dir)
        load_units(states_dir)
    except CaseworkError as err:
        problems.append(str(err))
        return problems
    if engine is not None:
        known = flows[FLOW].states
        for state, count in engine.count_cases_by("state").items():
            if state not in known:
                problems.add(
                    str(states_dir / f"{FLOW}.toml"),
                    f"数据库中有 {count} 件案件处于已删除的状态 {state!r}",
                )
    return problems
