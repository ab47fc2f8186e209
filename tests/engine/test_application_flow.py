"""Every move of the application flow through the real engine, on SQLite and PostgreSQL.

Expected dates are counted by hand from the 2026 holiday notice (docs/legal-basis.md D):
March 2026 has no holiday; 清明 4/4–4/6 (4/6 Monday off); 劳动节 5/1–5/5 with 5/9 (Sat) worked.
"""

from __future__ import annotations

from datetime import date

import pytest

from casework.errors import (
    InvalidInput,
    MoveNotAllowed,
    NotFound,
    PermissionDenied,
    RuleViolation,
    UnknownCalendarYear,
)
from tests.support.actors import (
    APPLICANT,
    AUDITOR,
    CENTRE,
    CLERK,
    DUTY,
    GENERAL,
    HEAD,
    LEGAL,
    OTHER_CLERK,
)
from tests.support.application import NOW, clock, consult_third_party, counts, register
from tests.support.dates import at

# ---------------------------------------------------------------- register and forward


def test_register_window_starts_reply_and_correction_clocks(engine) -> None:
    view = register(engine)
    assert view.state == "in_progress"
    assert view.rule_set == "2019"
    assert view.fields["unit"] == "czj"
    # 20 working days after Monday 2026-03-02 (day 1 = 03-03): 2026-03-30.
    assert clock(view, "reply").due_on == date(2026, 3, 30)
    # 7 working days: 03-11.
    assert clock(view, "correction_notice").due_on == date(2026, 3, 11)
    assert [e.move for e in engine.case(view.id, actor=GENERAL, now=NOW).events] == ["register"]


def test_online_application_waits_for_the_duty_office(engine) -> None:
    view = engine.register(DUTY, on="2026-03-06", now=NOW, channel="online", **APPLICANT)
    assert view.state == "awaiting_forward"
    assert view.fields["unit"] is None
    # Friday 03-06 + 1 working day = Monday 03-09.
    assert clock(view, "forwarding").due_on == date(2026, 3, 9)
    forwarded = engine.move(view.id, "forward", DUTY, on="2026-03-09", now=NOW, unit="czj")
    assert forwarded.state == "in_progress"
    assert forwarded.fields["unit"] == "czj"
    assert clock(forwarded, "forwarding").status == "met"
    # The reply clock runs from the receipt date, not from forwarding: 20 WD after 03-06.
    assert clock(forwarded, "reply").due_on == date(2026, 4, 3)


def test_late_forwarding_is_recorded_as_breached(engine) -> None:
    view = engine.register(DUTY, on="2026-03-06", now=NOW, channel="online", **APPLICANT)
    late = engine.move(view.id, "forward", DUTY, on="2026-03-10", now=NOW, unit="czj")
    assert clock(late, "forwarding").status == "breached"


def test_rule_set_follows_the_receipt_date(engine) -> None:
    view = register(engine, on="2019-05-14")
    assert view.rule_set == "2008"
    # 2008 rules: 15 working days and no correction-notice limit.
    assert clock(view, "reply").length == 15
    assert [c.kind for c in view.clocks] == ["reply"]
    assert register(engine, on="2019-05-15").rule_set == "2019"


@pytest.mark.parametrize(
    ("inputs", "error", "field"),
    [
        ({"channel": "carrier_pigeon"}, InvalidInput, "channel"),
        ({"unit": "nosuch"}, InvalidInput, "unit"),
        ({"applicant_kind": "alien"}, InvalidInput, "applicant_kind"),
        ({"applicant_name": ""}, InvalidInput, "applicant_name"),
        ({"colour": "red"}, InvalidInput, "colour"),
        ({"unit": None}, RuleViolation, None),
    ],
)
def test_bad_registration_is_refused_and_writes_nothing(engine, inputs, error, field) -> None:
    data = {"channel": "window", "unit": "czj", **APPLICANT, **inputs}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(error) as info:  # 综合科: a window application without a unit is refused
        engine.register(GENERAL, on="2026-03-02", now=NOW, **data)
    if field:
        assert info.value.field == field
        assert field in str(info.value)
    assert counts(engine) == (0, 0, 0)


