"""Timeliness over the turn of 2026/2027, when 2027's holiday notice is not registered.

2027 is counted from the 放假办法: 元旦 (Friday 2027-01-01) is a rest day, no 调休. Reply
periods counted by hand (December 2026 has no holiday): received 12-02 → due 12-30, 12-03 →
12-31, 12-04 → 2027-01-04. A reply made on or before 2026-12-31 is judged on the official
2026 calendar alone; one made on 2027-01-04 or later, or a breach whose due date is in 2027,
rests on the provisional year.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from casework.reports.timeliness import timeliness
from tests.support.actors import CENTRE
from tests.support.dates import at
from tests.support.reports import clerk

PERIOD = (date(2026, 12, 1), date(2027, 1, 31))
NOTICE = "2027年的国务院办公厅放假通知尚未登记"


@pytest.fixture(autouse=True)
def _2027_is_not_known(engine: Any) -> None:
    assert engine.workflow.calendar.first_provisional_day == date(2027, 1, 1), (
        "the holiday sources now know 2027: move these dates to the first unknown year"
    )


def application(engine: Any, received: str, replied: str | None = None) -> int:
    case = engine.register(
        CENTRE,
        on=received,
        now=at(received),
        channel="window",
        unit="czj",
        applicant_name="申请人",
        applicant_kind="natural_person",
        request="某项政府信息",
    ).id
    if replied is not None:
        engine.move(case, "reply", clerk("czj"), on=replied, now=at(replied), outcome="disclosed")
    return int(case)


def build(engine: Any) -> None:
    application(engine, "2026-12-03", "2026-12-31")  # on time on the last known day
    application(engine, "2026-12-04", "2027-01-04")  # on time on a provisional day
    application(engine, "2026-12-03", "2027-01-05")  # 2 working days late (01-04, 01-05)
    application(engine, "2026-12-04")  # due 2027-01-04, breached on 01-05 (provisional)
    application(engine, "2026-12-02")  # due 12-30, breached on 12-31 (known)


def test_replies_and_breaches_that_rest_on_2027_are_counted_and_explained(engine: Any) -> None:
    build(engine)
    report = timeliness(engine, *PERIOD)
    f = report.total.figures
    assert (f.replied, f.on_time, f.late, f.late_days_total) == (3, 2, 1, 2)
    # The late reply's clock breached on 2027-01-01 (due 12-31: known); the unanswered ones on
    # 12-31 (known) and 2027-01-05 (provisional).
    assert f.breached["reply"] == 3
    # Provisional: the two replies made in 2027 and the breach due in 2027.
    assert f.provisional == 3
    assert [r.figures.provisional for r in report.units] == [3]
    (note,) = [n for n in report.notes if "暂定" in n]
    assert "3个期限" in note and NOTICE in note and "重新计算" in note


def test_figures_of_2026_alone_are_not_provisional(engine: Any) -> None:
    application(engine, "2026-12-03", "2026-12-31")
    application(engine, "2026-12-02")  # breached on 12-31
    report = timeliness(engine, date(2026, 12, 1), date(2026, 12, 31))
    assert report.total.figures.provisional == 0
    assert not any("暂定" in n for n in report.notes)
    # The breach of a clock due in 2027 falls outside a period that ends in 2026.
    application(engine, "2026-12-04")
    assert timeliness(engine, date(2026, 12, 1), date(2026, 12, 31)).total.figures.provisional == 0


def test_terminal_and_json_show_the_provisional_count(engine: Any, cli: Any) -> None:
    build(engine)
    args = ("report", "timeliness", "--from", "2026-12-01", "--to", "2027-01-31")
    url = ("--db", engine.settings.database_url)
    shown = cli(*args, *url)
    assert shown.exit_code == 0
    assert "暂定" in shown.stdout and NOTICE in shown.stdout
    data = json.loads(cli(*args, *url, "--json").stdout)
    assert data["total"]["provisional"] == 3
    assert [u["provisional"] for u in data["units"]] == [3]
    assert any(NOTICE in n for n in data["notes"])


def test_terminal_has_no_provisional_column_without_provisional_figures(
    engine: Any, cli: Any
) -> None:
    application(engine, "2026-12-03", "2026-12-31")
    url = ("--db", engine.settings.database_url)
    args = ("report", "timeliness", "--from", "2026-12-01", "--to", "2026-12-31")
    assert "暂定" not in cli(*args, *url).stdout
    assert json.loads(cli(*args, *url, "--json").stdout)["total"]["provisional"] == 0
