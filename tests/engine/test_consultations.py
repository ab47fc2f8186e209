"""Several consultations at once (2019 Arts. 32, 33(3), 34), on SQLite and PostgreSQL.

Each consultation is its own clock with its own 15 working days, numbered in the order sent;
each answer or lapse names the one it closes; the reply clock stays paused while any is open,
so the time not counted is the union of their periods. Counted by hand on the 2026 calendar
(March has no holiday; 清明 4/4–4/6 off).

Received Mon 2026-03-02: the reply's 20 working days would end Mon 3/30. Consultation 1 (a
third party, Art. 32) is sent Wed 3/4: the reply has used 3/3 and 3/4 (2 days) and pauses; its
15 working days end Wed 3/25. Consultation 2 (another agency, Art. 34) is sent Mon 3/9; its 15
working days end Mon 3/30.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from casework.errors import InvalidInput, RuleViolation
from casework.escalation import sweep
from casework.store.tables import LETTERS
from tests.support.actors import APPLICANT, CENTRE, CLERK, GENERAL
from tests.support.dates import at

NOW = at("2026-04-30")


def clock(view, kind: str, n: int = 1):  # type: ignore[no-untyped-def]
    return [c for c in view.clocks if c.kind == kind][n - 1]


def received(engine) -> int:  # type: ignore[no-untyped-def]
    return engine.register(
        CENTRE, on="2026-03-02", now=NOW, channel="window", unit="czj", **APPLICANT
    ).id


def consult(engine, case: int, on: str, party: str, name: str):  # type: ignore[no-untyped-def]
    return engine.move(
        case, "consult", CLERK, on=on, now=NOW, party=party, party_name=name, matter="x"
    )


def two_consultations(engine) -> int:  # type: ignore[no-untyped-def]
    case = received(engine)
    consult(engine, case, "2026-03-04", "third_party", "汉正商贸有限公司")
    view = consult(engine, case, "2026-03-09", "other_agency", "区教育局")
    assert view.state == "consulting"
    assert [c.due_on for c in view.clocks if c.kind == "consultation"] == [
        date(2026, 3, 25),
        date(2026, 3, 30),
    ]
    assert clock(view, "reply").status == "paused"
    return case


def answer(engine, case: int, n: int, on: str):  # type: ignore[no-untyped-def]
    return engine.move(
        case, "consultation_answered", CLERK, on=on, now=NOW, consultation=n, opinion="同意"
    )


@pytest.mark.parametrize("order", [(1, 2), (2, 1)])
def test_answered_in_either_order_the_pause_is_the_union(engine, order) -> None:
    case = two_consultations(engine)
    first = answer(engine, case, order[0], "2026-03-12")
    # One consultation is still open: the case stays 征求意见中 and the reply clock paused.
    assert first.state == "consulting"
    assert clock(first, "reply").status == "paused"
    assert clock(first, "consultation", order[0]).status == "met"
    assert clock(first, "consultation", order[1]).status == "running"
    last = answer(engine, case, order[1], "2026-03-18")
    assert last.state == "in_progress"
    reply = clock(last, "reply")
    # Paused 3/4 to 3/18 (the later answer): 18 days left after 3/18: 3/19–20 (2), 3/23–27 (7),
    # 3/30–4/3 (12), 清明 4/4–4/6, 4/7–10 (16), 4/13–14 (18).
    assert (reply.status, reply.due_on) == ("running", date(2026, 4, 14))
    assert [(p.since, p.until) for p in reply.pauses] == [(date(2026, 3, 4), date(2026, 3, 18))]
    assert engine.verify() == []


def test_one_answered_one_lapsing_through_the_nightly_sweep(engine) -> None:
    case = two_consultations(engine)
    answer(engine, case, 1, "2026-03-12")
    # Consultation 2 ends Mon 3/30 unanswered: the sweep of Tue 3/31 lapses it, by number.
    summary = sweep(engine, date(2026, 3, 31), now=at("2026-03-31"))
    assert [(x["case"], x["result"]) for x in summary.lapses] == [(case, "done")]
    view = engine.case(case, actor=GENERAL, now=at("2026-03-31"))
    assert view.state == "in_progress"
    assert view.events[-1].payload["consultation"] == 2
    assert clock(view, "consultation", 2).status == "lapsed"
    # The pause ends on consultation 2's due date, 3/30: 3/31 (1), 4/1–3 (4), 4/7–10 (8),
    # 4/13–17 (13), 4/20–24 (18).
    assert clock(view, "reply").due_on == date(2026, 4, 24)
    assert engine.verify() == []


def test_a_lapse_then_a_later_answer_resume_at_the_answer(engine) -> None:
    case = two_consultations(engine)
    # Consultation 1 ends Wed 3/25 unanswered: lapsed on 3/26 by the clerk; 2 is still open.
    lapsed = engine.move(
        case, "consultation_lapsed", CLERK, on="2026-03-26", now=NOW, consultation=1
    )
    assert lapsed.state == "consulting" and clock(lapsed, "reply").status == "paused"
    done = answer(engine, case, 2, "2026-03-27")
    # The union ends on Fri 3/27: 18 days after it: 3/30–4/3 (5), 4/7–10 (9), 4/13–17 (14),
    # 4/20–23 (18).
    assert clock(done, "reply").due_on == date(2026, 4, 23)


def test_each_consultation_gets_its_letter_and_its_line_in_the_timeline(engine) -> None:
    case = two_consultations(engine)
    answer(engine, case, 2, "2026-03-12")
    with engine.db.connect() as conn:
        kinds = list(
            conn.scalars(
                select(LETTERS.c.kind).where(LETTERS.c.case_id == case).order_by(LETTERS.c.id)
            )
        )
    assert kinds == ["receipt", "consultation_third_party", "consultation_agency"]
    events = engine.case(case, actor=GENERAL, now=NOW).events
    assert [(e.move, e.payload.get("party_name"), e.payload.get("consultation")) for e in events][
        1:
    ] == [
        ("consult", "汉正商贸有限公司", None),
        ("consult", "区教育局", None),
        ("consultation_answered", None, 2),
    ]


def test_a_single_open_consultation_is_named_in_the_event_without_being_typed(engine) -> None:
    case = received(engine)
    consult(engine, case, "2026-03-04", "third_party", "甲")
    view = engine.move(case, "consultation_answered", CLERK, on="2026-03-10", now=NOW, opinion="y")
    assert view.state == "in_progress"
    assert engine.case(case, actor=GENERAL, now=NOW).events[-1].payload["consultation"] == 1


def counts(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with engine.db.connect() as conn:
        from casework.store.tables import CLOCKS, EVENTS

        return tuple(  # type: ignore[return-value]
            conn.scalar(select(func.count()).select_from(t)) for t in (EVENTS, CLOCKS)
        )


def test_bad_answers_are_refused_and_write_nothing(engine) -> None:
    case = two_consultations(engine)
    before = counts(engine)
    # Two are open: the answer must say which.
    with pytest.raises(InvalidInput) as unnamed:
        engine.move(case, "consultation_answered", CLERK, on="2026-03-12", now=NOW, opinion="y")
    assert unnamed.value.field == "consultation" and "编号 1、2" in str(unnamed.value)
    # A consultation that does not exist.
    with pytest.raises(RuleViolation) as missing:
        answer(engine, case, 3, "2026-03-12")
    assert missing.value.rule == "consultation_open" and "第三十二条" in str(missing.value)
    assert counts(engine) == before
    # A second answer to the same consultation.
    answer(engine, case, 1, "2026-03-12")
    before = counts(engine)
    with pytest.raises(RuleViolation) as twice:
        answer(engine, case, 1, "2026-03-13")
    assert twice.value.rule == "consultation_open"
    # A lapse before the consultation's 15 days have run.
    with pytest.raises(RuleViolation) as early:
        engine.move(case, "consultation_lapsed", CLERK, on="2026-03-20", now=NOW, consultation=2)
    assert early.value.rule == "consultation_expired"
    assert counts(engine) == before