def test_dates_are_checked(engine) -> None:
    with pytest.raises(InvalidInput) as future:
        register(engine, on="2026-07-16")
    assert future.value.field == "on"
    with pytest.raises(InvalidInput) as malformed:
        register(engine, on="2026/03/02")
    assert malformed.value.field == "on"
    # A year before the calendar's first known year (2004) stays unknown: never guessed.
    with pytest.raises(UnknownCalendarYear) as unknown:
        engine.register(
            CENTRE, on="2003-12-01", now=at("2026-03-05"), channel="window", unit="czj", **APPLICANT
        )
    assert unknown.value.year == 2003
    assert unknown.value.field == "date"
    assert counts(engine) == (0, 0, 0)


def test_moves_must_follow_each_other_in_date_order(engine) -> None:
    view = register(engine, on="2026-03-10")
    with pytest.raises(RuleViolation) as info:
        engine.move(view.id, "reply", CLERK, on="2026-03-09", now=NOW, outcome="disclosed")
    assert info.value.field == "on"


# ---------------------------------------------------------------- roles and units


def test_roles_and_units_are_enforced(engine) -> None:
    with pytest.raises(PermissionDenied):
        engine.register(
            AUDITOR, on="2026-03-02", now=NOW, channel="window", unit="czj", **APPLICANT
        )
    with pytest.raises(PermissionDenied) as other_unit:
        engine.register(
            OTHER_CLERK, on="2026-03-02", now=NOW, channel="window", unit="czj", **APPLICANT
        )
    assert other_unit.value.field == "unit"
    view = register(engine)
    with pytest.raises(PermissionDenied):
        engine.move(view.id, "reply", OTHER_CLERK, on="2026-03-05", now=NOW, outcome="disclosed")
    with pytest.raises(PermissionDenied):
        engine.move(view.id, "reply", CENTRE, on="2026-03-05", now=NOW, outcome="disclosed")
    with pytest.raises(InvalidInput) as bad_role:
        from casework import Actor

        engine.move(
            view.id, "reply", Actor("x", "janitor"), on="2026-03-05", now=NOW, outcome="disclosed"
        )
    assert bad_role.value.field == "role"
    assert counts(engine)[1] == 1  # only the registration event


def test_allowed_moves_depend_on_role_unit_and_state(engine) -> None:
    view = register(engine)
    clerk_moves = engine.case(view.id, actor=CLERK, now=at("2026-03-03")).allowed_moves
    assert {"reply", "consult", "extend", "request_correction", "transfer", "withdraw"} <= set(
        clerk_moves
    )
    assert "forward" not in clerk_moves
    with pytest.raises(PermissionDenied) as other_unit:  # another unit's clerk cannot read it
        engine.case(view.id, actor=OTHER_CLERK, now=NOW)
    assert other_unit.value.rule == "own unit only"
    assert engine.case(view.id, actor=AUDITOR, now=NOW).allowed_moves == []
    # After the 7-working-day window the correction notice is no longer offered.
    late = engine.case(view.id, actor=CLERK, now=at("2026-03-12")).allowed_moves
    assert "request_correction" not in late


def test_unknown_case_and_move(engine) -> None:
    with pytest.raises(NotFound):
        engine.move(999, "reply", CLERK, now=NOW, outcome="disclosed")
    view = register(engine)
    with pytest.raises(MoveNotAllowed) as unknown:
        engine.move(view.id, "approve", CLERK, now=NOW)
    assert unknown.value.field == "move"
    with pytest.raises(MoveNotAllowed) as wrong_state:
        engine.move(view.id, "deliver", CLERK, now=NOW, method="post")
    assert wrong_state.value.state == "in_progress"


# ---------------------------------------------------------------- transfer


