"""Idempotent intake (issue 13): a platform reference (平台编号) names one application per
channel. The intake system that retries gets its case back; different contents are refused."""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

import casework
from casework.errors import InvalidInput, StaleCase
from casework.store.tables import CASES, EVENTS, LETTERS
from tests.support.actors import APPLICANT, CENTRE, GENERAL
from tests.support.dates import at

NOW = at("2026-03-02")
WINDOW = {"channel": "window", "unit": "czj", **APPLICANT}
# CASEWORK_INTAKE_RACE=8x500 runs the full race of issue 13 (processes x references).
RACE = os.environ.get("CASEWORK_INTAKE_RACE", "4x100")


def count(engine: Any, table: Any) -> int:
    with engine.db.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table)) or 0


def test_the_same_reference_twice_gives_the_same_case(engine: Any) -> None:
    first = engine.register(CENTRE, on="2026-03-02", now=NOW, reference="WS-1", **WINDOW)
    letters = count(engine, LETTERS)
    again = engine.register(CENTRE, on="2026-03-02", now=NOW, reference="WS-1", **WINDOW)
    assert again.id == first.id and again.version == first.version
    assert count(engine, CASES) == 1 and count(engine, EVENTS) == 1
    assert count(engine, LETTERS) == letters
    shown = engine.case(first.id, actor=GENERAL)
    assert shown.fields["reference"] == "WS-1" and shown.events[0].payload["reference"] == "WS-1"
    assert engine.verify() == []


def test_the_same_reference_with_other_inputs_is_refused(engine: Any) -> None:
    first = engine.register(CENTRE, on="2026-03-02", now=NOW, reference="WS-1", **WINDOW)
    for changed in (
        {"on": "2026-03-03", **WINDOW},
        {"on": "2026-03-02", **WINDOW, "request": "另一项申请"},
        {"on": "2026-03-02", **WINDOW, "applicant_phone": "13900000000"},
    ):
        with pytest.raises(InvalidInput) as info:
            engine.register(CENTRE, now=at("2026-03-03"), reference="WS-1", **changed)
        assert info.value.field == "reference" and info.value.case == first.id
        assert info.value.rule == "a platform reference names one application"
        assert "平台编号 WS-1 已登记为案件" in info.value.message
    assert count(engine, CASES) == 1 and count(engine, EVENTS) == 1


def test_a_reference_is_unique_per_channel_and_optional(engine: Any) -> None:
    window = engine.register(CENTRE, on="2026-03-02", now=NOW, reference="WS-1", **WINDOW)
    by_mail = {**WINDOW, "channel": "registered_mail"}
    mail = engine.register(CENTRE, on="2026-03-02", now=NOW, reference="WS-1", **by_mail)
    assert mail.id != window.id
    plain = [engine.register(CENTRE, on="2026-03-02", now=NOW, **WINDOW) for _ in range(2)]
    assert plain[0].id != plain[1].id and plain[0].fields["reference"] is None
    with pytest.raises(InvalidInput) as info:
        engine.register(CENTRE, on="2026-03-02", now=NOW, reference="W" * 65, **WINDOW)
    assert info.value.field == "reference"
    assert engine.verify() == []


def test_a_registration_that_loses_the_race_gets_the_winners_case(
    engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look-up before the insert misses a case committed meanwhile: the unique index
    refuses the insert and the engine answers with the winner's case (or refuses)."""
    first = engine.register(CENTRE, on="2026-03-02", now=NOW, reference="WS-1", **WINDOW)
    looked_up = type(engine)._registered
    calls: list[int] = []

    def late(self: Any, conn: Any, prepared: Any) -> Any:
        calls.append(1)
        return None if len(calls) % 2 else looked_up(self, conn, prepared)

    monkeypatch.setattr(type(engine), "_registered", late)
    again = engine.register(CENTRE, on="2026-03-02", now=NOW, reference="WS-1", **WINDOW)
    assert again.id == first.id and len(calls) == 2
    with pytest.raises(InvalidInput) as info:
        engine.register(CENTRE, on="2026-03-03", now=at("2026-03-03"), reference="WS-1", **WINDOW)
    assert info.value.field == "reference" and len(calls) == 4
    assert count(engine, CASES) == 1 and count(engine, EVENTS) == 1


def _intake(url: str, references: list[str], seed: int, barrier: Any, results: Any) -> None:
    """One intake process: every reference in its own order, each sent once or twice more
    (a retry after a lost answer), until the engine answers."""
    engine = casework.open(url)
    rng = random.Random(seed)
    sent = [r for r in references for _ in range(rng.randint(1, 3))]
    rng.shuffle(sent)
    ids: dict[str, int] = {}
    barrier.wait()
    for reference in sent:
        for _attempt in range(20):
            try:
                view = engine.register(
                    CENTRE,
                    on="2026-03-02",
                    now=NOW,
                    channel="window",
                    unit="czj",
                    applicant_name=f"申请人{reference}",
                    applicant_kind="natural_person",
                    request=f"申请公开 {reference} 所涉信息",
                    reference=reference,
                )
            except (StaleCase, OperationalError):
                time.sleep(rng.random() / 20)
                continue
            assert ids.setdefault(reference, view.id) == view.id
            break
        else:
            raise AssertionError(f"{reference} never registered")
    engine.db.dispose()
    results.put(ids)


def test_concurrent_intakes_register_each_reference_once(engine: Any) -> None:
    processes, references = (int(n) for n in RACE.split("x"))
    url = engine.db.url.render_as_string(hide_password=False)
    names = [f"WS-{n:04d}" for n in range(references)]
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    workers = [
        ctx.Process(target=_intake, args=(url, names, seed, barrier, results))
        for seed in range(processes)
    ]
    started = time.perf_counter()
    for w in workers:
        w.start()
    answers = [results.get(timeout=600) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    elapsed = time.perf_counter() - started
    # Every process got the same case for a reference, and there is one case per reference.
    assert all(a == answers[0] for a in answers) and len(answers[0]) == references
    assert count(engine, CASES) == references and count(engine, EVENTS) == references
    print(f"\n{engine.db.dialect.name} {RACE}: {references} cases in {elapsed:.1f} s")
