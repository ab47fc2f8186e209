"""Timeliness over March 2025, with due dates counted by hand from the 2025 holiday notice.

2025: 春节 1/28–2/4 off, 1/26 (Sun) and 2/8 (Sat) worked; March has no holiday.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select, text

from casework.reports.timeliness import timeliness
from casework.store.db import WRITE
from casework.store.tables import CLOCKS, ESCALATIONS
from tests.support.actors import CENTRE, DUTY
from tests.support.reports import NOW, case, clerk, register, reopen, reply

MARCH = (date(2025, 3, 1), date(2025, 3, 31))


def _reply_clock(engine, case_id: int) -> tuple[int, date]:  # type: ignore[no-untyped-def]
    with engine.db.connect() as conn:
        row = conn.execute(
            select(CLOCKS.c.id, CLOCKS.c.due_on).where(
                CLOCKS.c.case_id == case_id, CLOCKS.c.kind == "reply"
            )
        ).one()
    return row.id, row.due_on


def escalate(engine, case_id: int, level: str, fire_on: str) -> None:  # type: ignore[no-untyped-def]
    clock_id, due = _reply_clock(engine, case_id)
    with engine.db.execution_options(**WRITE).begin() as conn:
        conn.execute(
            insert(ESCALATIONS),
            {
                "clock_id": clock_id,
                "case_id": case_id,
                "kind": "reply",
                "level": level,
                "offset_days": 0,
                "due_on": due,
                "fire_on": date.fromisoformat(fire_on),
                "as_of": date.fromisoformat(fire_on),
                "created_at": NOW,
            },
        )


def build_march(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    czj = clerk("czj")
    ids = {
        # due 03-31, replied 03-20: on time
        "t1": case(engine, "N", "2025-03-03", "disclosed", "2025-03-20"),
        # due 03-04 (2/8 worked), replied 03-07: 3 working days late
        "t2": case(engine, "N", "2025-02-05", "disclosed", "2025-03-07"),
        # due 03-05, extended on 02-20 to 04-02, replied 03-25: on time, extended
        "t3": register(engine, "B", "2025-02-06"),
        # jyj: due 02-21, replied 03-10: 11 working days late (breached in February)
        "t4": case(engine, "R", "2025-01-20", "disclosed", "2025-03-10", unit="jyj"),
        # jyj: due 03-10, never replied: breached on 03-11
        "t5": register(engine, "P", "2025-02-10", unit="jyj"),
        # due 02-06, replied 02-20: late, but all of it in February
        "t6": case(engine, "L", "2025-01-02", "disclosed", "2025-02-20"),
    }
    engine.move(
        ids["t3"], "extend", czj, on="2025-02-20", now=NOW, approver="周科长", reason="量大"
    )
    reply(engine, ids["t3"], "disclosed", "2025-03-25")
    # Online applications: forwarding due the next working day.
    online = {
        "channel": "online",
        "applicant_name": "网上申请人",
        "applicant_kind": "natural_person",
        "request": "某项政府信息",
    }
    late = engine.register(DUTY, on="2025-03-03", now=NOW, **online).id  # due 03-04
    engine.move(late, "forward", DUTY, on="2025-03-06", now=NOW, unit="jyj")
    ids["unforwarded"] = engine.register(DUTY, on="2025-03-27", now=NOW, **online).id  # due 03-28
    escalate(engine, ids["t2"], "line_deputy", "2025-03-05")
    escalate(engine, ids["t2"], "handler", "2025-02-28")  # before the period
    escalate(engine, ids["t5"], "director", "2025-03-11")
    return ids


def figures(row):  # type: ignore[no-untyped-def]
    f = row.figures
    return (
        f.replied,
        f.on_time,
        f.late,
        f.late_days_total,
        f.late_days_max,
        f.extended,
        f.breached.get("reply", 0),
        f.breached.get("forwarding", 0),
        f.escalations,
    )


def test_march_2025_per_unit_line_and_district(engine) -> None:
    build_march(engine)
    report = timeliness(engine, *MARCH)
    rows = {r.key: figures(r) for r in report.units}
    #         replied on-time late days max ext  reply-breach fwd-breach escalations
    assert rows == {
        "czj": (3, 2, 1, 3, 3, 1, 1, 0, 1),
        "jyj": (1, 0, 1, 11, 11, 0, 1, 1, 1),
        None: (0, 0, 0, 0, 0, 0, 0, 1, 0),  # the application not yet forwarded
    }
    assert figures(report.total) == (4, 2, 2, 14, 11, 1, 2, 2, 2)
    assert [(r.label, figures(r)) for r in report.lines] == [
        ("苏海峰常务副区长分管战线", rows["czj"]),
        ("程宏刚副区长分管战线", rows["jyj"]),
    ]
    assert report.escalations_available
    assert set(report.duty_clocks) == {"reply", "forwarding", "centre_forwarding"}


def test_the_service_centres_forwarding_counts_under_its_own_label(engine) -> None:
    window = {"channel": "window", "applicant_kind": "natural_person", "request": "某项政府信息"}
    # Received at the centre Mon 3/3, forwarding due Tue 3/4, forwarded Thu 3/6: breached.
    late = engine.register(CENTRE, on="2025-03-03", now=NOW, applicant_name="甲", **window).id
    engine.move(late, "forward", CENTRE, on="2025-03-06", now=NOW, unit="jyj")
    # Received Thu 3/27, due Fri 3/28, still at the centre: breached on Mon 3/31.
    engine.register(CENTRE, on="2025-03-27", now=NOW, applicant_name="乙", **window)
    # Forwarded on its due day: met.
    met = engine.register(CENTRE, on="2025-03-10", now=NOW, applicant_name="丙", **window).id
    engine.move(met, "forward", CENTRE, on="2025-03-11", now=NOW, unit="czj")
    report = timeliness(engine, *MARCH)
    assert report.duty_clocks["centre_forwarding"] == "政务服务中心转办期限"
    assert report.duty_clocks["forwarding"] == "转办期限"
    breached = {r.label: r.figures.breached for r in report.units}
    assert breached["（尚未转办）"].get("centre_forwarding") == 1
    assert breached["（尚未转办）"].get("forwarding", 0) == 0
    assert report.total.figures.breached.get("centre_forwarding") == 2


def test_unit_scope_and_a_redone_reply(engine) -> None:
    ids = build_march(engine)
    report = timeliness(engine, *MARCH, unit="jyj")
    assert [r.key for r in report.units] == ["jyj"]
    assert report.lines == []
    # t1 is reopened and replied to again, late: the redone reply counts as a reply.
    reopen(engine, ids["t1"], "2025-03-21", days=5)  # due 03-28
    reply(engine, ids["t1"], "disclosed", "2025-03-31")
    czj = timeliness(engine, *MARCH, unit="czj").units[0]
    assert figures(czj)[:5] == (4, 2, 2, 4, 3)  # the redo is 1 working day late (03-31)


def test_missing_escalations_table_shows_unavailable_not_zero(engine) -> None:
    build_march(engine)
    with engine.db.execution_options(**WRITE).begin() as conn:
        conn.execute(text("DROP TABLE outbox"))
        conn.execute(text("DROP TABLE escalations"))
    report = timeliness(engine, *MARCH)
    assert not report.escalations_available
    assert all(r.figures.escalations is None for r in [*report.units, report.total])
    assert any("督办" in n for n in report.notes)


def test_period_must_run_forwards(engine) -> None:
    from casework.errors import InvalidInput

    with pytest.raises(InvalidInput) as info:
        timeliness(engine, date(2025, 3, 31), date(2025, 3, 1))
    assert info.value.field == "to"