def test_transfer_keeps_the_reply_clock_running(engine) -> None:
    view = register(engine)
    moved = engine.move(
        view.id, "transfer", CLERK, on="2026-03-04", now=NOW, unit="jyj", reason="属教育局职责"
    )
    assert moved.fields["unit"] == "jyj"
    assert clock(moved, "reply").due_on == date(2026, 3, 30)
    with pytest.raises(PermissionDenied):
        engine.move(view.id, "reply", CLERK, on="2026-03-05", now=NOW, outcome="disclosed")
    done = engine.move(view.id, "reply", OTHER_CLERK, on="2026-03-05", now=NOW, outcome="disclosed")
    assert done.state == "replied"
    with pytest.raises(RuleViolation):
        engine.move(register(engine).id, "transfer", CLERK, now=NOW, unit="czj", reason="x")


# ---------------------------------------------------------------- correction


def test_correction_restarts_the_reply_clock(engine) -> None:
    view = register(engine)
    asked = engine.move(
        view.id,
        "request_correction",
        CLERK,
        on="2026-03-05",
        now=NOW,
        items=["申请的预算年度", "所需信息的载体形式"],
        days=10,
    )
    assert asked.state == "awaiting_correction"
    assert clock(asked, "reply").status == "paused"
    assert clock(asked, "correction_notice").status == "met"
    # The applicant's period: 10 working days after 03-05 = 03-19.
    assert clock(asked, "correction_period").due_on == date(2026, 3, 19)
    back = engine.move(view.id, "correction_received", CLERK, on="2026-03-16", now=NOW)
    assert back.state == "in_progress"
    # Restart: 20 working days after Monday 03-16 = 04-14 (03-17..03-31 = 11 days,
    # 04-01..04-03 = 3, 04-06 is 清明, 04-07..04-14 = 6).
    assert clock(back, "reply").due_on == date(2026, 4, 14)
    assert clock(back, "correction_period").status == "met"


def test_correction_notice_after_seven_working_days_is_refused(engine) -> None:
    view = register(engine)
    with pytest.raises(RuleViolation) as info:
        engine.move(
            view.id, "request_correction", CLERK, on="2026-03-12", now=NOW, items=["x"], days=10
        )
    assert info.value.rule == "correction_window_open"
    assert "第三十条" in str(info.value)


def test_correction_lapses_only_after_the_period(engine) -> None:
    view = register(engine)
    engine.move(
        view.id, "request_correction", CLERK, on="2026-03-03", now=NOW, items=["x"], days=5
    )  # due 03-10
    with pytest.raises(RuleViolation):
        engine.move(view.id, "correction_lapsed", CLERK, on="2026-03-10", now=NOW)
    closed = engine.move(view.id, "correction_lapsed", CLERK, on="2026-03-11", now=NOW)
    assert closed.state == "closed"
    assert closed.fields["outcome"] == "other_no_correction"
    assert closed.fields["closed_on"] == date(2026, 3, 11)
    assert clock(closed, "reply").status == "cancelled"
    assert clock(closed, "correction_period").status == "lapsed"


# ---------------------------------------------------------------- consultation


def test_consultation_pauses_the_reply_clock_each_time(engine) -> None:
    view = register(engine)  # due 03-30
    engine.move(
        view.id,
        "consult",
        CLERK,
        on="2026-03-04",
        now=NOW,
        party="third_party",
        party_name="某建设公司",
        matter="合同金额",
    )
    engine.move(
        view.id, "consultation_answered", CLERK, on="2026-03-09", now=NOW, opinion="不同意公开"
    )
    # Used 03-03, 03-04 (2 days); counting resumes after 03-09: 18 more → 04-02.
    first = engine.case(view.id, actor=GENERAL, now=NOW)
    assert clock(first, "reply").due_on == date(2026, 4, 2)
    engine.move(
        view.id,
        "consult",
        CLERK,
        on="2026-03-11",
        now=NOW,
        party="other_agency",
        party_name="区教育局",
        matter="共同制作",
    )
    engine.move(view.id, "consultation_answered", CLERK, on="2026-03-13", now=NOW, opinion="同意")
    # Used 03-10, 03-11 (2 more, 4 in all); 16 more after 03-13 → 04-06 is 清明 → 04-07.
    second = engine.case(view.id, actor=GENERAL, now=NOW)
    reply = clock(second, "reply")
    assert reply.due_on == date(2026, 4, 7)
    assert [(p.reason, p.since, p.until) for p in reply.pauses] == [
        ("third_party", date(2026, 3, 4), date(2026, 3, 9)),
        ("other_agency", date(2026, 3, 11), date(2026, 3, 13)),
    ]


