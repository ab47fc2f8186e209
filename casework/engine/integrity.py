"""Integrity: replay every case's events and compare them with the stored rows.

Each event's hash is checked with the chain key that signed it (``events.key_id``, the key file
of ``casework/store/chain_keys.py``; NULL: the plain SHA-256 of an event from before the
database had a key). Every clock's stored due date, open or closed, is compared with the one
re-derived on the calendar in force, and a case's version with its number of events.

Other parts of casework add their own checks (the letter archive, the chain checkpoints) through
``integrity_checks``, and the checkpoint writer through ``checkpoint_writer``;
``casework/bootstrap.py`` installs them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Engine as DbEngine
from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain import clocks as clk
from casework.domain.case import CaseSnapshot
from casework.engine.wall_clock import WallClock
from casework.errors import CaseworkError
from casework.replay import load_events, replay_events
from casework.store.chain_keys import KeyFile, KeyRing
from casework.store.event_chain import GENESIS, event_hash
from casework.store.repository import LoadedCase, load_case
from casework.store.tables import CASES
from casework.views import Discrepancy, jsonable_dict
from casework.workflow.apply import Workflow

if TYPE_CHECKING:
    from casework.engine.core import Engine

IntegrityCheck = Callable[["Engine"], list[Discrepancy]]


@dataclass(frozen=True)
class CheckpointResult:
    """What ``Engine.checkpoint`` did: the signed manifest written (None: refused, because the
    database contradicts the newest checkpoint: ``differences`` says how)."""

    day: date
    path: Path | None
    cases: int
    highest_case_id: int
    key_id: str | None
    differences: list[Discrepancy] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # older checkpoints no longer kept

    def to_dict(self) -> dict[str, Any]:
        return jsonable_dict(
            {
                "day": self.day,
                "written": self.path is not None,
                "path": str(self.path) if self.path else None,
                "cases": self.cases,
                "highest_case_id": self.highest_case_id,
                "key_id": self.key_id,
                "differences": [d.to_dict() for d in self.differences],
                "removed": [str(p) for p in self.removed],
            }
        )


CheckpointWriter = Callable[["Engine", datetime], CheckpointResult]


class _ChainKeys:
    """The key ring of one ``verify`` run and the keyed events it could not check."""

    def __init__(self, keys: KeyFile) -> None:
        self.path = keys.path
        self.problem: str | None = None
        try:
            self.ring: KeyRing | None = keys.ring()
        except CaseworkError as err:
            self.ring, self.problem = None, str(err)
        # key id -> (events, cases) that name a key the ring does not hold
        self.unchecked: dict[str, tuple[int, set[int]]] = {}

    def key(self, case_id: int, key_id: str) -> bytes | None:
        secret = self.ring.get(key_id) if self.ring is not None else None
        if secret is None:
            events, cases = self.unchecked.get(key_id, (0, set()))
            cases.add(case_id)
            self.unchecked[key_id] = (events + 1, cases)
        return secret

    def legacy(self, case_id: int) -> bool:
        """Whether the case may hold events from before the key file existed (unkeyed)."""
        upto = self.ring.legacy_cases_upto if self.ring is not None else None
        return upto is None or case_id <= upto

    def report(self) -> list[Discrepancy]:
        """One line per key that signed events but cannot be read (the file is missing or
        unreadable, or no longer holds that key): those events' hashes were not checked."""
        out = []
        for key_id, (events, cases) in sorted(self.unchecked.items()):
            if self.problem is not None:
                why = self.problem
            elif self.ring is None:
                why = f"没有事件链密钥文件 {self.path}"
            else:
                why = f"密钥文件 {self.path} 中没有密钥 {key_id}"
            out.append(
                Discrepancy(
                    min(cases),
                    f"chain key {key_id}",
                    f"{events} 个事件（{len(cases)} 个案件）由密钥 {key_id} 签名",
                    f"{why}：这些事件的哈希无法校验",
                )
            )
        if self.problem is not None and not out:
            out.append(Discrepancy(0, "chain key file", self.problem, str(self.path)))
        return out


