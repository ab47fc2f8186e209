"""`casework directory`, `sweep`, `outbox` through the real command line (SQLite files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import casework
from casework.cli.main import app
from casework.resources import bundled_dir
from tests.support.escalation import register

runner = CliRunner()
# `sweep` is stamped with the wall clock and refuses a day after it, `outbox retry` schedules
# from it, `directory load` records it: every command here runs on the suite's TODAY.
pytestmark = pytest.mark.usefixtures("pinned_today")
CLEAN_SMTP = {"CASEWORK_SMTP_HOST": None, "CASEWORK_SMTP_PORT": None, "CASEWORK_SMTP_FROM": None}


def database(tmp_path: Path) -> str:
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    return db


def test_directory_check_needs_no_database_for_the_files(tmp_path: Path) -> None:
    import shutil

    fresh = tmp_path / "never-upgraded.db"
    ok = runner.invoke(app, ["directory", "check", "--db", str(fresh)], env=CLEAN_SMTP)
    assert ok.exit_code == 0, ok.output
    assert "名录与督办设置无误" in ok.output and "请先运行" not in ok.output
    assert "案件单位的督办路线须先运行 casework db upgrade 才能检查" in ok.output
    assert not fresh.exists()  # checking created no database
    states = tmp_path / "states"
    shutil.copytree(bundled_dir("states"), states)
    ladder = states / "escalation.toml"
    text = ladder.read_text(encoding="utf-8")
    ladder.write_text(
        text.replace('notify = ["service_centre_head"]', 'notify = ["mayor"]'), "utf-8"
    )
    bad = runner.invoke(
        app, ["directory", "check", "--db", str(fresh), "--states-dir", str(states)], env=CLEAN_SMTP
    )
    assert bad.exit_code == 1 and "mayor" in bad.output, bad.output


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
    assert "单位 56 个，人员 8 人，停用 0 人，战线 5 条" in loaded.output


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
    assert "新增督办 3 件，写入发件箱 2 条" in table.output
    # Clock kinds and ladder levels by their Chinese names, not their codes.
    assert "答复期限" in table.output and "reply" not in table.output
    again = runner.invoke(app, ["sweep", "--as-of", "2026-03-31", "--db", db, "--json"])
    assert json.loads(again.output)["escalations"] == []
    future = runner.invoke(app, ["sweep", "--as-of", "2099-01-01", "--db", db])
    assert future.exit_code == 2 and "不能提前督办" in future.output
    listed = runner.invoke(app, ["outbox", "list", "--status", "pending", "--db", db, "--json"])
    rows = json.loads(listed.output)
    assert [r["case_id"] for r in rows] == [case] * 2
    assert runner.invoke(app, ["outbox", "list", "--status", "lost", "--db", db]).exit_code == 2


def test_outbox_retry_without_a_mail_server_writes_file_notices_and_succeeds(
    tmp_path: Path,
) -> None:
    db = database(tmp_path)
    org = tmp_path / "org.toml"
    text = (bundled_dir("states") / "organisation.toml").read_text(encoding="utf-8")
    org.write_text(text.replace('email = "czj@qiaokou.gov.example"', 'channel = "file"'), "utf-8")
    loaded = runner.invoke(app, ["directory", "load", str(org), "--db", db])
    assert loaded.exit_code == 0, loaded.output
    register(casework.open(f"sqlite:///{db}"), "2026-03-02")  # czj: reply due 3/30
    for day in ("2026-03-25", "2026-03-30", "2026-03-31"):  # reminder to czj's file, 3 mails
        runner.invoke(app, ["sweep", "--as-of", day, "--db", db])
    notices = tmp_path / "notices.log"
    env = {**CLEAN_SMTP, "CASEWORK_NOTICE_FILE": str(notices)}
    # The documented cron line `casework sweep && casework outbox retry` must not fail nightly.
    for _ in range(2):
        result = runner.invoke(app, ["outbox", "retry", "--db", db], env=env)
        assert result.exit_code == 0, result.output
        said = "未设置邮件服务器（CASEWORK_SMTP_HOST）：3 条电子邮件通知留在发件箱中"
        assert said in result.output
    # The file notice went out the first time; the second retry has nothing to send.
    assert "本次发送成功 0 条，失败 0 条" in result.output
    assert notices.read_text(encoding="utf-8").count("收件：区财政局") == 1
    pending = runner.invoke(app, ["outbox", "list", "--status", "pending", "--db", db, "--json"])
    assert [r["attempts"] for r in json.loads(pending.output)] == [0, 0, 0]


def test_outbox_retry_delivers_through_the_mail_server(tmp_path: Path, smtp) -> None:
    db = database(tmp_path)
    register(casework.open(f"sqlite:///{db}"), "2026-03-02")
    for day in ("2026-03-25", "2026-03-30", "2026-03-31"):  # each level on its own night
        runner.invoke(app, ["sweep", "--as-of", day, "--db", db])
    smtp.stop()
    down = runner.invoke(app, ["outbox", "retry", "--db", db], env=smtp.env())
    assert down.exit_code == 1 and "失败 4 条（留待重试）" in down.output
    smtp.start()
    up = runner.invoke(app, ["outbox", "retry", "--db", db], env=smtp.env())
    assert up.exit_code == 0 and "本次发送成功 4 条" in up.output
    assert len(smtp.inbox.messages) == 4
    sent = runner.invoke(app, ["outbox", "list", "--status", "sent", "--db", db])
    assert "共 4 条" in sent.output