def test_consultation_lapse_resumes_at_the_window_end(engine) -> None:
    view = register(engine)
    consult_third_party(engine, view.id)
    # 15 working days after 03-04 = 03-25; the lapse is recorded later, on 03-27.
    with pytest.raises(RuleViolation):
        engine.move(view.id, "consultation_lapsed", CLERK, on="2026-03-25", now=NOW)
    back = engine.move(view.id, "consultation_lapsed", CLERK, on="2026-03-27", now=NOW)
    reply = clock(back, "reply")
    assert reply.pauses[-1].until == date(2026, 3, 25)
    # 2 days used; 18 more after 03-25 → 04-21 (03-26..31 = 4, 04-01..03 = 3, 04-07..21 = 11).
    assert reply.due_on == date(2026, 4, 21)


def test_a_2008_correction_neither_pauses_nor_restarts_the_reply_period(engine) -> None:
    # 2008 Art. 24(2): 15 working days "自收到申请之日起"; Art. 21(4) asks for a change or a
    # supplement without a new start (the restart is 2019 Art. 30). Received Mon 2019-03-04:
    # 3/5–8 (4), 3/11–15 (9), 3/18–22 (14), Mon 3/25 (15).
    view = register(engine, on="2019-03-04")
    asked = engine.move(
        view.id, "request_correction", CLERK, on="2019-03-06", now=NOW, items=["文号"], days=5
    )
    assert (clock(asked, "reply").status, clock(asked, "reply").due_on) == (
        "running",
        date(2019, 3, 25),
    )
    received = engine.move(view.id, "correction_received", CLERK, on="2019-03-12", now=NOW)
    reply = clock(received, "reply")
    assert (reply.status, reply.started_on, reply.due_on) == (
        "running",
        date(2019, 3, 4),
        date(2019, 3, 25),
    )


def test_2008_rules_do_not_pause_for_other_agencies(engine) -> None:
    view = register(engine, on="2019-03-04")
    paused = engine.move(
        view.id,
        "consult",
        CLERK,
        on="2019-03-05",
        now=NOW,
        party="other_agency",
        party_name="区教育局",
        matter="x",
    )
    assert clock(paused, "reply").status == "running"
    assert [c.kind for c in paused.clocks] == ["reply"]  # 2008: no consultation window
    with pytest.raises(RuleViolation):
        engine.move(view.id, "consultation_lapsed", CLERK, on="2019-05-05", now=NOW)


# ---------------------------------------------------------------- extension and fees


def test_extension_once_with_approver_before_the_due_date(engine) -> None:
    view = register(engine)  # due 03-30
    with pytest.raises(InvalidInput) as no_approver:
        engine.move(view.id, "extend", CLERK, on="2026-03-20", now=NOW, reason="数量大")
    assert no_approver.value.field == "approver"
    extended = engine.move(
        view.id, "extend", CLERK, on="2026-03-20", now=NOW, approver="综合科周科长", reason="数量大"
    )
    # 20 working days after 03-30: 03-31 (1), 04-01..03 (4), 04-07..04-27 (19, 20 = 04-28).
    assert clock(extended, "reply").due_on == date(2026, 4, 28)
    assert clock(extended, "reply").extension_days == 20
    with pytest.raises(RuleViolation) as twice:
        engine.move(view.id, "extend", CLERK, on="2026-03-23", now=NOW, approver="x", reason="y")
    assert twice.value.rule == "not_extended"


