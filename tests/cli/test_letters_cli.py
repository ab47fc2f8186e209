"""`casework letter draft|issue|show|list` and `casework templates check|copy`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from sqlalchemy import insert
from typer.testing import CliRunner

import casework
from casework.cli.main import app
from casework.store.tables import PEOPLE as PEOPLE_TABLE
from tests.support.actors import GENERAL
from tests.support.letters import REASONS, extended_states, letters, move, register

PEOPLE = [
    {"code": "lina", "name": "李娜", "role": "unit_clerk", "unit_code": "czj"},
    {"code": "chenjing", "name": "陈静", "role": "unit_clerk", "unit_code": "jyj"},
    {"code": "zonghe", "name": "赵综合", "role": "general_section", "unit_code": "zfb"},
]


class Cli:
    def __init__(self, url: str, states: Path) -> None:
        self.url, self.states = url, states

    def __call__(self, user: str, *args: str, db: bool = True) -> Any:
        env = {"CASEWORK_USER": user, "CASEWORK_STATES_DIR": str(self.states)}
        argv = [*args, "--db", self.url] if db else list(args)
        result = CliRunner().invoke(app, argv, env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    def ok(self, user: str, *args: str, db: bool = True) -> Any:
        result = self(user, *args, db=db)
        assert result.exit_code == 0, result.stderr or result.stdout
        return result

    def refused(self, user: str, *args: str, db: bool = True) -> str:
        result = self(user, *args, db=db)
        assert result.exit_code == 2, result.stdout + result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
        return lines[0]


@pytest.fixture
def letter_cli(db_url: str, tmp_path: Path, pinned_today: datetime) -> Any:
    # Commands are stamped with the wall clock and `letter draft` dates the letter today.
    states = extended_states(tmp_path)
    engine = casework.open(db_url, upgrade=True, states_dir=states)
    with engine.db.begin() as conn:
        conn.execute(insert(PEOPLE_TABLE), PEOPLE)
    case = register(engine).id
    move(engine, case, "reply", "2026-03-20", outcome="withheld_process", reasons=REASONS)
    yield Cli(db_url, states), engine, case
    engine.db.dispose()


def test_list_and_show(letter_cli) -> None:
    run, _, case = letter_cli
    listed = run.ok("lina", "letter", "list", "--case", str(case), "--json").stdout
    assert [(v["kind"], v["number"]) for v in json.loads(listed)] == [
        ("receipt", "硚财政依申登〔2026〕1号"),
        ("reply_withheld", "硚财政依申〔2026〕1号"),
    ]
    shown = run.ok("lina", "letter", "show", "2").stdout
    assert shown.startswith("政府信息公开申请答复书  硚财政依申〔2026〕1号")
    assert REASONS in shown and "（印章）" in shown
    # Another unit's clerk sees nothing of this case's letters.
    assert json.loads(run.ok("chenjing", "letter", "list", "--json").stdout) == []
    assert "只能查看本单位" in run.refused("chenjing", "letter", "show", "2")


def test_issue_by_hand(letter_cli) -> None:
    run, engine, case = letter_cli
    out = run.ok("lina", "letter", "issue", str(case), "reply", "--on", "2026-03-23").stdout
    assert out.startswith("已出具 政府信息公开申请答复书（硚财政依申〔2026〕2号）")
    assert [e.move for e in engine.case(case, actor=GENERAL).events][-1] == "issue_letter"
    line = run.refused("lina", "letter", "issue", str(case), "certificate", "--on", "2026-03-23")
    assert "未知的文书种类" in line
    assert len(letters(engine, case)) == 3


def test_draft_in_every_format(letter_cli, tmp_path: Path) -> None:
    run, engine, case = letter_cli
    html = run.ok("lina", "letter", "draft", str(case), "--on", "2026-03-23").stdout
    assert "草稿（未编号，不得送达）" in html and "2026年3月23日" in html
    out = tmp_path / "draft.docx"
    run.ok("lina", "letter", "draft", str(case), "--format", "docx", "--out", str(out))
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "（草稿，未编号）" in text and "张三：" in text
    assert "--out" in run.refused("lina", "letter", "draft", str(case), "--format", "pdf")
    assert len(letters(engine)) == 2  # drafts take no number


def test_templates_check_passes_on_the_shipped_templates(letter_cli) -> None:
    run, _, _ = letter_cli
    out = run.ok("lina", "templates", "check", "--states-dir", str(run.states), db=False).stdout
    assert "全部 19 种文书模板检查通过" in out


def test_templates_check_reports_an_edited_copy(letter_cli, tmp_path: Path) -> None:
    run, _, _ = letter_cli
    copy = tmp_path / "mine"
    run.ok("lina", "templates", "copy", str(copy), db=False)
    path = copy / "reply_unable.html.j2"
    text = path.read_text(encoding="utf-8")
    # An error only in the branch for 补正后仍不明确: only a check of every outcome finds it.
    path.write_text(
        text.replace("无法确定您所需政府信息", "{{ case.unknown_thing }}"), encoding="utf-8"
    )
    (copy / "receipt.html.j2").write_text("{{ case.__class__ }}", encoding="utf-8")
    result = run(
        "lina",
        *("templates", "check", "--templates-dir", str(copy), "--states-dir", str(run.states)),
        "--json",
        db=False,
    )
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert any("reply_unable.html.j2" in p and "case.unknown_thing" in p for p in problems)
    assert any("receipt.html.j2" in p and "不安全" in p for p in problems)
    assert "不会覆盖" in run.refused("lina", "templates", "copy", str(copy), db=False)
