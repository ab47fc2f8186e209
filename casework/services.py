"""Use cases over one database: open a dossier, move it, read, worklist, verify, recompute.

The engine owns the transaction: a move's state, event, clocks, case fields, the parent move it
may trigger (a review decision reopening its case) and whatever the move hooks write (letters,
outbox rows) commit together or not at all. A move against a stale version raises ``StaleCase``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy import Engine as DbEngine
from sqlalchemy.exc import IntegrityError

from casework import fees
from casework.boundary import (
    check_actor,
    check_case_id,
    check_filters,
    check_now,
    check_version,
)
from casework.calendar_office import recompute as recompute_calendar
from casework.calendar_sources import load_calendar
from casework.domain import clocks as clk
from casework.domain.calendar import WorkCalendar, YearSchedule
from casework.domain.case import CASE_FIELDS, CaseSnapshot
from casework.domain.roles import Actor
from casework.errors import CaseworkError, InvalidInput, StaleCase
from casework.organisation import load_units
from casework.replay import load_events, replay_events
from casework.settings import TIMEZONE, Settings
from casework.store import migrate
from casework.store.calendar_store import notices_in_force
from casework.store.db import WRITE, check_reachable, create_db_engine
from casework.store.repository import (
    CASES,
    CLOCKS,
    EVENTS,
    GENESIS,
    LoadedCase,
    event_hash,
    load_case,
    save_move,
)
from casework.store.tables import UnitRow
from casework.views import CaseView, ClockView, Discrepancy, EventView, PauseView, WorkItem
from casework.workflow.apply import (
    PreparedMove,
    Workflow,
    allowed_moves,
    evolve,
    parent_inputs,
    prepare,
)
from casework.workflow.fields import parse_date
from casework.workflow.loader import Problems, load_flows, load_rule_books
from casework.workflow.machine import FlowMachine

APPLICATION = "application"
UNITS = UnitRow.__table__  # type: ignore[attr-defined]
REFERENCE_LENGTH = 64  # cases.reference


def build_workflow(
    states_dir: Path, units: frozenset[str], notices: Sequence[YearSchedule] = ()
) -> Workflow:
    rules = load_rule_books(states_dir)
    flows = load_flows(states_dir, rules)
    return Workflow(
        flows={name: FlowMachine(f) for name, f in flows.items()},
        rules=rules,
        calendar=load_calendar(states_dir, notices),
        units=units,
    )


@dataclass(frozen=True)
class Clock:
    """When the engine thinks it is (Asia/Shanghai); callers may pass their own."""

    now: datetime

    @classmethod
    def of(cls, now: datetime | None) -> Clock:
        return cls((check_now(now) or datetime.now(TIMEZONE)).astimezone(TIMEZONE))

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass(frozen=True)
class MoveRecord:
    """What a move hook sees, inside the move's transaction (write with ``conn``)."""

    conn: Connection
    engine: Engine
    case_id: int
    version: int
    before: CaseSnapshot
    after: CaseSnapshot
    prepared: PreparedMove
    actor: Actor
    now: datetime


MoveHook = Callable[[MoveRecord], None]


