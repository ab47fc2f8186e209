"""The nightly sweep on SQLite and PostgreSQL: ladder days, recipients, exactly once, lapses.

Dates are counted by hand from the 2026 holiday notice (docs/legal-basis.md D): 清明 4/4–4/6 off,
劳动节 5/1–5/5 off with Sat 5/9 worked; March 2026 has no holiday.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from casework.escalation import due_query
from casework.proceedings import open_review
from casework.store.tables import CLOCKS, EVENTS
from tests.support.actors import CENTRE, CLERK, DUTY, GENERAL, LEGAL
from tests.support.dates import at
from tests.support.escalation import (
    awaiting_correction,
    levels,
    outbox,
    outbox_count,
    register,
    run,
)
from tests.support.proceedings import REVIEW


def days(first: str, last: str) -> list[str]:
    d, end = date.fromisoformat(first), date.fromisoformat(last)
    out = []
    while d <= end:
        out.append(d.isoformat())
        d += timedelta(days=1)
    return out


def test_reply_ladder_fires_on_its_working_days_across_the_may_holiday(engine) -> None:
    # Received Fri 4/3: day 1 is Tue 4/7 (4/4–4/6 清明); the 20th working day is Thu 5/7
    # (4/7–4/10, 4/13–17, 4/20–24, 4/27–30 = 18, then 5/6, 5/7 after 5/1–5/5 off).
    case = register(engine, "2026-04-03")
    assert engine.case(case, actor=GENERAL, now=at("2026-04-03")).clocks[0].due_on == date(
        2026, 5, 7
    )
    for day in days("2026-04-20", "2026-05-12"):
        run(engine, day)
    reply = [(lv, on) for c, kind, lv, on in levels(engine, case) if kind == "reply"]
    # -3 working days before 5/7: 5/6, 4/30, 4/29 → 4/29; due day 5/7; +1 → Fri 5/8.
    assert reply == [
        ("reminder", date(2026, 4, 29)),
        ("line", date(2026, 5, 7)),
        ("breach", date(2026, 5, 8)),
    ]


def test_breach_after_a_due_date_before_the_holiday_waits_for_the_next_working_day(engine) -> None:
    # Received Wed 4/1: 4/2, 4/3 (2), 4/7–4/10 (6), 4/13–17 (11), 4/20–24 (16), 4/27–30 (20).
    case = register(engine, "2026-04-01")
    assert engine.case(case, actor=GENERAL, now=at("2026-04-02")).clocks[0].due_on == date(
        2026, 4, 30
    )
    for day in days("2026-04-30", "2026-05-06"):
        run(engine, day)
    breach = [on for _, kind, lv, on in levels(engine, case) if lv == "breach"]
    assert breach == [date(2026, 5, 6)]  # 5/1–5/5 are rest days


def test_rerun_sends_nothing_twice(engine) -> None:
    register(engine, "2026-03-02")  # reply due 3/30
    first = run(engine, "2026-03-31")
    assert first.notices == 2  # all three levels reached at once: the breach is notified
    again = run(engine, "2026-03-31")
    later = run(engine, "2026-04-01")
    assert (again.escalations, again.notices) == ([], 0)
    assert (later.escalations, later.notices) == ([], 0)
    assert outbox_count(engine) == 2


def test_missed_nights_record_every_level_once_and_notify_the_highest(engine) -> None:
    case = register(engine, "2026-03-02", handler="李娜")  # reply due Mon 3/30
    run(engine, "2026-03-20")  # last night that ran: nothing due yet (-3 is Wed 3/25)
    assert levels(engine, case) == []
    summary = run(engine, "2026-04-01")  # the scheduler was down from 3/21 to 3/31
    assert [(e["level"], e["fire_on"]) for e in summary.escalations] == [
        ("reminder", date(2026, 3, 25)),
        ("line", date(2026, 3, 30)),
        ("breach", date(2026, 3, 31)),
    ]
    # Overdue by now: only the breach is notified (director + 督查室); the reminder and the
    # line level are recorded without notices, so no later sweep sends them either.
    assert [e["notices"] for e in summary.escalations] == [0, 0, 2]
    rows = outbox(engine)
    assert [r.recipient for r in rows] == ["person:xugang", "office:dcs"]
    assert all("逾期通报" in r.subject and "到期提醒" not in r.subject for r in rows)
    assert "已逾期 2 个工作日" in rows[0].subject  # as of 4/1, due 3/30
    assert run(engine, "2026-04-02").notices == 0


def test_a_catch_up_159_working_days_late_sends_no_due_soon_reminder(engine) -> None:
    case = register(engine, "2026-03-02")  # reply due 3/30; nothing swept until December
    summary = run(engine, "2026-11-16")
    assert [e["level"] for e in summary.escalations] == ["reminder", "line", "breach"]
    subjects = [r.subject for r in outbox(engine) if r.case_id == case]
    assert subjects and all("逾期通报" in s for s in subjects)
    assert not any("到期提醒" in s or "届满督办" in s for s in subjects)


def test_levels_reached_on_separate_nights_are_each_notified(engine) -> None:
    register(engine, "2026-03-02", handler="李娜")  # reply due Mon 3/30
    for day in ("2026-03-25", "2026-03-30", "2026-03-31"):
        run(engine, day)
    subjects = [r.subject for r in outbox(engine)]
    assert [
        any(label in s for s in subjects) for label in ("到期提醒", "届满督办", "逾期通报")
    ] == [
        True,
        True,
        True,
    ]


def test_routes_of_a_street_office_and_an_unassigned_unit(engine) -> None:
    street = register(engine, "2026-03-02", unit="zongguan")
    unassigned = register(engine, "2026-03-02", unit="bb")
    run(engine, "2026-03-30")
    line = {r.case_id: r.recipient for r in outbox(engine) if "届满督办" in r.subject}
    unassigned_line = sorted(r.recipient for r in outbox(engine) if r.case_id == unassigned)
    assert line[street] == "office:dcs"
    # reminder and line reached in the same sweep: only the line is notified.
    assert unassigned_line == ["office:dcs", "person:xugang"]
    body = next(r.body for r in outbox(engine) if r.case_id == unassigned and "届满" in r.subject)
    assert "非通知原文" in body


def test_platform_application_not_forwarded_reaches_the_duty_office_head(engine) -> None:
    view = engine.register(
        DUTY,
        on="2026-03-02",
        now=at("2026-03-02"),
        channel="online",
        applicant_name="王五",
        applicant_kind="natural_person",
        request="x",
    )
    run(engine, "2026-03-03")  # forwarding due 3/3 (1 working day): not lapsed yet
    assert levels(engine, view.id) == []
    run(engine, "2026-03-04")
    assert levels(engine, view.id) == [(view.id, "forwarding", "lapsed", date(2026, 3, 4))]
    assert [r.recipient for r in outbox(engine)] == ["person:xiongfangli"]


def test_window_application_at_the_centre_waits_and_reaches_the_centre_head(engine) -> None:
    # Received at the service centre Mon 3/2 without a unit: 待转办 at the centre, forwarding
    # due Tue 3/3 (1 working day); the reply clock runs from 3/2 all the same (due 3/30).
    case = register(engine, "2026-03-02", unit=None)
    view = engine.case(case, actor=GENERAL, now=at("2026-03-02"))
    assert view.state == "awaiting_forward"
    assert [(c.kind, c.due_on) for c in view.clocks] == [
        ("reply", date(2026, 3, 30)),
        ("correction_notice", date(2026, 3, 11)),
        ("centre_forwarding", date(2026, 3, 3)),
    ]
    run(engine, "2026-03-03")
    assert levels(engine, case) == []
    run(engine, "2026-03-04")
    assert levels(engine, case) == [(case, "centre_forwarding", "lapsed", date(2026, 3, 4))]
    assert [r.recipient for r in outbox(engine)] == ["person:zwzx_head"]
    forwarded = engine.move(
        case, "forward", CENTRE, on="2026-03-05", now=at("2026-03-05"), unit="czj"
    )
    assert (forwarded.state, forwarded.fields["unit"]) == ("in_progress", "czj")
    assert [c.status for c in forwarded.clocks if c.kind == "centre_forwarding"] == ["breached"]
    assert [c.due_on for c in forwarded.clocks if c.kind == "reply"] == [date(2026, 3, 30)]


def test_correction_notice_window_reminds_the_unit_head_only_while_open(engine) -> None:
    open_window = register(engine, "2026-03-02")  # window closes 3/11 (7 working days)
    run(engine, "2026-03-09")
    assert levels(engine, open_window) == []
    run(engine, "2026-03-10")  # the working day before the last day
    late = register(engine, "2026-03-02")
    run(engine, "2026-03-12")  # window of `late` closed on 3/11: no reminder any more
    assert [lv for _, kind, lv, _ in levels(engine) if kind == "correction_notice"] == ["window"]
    assert levels(engine, late) == []


def test_review_answer_clock_goes_to_the_legal_office_then_the_director(engine) -> None:
    case = register(engine, "2026-02-02")
    engine.move(
        case,
        "reply",
        CLERK,
        on="2026-02-10",
        now=at("2026-02-10"),
        outcome="withheld_process",
        reasons="正在调查处理中",
    )
    review = open_review(engine, case, LEGAL, on="2026-09-28", now=at("2026-09-28"), **REVIEW)
    # answer due 10/16 (test_proceedings); -3 working days: 10/15, 10/14, 10/13.
    for day in ("2026-10-12", "2026-10-13", "2026-10-15", "2026-10-16"):
        run(engine, day)
    assert [(lv, on) for _, _, lv, on in levels(engine, review.id)] == [
        ("legal", date(2026, 10, 13)),
        ("director", date(2026, 10, 16)),
    ]
    assert [r.recipient for r in outbox(engine) if r.case_id == review.id] == [
        "unit:fzb",
        "person:xugang",
    ]


def test_lapse_moves_close_the_applicant_periods_as_the_system(engine) -> None:
    corr = register(engine, "2026-03-02")
    engine.move(
        corr,
        "request_correction",
        CLERK,
        on="2026-03-03",
        now=at("2026-03-03"),
        items=["x"],
        days=5,
    )
    fee = register(engine, "2026-03-02")
    engine.move(
        fee, "fee_notice", CLERK, on="2026-03-03", now=at("2026-03-03"), basis="per_page", pages=40
    )
    cons = register(engine, "2026-03-02")
    engine.move(
        cons,
        "consult",
        CLERK,
        on="2026-03-03",
        now=at("2026-03-03"),
        party="third_party",
        party_name="某公司",
        matter="x",
    )
    # correction period: 5 working days from 3/3 → 3/10; consultation: 15 → 3/24;
    # fee: 20 → 3/31. Each lapses on the first sweep after its due date.
    assert [x["case"] for x in run(engine, "2026-03-10").lapses] == []
    assert [(x["case"], x["move"]) for x in run(engine, "2026-03-11").lapses] == [
        (corr, "correction_lapsed")
    ]
    assert [x["case"] for x in run(engine, "2026-03-25").lapses] == [cons]
    assert [x["case"] for x in run(engine, "2026-04-01").lapses] == [fee]
    assert run(engine, "2026-04-02").lapses == []
    assert (
        engine.case(corr, actor=GENERAL, now=at("2026-04-02")).fields["outcome"]
        == "other_no_correction"
    )
    assert (
        engine.case(fee, actor=GENERAL, now=at("2026-04-02")).fields["outcome"]
        == "other_fee_unpaid"
    )
    consulted = engine.case(cons, actor=GENERAL, now=at("2026-04-02"))
    assert consulted.state == "in_progress"
    # Reply resumes at the consultation's due date 3/24 with 19 working days left
    # (1 used on 3/3): 3/25 … 4/3 (8), 4/7 … 4/10 (12), 4/13 … 4/17 (17), 4/20, 4/21.
    assert [c.due_on for c in consulted.clocks if c.kind == "reply"] == [date(2026, 4, 21)]
    with engine.db.connect() as conn:
        query = select(EVENTS.c.actor_name, EVENTS.c.actor_role).where(
            EVENTS.c.move.in_(["correction_lapsed", "fee_lapsed", "consultation_lapsed"])
        )
        actors = {tuple(r) for r in conn.execute(query)}
    assert actors == {("夜间期限督办", "system")}
    # The lapse moves replay like any move (letters are verified by their own tests).
    assert [d for d in engine.verify() if not d.what.startswith("文书")] == []


def test_a_crash_between_lapse_moves_loses_nothing(engine, monkeypatch) -> None:
    cases = [awaiting_correction(engine) for _ in range(2)]
    real_move, calls = engine.move, []

    def crash_on_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        if len(calls) == 2:
            raise SystemExit("power cut")
        return real_move(*args, **kwargs)

    monkeypatch.setattr(engine, "move", crash_on_second)
    with pytest.raises(SystemExit):
        run(engine, "2026-03-11")
    monkeypatch.setattr(engine, "move", real_move)
    states = [engine.case(c, actor=GENERAL, now=at("2026-03-12")).state for c in cases]
    assert states == ["closed", "awaiting_correction"]
    again = run(engine, "2026-03-12")
    assert [(x["case"], x["result"]) for x in again.lapses] == [(cases[1], "done")]
    assert run(engine, "2026-03-13").lapses == []
    events = [e.move for e in engine.case(cases[0], actor=GENERAL, now=at("2026-03-13")).events]
    assert events.count("correction_lapsed") == 1


def test_paused_and_closed_clocks_are_not_escalated(engine) -> None:
    replied = register(engine, "2026-03-02")
    engine.move(replied, "reply", CLERK, on="2026-03-20", now=at("2026-03-20"), outcome="disclosed")
    paused = register(engine, "2026-03-02")
    engine.move(
        paused, "consult", CLERK, on="2026-03-20", now=at("2026-03-20"),
        party="other_agency", party_name="市局", matter="x",
    )  # fmt: skip
    run(engine, "2026-03-31")
    assert [(c, k) for c, k, _, _ in levels(engine)] == []


def test_the_due_query_is_an_index_range_scan(engine) -> None:
    query = due_query("reply", [CLOCKS.c.due_on <= date(2026, 3, 30)], [], None)
    compiled = query.compile(engine.db, compile_kwargs={"literal_binds": True})
    with engine.db.connect() as conn:
        if engine.db.dialect.name == "sqlite":
            plan = " ".join(
                str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
            assert "USING INDEX ix_clocks_status_due (status=? AND due_on<?)" in plan
        else:
            conn.execute(text("SET enable_seqscan = off"))  # tiny test tables: ask for the plan
            plan = " ".join(r[0] for r in conn.execute(text(f"EXPLAIN {compiled}")))
            assert "ix_clocks_status_due" in plan