class Integrity:
    """``verify`` and ``checkpoint`` (mixed into ``Engine``)."""

    db: DbEngine
    workflow: Workflow
    keys: KeyFile
    integrity_checks: list[IntegrityCheck]
    checkpoint_writer: CheckpointWriter | None

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
        keys = _ChainKeys(self.keys)
        for ids in self._case_ids():
            with self.db.connect() as conn:
                for case_id in ids:
                    found.extend(self._verify_case(conn, case_id, keys))
        found.extend(keys.report())
        for check in self.integrity_checks:
            found.extend(check(cast("Engine", self)))  # Integrity is mixed into Engine only
        return found

    def checkpoint(self, *, now: datetime | None = None) -> CheckpointResult:
        """Write today's signed checkpoint of the chain heads and the case-id sequence into the
        letter archive (``casework checkpoint``, the nightly job); refused, with the
        differences, when the database contradicts the newest checkpoint."""
        if self.checkpoint_writer is None:
            raise CaseworkError(
                "未安装检查点归档（由 casework.open 打开引擎时安装）",
                field="checkpoint",
                rule="checkpoints are written into the letter archive",
            )
        return self.checkpoint_writer(cast("Engine", self), WallClock.of(now).now)

    def _verify_case(self, conn: Connection, case_id: int, keys: _ChainKeys) -> list[Discrepancy]:
        loaded = load_case(conn, case_id)
        events = load_events(conn, case_id)
        out: list[Discrepancy] = []
        prev = GENESIS
        keyed = unkeyed_reported = False
        snap = CaseSnapshot(flow=loaded.snapshot.flow, parent_id=loaded.snapshot.parent_id)
        for step in replay_events(self.workflow, case_id, snap.flow, snap.parent_id, events):
            e = step.event
            secret = None
            if e.key_id is not None:
                keyed = True
                secret = keys.key(case_id, e.key_id)
            elif not unkeyed_reported and (keyed or not keys.legacy(case_id)):
                # Only events older than the key file are unkeyed: an unkeyed event after a
                # keyed one, or in a case registered after the key file was made, was re-hashed
                # by someone without the key.
                unkeyed_reported = True
                why = "本案此前的事件已签名" if keyed else "本案登记于启用事件链密钥之后"
                out.append(
                    Discrepancy(case_id, f"event {e.seq} key", "未签名", f"应有密钥签名（{why}）")
                )
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
                key=secret,
            )
            if e.prev_hash != prev:
                out.append(Discrepancy(case_id, f"event {e.seq} prev_hash", e.prev_hash, prev))
            # An event whose key cannot be read is not checked (``_ChainKeys.report`` says so).
            if e.hash != digest and (e.key_id is None or secret is not None):
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
            # Each move adds one event and one version (the optimistic lock).
            ("version", loaded.version, count),
        ]
        pairs += [
            (f"field {k}", stored.fields.get(k), replayed.fields.get(k))
            for k in sorted(replayed.fields.keys() | stored.fields.keys())
        ]
        pairs.append(("clock count", len(stored.clocks), len(replayed.clocks)))
        for i, (a, b) in enumerate(zip(stored.clocks, replayed.clocks, strict=False)):
            pairs.append((f"clock {i} {b.kind}", a, b))
            # Open or closed: whatever changes the calendar recomputes closed clocks too, with a
            # hashed calendar_recomputed event (docs/architecture.md, "Closed clocks are checked
            # like open ones"), so a stored due date that differs is a recompute to run or an edit.
            pairs.append((f"clock {i} {b.kind} due_on", loaded.due_on[i], clk.due_date(b, cal)))
        return [Discrepancy(loaded.id, what, s, r) for what, s, r in pairs if s != r]
