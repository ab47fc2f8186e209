"""Year-end continuity on SQLite and PostgreSQL: intake goes on over a year with no holiday
notice, due dates say they are provisional, and registering the notice recomputes them with
an event per case, a notice to the unit, and nothing twice.

Dates are counted by hand. The fictional 2027 notice (tests/data/calendar/notice-2027.toml)
rests 春节 2/5–2/13 with Sun 2/14 and Sat 2/20 worked; the law alone (provisional) rests
除夕 Fri 2/5, 初一–初三 Sat 2/6–Mon 2/8 and the 补假 Tue 2/9, Wed 2/10.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

import casework
from casework.calendar_office import recompute, register_notice
from casework.domain.roles import Actor
from casework.errors import InvalidInput, PermissionDenied
from casework.escalation import sweep
from casework.resources import bundled_dir
from casework.store.tables import CALENDAR_NOTICES, EVENTS, OUTBOX
from tests.support.actors import APPLICANT, CENTRE, CLERK, GENERAL
from tests.support.dates import at

DATA = Path(__file__).resolve().parents[1] / "data" / "calendar"
NOTICE = DATA / "notice-2027.toml"
ADMIN = Actor("赵综合", "general_section")
D = date


def reply(engine, case_id: int, today: str = "2027-01-08"):
    return next(
        c for c in engine.case(case_id, actor=GENERAL, now=at(today)).clocks if c.kind == "reply"
    )


def register(engine, on: str) -> int:
    return engine.register(CENTRE, on=on, now=at(on), channel="window", unit="czj", **APPLICANT).id


def ask_correction(engine, case: int, on: str) -> None:
    """A correction notice with 5 working days to correct."""
    engine.move(case, "request_correction", CLERK, on=on, now=at(on), items=["文号"], days=5)


def count(engine, table, *where) -> int:
    with engine.db.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table).where(*where)) or 0


def notice_text(**changes: str) -> str:
    text = NOTICE.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_intake_goes_on_at_the_year_end_with_provisional_due_dates(engine) -> None:
    # Received Sat 2026-12-05 = Fri 12/4: 12/7–31 (19), Mon 2027-01-04 (20).
    case = register(engine, "2026-12-05")
    clock = reply(engine, case, "2026-12-05")
    assert clock.due_on == D(2027, 1, 4)
    assert clock.provisional and "2027年" in clock.provisional_basis
    assert (
        engine.case(case, actor=GENERAL, now=at("2026-12-05")).to_dict()["clocks"][0]["provisional"]
        is True
    )
    # Received Thu 12/3: due Thu 12/31, counted on the 2026 notice alone.
    assert not reply(engine, register(engine, "2026-12-03"), "2026-12-05").provisional
    # Extending into 2027 works too: received Fri 11/20, due 12/18, +20 → Mon 2027-01-18.
    late = register(engine, "2026-11-20")
    engine.move(
        late,
        "extend",
        CLERK,
        on="2026-12-15",
        now=at("2026-12-15"),
        approver="周科长",
        reason="量大",
    )
    assert (reply(engine, late).due_on, reply(engine, late).provisional) == (D(2027, 1, 18), True)
    items = {i.case_id: i for i in engine.worklist(actor=GENERAL, now=at("2026-12-16"))}
    assert items[case].provisional and items[late].provisional
    assert engine.verify() == []


def test_registering_the_notice_moves_due_dates_with_an_event_and_a_unit_notice(engine) -> None:
    # Received Fri 2027-01-08, provisional: 1/11–2/4 (19), Thu 2/11 (20) after 2/5–2/10 off.
    # With the notice 2/5–2/13 rest and Sun 2/14 worked: Sun 2/14 (20).
    moved = register(engine, "2027-01-08")
    same = register(engine, "2026-12-04")  # Mon 2027-01-04 either way
    assert reply(engine, moved).due_on == D(2027, 2, 11)
    versions = {
        c: engine.case(c, actor=GENERAL, now=at("2027-01-08")).version for c in (moved, same)
    }

    result = register_notice(engine, ADMIN, NOTICE, now=at("2027-01-09"))

    assert (result.status, result.year) == ("registered", 2027)
    clock = reply(engine, moved)
    assert (clock.due_on, clock.provisional) == (D(2027, 2, 14), False)
    [changed] = result.recompute.cases
    assert changed["case"] == moved
    assert changed["changes"][0]["due_before"] == D(2027, 2, 11)
    assert changed["changes"][0]["due_after"] == D(2027, 2, 14)
    # One event on the moved case, none on the other; verify replays it.
    view = engine.case(moved, actor=GENERAL, now=at("2027-01-09"))
    assert view.events[-1].move == "calendar_recomputed"
    assert view.events[-1].payload["changes"][0]["due_after"] == "2027-02-14"
    assert "测试用虚构通知〔2026〕0号" in view.events[-1].payload["reason"]
    assert view.version == versions[moved] + 1
    assert engine.case(same, actor=GENERAL, now=at("2027-01-09")).version == versions[same]
    assert engine.verify() == []
    # The unit hears of it through the outbox, once.
    with engine.db.connect() as conn:
        rows = conn.execute(select(OUTBOX).where(OUTBOX.c.case_id == moved)).all()
    assert len(rows) == 1 and rows[0].recipient == "unit:czj"
    assert "由 2027-02-11 调整为 2027-02-14" in rows[0].body
    assert "请另行告知调整后的日期" in rows[0].body

    # The same notice again, and a recompute or a sweep after it, change nothing.
    again = register_notice(engine, ADMIN, NOTICE, now=at("2027-01-10"))
    assert again.status == "unchanged" and again.recompute.cases == []
    assert recompute(engine, now=at("2027-01-10")).cases == []
    assert sweep(engine, D(2027, 1, 11), now=at("2027-01-11")).recomputed == []
    assert engine.case(moved, actor=GENERAL, now=at("2027-01-11")).version == versions[moved] + 1
    assert count(engine, OUTBOX, OUTBOX.c.case_id == moved) == 1


def test_a_second_different_notice_needs_replace_and_keeps_the_first(engine, tmp_path) -> None:
    register_notice(engine, ADMIN, NOTICE, now=at("2026-12-10"))
    other = tmp_path / "2027-corrected.toml"
    other.write_text(
        notice_text(
            **{
                'source = "测试用虚构通知〔2026〕0号"': 'source = "测试用虚构通知〔2026〕1号"',
                "to = 2027-10-07": "to = 2027-10-08",
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match="--replace") as err:
        register_notice(engine, ADMIN, other, now=at("2026-12-11"))
    assert err.value.field == "replace"
    assert count(engine, CALENDAR_NOTICES) == 1

    result = register_notice(engine, ADMIN, other, replace=True, now=at("2026-12-11"))
    assert result.status == "replaced"
    with engine.db.connect() as conn:
        rows = conn.execute(select(CALENDAR_NOTICES).order_by(CALENDAR_NOTICES.c.id)).all()
    assert [r.number for r in rows] == ["测试用虚构通知〔2026〕0号", "测试用虚构通知〔2026〕1号"]
    assert rows[0].replaced_at is not None and rows[0].replaced_by == rows[1].id
    assert rows[1].replaced_at is None and rows[1].registered_by == "赵综合"
    assert not engine.workflow.calendar.is_working_day(D(2027, 10, 8))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # 国庆 shortened to 10/1–10/2: Sun 10/3 is a weekend, but 10/3 is statutory.
        ({"to = 2027-10-07": "to = 2027-10-02"}, "2027-10-03（星期日，国庆节）是"),
        # 端午 dropped: Wed 6/9 would be a working day.
        (
            {"from = 2027-06-09\nto = 2027-06-09": "from = 2027-06-12\nto = 2027-06-12"},
            "2027-06-09（星期三，端午节）",
        ),
        (
            {"makeup_workdays = [2027-04-25]": "makeup_workdays = [2027-04-26]"},
            "2027-04-26 是星期一",
        ),
        ({"from = 2027-01-01": "from = 2025-12-31"}, "不在 2027 年内"),
        ({"issued_on = 2026-11-20\n": ""}, "issued_on"),
        (
            {
                "year = 2027": "year = 2003",
                "2027-": "2003-",  # every date, then the makeup days (not weekends in 2003)
                "makeup_workdays = [2003-02-14, 2003-02-20]": "",
                "makeup_workdays = [2003-04-25]": "",
                "makeup_workdays = [2003-09-26, 2003-10-09]": "",
            },
            "2003年早于工作日历的第一个已知年份",
        ),
        ({'[[rest]]\nname = "元旦"': '[[rest]]\nnme = "元旦"'}, '未知的键 "nme"'),
    ],
)
def test_a_bad_notice_is_refused_naming_the_day_and_the_rule(
    engine, tmp_path, changes: dict[str, str], message: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(notice_text(**changes), encoding="utf-8")
    before = engine.workflow.calendar
    with pytest.raises(casework.CaseworkError) as err:
        register_notice(engine, ADMIN, bad, now=at("2026-12-10"))
    assert message in str(err.value)
    assert count(engine, CALENDAR_NOTICES) == 0
    assert engine.workflow.calendar is before


def test_only_an_administrator_registers_a_notice(engine) -> None:
    with pytest.raises(PermissionDenied, match="管理员"):
        register_notice(engine, CLERK, NOTICE, now=at("2026-12-10"))
    assert count(engine, CALENDAR_NOTICES) == 0


def test_a_notice_changing_a_library_year_needs_replace(engine, tmp_path) -> None:
    # 2026 is known from the holiday library: a notice that differs is a correction.
    library = engine.workflow.calendar.schedule(2026)
    rests = "\n".join(
        f'[[rest]]\nname = "{name or "休"}"\nfrom = {d}\nto = {d}\n'
        for d, name in {**library.rest_days, D(2026, 3, 16): "更正"}.items()
    )
    makeup = ", ".join(str(d) for d in sorted(library.makeup_workdays))
    path = tmp_path / "2026.toml"
    path.write_text(
        f'year = 2026\nsource = "更正"\nissued_on = 2025-11-04\n'
        f"makeup_workdays = [{makeup}]\n{rests}",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match="chinesecalendar"):
        register_notice(engine, ADMIN, path, now=at("2026-12-10"))
    assert register_notice(engine, ADMIN, path, replace=True, now=at("2026-12-10")).status == (
        "registered"
    )
    assert not engine.workflow.calendar.is_working_day(D(2026, 3, 16))


def test_a_file_added_under_states_is_taken_up_by_the_next_sweep(db_url: str, tmp_path) -> None:
    states = tmp_path / "states"
    shutil.copytree(bundled_dir("states"), states)
    eng = casework.open(db_url, states_dir=states, upgrade=True)
    case = register(eng, "2027-01-08")
    assert sweep(eng, D(2027, 1, 8), now=at("2027-01-08")).recomputed == []
    assert reply(eng, case).due_on == D(2027, 2, 11)
    eng.db.dispose()

    # The office copies its 2027 file in (a deployment without the register).
    text = notice_text(**{"issued_on = 2026-11-20\n": ""})
    (states / "calendar" / "2027.toml").write_text(text, encoding="utf-8")
    eng = casework.open(db_url, states_dir=states)
    summary = sweep(eng, D(2027, 1, 11), now=at("2027-01-11"))
    assert [c["case"] for c in summary.recomputed] == [case]
    assert reply(eng, case, "2027-01-11").due_on == D(2027, 2, 14)
    assert eng.verify() == []
    eng.db.dispose()


def test_the_sweep_warns_the_general_section_through_the_outbox(engine) -> None:
    # 2026-12-04 is the first receipt date whose 20 working days end in 2027.
    assert sweep(engine, D(2026, 11, 3), now=at("2026-11-03")).warnings == []
    warned = sweep(engine, D(2026, 11, 28), now=at("2026-11-28")).warnings
    assert len(warned) == 1 and "自 2026-12-04 起收到的申请" in warned[0]
    assert "casework calendar notice add" in warned[0]
    key = OUTBOX.c.notice_key == "calendar-provisional:2026-11-28"
    assert count(engine, OUTBOX, key) == 1
    sweep(engine, D(2026, 11, 28), now=at("2026-11-28", 23))  # a rerun sends nothing twice
    assert count(engine, OUTBOX, key) == 1
    with engine.db.connect() as conn:
        row = conn.execute(select(OUTBOX).where(key)).one()
    assert row.recipient.startswith("office:") or row.recipient.startswith("person:")

    # Long after the edge, while open due dates are provisional, every night says so.
    register(engine, "2027-01-08")
    later = sweep(engine, D(2027, 3, 1), now=at("2027-03-01")).warnings
    assert len(later) == 1 and "目前有 1 件案件的未结期限为暂定" in later[0]
    # Once the notice is in, the edge is 2028-01-01: nothing to say in March 2027.
    register_notice(engine, ADMIN, NOTICE, now=at("2027-03-01"))
    assert sweep(engine, D(2027, 3, 2), now=at("2027-03-02")).warnings == []


def test_lapses_and_escalations_run_on_provisional_dates(engine) -> None:
    # Correction requested Mon 2027-01-04 with 5 working days: 1/5–1/11 → due Mon 1/11.
    case = register(engine, "2026-12-28")
    ask_correction(engine, case, "2027-01-04")
    summary = sweep(engine, D(2027, 1, 12), now=at("2027-01-12"))
    assert [(x["case"], x["result"]) for x in summary.lapses] == [(case, "done")]
    assert engine.case(case, actor=GENERAL, now=at("2027-01-12")).state == "closed"
    # The reply clock of a provisional case escalates on its provisional due date: received
    # Fri 12/4, due Mon 2027-01-04; the breach level fires the next working day, Tue 1/5.
    late = register(engine, "2026-12-04")
    summary = sweep(engine, D(2027, 1, 5), now=at("2027-01-05"))
    assert {(e["case"], e["level"]) for e in summary.escalations} >= {(late, "breach")}
    with engine.db.connect() as conn:
        moves = list(conn.scalars(select(EVENTS.c.move).where(EVENTS.c.case_id == case)))
    assert moves[-1] == "correction_lapsed"


def test_a_lapse_made_on_a_provisional_date_that_the_notice_moves_later_is_flagged(engine):
    # Correction asked Wed 2027-02-03 with 5 working days. Provisional: 2/4 (1), 2/5–2/10 off
    # (除夕, 初一–初三, two 补假), 2/11 (2), 2/12 (3), 2/15 (4), Tue 2/16 (5). With the notice
    # (2/5–2/13 off, Sun 2/14 worked): 2/4 (1), 2/14 (2), 2/15 (3), 2/16 (4), Wed 2/17 (5).
    case = register(engine, "2027-01-28")
    ask_correction(engine, case, "2027-02-03")
    lapsed = sweep(engine, D(2027, 2, 17), now=at("2027-02-17")).lapses
    assert [(x["case"], x["due_on"], x["result"]) for x in lapsed] == [
        (case, D(2027, 2, 16), "done")
    ]
    result = register_notice(engine, ADMIN, NOTICE, now=at("2027-02-18"))
    [problem] = [p for p in result.recompute.problems if f"案件 {case}" in p]
    assert "已于 2027-02-17 按暂定届满日期满处理" in problem
    assert "届满日为 2027-02-17" in problem
    with engine.db.connect() as conn:
        body = conn.execute(select(OUTBOX.c.body).where(OUTBOX.c.case_id == case)).scalar_one()
    assert "请核查是否应恢复办理" in body
    assert (
        engine.case(case, actor=GENERAL, now=at("2027-02-18")).state == "closed"
    )  # a person decides
    assert engine.verify() == []


def test_a_holiday_library_that_learns_the_year_is_taken_up_by_the_next_sweep(
    db_url: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    # As if chinesecalendar were upgraded to a release with the (fictional) 2027 notice. The
    # process-wide calendar cache is emptied afterwards, whatever happens, for the other tests.
    from casework import calendar_sources

    request.addfinalizer(calendar_sources._build.cache_clear)
    eng = casework.open(db_url, upgrade=True)
    case = register(eng, "2027-01-08")
    assert reply(eng, case).due_on == D(2027, 2, 11)
    eng.db.dispose()
    file_2027 = calendar_sources.parse_schedule_file(NOTICE, named_by_year=False)[0]
    upgraded = [*calendar_sources.library_schedules(), replace(file_2027, origin="library")]
    monkeypatch.setattr(calendar_sources, "library_schedules", lambda: upgraded)
    calendar_sources._build.cache_clear()
    eng = casework.open(db_url)
    summary = sweep(eng, D(2027, 1, 11), now=at("2027-01-11"))
    assert [c["case"] for c in summary.recomputed] == [case]
    assert reply(eng, case, "2027-01-11").due_on == D(2027, 2, 14)
    assert (
        "节假日程序库"
        in eng.case(case, actor=GENERAL, now=at("2027-01-11")).events[-1].payload["reason"]
    )
    eng.db.dispose()
