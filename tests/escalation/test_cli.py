"""`casework directory`, `sweep`, `outbox` through the real command line (SQLite files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import casework
from casework.cli.main import app
from casework.resources import bundled_dir
from tests.escalation.conftest import register

runner = CliRunner()
# `sweep` is stamped with the wall clock and refuses a day after it, `outbox retry` schedules
# from it, `directory load` records it: every command here runs on the suite's TODAY.
pytestmark = pytest.mark.usefixtures("pinned_today")
CLEAN_SMTP = {"CASEWORK_SMTP_HOST": None, "CASEWORK_SMTP_PORT": None, "CASEWORK_SMTP_FROM": None}


def database(tmp_path: Path) -> str:
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    return db


def test_directory_check_show_and_load(tmp_path: Path) -> None:
    db = database(tmp_path)
    ok = runner.invoke(app, ["directory", "check", "--db", db], env=CLEAN_SMTP)
    assert ok.exit_code == 0, ok.output
    assert "名录与督办设置无误" in ok.output
    assert "占位地址" in ok.output and "“广电”在56家主体单位中没有对应单位" in ok.output
    shown = runner.invoke(app, ["directory", "show", "--db", db, "--json"])
    data = json.loads(shown.output)
    assert len(data["units"]) == 56 and data["positions"]["supervision_office"] == "dcs"
    assert "督查室" in data["units"]["gutian"]["route"]
    loaded = runner.invoke(app, ["directory", "load", str(bundled_dir("states")), "--db", db])
    assert loaded.exit_code == 0, loaded.output
    assert "单位 56 个，人员 7 人，停用 0 人，战线 5 条" in loaded.output


def test_a_bad_directory_file_is_listed_by_check_and_refused_by_load(tmp_path: Path) -> None:
    db = database(tmp_path)
    text = (bundled_dir("states") / "organisation.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace('email = "zhk@qiaokou.gov.example"', "").replace(
            'role = "director"', 'role = "boss"'
        ),
        encoding="utf-8",
    )
    checked = runner.invoke(app, ["directory", "check", str(bad)])
    assert checked.exit_code == 1
    problems = [line for line in checked.output.splitlines() if line.startswith("问题：")]
    assert len(problems) == 2
    assert (
        "offices[0] zhk: 缺少联系方式" in problems[1]
        or "offices[0] zhk: 缺少联系方式" in problems[0]
    )
    loaded = runner.invoke(app, ["directory", "load", str(bad), "--db", db])
    assert loaded.exit_code == 2
    assert loaded.output.count("\n") == 1 and loaded.output.startswith("错误：")
    assert "Traceback" not in loaded.output


def test_directory_check_reports_a_bad_smtp_setting(tmp_path: Path) -> None:
    db = database(tmp_path)
    env = {
        "CASEWORK_SMTP_HOST": "mail.example",
        "CASEWORK_SMTP_FROM": "a@b.cn",
        "CASEWORK_SMTP_PORT": "smtp",
    }
    checked = runner.invoke(app, ["directory", "check", "--db", db], env=env)
    assert checked.exit_code == 1
    assert "问题：CASEWORK_SMTP_PORT：应为整数" in checked.output


def test_sweep_prints_a_table_and_json_and_refuses_a_future_date(tmp_path: Path) -> None:
    db = database(tmp_path)
    engine = casework.open(f"sqlite:///{db}")
    case = register(engine, "2026-03-02")
    table = runner.invoke(app, ["sweep", "--as-of", "2026-03-31", "--db", db])
    assert table.exit_code == 0, table.output
    assert "期限督办（截至 2026-03-31）" in table.output
    assert "新增督办 3 件，写入发件箱 4 条" in table.output
    again = runner.invoke(app, ["sweep", "--as-of", "2026-03-31", "--db", db, "--json"])
    assert json.loads(again.output)["escalations"] == []
    future = runner.invoke(app, ["sweep", "--as-of", "2099-01-01", "--db", db])
    assert future.exit_code == 2 and "不能提前督办" in future.output
    listed = runner.invoke(app, ["outbox", "list", "--status", "pending", "--db", db, "--json"])
    rows = json.loads(listed.output)
    assert [r["case_id"] for r in rows] == [case] * 4
    assert runner.invoke(app, ["outbox", "list", "--status", "lost", "--db", db]).exit_code == 2


def test_outbox_retry_delivers_through_the_mail_server(tmp_path: Path, smtp) -> None:
    db = database(tmp_path)
    register(casework.open(f"sqlite:///{db}"), "2026-03-02")
    runner.invoke(app, ["sweep", "--as-of", "2026-03-31", "--db", db])
    smtp.stop()
    down = runner.invoke(app, ["outbox", "retry", "--db", db], env=smtp.env())
    assert down.exit_code == 1 and "失败 4 条（留待重试）" in down.output
    smtp.start()
    up = runner.invoke(app, ["outbox", "retry", "--db", db], env=smtp.env())
    assert up.exit_code == 0 and "本次发送成功 4 条" in up.output
    assert len(smtp.inbox.messages) == 4
    sent = runner.invoke(app, ["outbox", "list", "--status", "sent", "--db", db])
    assert "共 4 条" in sent.output
