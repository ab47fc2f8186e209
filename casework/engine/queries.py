"""Reading cases: one case with its timeline, its proceedings, worklists and counts."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection

from casework.boundary import check_actor, check_case_id, check_filters, check_search
from casework.domain import clocks as clk
from casework.domain.case import CaseSnapshot
from casework.domain.masking import masked
from casework.domain.roles import Actor
from casework.engine.access import check_can_read, reading_scope
from casework.engine.case_view import case_view
from casework.engine.wall_clock import WallClock
from casework.errors import InvalidInput
from casework.search import Criteria, FoundCase, find_cases
from casework.store.repository import LoadedCase, load_case
from casework.store.tables import CASES, CLOCKS, EVENTS
from casework.views import CaseView, EventView, WorkItem
from casework.workflow.apply import Workflow, allowed_moves

APPLICATION = "application"


def select_reference(channel: str | None, reference: str) -> Select[int]:
    """The id of the case registered under ``reference`` in ``channel`` (at most one)."""
    return select(CASES.c.id).where(CASES.c.channel == channel, CASES.c.reference == reference)


class CaseQueries:
    """The engine's reads (mixed into ``Engine``)."""

    db: DbEngine
    workflow: Workflow

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

    def _read(self, case_id: int, actor: Actor, clock: WallClock) -> CaseView:
        with self.db.connect() as conn:
            loaded = load_case(conn, case_id)
            parent = self._parent_of(conn, loaded.snapshot)
            unit = loaded.snapshot.fields.get("unit")
            if unit is None and parent is not None:  # a review or lawsuit: its case's unit
                unit = parent.snapshot.fields.get("unit")
            check_can_read(actor, unit, case_id)
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
        allowed = allowed_moves(
            self.workflow,
            loaded.snapshot,
            actor,
            clock.today,
            parent.snapshot if parent else None,
        )
        return case_view(
            self.workflow, case_id, loaded.version, loaded.snapshot, clock.today, events, allowed
        )

    def children(self, case_id: int) -> list[int]:
        """The reviews and lawsuits about a case."""
        check_case_id(case_id)
        with self.db.connect() as conn:
            query = select(CASES.c.id).where(CASES.c.parent_id == case_id).order_by(CASES.c.id)
            return list(conn.scalars(query))

    def case_by_reference(self, channel: str | None, reference: str) -> int | None:
        """The case registered under a platform reference (平台编号) of a channel, if any."""
        with self.db.connect() as conn:
            return conn.scalar(select_reference(channel, reference))

    def worklist(
        self,
        *,
        actor: Actor | None = None,
        unit: str | None = None,
        now: datetime | None = None,
        overdue: bool = False,
        due_within: int | None = None,
        flow: str | None = None,
        limit: int | None = None,
    ) -> list[WorkItem]:
        """Open dossiers ``actor`` may see, ordered by their most urgent open clock (paused
        clocks last). A unit role sees its own unit's; others the district's, or ``unit``'s.

        ``overdue`` keeps those whose most urgent clock has run out; ``due_within`` those due
        within that many working days (overdue ones included). Window clocks (the correction
        notice) drop out once their window has closed: missing them is no breach.
        """
        clock = WallClock.of(now)
        actor = check_actor(actor)  # required: a read without a reader is refused
        check_filters(
            unit=unit,
            flow=flow,
            flows=self.workflow.flows,
            overdue=overdue,
            due_within=due_within,
            limit=limit,
        )
        unit = reading_scope(actor, unit, self.workflow.units)
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

    def find(self, criteria: Criteria, *, actor: Actor | None = None) -> list[FoundCase]:
        """Cases matching ``criteria`` that ``actor`` may see, newest receipt first, with
        identity and phone numbers masked (a unit role finds its own unit's cases only)."""
        actor = check_actor(actor)
        if not isinstance(criteria, Criteria):
            raise InvalidInput(
                f"criteria：应为 casework.search.Criteria，收到 {criteria!r}",
                field="criteria",
                rule="find takes Criteria",
            )
        check_search(
            applicant=criteria.applicant,
            text=criteria.text,
            received_from=criteria.received_from,
            received_to=criteria.received_to,
            unit=criteria.unit,
            limit=criteria.limit,
        )
        unit = reading_scope(actor, criteria.unit, self.workflow.units)
        found = find_cases(self.db, replace(criteria, unit=unit))
        return [FoundCase(**masked(asdict(c))) for c in found]

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
