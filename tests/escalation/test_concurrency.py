"""Exactly once when two processes sweep at once, and when three schedulers share a database."""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

from sqlalchemy import func, select

import casework
from casework.notify import NotifySettings
from casework.scheduler import NightlyJobs
from casework.store.tables import EVENTS
from tests.support.dates import at
from tests.support.escalation import awaiting_correction, levels, outbox_count, register, run


def _sweep_in_process(url: str, barrier: Any, results: Any) -> None:
    from datetime import date

    from casework.escalation import sweep

    engine = casework.open(url)
    barrier.wait()
    summary = sweep(engine, date(2026, 3, 31), now=at("2026-03-31", 1), started_by="test")
    results.put((len(summary.escalations), summary.notices, summary.skipped))


def _cases(engine: Any) -> list[int]:
    """Ten reply clocks due 3/30 and two correction periods that lapse after 3/10."""
    due = [register(engine, "2026-03-02") for _ in range(10)]
    for _ in range(2):
        awaiting_correction(engine)
    return due


def test_two_processes_sweeping_at_once_record_each_level_once(engine, db_url) -> None:
    _cases(engine)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=_sweep_in_process, args=(db_url, barrier, results)) for _ in range(2)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    got = [results.get(timeout=5) for _ in procs]
    # 10 reply clocks × 3 levels, all reached in this sweep: only the breach is notified (2).
    assert sum(n for n, _, _ in got) == 30
    assert sum(m for _, m, _ in got) == 20
    assert len(levels(engine)) == 30
    assert outbox_count(engine) == 20
    with engine.db.connect() as conn:
        lapsed = conn.scalar(
            select(func.count()).select_from(EVENTS).where(EVENTS.c.move == "correction_lapsed")
        )
    assert lapsed == 2


def test_three_schedulers_run_one_night_once_and_deliver_once(engine, db_url, smtp) -> None:
    _cases(engine)
    settings = NotifySettings.from_env(smtp.env())
    instances = [
        NightlyJobs(casework.open(db_url), settings, clock=lambda: at("2026-03-31", 1))
        for _ in range(3)
    ]
    barrier, summaries = threading.Barrier(3), []

    def night(jobs: NightlyJobs) -> None:
        barrier.wait()
        summaries.append(jobs.nightly())

    threads = [threading.Thread(target=night, args=(j,)) for j in instances]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    ran = [s for s in summaries if s.skipped is None]
    assert len(summaries) == 3 and len(ran) == 1
    assert all("已由其他实例运行" in s.skipped for s in summaries if s.skipped)
    assert outbox_count(engine) == 20
    assert len(smtp.inbox.messages) == 20  # three dispatchers, each notice delivered once
    assert len({m["Message-ID"] for m in smtp.inbox.messages}) == 20
    # The next night (or a restart the same night) finds nothing new.
    assert run(engine, "2026-04-01").notices == 0
    for jobs in instances:
        jobs.engine.db.dispose()
