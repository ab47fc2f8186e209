"""Atomic moves, stale updates, the event hash chain, verify and clock recomputation."""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

import casework
from casework.calendar_office import recompute
from casework.errors import InvalidInput, StaleCase
from casework.resources import bundled_dir
from casework.store.models.cases import CaseRow, ClockRow, EventRow
from tests.support.actors import APPLICANT, CENTRE, CLERK, GENERAL
from tests.support.application import NOW, clock, consult_third_party, counts, register
from tests.support.dates import at


def test_stale_version_is_refused_and_writes_nothing(engine) -> None:
    view = register(engine)
    engine.move(
        view.id,
        "conference",
        CLERK,
        on="2026-03-03",
        now=NOW,
        topic="a",
        participants="b",
        expected_version=view.version,
    )
    before = counts(engine)
    with pytest.raises(StaleCase) as info:
        engine.move(
            view.id,
            "reply",
            CLERK,
            on="2026-03-04",
            now=NOW,
            outcome="disclosed",
            expected_version=view.version,
        )
    assert info.value.case == view.id
    assert counts(engine) == before
    assert engine.case(view.id, actor=GENERAL, now=NOW).state == "in_progress"


def test_lost_update_fails_loudly(engine) -> None:
    """Two sessions read the same case; the second writer fails and the first write stays.

    PostgreSQL: the version column turns the second UPDATE into StaleDataError. SQLite (WAL):
    the second transaction's read snapshot is outdated, so SQLite refuses its write lock.
    """
    view = register(engine)
    first, second = Session(engine.db), Session(engine.db)
    try:
        a = first.get(CaseRow, view.id)
        b = second.get(CaseRow, view.id)
        a.handler = "甲"
        first.commit()
        b.handler = "乙"
        with pytest.raises((StaleDataError, OperationalError)):
            second.commit()
    finally:
        first.close()
        second.close()
    assert engine.case(view.id, actor=GENERAL, now=NOW).fields["handler"] == "甲"


def test_concurrent_moves_on_one_version_succeed_exactly_once(engine) -> None:
    view = register(engine)
    results: list[str] = []
    barrier = threading.Barrier(4)

    def attempt(i: int) -> None:
        barrier.wait()
        try:
            engine.move(
                view.id,
                "conference",
                CLERK,
                on="2026-03-03",
                now=NOW,
                topic=f"会商{i}",
                participants="x",
                expected_version=view.version,
            )
            results.append("ok")
        except StaleCase:
            results.append("stale")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "stale", "stale", "stale"]
    assert [e.move for e in engine.case(view.id, actor=GENERAL, now=NOW).events] == [
        "register",
        "conference",
    ]


def test_a_failing_move_leaves_no_partial_write(engine) -> None:
    view = register(engine)
    # A hook that fails after the case, its event and its clocks were written in the move's
    # transaction (as a letter that cannot be issued would): the move fails whole.
    late = engine.register(
        CENTRE, on="2026-11-16", now=at("2026-11-16"), channel="window", unit="czj", **APPLICANT
    )
    before = counts(engine)

    def refuse(record) -> None:
        raise InvalidInput("测试：钩子拒绝", field="hook")

    engine.hooks.append(refuse)
    try:
        with pytest.raises(InvalidInput, match="钩子拒绝"):
            engine.move(
                late.id,
                "extend",
                CLERK,
                on="2026-11-20",
                now=at("2026-11-20"),
                approver="周科长",
                reason="量大",
            )
    finally:
        engine.hooks.remove(refuse)
    assert counts(engine) == before
    assert clock(engine.case(late.id, actor=GENERAL, now=NOW), "reply").extension_days == 0
    assert engine.case(view.id, actor=GENERAL, now=NOW).version == view.version


def test_events_form_a_hash_chain_and_verify_passes(engine) -> None:
    view = register(engine)
    consult_third_party(engine, view.id)
    engine.move(view.id, "consultation_answered", CLERK, on="2026-03-09", now=NOW, opinion="y")
    engine.move(view.id, "reply", CLERK, on="2026-03-20", now=NOW, outcome="disclosed")
    with Session(engine.db) as s:
        events = list(s.scalars(select(EventRow).order_by(EventRow.seq)))
    assert events[0].prev_hash == "0" * 64
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert engine.verify() == []


def test_window_applications_at_the_centre_replay_on_both_branches(engine) -> None:
    # With a unit: 办理中 at once, as every stored window registration was; without: 待转办 at
    # the centre, then forwarded. verify replays both through the current flow file.
    with_unit = register(engine)
    waiting = engine.register(CENTRE, on="2026-03-02", now=NOW, channel="window", **APPLICANT)
    engine.move(waiting.id, "forward", CENTRE, on="2026-03-03", now=NOW, unit="czj")
    assert (with_unit.state, waiting.state) == ("in_progress", "awaiting_forward")
    assert engine.verify() == []


def _tamper(engine, statement) -> None:  # type: ignore[no-untyped-def]
    with engine.db.begin() as conn:
        conn.execute(statement)


def test_verify_catches_a_hand_edited_state(engine) -> None:
    view = register(engine)
    _tamper(engine, update(CaseRow).where(CaseRow.id == view.id).values(state="closed"))
    found = engine.verify()
    assert [(d.what, d.stored, d.replayed) for d in found] == [("state", "closed", "in_progress")]


