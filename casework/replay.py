"""Re-deriving a case from its event log, with the calendar in force.

``verify`` replays every case to check the stored rows; the calendar recompute
(``casework.calendar_office``) replays the cases whose clocks a new holiday notice can move and
writes what changed. Both go through ``replay_events`` so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from casework.domain.case import CaseSnapshot
from casework.domain.roles import Actor
from casework.errors import CaseworkError
from casework.store.tables import EVENTS
from casework.workflow.apply import Workflow, evolve, prepare

# The event a due-date recomputation writes (no move of any flow): the state stays, the clocks
# become what a replay with the calendar in force gives.
RECOMPUTED = "calendar_recomputed"
RECOMPUTED_LABEL = "期限重算（节假日安排更新）"

__all__ = ["RECOMPUTED", "RECOMPUTED_LABEL", "Step", "load_events", "replay_events"]


@dataclass(frozen=True)
class Step:
    """One replayed event: the snapshot before and after it, or the error that stopped it."""

    event: Any
    actor: Actor
    before: CaseSnapshot
    after: CaseSnapshot | None
    error: CaseworkError | None = None


def load_events(conn: Connection, case_id: int) -> list[Any]:
    query = select(EVENTS).where(EVENTS.c.case_id == case_id).order_by(EVENTS.c.seq)
    return list(conn.execute(query))


def replay_events(
    wf: Workflow, case_id: int, flow: str, parent_id: int | None, events: list[Any]
) -> Iterator[Step]:
    """Replay ``events`` from an empty dossier; stops after the first event that fails.

    Replay re-derives state and clocks from the recorded inputs; it does not judge roles or
    legal guards again (``prepare`` with no ``today``)."""
    snap = CaseSnapshot(flow=flow, parent_id=parent_id)
    for e in events:
        actor = Actor(e.actor_name, e.actor_role, e.actor_unit)
        if e.move == RECOMPUTED:
            yield Step(e, actor, snap, snap)
            continue
        try:
            p = prepare(wf, snap, e.move, actor, e.payload, e.occurred_on, None, case_id)
            nxt = evolve(wf, snap, p)
        except CaseworkError as err:
            yield Step(e, actor, snap, None, err)
            return
        yield Step(e, actor, snap, nxt)
        snap = nxt
