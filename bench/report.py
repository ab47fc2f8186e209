"""Print how long the annual report (tables 三 and 四 with every cross-check) takes on 100k
and 1M cases.

Run from the repository::

    python bench/report.py [--sizes 100000 1000000] [--db-url URL] [--repeat R]

The rows are bulk-inserted with SQL (SQLAlchemy Core executemany), not made through the
engine: a million cases through the engine would take hours and the report reads only the
rows. Each database is created by the engine's own migrations. Per case: a ``cases`` row
(receipt dates spread over 2023-01-01..2026-03-31, the six applicant kinds, 56 units, 85 %
concluded with an outcome of the taxonomy 5–60 days after receipt, the rest pending) and three
``events`` (register, the concluding move, one more), so the reopening lookup scans an events
table three times the size of ``cases``; 0.5 % of the concluded cases are reopened (a
``reopen`` event) and 1 % have a review or lawsuit row (table 四).

SQLite always runs (a file in a temporary directory). ``--db-url postgresql+psycopg://...``
adds PostgreSQL in a fresh schema dropped at the end. The script prints figures; it asserts
nothing about timings.
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

import casework
from casework.domain.outcomes import OUTCOMES
from casework.domain.vocabulary import APPLICANT_KINDS
from casework.reports.annual import annual_report
from casework.reports.exports import to_csv
from casework.store.db import WRITE
from casework.store.tables import CASES, EVENTS

FIRST = date(2023, 1, 1)
DAYS = (date(2026, 3, 31) - FIRST).days
KINDS = list(APPLICANT_KINDS)
KIND_WEIGHTS = [70, 12, 3, 4, 6, 5]
AT = datetime(2026, 4, 1, tzinfo=UTC)
CHUNK = 20_000


def case_rows(n: int, units: list[str], rng: random.Random) -> Iterator[tuple[dict, list[dict]]]:
    """Each case row with its events (without case_id: filled in once the id is known)."""
    codes = list(OUTCOMES)
    for _ in range(n):
        received = FIRST + timedelta(days=rng.randrange(DAYS))
        row = {
            "flow": "application",
            "state": "in_progress",
            "rule_set": "2019",
            "channel": "window",
            "received_on": received,
            "applicant_name": "申请人",
            "applicant_kind": rng.choices(KINDS, KIND_WEIGHTS)[0],
            "request": "某项政府信息",
            "unit": rng.choice(units),
            "parent_id": None,
            "outcome": None,
            "replied_on": None,
            "closed_on": None,
            "details": {},
            "last_on": received,
            "last_event_hash": "0" * 64,
            "event_count": 3,
            "version": 3,
            "updated_at": AT,
        }
        events = [("register", received, {})]
        if rng.random() < 0.85:
            outcome = rng.choice(codes)
            on = received + timedelta(days=rng.randint(5, 60))
            by_reply = OUTCOMES[outcome].by_reply
            row.update(
                state="replied" if by_reply else "closed",
                outcome=outcome,
                replied_on=on if by_reply else None,
                closed_on=None if by_reply else on,
            )
            move = "reply" if by_reply else "withdraw"
            events.append((move, on, {"outcome": outcome} if by_reply else {}))
            if by_reply and rng.random() < 0.005:
                events.append(("reopen", on + timedelta(days=30), {"reason": "复议决定撤销"}))
            else:
                events.append(("deliver", on + timedelta(days=2), {"method": "post"}))
        else:
            events.append(("conference", received + timedelta(days=3), {"topic": "会商"}))
            events.append(("secrecy_review", received + timedelta(days=4), {"matter": "审查"}))
        yield (
            row,
            [
                {
                    "seq": seq,
                    "move": move,
                    "from_state": "in_progress",
                    "to_state": "in_progress",
                    "actor_name": "经办人",
                    "actor_role": "unit_clerk",
                    "actor_unit": row["unit"],
                    "occurred_on": on,
                    "recorded_at": AT,
                    "payload": payload,
                    "prev_hash": "0" * 64,
                    "hash": "0" * 64,
                }
                for seq, (move, on, payload) in enumerate(events, start=1)
            ],
        )


def fill(engine, n: int, seed: int = 6) -> float:  # type: ignore[no-untyped-def]
    """Bulk-insert n cases (with events and proceedings); returns the seconds it took."""
    rng = random.Random(seed)
    units = sorted(engine.workflow.units)
    started = time.perf_counter()
    rows = case_rows(n, units, rng)
    writer = engine.db.execution_options(**WRITE)
    done = 0
    while done < n:
        batch = [next(rows) for _ in range(min(CHUNK, n - done))]
        with writer.begin() as conn:
            ids = conn.execute(
                insert(CASES).returning(CASES.c.id, sort_by_parameter_order=True),
                [r for r, _ in batch],
            ).scalars()
            events, proceedings = [], []
            for case_id, (row, evs) in zip(ids, batch, strict=True):
                events.extend({**e, "case_id": case_id} for e in evs)
                if row.get("replied_on") and rng.random() < 0.01:
                    proceedings.append(proceeding(case_id, row, rng))
            conn.execute(insert(EVENTS), events)
            if proceedings:
                conn.execute(insert(CASES), proceedings)
        done += len(batch)
    return time.perf_counter() - started


def proceeding(parent: int, row: dict, rng: random.Random) -> dict:
    received = row["replied_on"] + timedelta(days=rng.randint(10, 60))
    closed = received + timedelta(days=rng.randint(30, 200)) if rng.random() < 0.8 else None
    flow = rng.choice(("review", "lawsuit"))
    return {
        **row,
        "flow": flow,
        "parent_id": parent,
        "state": "closed" if closed else "answered",
        "received_on": received,
        "outcome": rng.choice(("upheld", "corrected", "other")) if closed else None,
        "replied_on": None,
        "closed_on": closed,
        "details": {"after_review": rng.random() < 0.3} if flow == "lawsuit" else {},
    }


@contextmanager
def database(kind: str, base: str | None) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'report-bench.db'}"
        return
    from engine import pg_schema  # bench/engine.py: a fresh schema, dropped afterwards

    assert base is not None
    with pg_schema(base) as (url, _schema):
        yield url


def measure(url: str, n: int, repeat: int) -> None:
    engine = casework.open(url, upgrade=True)
    try:
        seconds = fill(engine, n)
        print(f"  filled {n:,} cases (+{3 * n:,} events) in {seconds:.1f} s", flush=True)
        for label, kwargs in (("district", {}), ("one unit (czj)", {"unit": "czj"})):
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                report = annual_report(engine, 2025, **kwargs)
                to_csv(report)
                times.append(time.perf_counter() - started)
            total = report.table3.cells["new"][-1]
            print(
                f"  annual report 2025, {label}: best {min(times):.2f} s, worst "
                f"{max(times):.2f} s over {repeat} runs (row 一 总计 = {total:,}, "
                f"checks {'pass' if report.passed else 'FAIL'})",
                flush=True,
            )
    finally:
        engine.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--db-url", help="also run on this PostgreSQL server")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {platform.machine()}, {platform.platform()}")
    kinds = ["sqlite"] + (["postgres"] if args.db_url else [])
    for kind in kinds:
        for n in args.sizes:
            print(f"{kind}, {n:,} cases:", flush=True)
            with database(kind, args.db_url) as url:
                measure(url, n, args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB (includes generating the rows)")


if __name__ == "__main__":
    main()
