"""Reconsideration and litigation: their clocks, reopening, roles, verify and the error rate.

Expected dates are counted by hand from docs/legal-basis.md D (holidays) and C/E (periods).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from casework.errors import InvalidInput, MoveNotAllowed, PermissionDenied, RuleViolation
from casework.proceedings import error_rate, open_lawsuit, open_review
from casework.store.tables import CASES
from tests.support.actors import APPLICANT, CENTRE, CLERK, GENERAL, LEGAL
from tests.support.application import clock, counts
from tests.support.dates import at
from tests.support.proceedings import REVIEW, SUIT

NOW = at("2026-11-27")


def replied_case(engine, on="2026-02-02", reply_on="2026-02-10", outcome="withheld_process"):  # type: ignore[no-untyped-def]
    view = engine.register(CENTRE, on=on, now=NOW, channel="window", unit="czj", **APPLICANT)
    engine.move(
        view.id,
        "reply",
        CLERK,
        on=reply_on,
        now=NOW,
        outcome=outcome,
        reasons="所申请信息属于过程性信息",
    )
    return view.id


# ---------------------------------------------------------------- review


def test_review_answer_clock_is_ten_working_days_across_a_holiday(engine) -> None:
    case = replied_case(engine)
    review = open_review(engine, case, LEGAL, on="2026-09-28", now=NOW, **REVIEW)
    assert review.flow == "review"
    assert review.parent_id == case
    assert review.state == "answering"
    assert review.fields["applicant_name"] == APPLICANT["applicant_name"]
    assert review.fields["unit"] == "czj"
    # 10 working days after Mon 09-28: 09-29, 09-30, [10-01..10-07 国庆], 10-08, 10-09,
    # 10-10 (Sat, makeup day), 10-12, 10-13, 10-14, 10-15, 10-16 → 2026-10-16.
    assert clock(review, "answer").due_on == date(2026, 10, 16)
    assert engine.children(case) == [review.id]


def test_simplified_procedure_answer_is_five_working_days(engine) -> None:
    case = replied_case(engine)
    review = open_review(
        engine,
        case,
        LEGAL,
        on="2026-03-02",
        now=NOW,
        **{**REVIEW, "procedure": "simplified"},
        accepted_on="2026-02-27",
    )
    # 5 working days after Mon 03-02 → Mon 03-09.
    assert clock(review, "answer_simplified").due_on == date(2026, 3, 9)
    # The body's simplified decision clock: 30 days from acceptance 02-27 → 03-29 (Sunday)
    # → Monday 03-30.
    assert clock(review, "decision_simplified").due_on == date(2026, 3, 30)
    assert clock(review, "decision_simplified").nature == "body"


def test_2017_law_applies_before_2024_with_calendar_days(engine) -> None:
    case = replied_case(engine, on="2023-11-01", reply_on="2023-11-20")
    review = open_review(engine, case, LEGAL, on="2023-12-20", now=NOW, **REVIEW)
    assert review.rule_set == "2017"
    # 10 calendar days after 12-20 = 12-30 (Saturday); 12-31 Sunday; 2024-01-01 元旦
    # → 2024-01-02.
    assert clock(review, "answer").due_on == date(2024, 1, 2)
    assert clock(review, "answer").unit == "calendar_days"
    with pytest.raises(RuleViolation) as info:
        open_review(
            engine, case, LEGAL, on="2023-12-20", now=NOW, **{**REVIEW, "procedure": "simplified"}
        )
    assert info.value.rule == "simplified_available"
    # From 2024-01-01 the 2023 law's working days apply.
    assert open_review(engine, case, LEGAL, on="2024-01-02", now=NOW, **REVIEW).rule_set == "2023"


def test_review_needs_a_reply_or_an_overdue_reply(engine) -> None:
    view = engine.register(
        CENTRE, on="2026-03-02", now=NOW, channel="window", unit="czj", **APPLICANT
    )
    before = counts(engine)
    with pytest.raises(RuleViolation) as info:
        open_review(engine, view.id, LEGAL, on="2026-03-20", now=NOW, **REVIEW)
    assert info.value.rule == "reply_challengeable"
    # Failure to reply is challengeable only once the reply clock (due 03-30) has run out.
    failure = {**REVIEW, "ground": "failure_to_reply"}
    with pytest.raises(RuleViolation):
        open_review(engine, view.id, LEGAL, on="2026-03-30", now=NOW, **failure)
    assert counts(engine) == before
    review = open_review(engine, view.id, LEGAL, on="2026-03-31", now=NOW, **failure)
    assert review.details["ground"] == "failure_to_reply"


def test_only_the_legal_office_moves_proceedings(engine) -> None:
    case = replied_case(engine)
    with pytest.raises(PermissionDenied):
        open_review(engine, case, CLERK, on="2026-03-02", now=NOW, **REVIEW)
    review = open_review(engine, case, LEGAL, on="2026-03-02", now=NOW, **REVIEW)
    with pytest.raises(PermissionDenied):
        engine.move(review.id, "answered", CLERK, on="2026-03-05", now=NOW)
    # The unit may read the proceeding, but no move is open to it.
    assert engine.case(review.id, actor=CLERK, now=NOW).allowed_moves == []
    assert "answered" in engine.case(review.id, actor=LEGAL, now=NOW).allowed_moves


def test_decision_correcting_the_reply_reopens_the_case(engine) -> None:
    case = replied_case(engine)
    review = open_review(
        engine, case, LEGAL, on="2026-03-02", now=NOW, **REVIEW, accepted_on="2026-02-27"
    )
    answered = engine.move(
        review.id, "answered", LEGAL, on="2026-03-13", now=NOW, answer_number="硚财复答〔2026〕1号"
    )
    assert clock(answered, "answer").status == "met"
    decided = engine.move(
        review.id,
        "decide",
        LEGAL,
        on="2026-04-20",
        now=NOW,
        result="revoked",
        decision_number="硚政复决〔2026〕7号",
        deadline_days=20,
        deadline_unit="working_days",
    )
    assert decided.state == "decided"
    assert decided.fields["outcome"] == "corrected"
    assert decided.fields["closed_on"] == date(2026, 4, 20)
    assert clock(decided, "decision").status == "met"  # 60 days from 02-27 end 04-28
    parent = engine.case(case, actor=GENERAL, now=NOW)
    assert parent.state == "in_progress"
    assert parent.fields["outcome"] is None
    # The decision's deadline: 20 working days after Mon 04-20 → 05-20 (04-21..04-30 = 8,
    # 05-01..05-05 劳动节, 05-06..05-08 = 3, 05-09 makeup Saturday = 1, 05-11..05-20 = 8).
    assert clock(parent, "reply").due_on == date(2026, 5, 20)
    reopen = parent.events[-1]
    assert reopen.move == "reopen"
    assert reopen.actor_role == "legal_office"
    assert reopen.payload["decision"] == "硚政复决〔2026〕7号"
    assert "复议决定" in reopen.payload["reason"]
    assert engine.verify() == []


def order_redo(engine, review_id: int, number: str, days: int, unit: str):  # type: ignore[no-untyped-def]
    """The review body orders a new reply within ``days`` (行政复议法 Art. 66) on 2026-04-20."""
    return engine.move(
        review_id,
        "decide",
        LEGAL,
        on="2026-04-20",
        now=NOW,
        result="ordered_to_act",
        decision_number=number,
        deadline_days=days,
        deadline_unit=unit,
    )


def test_a_period_ordered_by_a_decision_cannot_be_extended(engine) -> None:
    # 2019 Art. 33(2) extends "前款规定的期限", the statutory 20 working days; a period a review
    # decision (行政复议法 Art. 66) or a judgment (行政诉讼法 Art. 72) orders is the deciding
    # authority's, not the agency's to extend. Ordered here: 15 calendar days from 04-20.
    case = replied_case(engine)
    review = open_review(
        engine, case, LEGAL, on="2026-03-02", now=NOW, **REVIEW, accepted_on="2026-02-27"
    )
    order_redo(engine, review.id, "硚政复决〔2026〕8号", 15, "calendar_days")
    reopened = engine.case(case, actor=GENERAL, now=NOW)
    assert clock(reopened, "reply").due_on == date(2026, 5, 6)  # 04-20 + 15 = 05-05, 劳动节
    assert "extend" not in engine.case(case, actor=CLERK, now=NOW).allowed_moves
    before = counts(engine)
    with pytest.raises(RuleViolation) as info:
        engine.move(
            case, "extend", CLERK, on="2026-04-22", now=NOW, approver="周科长", reason="量大"
        )
    assert info.value.rule == "reply_period_statutory"
    assert "第三十三条第二款" in str(info.value)
    assert counts(engine) == before
    assert clock(engine.case(case, actor=GENERAL, now=NOW), "reply").extension_days == 0


@pytest.mark.parametrize(
    ("inputs", "error", "rule"),
    [
        ({"result": "ordered_to_act"}, RuleViolation, "order_has_deadline"),
        (
            {"result": "upheld", "deadline_days": 20, "deadline_unit": "working_days"},
            RuleViolation,
            "result_corrects",
        ),
        ({"result": "revoked", "deadline_days": 20}, RuleViolation, "deadline_complete"),
        ({"result": "annulled_by_magic"}, InvalidInput, "one of 复议决定结果"),
    ],
)
def test_bad_decisions_are_refused_and_write_nothing(engine, inputs, error, rule) -> None:
    case = replied_case(engine)
    review = open_review(engine, case, LEGAL, on="2026-03-02", now=NOW, **REVIEW)
    before = counts(engine)
    with pytest.raises(error) as info:
        engine.move(
            review.id,
            "decide",
            LEGAL,
            on="2026-04-20",
            now=NOW,
            decision_number="硚政复决〔2026〕8号",
            **inputs,
        )
    assert info.value.rule == rule
    assert counts(engine) == before
    assert engine.case(case, actor=GENERAL, now=NOW).state == "replied"


def test_decision_without_order_leaves_the_case_alone(engine) -> None:
    case = replied_case(engine)
    review = open_review(engine, case, LEGAL, on="2026-03-02", now=NOW, **REVIEW)
    upheld = engine.move(
        review.id,
        "decide",
        LEGAL,
        on="2026-04-20",
        now=NOW,
        result="rejected",
        decision_number="硚政复决〔2026〕9号",
    )
    assert upheld.fields["outcome"] == "upheld"
    # The respondent never answered: the answer clock is recorded as breached.
    assert clock(upheld, "answer").status == "breached"
    assert engine.case(case, actor=GENERAL, now=NOW).state == "replied"


def test_decision_extension_once(engine) -> None:
    case = replied_case(engine)
    review = open_review(
        engine, case, LEGAL, on="2026-03-02", now=NOW, **REVIEW, accepted_on="2026-03-02"
    )
    # 60 days after 03-02 = 05-01 (劳动节) → 05-06.
    assert clock(review, "decision").due_on == date(2026, 5, 6)
    extended = engine.move(
        review.id, "decision_extended", LEGAL, on="2026-04-20", now=NOW, notice="延期审理通知书"
    )
    # 90 days after 03-02 = 05-31 (Sunday) → 06-01.
    assert clock(extended, "decision").due_on == date(2026, 6, 1)
    with pytest.raises(RuleViolation):
        engine.move(review.id, "decision_extended", LEGAL, on="2026-04-21", now=NOW, notice="x")


# ---------------------------------------------------------------- lawsuit


def test_defence_clock_rolls_past_a_holiday_and_a_weekend(engine) -> None:
    case = replied_case(engine)
    suit = open_lawsuit(engine, case, LEGAL, on="2026-09-16", now=NOW, **SUIT)
    # 15 days after 09-16 = 10-01 (国庆 10-01..10-07) → 10-08.
    assert clock(suit, "defence").due_on == date(2026, 10, 8)
    assert suit.details["after_review"] is False
    weekend = open_lawsuit(engine, case, LEGAL, on="2026-03-06", now=NOW, **SUIT)
    # 15 days after Fri 03-06 = Sat 03-21 → Mon 03-23.
    assert clock(weekend, "defence").due_on == date(2026, 3, 23)


def test_appeal_window_is_fifteen_days_for_a_judgment_and_ten_for_a_ruling(engine) -> None:
    case = replied_case(engine)
    suits = [open_lawsuit(engine, case, LEGAL, on="2026-03-02", now=NOW, **SUIT) for _ in range(2)]
    for suit in suits:
        engine.move(suit.id, "defended", LEGAL, on="2026-03-12", now=NOW)
    judgment = engine.move(
        suits[0].id,
        "judged",
        LEGAL,
        on="2026-04-01",
        now=NOW,
        result="claims_rejected",
        decision_kind="judgment",
        judgment_number="（2026）鄂01行初88号",
    )
    ruling = engine.move(
        suits[1].id,
        "judged",
        LEGAL,
        on="2026-04-01",
        now=NOW,
        result="dismissed",
        decision_kind="ruling",
        judgment_number="（2026）鄂01行初89号",
    )
    assert clock(judgment, "appeal").due_on == date(2026, 4, 16)  # Thursday
    assert clock(ruling, "appeal_ruling").due_on == date(2026, 4, 13)  # 04-11 Sat → Mon
    with pytest.raises(RuleViolation) as early:
        engine.move(suits[0].id, "final", LEGAL, on="2026-04-16", now=NOW)
    assert early.value.rule == "appeal_window_closed"
    final = engine.move(suits[0].id, "final", LEGAL, on="2026-04-17", now=NOW)
    assert final.state == "closed"
    assert final.fields["outcome"] == "upheld"
    assert (
        engine.move(suits[1].id, "final", LEGAL, on="2026-04-14", now=NOW).fields["outcome"]
        == "other"
    )


def test_judgment_before_defence_is_refused(engine) -> None:
    case = replied_case(engine)
    suit = open_lawsuit(engine, case, LEGAL, on="2026-03-02", now=NOW, **SUIT)
    with pytest.raises(MoveNotAllowed):
        engine.move(
            suit.id,
            "judged",
            LEGAL,
            on="2026-03-20",
            now=NOW,
            result="revoked",
            decision_kind="judgment",
            judgment_number="x",
        )


def test_lawsuit_needs_a_reply_or_a_claim_of_failure(engine) -> None:
    view = engine.register(
        CENTRE, on="2026-03-02", now=NOW, channel="window", unit="czj", **APPLICANT
    )
    with pytest.raises(RuleViolation) as info:
        open_lawsuit(engine, view.id, LEGAL, on="2026-03-10", now=NOW, **SUIT)
    assert info.value.rule == "reply_challengeable"


def test_review_followed_by_a_lawsuit_and_an_appeal_that_reopens(engine) -> None:
    case = replied_case(engine)
    other = replied_case(engine)
    review = open_review(engine, case, LEGAL, on="2026-03-02", now=NOW, **REVIEW)
    after = {**SUIT, "route": "after_review"}
    with pytest.raises(RuleViolation) as unnamed:
        open_lawsuit(engine, case, LEGAL, on="2026-05-06", now=NOW, **after)
    assert unnamed.value.rule == "review_named"
    with pytest.raises(InvalidInput) as undecided:
        open_lawsuit(engine, case, LEGAL, on="2026-05-06", now=NOW, **after, review=review.id)
    assert undecided.value.field == "review"
    engine.move(
        review.id,
        "decide",
        LEGAL,
        on="2026-04-20",
        now=NOW,
        result="upheld",
        decision_number="硚政复决〔2026〕10号",
    )
    with pytest.raises(InvalidInput):
        open_lawsuit(engine, other, LEGAL, on="2026-05-06", now=NOW, **after, review=review.id)
    suit = open_lawsuit(engine, case, LEGAL, on="2026-05-06", now=NOW, **after, review=review.id)
    assert suit.details["after_review"] is True
    assert suit.details["review_id"] == review.id
    engine.move(suit.id, "defended", LEGAL, on="2026-05-15", now=NOW)
    engine.move(
        suit.id,
        "judged",
        LEGAL,
        on="2026-06-01",
        now=NOW,
        result="claims_rejected",
        decision_kind="judgment",
        judgment_number="（2026）鄂01行初90号",
    )
    engine.move(suit.id, "appealed", LEGAL, on="2026-06-10", now=NOW, appellant="原告")
    final = engine.move(
        suit.id,
        "judged_final",
        LEGAL,
        on="2026-09-01",
        now=NOW,
        result="ordered_to_act",
        judgment_number="（2026）鄂行终12号",
        deadline_days=15,
        deadline_unit="working_days",
    )
    assert final.fields["outcome"] == "corrected"
    parent = engine.case(case, actor=GENERAL, now=NOW)
    assert parent.state == "in_progress"
    # 15 working days after Tue 09-01: 09-02..09-18 = 13, 09-20 (Sunday, makeup day) = 14,
    # 09-21 = 15.
    assert clock(parent, "reply").due_on == date(2026, 9, 21)
    assert engine.verify() == []


def test_verify_covers_proceedings(engine) -> None:
    case = replied_case(engine)
    review = open_review(engine, case, LEGAL, on="2026-03-02", now=NOW, **REVIEW)
    with engine.db.begin() as conn:
        conn.execute(
            update(CASES)
            .where(CASES.c.id == review.id)
            .values(details={**review.details, "body": "篡改"})
        )
    assert [(d.case_id, d.what) for d in engine.verify()] == [(review.id, "field body")]


# ---------------------------------------------------------------- error rate


def test_error_rate_per_unit_and_district(engine) -> None:
    outcomes = [
        ("review", "czj", "revoked"),
        ("review", "czj", "rejected"),
        ("review", "czj", "withdrawn"),
        ("review", "jyj", "upheld"),
        ("lawsuit", "czj", "claims_rejected"),
        ("lawsuit", "jyj", "revoked"),
    ]
    for flow, unit, result in outcomes:
        view = engine.register(
            CENTRE, on="2026-02-02", now=NOW, channel="window", unit=unit, **APPLICANT
        )
        clerk = CLERK if unit == "czj" else type(CLERK)("陈静", "unit_clerk", "jyj")
        engine.move(
            view.id,
            "reply",
            clerk,
            on="2026-02-10",
            now=NOW,
            outcome="withheld_internal",
            reasons="属于内部事务信息",
        )
        if flow == "review":
            p = open_review(engine, view.id, LEGAL, on="2026-03-02", now=NOW, **REVIEW)
            engine.move(
                p.id, "decide", LEGAL, on="2026-05-11", now=NOW, result=result, decision_number="决"
            )
        else:
            p = open_lawsuit(engine, view.id, LEGAL, on="2026-03-02", now=NOW, **SUIT)
            engine.move(p.id, "defended", LEGAL, on="2026-03-10", now=NOW)
            engine.move(
                p.id,
                "judged",
                LEGAL,
                on="2026-04-01",
                now=NOW,
                result=result,
                decision_kind="judgment",
                judgment_number="判",
            )
            engine.move(p.id, "final", LEGAL, on="2026-04-17", now=NOW)
    # One more review decided outside the period, and one still pending: neither counts.
    late = replied_case(engine)
    p = open_review(engine, late, LEGAL, on="2026-03-02", now=NOW, **REVIEW)
    engine.move(
        p.id, "decide", LEGAL, on="2026-07-01", now=NOW, result="revoked", decision_number="决"
    )
    open_review(engine, replied_case(engine), LEGAL, on="2026-03-03", now=NOW, **REVIEW)

    report = error_rate(engine, date(2026, 1, 1), date(2026, 6, 30))
    assert (report.district["review"].decided, report.district["review"].corrected) == (4, 1)
    assert report.district["review"].rate == 0.25
    assert (report.district["lawsuit"].decided, report.district["lawsuit"].corrected) == (2, 1)
    assert report.by_unit["czj"]["review"].rate == pytest.approx(1 / 3)
    assert report.by_unit["jyj"]["lawsuit"].rate == 1.0
    assert [(c.flow, c.unit, c.result) for c in report.corrected] == [
        ("lawsuit", "jyj", "revoked"),
        ("review", "czj", "revoked"),
    ]
    only = error_rate(engine, date(2026, 1, 1), date(2026, 6, 30), unit="jyj")
    assert list(only.by_unit) == ["jyj"]
    assert only.district["review"].decided == 1
    assert error_rate(engine, date(2025, 1, 1), date(2025, 12, 31)).district["review"].rate is None
    with pytest.raises(InvalidInput):
        error_rate(engine, date(2026, 1, 1), date(2026, 6, 30), unit="nosuch")


def test_order_to_reply_after_a_failure_to_reply_resets_the_open_case(engine) -> None:
    view = engine.register(
        CENTRE, on="2026-03-02", now=NOW, channel="window", unit="czj", **APPLICANT
    )  # reply due 03-30, never answered
    failure = {**REVIEW, "ground": "failure_to_reply"}
    review = open_review(engine, view.id, LEGAL, on="2026-04-01", now=NOW, **failure)
    order_redo(engine, review.id, "硚政复决〔2026〕11号", 10, "working_days")
    case = engine.case(view.id, actor=GENERAL, now=NOW)
    assert case.state == "in_progress"
    replies = [c for c in case.clocks if c.kind == "reply"]
    # The unanswered clock is closed as breached: the late reply stays on the record.
    assert [c.status for c in replies] == ["breached", "running"]
    # 10 working days after 04-20: 04-21..04-30 = 8, [劳动节], 05-06, 05-07 → 05-07.
    assert replies[-1].due_on == date(2026, 5, 7)


def test_annual_table_four_counts_the_real_proceedings(engine) -> None:
    """Table 四 fed by the review and lawsuit flows themselves, not by hand-inserted rows."""
    from casework.reports.annual import annual_report

    corrected_case, upheld_case, pending_case = (replied_case(engine) for _ in range(3))
    corrected = open_review(engine, corrected_case, LEGAL, on="2026-03-02", now=NOW, **REVIEW)
    engine.move(
        corrected.id,
        "decide",
        LEGAL,
        on="2026-04-20",
        now=NOW,
        result="revoked",
        decision_number="决1",
        deadline_days=20,
        deadline_unit="working_days",
    )
    upheld = open_review(engine, upheld_case, LEGAL, on="2026-03-02", now=NOW, **REVIEW)
    engine.move(
        upheld.id,
        "decide",
        LEGAL,
        on="2026-04-20",
        now=NOW,
        result="rejected",
        decision_number="决2",
    )
    direct = open_lawsuit(engine, pending_case, LEGAL, on="2026-03-06", now=NOW, **SUIT)
    engine.move(direct.id, "defended", LEGAL, on="2026-03-16", now=NOW)
    engine.move(
        direct.id,
        "judged",
        LEGAL,
        on="2026-04-01",
        now=NOW,
        result="claims_rejected",
        decision_kind="judgment",
        judgment_number="判1",
    )
    engine.move(direct.id, "final", LEGAL, on="2026-04-17", now=NOW)
    after = open_lawsuit(
        engine,
        upheld_case,
        LEGAL,
        on="2026-05-06",
        now=NOW,
        **{**SUIT, "route": "after_review"},
        review=upheld.id,
    )
    engine.move(after.id, "defended", LEGAL, on="2026-05-15", now=NOW)

    report = annual_report(engine, 2026)
    t4 = report.table4.cells
    assert [t4["review"][k] for k in ("upheld", "corrected", "other", "pending")] == [1, 1, 0, 0]
    assert [t4["lawsuit_direct"][k] for k in ("upheld", "corrected", "other", "pending")] == [
        1,
        0,
        0,
        0,
    ]
    assert [t4["lawsuit_after_review"][k] for k in ("upheld", "corrected", "other", "pending")] == [
        0,
        0,
        0,
        1,
    ]
    assert all(check.passed for check in report.checks), [c for c in report.checks if not c.passed]