class Engine:
    """The casework engine over one database. Obtain it with ``casework.open(url)``."""

    def __init__(self, db: DbEngine, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._writer = db.execution_options(**WRITE)
        # Called for every move (parent moves included) before the transaction commits; an
        # exception in a hook rolls the whole move back.
        self.hooks: list[MoveHook] = []
        with db.connect() as conn:
            units = frozenset(conn.scalars(select(UNITS.c.code)))
            notices = notices_in_force(conn)
        self.workflow = build_workflow(settings.states_dir, units, notices)

    def refresh_calendar(self) -> WorkCalendar:
        """Take up the holiday notices registered since the engine was opened (by this or any
        other process); returns the calendar now in force."""
        with self.db.connect() as conn:
            notices = notices_in_force(conn)
        calendar = load_calendar(self.settings.states_dir, notices)
        if calendar is not self.workflow.calendar:
            self.workflow = replace(self.workflow, calendar=calendar)
        return calendar

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
        return self.start(APPLICATION, "register", actor, on=on, now=now, **inputs)

    def start(
        self,
        flow: str,
        move: str,
        actor: Actor,
        *,
        parent: int | None = None,
        on: date | str | None = None,
        now: datetime | None = None,
        **inputs: Any,
    ) -> CaseView:
        """Open a new dossier of ``flow`` with its first move (a review or lawsuit names the
        case it is about as ``parent``)."""
        if flow not in self.workflow.flows:
            raise InvalidInput(
                f"未知的流程 {flow!r}；可选：{'、'.join(self.workflow.flows)}",
                field="flow",
                rule="known flows",
            )
        return self._move(None, move, actor, on, now, None, inputs, flow=flow, parent_id=parent)

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
        flow: str = APPLICATION,
        parent_id: int | None = None,
    ) -> CaseView:
        clock = Clock.of(now)
        check_actor(actor)
        if case_id is not None:
            check_case_id(case_id)
        if parent_id is not None:
            check_case_id(parent_id, "parent")
        check_version(expected_version)
        day = parse_date("on", on) if on is not None else clock.today
        prepared: PreparedMove | None = None
        try:
            with self._writer.begin() as conn:
                loaded = load_case(conn, case_id) if case_id is not None else None
                before = loaded.snapshot if loaded else CaseSnapshot(flow=flow, parent_id=parent_id)
                if loaded and expected_version is not None and loaded.version != expected_version:
                    raise StaleCase(
                        f"案件 {case_id} 已被他人更新（当前版本 {loaded.version}，"
                        f"你看到的是 {expected_version}），请刷新后重试",
                        case=case_id,
                        move=move,
                        state=before.state,
                        rule="optimistic locking",
                    )
                parent = self._parent_of(conn, before)
                prepared = prepare(
                    self.workflow,
                    before,
                    move,
                    actor,
                    inputs,
                    day,
                    clock.today,
                    case_id,
                    parent.snapshot if parent else None,
                )
                if prepared.move.name in fees.PRICED_MOVES and before.flow == APPLICATION:
                    self._price(conn, case_id, before, prepared)
                if case_id is None and (found := self._registered(conn, prepared)) is not None:
                    return self._view(found.id, found.version, found.snapshot, clock.today)
                after = evolve(self.workflow, before, prepared)
                new_id, version = self._save(conn, loaded, before, after, prepared, actor, clock)
                if prepared.move.parent is not None and parent is not None:
                    self._parent_move(conn, parent, prepared, actor, clock)
        except IntegrityError:
            # Two intakes registering the same platform reference at once: the unique index
            # let one in; the other finds its case (or is refused when the inputs differ).
            if case_id is not None or prepared is None or not prepared.params.get("reference"):
                raise
            with self.db.connect() as conn:
                found = self._registered(conn, prepared)
            if found is None:
                raise
            return self._view(found.id, found.version, found.snapshot, clock.today)
        return self._view(new_id, version, after, clock.today)

    def _registered(self, conn: Connection, prepared: PreparedMove) -> LoadedCase | None:
        """The case already registered under the platform reference of a first move, if any.

        A reference (平台编号) names one application per channel: the intake system that
        retries a registration gets its case back when it sends the same inputs, and is
        refused when the inputs differ (``cases.reference``, unique with ``channel``)."""
        reference = prepared.params.get("reference")
        if not reference:
            return None
        if len(reference) > REFERENCE_LENGTH:
            raise InvalidInput(
                f"reference：平台编号最长 {REFERENCE_LENGTH} 个字符",
                field="reference",
                rule="a reference fits its column",
            )
        channel = prepared.params.get("channel")
        found = conn.scalar(select_reference(channel, reference))
        if found is None:
            return None
        first = conn.execute(
            select(EVENTS.c.move, EVENTS.c.occurred_on, EVENTS.c.payload).where(
                EVENTS.c.case_id == found, EVENTS.c.seq == 1
            )
        ).one()
        if (first.move, first.occurred_on, first.payload) != (
            prepared.move.name,
            prepared.on,
            prepared.params,
        ):
            raise InvalidInput(
                f"reference：平台编号 {reference} 已登记为案件 {found}（渠道 {channel}），"
                "本次提交的内容与之不同；同一平台编号只能登记一件申请",
                field="reference",
                case=found,
                rule="a platform reference names one application",
            )
        return load_case(conn, found)

    def case_by_reference(self, channel: str | None, reference: str) -> int | None:
        """The case registered under a platform reference (平台编号) of a channel, if any."""
        with self.db.connect() as conn:
            return conn.scalar(select_reference(channel, reference))

    def _price(
        self, conn: Connection, case_id: int | None, case: CaseSnapshot, prepared: PreparedMove
    ) -> None:
        """Compute a fee from the database and the 办法 (casework/fees.py); the result is
        recorded in the event so that replay needs no query."""
        try:
            fees.price(conn, case_id, case, prepared.params)
        except CaseworkError as err:
            err.case, err.move, err.state = case_id, prepared.move.name, case.state
            raise

    def _save(
        self,
        conn: Connection,
        loaded: LoadedCase | None,
        before: CaseSnapshot,
        after: CaseSnapshot,
        prepared: PreparedMove,
        actor: Actor,
        clock: Clock,
    ) -> tuple[int, int]:
        case_id, version = save_move(
            conn,
            loaded,
            after,
            move=prepared.move.name,
            actor=actor,
            payload=prepared.params,
            now=clock.now,
            calendar=self.workflow.calendar,
        )
        for hook in self.hooks:
            hook(
                MoveRecord(conn, self, case_id, version, before, after, prepared, actor, clock.now)
            )
        return case_id, version

    def _parent_of(self, conn: Connection, case: CaseSnapshot) -> LoadedCase | None:
        expected = self.workflow.flows[case.flow].flow.parent_flow
        if expected is None:
            return None
        if case.parent_id is None:
            raise InvalidInput(
                f"{case.flow} 必须指明所针对的 {expected} 案件（parent）",
                field="parent",
                rule="a proceeding belongs to a case",
            )
        parent = load_case(conn, case.parent_id)
        if parent.snapshot.flow != expected:
            raise InvalidInput(
                f"案件 {case.parent_id} 是 {parent.snapshot.flow}，不是 {expected}",
                field="parent",
                case=case.parent_id,
                rule="a proceeding belongs to a case",
            )
        return parent

    def _parent_move(
        self,
        conn: Connection,
        parent: LoadedCase,
        child: PreparedMove,
        actor: Actor,
        clock: Clock,
    ) -> None:
        spec = child.move.parent
        assert spec is not None
        inputs = parent_inputs(self.workflow, child.ctx.case, child)
        prepared = prepare(
            self.workflow,
            parent.snapshot,
            spec.move,
            actor,
            inputs,
            child.on,
            clock.today,
            parent.id,
        )
        after = evolve(self.workflow, parent.snapshot, prepared)
        self._save(conn, parent, parent.snapshot, after, prepared, actor, clock)

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
        book = self.workflow.rules[snap.flow]
        rules = book.named(snap.rule_set) if snap.rule_set else None
        cal = self.workflow.calendar
        clocks = []
        for c in snap.clocks:
            spec = rules.clocks.get(c.kind) if rules else None
            basis = None
            usage = None
            try:
                due = clk.due_date(c, cal)
                left = clk.days_left(c, today, cal) if c.is_open else None
                usage = clk.paused_usage(c, cal)
                due_error = None
                if due is not None:
                    basis = cal.provisional_basis(c.started_on, due)
            except CaseworkError as err:  # a year before the calendar: shown, never guessed
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
                    days_used=usage[0] if usage else None,
                    days_remaining=usage[1] if usage else None,
                    provisional=basis is not None,
                    provisional_basis=basis,
                )
            )
        flow = self.workflow.flows[snap.flow].flow
        fields = {name: snap.fields.get(name) for name in CASE_FIELDS}
        details = {k: v for k, v in snap.fields.items() if k not in CASE_FIELDS}
        return CaseView(
            id=case_id,
            version=version,
            flow=snap.flow,
            parent_id=snap.parent_id,
            state=snap.state,
            state_label=flow.states[snap.state].label,
            rule_set=snap.rule_set or "",
            fields=fields,
            details=details,
            clocks=clocks,
            events=events or [],
            allowed_moves=allowed or [],
        )

    def case(
        self, case_id: int, *, actor: Actor | None = None, now: datetime | None = None
    ) -> CaseView:
        """A case with its clocks, its timeline and (given an actor) the moves open to them."""
        clock = Clock.of(now)
        check_case_id(case_id)
        if actor is not None:
            check_actor(actor)
        with self.db.connect() as conn:
            loaded = load_case(conn, case_id)
            parent = self._parent_of(conn, loaded.snapshot)
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
                for e in conn.execute(
                    select(EVENTS).where(EVENTS.c.case_id == case_id).order_by(EVENTS.c.seq)
                )
            ]
        allowed = []
        if actor is not None:
            allowed = allowed_moves(
                self.workflow,
                loaded.snapshot,
                actor,
                clock.today,
                parent.snapshot if parent else None,
            )
        return self._view(case_id, loaded.version, loaded.snapshot, clock.today, events, allowed)

    def children(self, case_id: int) -> list[int]:
        """The reviews and lawsuits about a case."""
        check_case_id(case_id)
        with self.db.connect() as conn:
            query = select(CASES.c.id).where(CASES.c.parent_id == case_id).order_by(CASES.c.id)
            return list(conn.scalars(query))

    def worklist(
        self,
        *,
        unit: str | None = None,
        now: datetime | None = None,
        overdue: bool = False,
        due_within: int | None = None,
        flow: str | None = None,
        limit: int | None = None,
    ) -> list[WorkItem]:
        """Open dossiers ordered by their most urgent open clock (paused clocks last).

        ``overdue`` keeps those whose most urgent clock has run out; ``due_within`` those due
        within that many working days (overdue ones included). Window clocks (the correction
        notice) drop out once their window has closed: missing them is no breach.
        """
        clock = Clock.of(now)
        check_filters(
            unit=unit,
            flow=flow,
            flows=self.workflow.flows,
            overdue=overdue,
            due_within=due_within,
            limit=limit,
        )
        query = (
            select(
                CASES.c.id,
                CASES.c.flow,
                CASES.c.state,
                CASES.c.unit,
                CASES.c.rule_set,
                CASES.c.applicant_name,
                CASES.c.received_on,
                CLOCKS.c.kind,
                CLOCKS.c.due_on,
            )
            .join(CLOCKS, CLOCKS.c.case_id == CASES.c.id)
            .where(CLOCKS.c.status.in_(clk.OPEN_STATUSES))
            .order_by(CLOCKS.c.due_on.is_(None), CLOCKS.c.due_on, CASES.c.id)
        )
        if unit is not None:
            query = query.where(CASES.c.unit == unit)
        if flow is not None:
            query = query.where(CASES.c.flow == flow)
        seen: set[int] = set()
        items: list[WorkItem] = []
        cal = self.workflow.calendar
        with self.db.connect() as conn:
            for r in conn.execute(query):
                spec = self.workflow.rules[r.flow].named(r.rule_set).clocks.get(r.kind)
                window_closed = (
                    spec is not None
                    and spec.nature == "window"
                    and (r.due_on is None or r.due_on < clock.today)
                )
                if r.id in seen or window_closed:
                    continue
                seen.add(r.id)
                left = (
                    None if r.due_on is None else clk.working_days_left(r.due_on, clock.today, cal)
                )
                if overdue and (left is None or left >= 0):
                    continue
                if due_within is not None and (left is None or left > due_within):
                    continue
                items.append(
                    WorkItem(
                        r.id,
                        r.flow,
                        r.state,
                        r.unit,
                        r.applicant_name,
                        r.received_on,
                        r.kind,
                        r.due_on,
                        left,
                        r.due_on is not None and cal.touches_provisional(r.received_on, r.due_on),
                    )
                )
                if limit is not None and len(items) >= limit:
                    break
        return items

    def count_cases_by(self, column: str, flow: str = APPLICATION) -> dict[Any, int]:
        """How many cases per value of a case column (state, outcome, unit...), in SQL."""
        col = CASES.c[column]
        with self.db.connect() as conn:
            query = select(col, func.count()).where(CASES.c.flow == flow).group_by(col)
            return {value: count for value, count in conn.execute(query)}

    def count_clocks(self) -> dict[tuple[str, str], int]:
        """How many clocks per (kind, status), in SQL."""
        with self.db.connect() as conn:
            query = select(CLOCKS.c.kind, CLOCKS.c.status, func.count()).group_by(
                CLOCKS.c.kind, CLOCKS.c.status
            )
            return {(k, st): n for k, st, n in conn.execute(query)}

    def sweep(self, as_of: date, **options: Any) -> Any:
        """The nightly deadline sweep as of a date (see casework.escalation.sweep)."""
        from casework.escalation import sweep

        return sweep(self, as_of, **options)

    # ------------------------------------------------------------ integrity

    def _case_ids(self, batch: int = 500) -> Iterator[list[int]]:
        last = 0
        while True:
            with self.db.connect() as conn:
                query = select(CASES.c.id).where(CASES.c.id > last).order_by(CASES.c.id)
                ids = list(conn.scalars(query.limit(batch)))
            if not ids:
                return
            yield ids
            last = ids[-1]

    def verify(self) -> list[Discrepancy]:
        """Replay every case's events; list every difference from the stored rows."""
        from casework.letters.archive import verify as verify_letters

        found: list[Discrepancy] = []
        for ids in self._case_ids():
            with self.db.connect() as conn:
                for case_id in ids:
                    found.extend(self._verify_case(conn, case_id))
        found.extend(verify_letters(self))
        return found

    def _verify_case(self, conn: Connection, case_id: int) -> list[Discrepancy]:
        loaded = load_case(conn, case_id)
        events = load_events(conn, case_id)
        out: list[Discrepancy] = []
        prev = GENESIS
        snap = CaseSnapshot(flow=loaded.snapshot.flow, parent_id=loaded.snapshot.parent_id)
        for step in replay_events(self.workflow, case_id, snap.flow, snap.parent_id, events):
            e = step.event
            digest = event_hash(
                case_id=case_id,
                seq=e.seq,
                move=e.move,
                from_state=e.from_state,
                to_state=e.to_state,
                actor=step.actor,
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
            if step.after is None:
                out.append(
                    Discrepancy(case_id, f"event {e.seq} {e.move} replay", "ok", str(step.error))
                )
                return out
            if (e.from_state, e.to_state) != (step.before.state, step.after.state):
                out.append(
                    Discrepancy(
                        case_id,
                        f"event {e.seq} states",
                        [e.from_state, e.to_state],
                        [step.before.state, step.after.state],
                    )
                )
            snap = step.after
        out.extend(self._compare(loaded, snap, prev, len(events)))
        return out

    def _compare(
        self, loaded: LoadedCase, replayed: CaseSnapshot, last_hash: str, count: int
    ) -> list[Discrepancy]:
        stored, cal = loaded.snapshot, self.workflow.calendar
        pairs: list[tuple[str, Any, Any]] = [
            ("state", stored.state, replayed.state),
            ("rule_set", stored.rule_set, replayed.rule_set),
            ("last_on", stored.last_on, replayed.last_on),
            ("last_event_hash", loaded.last_event_hash, last_hash),
            ("event_count", loaded.event_count, count),
        ]
        pairs += [
            (f"field {k}", stored.fields.get(k), replayed.fields.get(k))
            for k in sorted(replayed.fields.keys() | stored.fields.keys())
        ]
        pairs.append(("clock count", len(stored.clocks), len(replayed.clocks)))
        for i, (a, b) in enumerate(zip(stored.clocks, replayed.clocks, strict=False)):
            pairs.append((f"clock {i} {b.kind}", a, b))
            if b.is_open:  # a closed clock keeps the due date that was in force when it closed
                pairs.append((f"clock {i} {b.kind} due_on", loaded.due_on[i], clk.due_date(b, cal)))
        return [Discrepancy(loaded.id, what, s, r) for what, s, r in pairs if s != r]


def select_reference(channel: str | None, reference: str) -> Any:
    """The id of the case registered under ``reference`` in ``channel`` (at most one)."""
    return select(CASES.c.id).where(CASES.c.channel == channel, CASES.c.reference == reference)


def sync_units(db: DbEngine, states_dir: Path) -> int:
    """Insert or update the units of states/organisation.toml; returns how many were written."""
    units = load_units(states_dir)
    with db.execution_options(**WRITE).begin() as conn:
        existing = set(conn.scalars(select(UNITS.c.code)))
        for u in units:
            values = {
                "name": u.name,
                "group": u.group,
                "seed_number": u.seed_number,
                "from_seed": u.from_seed,
            }
            if u.code in existing:
                conn.execute(update(UNITS).where(UNITS.c.code == u.code).values(**values))
            else:
                conn.execute(insert(UNITS), {"code": u.code, **values})
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
    check_reachable(db, must_exist=not upgrade)
    if upgrade:
        migrate.upgrade(db)
        sync_units(db, settings.states_dir)
    elif not migrate.is_current(db):
        raise CaseworkError(
            f"数据库 {db.url.render_as_string(hide_password=True)} 尚未初始化或结构不是最新版本："
            "请先运行 casework db upgrade",
            field="database_url",
            rule="schema at the newest migration",
        )
    engine = Engine(db, settings)
    if upgrade:
        # Record the calendar the clocks are computed on from now, so that a year becoming
        # known later is found and recomputed (nothing is recomputed here: no basis yet).
        recompute_calendar(engine, now=datetime.now(TIMEZONE))
    from casework.letters.issuing import install as install_letters

    install_letters(engine)
    return engine


def check_states(states_dir: Path, engine: Engine | None = None) -> list[str]:
    """Every problem in the rule files (and, given a database, stored cases they strand)."""
    problems = Problems()
    try:
        rules = load_rule_books(states_dir, problems)
        flows = load_flows(states_dir, rules, problems)
        load_calendar(states_dir)
        load_units(states_dir)
    except CaseworkError as err:
        problems.append(str(err))
        return problems
    from casework.letters.checks import check_letters

    problems.extend(check_letters(flows, Settings().templates_dir))
    if engine is not None:
        for name, flow in flows.items():
            for state, count in engine.count_cases_by("state", flow=name).items():
                if state not in flow.states:
                    problems.add(flow.path, f"数据库中有 {count} 件案件处于已删除的状态 {state!r}")
    return problems