def test_verify_catches_an_edited_event_payload(engine) -> None:
    view = register(engine)
    engine.move(view.id, "reply", CLERK, on="2026-03-20", now=NOW, outcome="disclosed")
    _tamper(
        engine,
        update(EventRow)
        .where(EventRow.seq == 2)
        .values(payload={"outcome": "withheld_state_secret"}),
    )
    whats = {d.what for d in engine.verify()}
    assert "event 2 hash" in whats
    assert "field outcome" in whats


def test_verify_catches_an_edited_due_date(engine) -> None:
    view = register(engine)
    _tamper(
        engine, update(ClockRow).where(ClockRow.kind == "reply").values(due_on=date(2026, 4, 30))
    )
    found = engine.verify()
    assert [(d.case_id, d.what) for d in found] == [(view.id, "clock 0 reply due_on")]


def test_verify_catches_a_deleted_event(engine) -> None:
    view = register(engine)
    engine.move(view.id, "conference", CLERK, on="2026-03-03", now=NOW, topic="a", participants="b")
    engine.move(view.id, "reply", CLERK, on="2026-03-20", now=NOW, outcome="disclosed")
    _tamper(engine, text("DELETE FROM events WHERE seq = 2"))
    whats = {d.what for d in engine.verify()}
    assert "event 3 prev_hash" in whats
    assert "event_count" in whats


def test_recompute_moves_open_clocks_after_a_calendar_correction(db_url, tmp_path: Path) -> None:
    states = tmp_path / "states"
    shutil.copytree(bundled_dir("states"), states)
    eng = casework.open(db_url, states_dir=states, upgrade=True)
    view = eng.register(CENTRE, on="2026-03-02", now=NOW, channel="window", unit="czj", **APPLICANT)
    replied = eng.register(
        CENTRE, on="2026-03-02", now=NOW, channel="window", unit="czj", **APPLICANT
    )
    eng.move(replied.id, "reply", CLERK, on="2026-03-10", now=NOW, outcome="disclosed")
    assert clock(view, "reply").due_on == date(2026, 3, 30)
    eng.db.dispose()

    # A correction: suppose the district learns that 2026-03-16 is a rest day.
    from casework.calendar_sources import library_schedules

    lib = {s.year: s for s in library_schedules()}[2026]
    rests = "\n".join(
        f'[[rest]]\nname = "{name or "休息"}"\nfrom = {d.isoformat()}\nto = {d.isoformat()}\n'
        for d, name in sorted({**lib.rest_days, date(2026, 3, 16): "更正"}.items())
    )
    makeup = ", ".join(d.isoformat() for d in sorted(lib.makeup_workdays))
    (states / "calendar" / "2026.toml").write_text(
        f'year = 2026\nsource = "测试更正"\nmakeup_workdays = [{makeup}]\n{rests}',
        encoding="utf-8",
    )
    eng = casework.open(db_url, states_dir=states)
    # verify sees both reply clocks' due dates differ, the open one and the replied case's
    # closed one (the correction window ended 03-11): the recompute has still to run.
    assert [(d.case_id, d.what) for d in eng.verify()] == [
        (view.id, "clock 0 reply due_on"),
        (replied.id, "clock 0 reply due_on"),
    ]
    summary = recompute(eng, now=at("2026-03-12"), everything=True)
    changed = {
        (c["case"], x["clock"], x["due_before"], x["due_after"], x["status_after"])
        for c in summary.cases
        for x in c["changes"]
    }
    # The replied case's closed clock moves too (still met): the timeliness report reads it.
    assert changed == {
        (view.id, "reply", date(2026, 3, 30), date(2026, 3, 31), "running"),
        (replied.id, "reply", date(2026, 3, 30), date(2026, 3, 31), "met"),
    }
    assert eng.verify() == []
    assert clock(eng.case(view.id, actor=GENERAL, now=NOW), "reply").due_on == date(2026, 3, 31)
    assert eng.case(view.id, actor=GENERAL, now=NOW).events[-1].move == "calendar_recomputed"
    assert recompute(eng, now=at("2026-03-12"), everything=True).cases == []  # twice: no change
    eng.db.dispose()


def test_open_refuses_a_database_that_was_not_migrated(tmp_path: Path) -> None:
    with pytest.raises(casework.CaseworkError) as info:
        casework.open(f"sqlite:///{tmp_path / 'empty.db'}")
    assert "casework db upgrade" in str(info.value)


def test_states_check_lists_cases_stranded_by_an_edited_flow(engine, tmp_path: Path) -> None:
    from casework.bootstrap import check_states

    view = register(engine)
    engine.move(view.id, "request_correction", CLERK, on="2026-03-03", now=NOW, items=["x"], days=5)
    edited = tmp_path / "states"
    shutil.copytree(bundled_dir("states"), edited)
    flow = edited / "application.toml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("awaiting_correction", "waiting_for_applicant"),
        encoding="utf-8",
    )
    assert check_states(bundled_dir("states"), engine) == []
    problems = check_states(edited, engine)
    assert len(problems) == 1
    assert "awaiting_correction" in problems[0] and "1 件" in problems[0]
