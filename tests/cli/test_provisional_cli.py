"""Provisional due dates in ``case show``, ``worklist`` and ``proceedings``.

The holiday notice for 2027 is not registered, so 2027 is counted from the 放假办法 (元旦
2027-01-01, a Friday, is a rest day; no 调休). Counted by hand:
- received Thursday 2026-12-03: reply due Thursday 2026-12-31, the last day of the known year
  (not provisional); received Friday 2026-12-04: due Monday 2027-01-04 (provisional);
- the 7 working days to send a correction notice (the worklist's most urgent clock) end on
  Thursday 2026-12-31 for an application received on Tuesday 2026-12-22, and on 2027-01-04
  for one received on Wednesday 2026-12-23, whose reply is due 2027-01-21 (both provisional).
Cases are made through the library with "now" pinned; the CLI reads them with --as-of.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

import casework
from casework.calendar_sources import load_calendar
from casework.proceedings import open_review
from casework.resources import bundled_dir
from tests.support.actors import APPLICANT, CENTRE, CLERK, LEGAL
from tests.support.cli import Cli, clock
from tests.support.dates import at
from tests.support.proceedings import REVIEW

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

AS_OF = "2026-12-05"
BASIS = "2027年的国务院办公厅放假通知尚未登记"


@pytest.fixture(autouse=True, scope="module")
def _2027_is_not_known() -> None:
    first = load_calendar(bundled_dir("states")).first_provisional_day
    assert first == date(2027, 1, 1), (
        "the holiday sources now know 2027: move these dates to the first unknown year"
    )


@pytest.fixture
def library(cli: Cli) -> Iterator[Any]:
    engine = casework.open(cli.url)
    yield engine
    engine.db.dispose()


def register(engine: Any, on: str) -> int:
    view = engine.register(CENTRE, on=on, now=at(on), channel="window", unit="czj", **APPLICANT)
    return int(view.id)


def show(cli: Cli, case: int, *json: str) -> Any:
    result = cli.ok("lina", "case", "show", str(case), "--as-of", AS_OF, *json)
    return result.json if json else result.stdout


@pytest.fixture
def cases(library: Any) -> tuple[int, int]:
    """(reply due 2026-12-31, reply due 2027-01-04)."""
    return register(library, "2026-12-03"), register(library, "2026-12-04")


def test_case_show_json_marks_only_a_due_date_in_2027(cli: Cli, cases: tuple[int, int]) -> None:
    last_known, first_provisional = (clock(show(cli, c, "--json"), "reply") for c in cases)
    assert last_known["due_on"] == "2026-12-31"
    assert last_known["provisional"] is False and last_known["provisional_basis"] is None
    assert first_provisional["due_on"] == "2027-01-04"
    assert first_provisional["provisional"] is True
    assert first_provisional["provisional_basis"].startswith(BASIS)
    assert "放假办法" in first_provisional["provisional_basis"]


def test_case_show_prints_the_mark_and_the_basis(cli: Cli, cases: tuple[int, int]) -> None:
    plain, provisional = cases
    out = show(cli, plain)
    assert "2026-12-31" in out and "暂定" not in out
    out = show(cli, provisional)
    assert "2027-01-04（暂定）" in out
    assert out.count(BASIS) == 1 and "登记后重新计算" in out


def test_the_basis_is_printed_once_for_several_provisional_clocks(cli: Cli, library: Any) -> None:
    case = register(library, "2026-12-23")
    data = cli.ok("lina", "case", "show", str(case), "--as-of", "2026-12-23", "--json").json
    assert clock(data, "correction_notice")["due_on"] == "2027-01-04"
    assert clock(data, "reply")["due_on"] == "2027-01-21"
    assert all(c["provisional"] for c in data["clocks"])
    out = cli.ok("lina", "case", "show", str(case), "--as-of", "2026-12-23").stdout
    assert "2027-01-04（暂定）" in out and "2027-01-21（暂定）" in out
    assert out.count(BASIS) == 1


def test_worklist_marks_provisional_due_dates(cli: Cli, library: Any) -> None:
    plain, provisional = register(library, "2026-12-22"), register(library, "2026-12-23")
    data = cli.ok("zonghe", "worklist", "--as-of", "2026-12-23", "--json").json
    flags = {i["case_id"]: (i["clock"], i["due_on"], i["provisional"]) for i in data["items"]}
    assert flags == {
        plain: ("correction_notice", "2026-12-31", False),
        provisional: ("correction_notice", "2027-01-04", True),
    }
    out = cli.ok("zonghe", "worklist", "--as-of", "2026-12-23").stdout
    assert "2027-01-04（暂定）" in out and "2026-12-31（暂定）" not in out
    assert "放假通知尚未登记" in out


def test_a_worklist_of_known_dates_says_nothing_about_provisional(cli: Cli, library: Any) -> None:
    register(library, "2026-12-22")
    out = cli.ok("zonghe", "worklist", "--as-of", "2026-12-23").stdout
    assert "2026-12-31" in out and "暂定" not in out


def test_proceedings_mark_a_provisional_decision_period(cli: Cli, library: Any) -> None:
    case = register(library, "2026-11-02")
    library.move(case, "reply", CLERK, on="2026-11-20", now=at("2026-11-20"), outcome="disclosed")
    # Review received and accepted on 2026-12-04: the answer is due in 10 working days
    # (2026-12-18); the decision 60 days after acceptance, 2027-02-02 (a Tuesday).
    day = {"on": "2026-12-04", "now": at("2026-12-04"), "accepted_on": "2026-12-04"}
    open_review(library, case, LEGAL, **day, **REVIEW)
    data = cli.ok("liu", "proceedings", "list", str(case), "--json").json
    due = {c["kind"]: (c["due_on"], c["provisional"]) for c in data[0]["clocks"]}
    assert due == {"answer": ("2026-12-18", False), "decision": ("2027-02-02", True)}
    out = cli.ok("liu", "proceedings", "list", str(case)).stdout
    assert "2026-12-18（" in out and "2026-12-18（暂定）" not in out
    assert "2027-02-02（暂定）" in out and out.count(BASIS) == 1