def test_extension_after_the_due_date_is_refused(engine) -> None:
    view = register(engine)
    with pytest.raises(RuleViolation) as info:
        engine.move(view.id, "extend", CLERK, on="2026-03-31", now=NOW, approver="x", reason="y")
    assert info.value.rule == "reply_not_overdue"


def test_fee_notice_payment_and_lapse(engine) -> None:
    view = register(engine)
    with pytest.raises(InvalidInput) as bad_amount:
        engine.move(
            view.id, "fee_notice", CLERK, on="2026-03-04", now=NOW, amount="-3", basis="per_page"
        )
    assert bad_amount.value.field == "amount"
    noticed = engine.move(
        view.id,
        "fee_notice",
        CLERK,
        on="2026-03-04",
        now=NOW,
        basis="per_page",
        pages=40,
    )
    assert noticed.state == "awaiting_fee"
    assert clock(noticed, "reply").status == "paused"
    assert clock(noticed, "fee_payment").due_on == date(2026, 4, 1)
    paid = engine.move(view.id, "fee_paid", CLERK, on="2026-03-10", now=NOW)
    assert paid.state == "in_progress"
    # 2 days used (03-03, 03-04); 18 after 03-10 → 04-03.
    assert clock(paid, "reply").due_on == date(2026, 4, 3)

    other = register(engine)
    engine.move(other.id, "fee_notice", CLERK, on="2026-03-04", now=NOW, basis="per_page", pages=40)
    with pytest.raises(RuleViolation):
        engine.move(other.id, "fee_lapsed", CLERK, on="2026-04-01", now=NOW)
    lapsed = engine.move(other.id, "fee_lapsed", CLERK, on="2026-04-02", now=NOW)
    assert lapsed.fields["outcome"] == "other_fee_unpaid"


def test_no_processing_fee_under_2008_rules(engine) -> None:
    view = register(engine, on="2019-03-04")
    with pytest.raises(RuleViolation) as info:
        engine.move(
            view.id, "fee_notice", CLERK, on="2019-03-05", now=NOW, basis="per_page", pages=40
        )
    assert info.value.rule == "fee_allowed"


# ---------------------------------------------------------------- reply to reopen


def test_reply_needs_an_outcome_from_the_taxonomy(engine) -> None:
    view = register(engine)
    with pytest.raises(InvalidInput) as missing:
        engine.move(view.id, "reply", CLERK, on="2026-03-05", now=NOW)
    assert missing.value.field == "outcome"
    with pytest.raises(InvalidInput):
        engine.move(
            view.id, "reply", CLERK, on="2026-03-05", now=NOW, outcome="other_no_correction"
        )  # only the lapse move records that
    with pytest.raises(InvalidInput):
        engine.move(view.id, "reply", CLERK, on="2026-03-05", now=NOW, outcome="maybe")


def test_reply_on_time_and_late(engine) -> None:
    on_time = register(engine)
    replied = engine.move(
        on_time.id,
        "reply",
        CLERK,
        on="2026-03-30",
        now=NOW,
        outcome="partially_disclosed",
        reasons="涉及第三方商业秘密",
    )
    assert replied.state == "replied"
    assert replied.fields["outcome"] == "partially_disclosed"
    assert replied.fields["replied_on"] == date(2026, 3, 30)
    assert clock(replied, "reply").status == "met"
    assert clock(replied, "correction_notice").status == "cancelled"
    late = register(engine)
    assert (
        clock(
            engine.move(late.id, "reply", CLERK, on="2026-03-31", now=NOW, outcome="disclosed"),
            "reply",
        ).status
        == "breached"
    )


