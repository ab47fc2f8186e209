"""Integrity: replay every case's events and compare them with the stored rows.

Other parts of casework add their own checks (the letter archive does) through
``integrity_checks``; ``casework/bootstrap.py`` installs them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Engine as DbEngine
from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain import clocks as clk
from casework.domain.case import CaseSnapshot
from casework.replay import load_events, replay_events
from casework.store.repository import CASES, GENESIS, LoadedCase, event_hash, load_case
from casework.views import Discrepancy
from casework.workflow.apply import Workflow

if TYPE_CHECKING:
    from casework.engine.core import Engine

IntegrityCheck = Callable[["Engine"], list[Discrepancy]]


class Integrity:
    """``verify`` (mixed into ``Engine``)."""

    db: DbEngine
    workflow: Workflow
    integrity_checks: list[IntegrityCheck]

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
        """Replay every case's events; list every difference from the stored rows, then what
        the installed integrity checks find."""
        found: list[Discrepancy] = []
        for ids in self._case_ids():
            with self.db.connect() as conn:
                for case_id in ids:
                    found.extend(self._verify_case(conn, case_id))
        for check in self.integrity_checks:
            found.extend(check(cast("Engine", self)))  # Integrity is mixed into Engine only
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
