"""The engine over one database: open a dossier and move it.

The engine owns the transaction: a move's state, event, clocks, case fields, the parent move it
may trigger (a review decision reopening its case) and whatever the move hooks write (letters,
outbox rows) commit together in one unit of work or not at all. A move against a stale version
raises ``StaleCase``. Reads are in ``queries.py``, verification in ``integrity.py``; the engine
is assembled (database, workflow, hooks) by ``casework/bootstrap.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy import Engine as DbEngine
from sqlalchemy.exc import IntegrityError

from casework import fees
from casework.boundary import check_actor, check_case_id, check_version
from casework.calendar_sources import load_calendar
from casework.domain.calendar import WorkCalendar
from casework.domain.case import CaseSnapshot
from casework.domain.roles import Actor
from casework.engine.access import masked_view
from casework.engine.case_view import case_view
from casework.engine.integrity import CheckpointWriter, Integrity, IntegrityCheck
from casework.engine.queries import APPLICATION, CaseQueries, select_reference
from casework.engine.wall_clock import WallClock
from casework.errors import CaseworkError, InvalidInput, StaleCase
from casework.settings import Settings
from casework.store.calendar_store import notices_in_force
from casework.store.chain_keys import KeyFile
from casework.store.repository import LoadedCase, load_case, save_move
from casework.store.tables import EVENTS
from casework.store.unit_of_work import UnitOfWork, unit_of_work
from casework.views import CaseView
from casework.workflow.apply import PreparedMove, Workflow, evolve, parent_inputs, prepare
from casework.workflow.fields import parse_date

REFERENCE_LENGTH = 64  # cases.reference


@dataclass(frozen=True)
class MoveRecord:
    """What a move hook sees, inside the move's unit of work (write with ``uow.conn``)."""

    uow: UnitOfWork
    engine: Engine
    case_id: int
    version: int
    before: CaseSnapshot
    after: CaseSnapshot
    prepared: PreparedMove
    actor: Actor
    now: datetime


MoveHook = Callable[[MoveRecord], None]


class Engine(CaseQueries, Integrity):
    """The casework engine over one database. Obtain it with ``casework.open(url)``."""

    def __init__(
        self, db: DbEngine, settings: Settings, workflow: Workflow, *, keys: KeyFile
    ) -> None:
        self.db = db
        self.settings = settings
        self.workflow = workflow
        # The chain keys every event is signed with (the key file is made on the first write).
        self.keys = keys
        # Called for every move (parent moves included) before the transaction commits; an
        # exception in a hook rolls the whole move back.
        self.hooks: list[MoveHook] = []
        self.integrity_checks: list[IntegrityCheck] = []
        # Writes the signed checkpoint of the chain heads (the letter archive's, installed by
        # bootstrap); ``checkpoint()`` calls it.
        self.checkpoint_writer: CheckpointWriter | None = None

    def refresh_calendar(self) -> WorkCalendar:
        """Take up the holiday notices registered since the engine was opened (by this or any
        other process); returns the calendar now in force."""
        with self.db.connect() as conn:
            notices = notices_in_force(conn)
        calendar = load_calendar(self.settings.states_dir, notices)
        if calendar is not self.workflow.calendar:
            self.workflow = replace(self.workflow, calendar=calendar)
        return calendar

    def case(
        self,
        case_id: int,
        *,
        actor: Actor | None = None,
        now: datetime | None = None,
        reveal: str | None = None,
    ) -> CaseView:
        """A case as ``actor`` may see it: its clocks, its timeline and the moves open to them.

        A unit role reads its own unit's cases only (``PermissionDenied`` otherwise). Identity
        and phone numbers are masked unless ``reveal`` gives the purpose of seeing them whole:
        the reveal is a move (``reveal``), recorded in the case's events before the case is
        shown."""
        clock = WallClock.of(now)
        check_case_id(case_id)
        actor = check_actor(actor)  # required: a read without a reader is refused
        view = self._read(case_id, actor, clock)
        if reveal is None:
            return masked_view(view)
        self.move(case_id, "reveal", actor, now=clock.now, purpose=reveal)
        return self._read(case_id, actor, clock)

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
        clock = WallClock.of(now)
        check_actor(actor)
        if case_id is not None:
            check_case_id(case_id)
        if parent_id is not None:
            check_case_id(parent_id, "parent")
        check_version(expected_version)
        day = parse_date("on", on) if on is not None else clock.today
        prepared: PreparedMove | None = None
        try:
            with unit_of_work(self.db) as uow:
                conn = uow.conn
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
                    return self._view(found, clock.today)
                after = evolve(self.workflow, before, prepared)
                new_id, version = self._save(uow, loaded, before, after, prepared, actor, clock)
                if prepared.move.parent is not None and parent is not None:
                    self._parent_move(uow, parent, prepared, actor, clock)
        except IntegrityError:
            # Two intakes registering the same platform reference at once: the unique index
            # let one in; the other finds its case (or is refused when the inputs differ).
            if case_id is not None or prepared is None or not prepared.params.get("reference"):
                raise
            with self.db.connect() as conn:
                found = self._registered(conn, prepared)
            if found is None:
                raise
            return self._view(found, clock.today)
        return case_view(self.workflow, new_id, version, after, clock.today)

    def _view(self, loaded: LoadedCase, today: date) -> CaseView:
        return case_view(self.workflow, loaded.id, loaded.version, loaded.snapshot, today)

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
        uow: UnitOfWork,
        loaded: LoadedCase | None,
        before: CaseSnapshot,
        after: CaseSnapshot,
        prepared: PreparedMove,
        actor: Actor,
        clock: WallClock,
    ) -> tuple[int, int]:
        case_id, version = save_move(
            uow.conn,
            loaded,
            after,
            move=prepared.move.name,
            actor=actor,
            payload=prepared.params,
            now=clock.now,
            calendar=self.workflow.calendar,
            key=self.keys.signing_key(uow.conn),
        )
        for hook in self.hooks:
            hook(MoveRecord(uow, self, case_id, version, before, after, prepared, actor, clock.now))
        return case_id, version

    def _parent_move(
        self,
        uow: UnitOfWork,
        parent: LoadedCase,
        child: PreparedMove,
        actor: Actor,
        clock: WallClock,
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
        self._save(uow, parent, parent.snapshot, after, prepared, actor, clock)