def test_deliver_close_and_reopen(engine) -> None:
    view = register(engine)
    engine.move(
        view.id,
        "reply",
        CLERK,
        on="2026-03-20",
        now=NOW,
        outcome="withheld_process",
        reasons="所申请的会议纪要属于内部讨论记录",
    )
    engine.move(
        view.id,
        "deliver",
        CLERK,
        on="2026-03-23",
        now=NOW,
        method="post",
        tracking_number="EMS1234",
    )
    closed = engine.move(view.id, "close", CLERK, on="2026-03-24", now=NOW)
    assert closed.state == "closed"
    assert closed.fields["delivered_on"] == date(2026, 3, 23)
    with pytest.raises(PermissionDenied):
        engine.move(
            view.id,
            "reopen",
            CLERK,
            on="2026-06-01",
            now=NOW,
            reason="x",
            deadline_days=20,
            deadline_unit="working_days",
        )
    with pytest.raises(InvalidInput) as no_deadline:
        engine.move(view.id, "reopen", LEGAL, on="2026-06-01", now=NOW, reason="复议决定撤销")
    assert no_deadline.value.field == "deadline_days"
    reopened = engine.move(
        view.id,
        "reopen",
        LEGAL,
        on="2026-06-01",
        now=NOW,
        reason="区政府复议决定撤销原答复，责令重新答复",
        decision="硚政复决〔2026〕3号",
        deadline_days=20,
        deadline_unit="working_days",
    )
    assert reopened.state == "in_progress"
    assert reopened.fields["outcome"] is None
    # 20 working days after Monday 06-01: 06-02..06-18 = 13, 06-19 is 端午,
    # 06-22..06-30 = 7 → 06-30.
    assert clock(reopened, "reply").due_on == date(2026, 6, 30)
    assert [c.status for c in reopened.clocks if c.kind == "reply"] == ["met", "running"]
    events = engine.case(view.id, actor=GENERAL, now=NOW).events
    assert events[-1].move == "reopen"
    assert events[-1].payload["decision"] == "硚政复决〔2026〕3号"


def test_withdraw_closes_with_other_outcome(engine) -> None:
    view = register(engine)
    consult_third_party(engine, view.id, HEAD)
    closed = engine.move(
        view.id, "withdraw", CLERK, on="2026-03-05", now=NOW, reason="申请人书面撤回"
    )
    assert closed.fields["outcome"] == "other_withdrawn"
    assert all(c.status in {"cancelled", "met"} for c in closed.clocks)
    with pytest.raises(RuleViolation) as info:  # nothing was replied, so nothing to correct
        engine.move(
            view.id,
            "reopen",
            LEGAL,
            on="2026-03-06",
            now=NOW,
            reason="x",
            deadline_days=5,
            deadline_unit="working_days",
        )
    assert info.value.rule == "reopen_has_basis"


def test_conference_and_secrecy_review_are_recorded_without_pausing(engine) -> None:
    view = register(engine)
    engine.move(
        view.id,
        "conference",
        CLERK,
        on="2026-03-04",
        now=NOW,
        topic="是否属于过程性信息",
        participants="综合科、法制办",
    )
    after = engine.move(
        view.id,
        "secrecy_review",
        CLERK,
        on="2026-03-05",
        now=NOW,
        matter="图纸",
        reviewer="区保密局",
    )
    assert after.state == "in_progress"
    assert clock(after, "reply").due_on == date(2026, 3, 30)
    assert [e.move for e in engine.case(view.id, actor=GENERAL, now=NOW).events] == [
        "register",
        "conference",
        "secrecy_review",
    ]


def test_worklist_orders_by_urgency_and_filters_by_unit(engine) -> None:
    a = register(engine, on="2026-03-10")
    b = register(engine, on="2026-03-02")
    c = engine.register(CENTRE, on="2026-03-03", now=NOW, channel="window", unit="jyj", **APPLICANT)
    items = engine.worklist(actor=GENERAL, unit="czj", now=at("2026-03-20"))
    assert [i.case_id for i in items] == [b.id, a.id]
    assert items[0].clock == "reply"
    assert items[0].days_left == 6  # 03-23..03-30
    assert {i.case_id for i in engine.worklist(actor=GENERAL, now=at("2026-03-20"))} == {
        a.id,
        b.id,
        c.id,
    }
