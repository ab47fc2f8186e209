"""`casework proceedings`: open a review and a lawsuit, move them, list them, the error rate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

import casework
from casework.cli.main import app
from casework.store.tables import PEOPLE as PEOPLE_TABLE
from tests.support.actors import APPLICANT, CENTRE, CLERK, GENERAL
from tests.support.dates import at

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

NOW = at("2026-11-27")
PEOPLE = [
    {"code": "fzb.liu", "name": "刘法制", "role": "legal_office", "unit_code": None},
    {"code": "czj.li", "name": "李娜", "role": "unit_clerk", "unit_code": "czj"},
    {"code": "jyj.chen", "name": "陈静", "role": "unit_clerk", "unit_code": "jyj"},
]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = casework.open(url, upgrade=True)
    with engine.db.begin() as conn:
        conn.execute(insert(PEOPLE_TABLE), [{**p, "active": True} for p in PEOPLE])
    view = engine.register(
        CENTRE, on="2026-02-02", now=NOW, channel="window", unit="czj", **APPLICANT
    )
    engine.move(
        view.id,
        "reply",
        CLERK,
        on="2026-02-10",
        now=NOW,
        outcome="withheld_process",
        reasons="所申请信息属于过程性信息",
    )
    engine.db.dispose()
    return url


def run(db: str, user: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [*args, "--db", db], env={"CASEWORK_USER": user})


def test_review_opened_moved_and_listed(db: str) -> None:
    opened = run(
        db,
        "fzb.liu",
        "proceedings",
        "review",
        "1",
        "--ground",
        "against_reply",
        "--body",
        "硚口区人民政府",
        "--body-case-number",
        "硚政复〔2026〕7号",
        "--request",
        "撤销答复",
        "--on",
        "2026-09-28",
        "--json",
    )
    assert opened.exit_code == 0, opened.output
    review = json.loads(opened.output)
    assert review["flow"] == "review"
    assert review["clocks"][0]["due_on"] == "2026-10-16"
    decided = run(
        db,
        "fzb.liu",
        "proceedings",
        "move",
        str(review["id"]),
        "decide",
        "-i",
        "result=revoked",
        "-i",
        "decision_number=硚政复决〔2026〕7号",
        "-i",
        "deadline_days=20",
        "-i",
        "deadline_unit=working_days",
        "--on",
        "2026-10-20",
    )
    assert decided.exit_code == 0, decided.output
    assert "已作出复议决定" in decided.output
    listed = run(db, "czj.li", "proceedings", "list", "1", "--json")
    assert listed.exit_code == 0, listed.output
    assert [p["state"] for p in json.loads(listed.output)] == ["decided"]
    # The case went back to its unit with the decision's deadline.
    with_case = casework.open(db).case(1, actor=GENERAL, now=NOW)
    assert with_case.state == "in_progress"


def test_refusals_are_one_chinese_line_with_exit_2(db: str) -> None:
    clerk = run(
        db,
        "czj.li",
        "proceedings",
        "review",
        "1",
        "--ground",
        "against_reply",
        "--body",
        "区政府",
        "--body-case-number",
        "x",
        "--request",
        "y",
        "--on",
        "2026-03-02",
    )
    assert clerk.exit_code == 2
    assert "无权" in clerk.output
    assert "Traceback" not in clerk.output
    other_unit = run(db, "jyj.chen", "proceedings", "list", "1")
    assert other_unit.exit_code == 2
    assert "本单位" in other_unit.output
    bad_input = run(db, "fzb.liu", "proceedings", "move", "1", "decide", "-i", "result")
    assert bad_input.exit_code == 2
    assert "名称=值" in bad_input.output
    no_user = CliRunner().invoke(app, ["proceedings", "list", "1", "--db", db], env={})
    assert no_user.exit_code == 2
    assert "CASEWORK_USER" in no_user.output


def test_lawsuit_and_error_rate(db: str) -> None:
    opened = run(
        db,
        "fzb.liu",
        "proceedings",
        "lawsuit",
        "1",
        "--ground",
        "against_reply",
        "--route",
        "direct",
        "--court",
        "武汉市中级人民法院",
        "--court-case-number",
        "（2026）鄂01行初88号",
        "--request",
        "撤销答复",
        "--on",
        "2026-09-16",
        "--json",
    )
    assert opened.exit_code == 0, opened.output
    suit = json.loads(opened.output)
    assert suit["clocks"][0]["due_on"] == "2026-10-08"
    for move, inputs, on in [
        ("defended", [], "2026-09-25"),
        (
            "judged",
            [
                "-i",
                "result=revoked",
                "-i",
                "decision_kind=judgment",
                "-i",
                "judgment_number=（2026）鄂01行初88号",
            ],
            "2026-10-20",
        ),
        ("final", [], "2026-11-05"),
    ]:
        result = run(
            db, "fzb.liu", "proceedings", "move", str(suit["id"]), move, *inputs, "--on", on
        )
        assert result.exit_code == 0, result.output
    rate = run(
        db,
        "fzb.liu",
        "proceedings",
        "error-rate",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--json",
    )
    assert rate.exit_code == 0, rate.output
    data = json.loads(rate.output)
    assert data["district"]["lawsuit"] == {"decided": 1, "corrected": 1, "rate": 1.0}
    assert data["corrected"][0]["result"] == "revoked"
    bad = run(
        db, "fzb.liu", "proceedings", "error-rate", "--from", "2026-13-01", "--to", "2026-12-31"
    )
    assert bad.exit_code == 2
    assert "from" in bad.output
