"""`casework calendar due` and `casework calendar show` as a clerk runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casework.cli.main import app
from tests.support.dates import at

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

FIXTURE_2027 = Path(__file__).resolve().parents[1] / "data" / "calendar" / "2027.toml"

runner = CliRunner()


@pytest.fixture
def states(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "calendar").mkdir()
    # No database here: the calendar commands use the library and the files alone.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CASEWORK_DATABASE_URL", raising=False)
    return str(tmp_path)


def run(*args: str):
    return runner.invoke(app, list(args))


def test_due_in_working_days(states: str) -> None:
    result = run("calendar", "due", "2025-09-26", "20", "--states-dir", states)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2025-10-30"


def test_due_json(states: str) -> None:
    result = run("calendar", "due", "2025-09-26", "20", "--json", "--states-dir", states)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "start": "2025-09-26",
        "n": 20,
        "unit": "working_days",
        "due": "2025-10-30",
        "provisional": False,
        "basis": None,
    }


def test_due_in_calendar_days_rolls_past_national_day(states: str) -> None:
    result = run("calendar", "due", "2025-09-16", "15", "--calendar-days", "--states-dir", states)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2025-10-09"
    result = run(
        "calendar", "due", "2025-09-16", "15", "--calendar-days", "--json", "--states-dir", states
    )
    assert json.loads(result.stdout)["unit"] == "calendar_days"
    assert json.loads(result.stdout)["due"] == "2025-10-09"


@pytest.mark.parametrize("bad", ["2025-9-26", "2025-02-30", "tomorrow", "20250926"])
def test_bad_date_is_one_chinese_line(states: str, bad: str) -> None:
    result = run("calendar", "due", bad, "20", "--states-dir", states)
    assert result.exit_code == 2
    assert "日期格式错误：start 应为 YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize("bad", ["0", "abc", "1.5"])
def test_bad_n_is_refused(states: str, bad: str) -> None:
    result = run("calendar", "due", "2025-09-26", bad, "--states-dir", states)
    assert result.exit_code == 2
    assert "n 应为不小于 1 的整数" in result.stderr
    assert "Traceback" not in result.output


def test_due_into_a_year_without_notice_is_provisional(states: str) -> None:
    # Sun 2026-12-20: 12/21–25 (1–5), 12/28–31 (6–9), 元旦 1/1, 1/4–8 (10–14), 1/11–15
    # (15–19), Mon 1/18 (20). The last working day of 2026 is not provisional.
    result = run("calendar", "due", "2026-12-20", "20", "--states-dir", states)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2027-01-18（暂定）"
    assert "2027年的国务院办公厅放假通知尚未登记" in result.stderr
    data = json.loads(
        run("calendar", "due", "2026-12-20", "20", "--json", "--states-dir", states).stdout
    )
    assert data["due"] == "2027-01-18" and data["provisional"] is True
    assert "放假办法" in data["basis"]
    last = json.loads(
        run("calendar", "due", "2026-12-03", "20", "--json", "--states-dir", states).stdout
    )
    assert (last["due"], last["provisional"]) == ("2026-12-31", False)


def test_due_before_the_first_known_year_is_refused(states: str) -> None:
    result = run("calendar", "due", "2003-12-01", "20", "--states-dir", states)
    assert result.exit_code == 2
    assert "2003年的法定节假日安排未知" in result.stderr


def test_show_2026_lists_makeup_days_and_source(states: str) -> None:
    result = run("calendar", "show", "2026", "--states-dir", states)
    assert result.exit_code == 0, result.output
    assert "2026-02-14" in result.stdout
    assert "调休上班" in result.stdout
    assert "春节" in result.stdout
    assert "全年工作日：248 天" in result.stdout
    assert "来源：chinesecalendar" in result.stdout


def test_show_json(states: str) -> None:
    result = run("calendar", "show", "2026", "--json", "--states-dir", states)
    data = json.loads(result.stdout)
    days = {d["date"]: d for d in data["days"]}
    assert days["2026-02-14"]["kind"] == "makeup" and days["2026-02-14"]["weekday"] == "星期六"
    assert days["2026-02-16"]["name"] == "春节" and days["2026-02-16"]["origin"] == "library"
    assert data["source"].startswith("chinesecalendar")
    assert (data["origin"], data["provisional"]) == ("library", False)


def test_show_2027_is_provisional_with_its_source_on_every_day(states: str) -> None:
    result = run("calendar", "show", "2027", "--states-dir", states)
    assert result.exit_code == 0, result.output
    assert "2027年 放假与调休安排（暂定）" in result.stdout
    assert "春节（补假）" in result.stdout
    assert "casework calendar notice add" in result.stdout
    data = json.loads(run("calendar", "show", "2027", "--json", "--states-dir", states).stdout)
    assert data["provisional"] is True
    assert {d["origin"] for d in data["days"]} == {"provisional"}
    assert not [d for d in data["days"] if d["kind"] == "makeup"]  # never invented
    assert data["working_days"] == 248


def test_default_states_dir_comes_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "calendar").mkdir()
    shutil.copy(FIXTURE_2027, tmp_path / "calendar" / "2027.toml")
    monkeypatch.setenv("CASEWORK_STATES_DIR", str(tmp_path))
    result = run("calendar", "show", "2027")
    assert result.exit_code == 0, result.output
    assert "来源：测试用虚构通知〔2026〕0号" in result.stdout
    assert run("calendar", "due", "2026-12-31", "1").stdout.strip() == "2027-01-04"


def test_help_is_chinese_with_examples() -> None:
    for command in ("due", "show"):
        result = run("calendar", command, "--help")
        assert result.exit_code == 0
        assert f"示例：casework calendar {command}" in result.stdout


# -- notices registered by the office --------------------------------------------------------

NOTICE = Path(__file__).resolve().parents[1] / "data" / "calendar" / "notice-2027.toml"


def test_an_administrator_registers_the_notice_and_the_calendar_follows(cli, time_machine) -> None:
    time_machine.move_to(at("2027-01-09"))  # the commands run on the day the notice arrives
    case = cli.register(on="2027-01-08")
    shown = cli.ok("lina", "case", "show", str(case), "--json", "--as-of", "2027-01-08").json
    assert (shown["clocks"][0]["due_on"], shown["clocks"][0]["provisional"]) == (
        "2027-02-11",
        True,
    )
    refusal = cli.refused("lina", "calendar", "notice", "add", str(NOTICE))
    assert "管理员" in refusal

    done = cli.ok("zonghe", "calendar", "notice", "add", str(NOTICE))
    assert "2027年放假通知 测试用虚构通知〔2026〕0号：已登记" in done.stdout
    assert f"案件 {case} 答复期限：2027-02-11 → 2027-02-14" in done.stdout
    again = cli.ok("zonghe", "calendar", "notice", "add", str(NOTICE), "--json").json
    assert again["status"] == "unchanged" and again["recompute"]["cases"] == []

    shown = cli.ok("lina", "case", "show", str(case), "--json", "--as-of", "2027-01-08").json
    assert (shown["clocks"][0]["due_on"], shown["clocks"][0]["provisional"]) == (
        "2027-02-14",
        False,
    )
    year = cli.ok(None, "calendar", "show", "2027", "--json").json
    assert (year["origin"], year["source"]) == ("notice", "测试用虚构通知〔2026〕0号")
    due = cli.ok(None, "calendar", "due", "2026-12-20", "20", "--json").json
    assert due["provisional"] is False
    timeline = cli.ok("lina", "case", "show", str(case), "--as-of", "2027-01-09").stdout
    assert "期限重算（节假日安排更新）" in timeline
    listed = cli.ok(None, "calendar", "notice", "list").stdout
    assert "2027年  测试用虚构通知〔2026〕0号（2026-11-20）  赵综合 登记于" in listed
    assert "现行" in listed
    assert cli.ok(None, "verify").stdout.startswith("校验通过")


def test_a_bad_notice_file_is_one_line_and_writes_nothing(cli, tmp_path: Path) -> None:
    bad = tmp_path / "2027.toml"
    bad.write_text(
        NOTICE.read_text(encoding="utf-8").replace("to = 2027-10-07", "to = 2027-10-02"),
        encoding="utf-8",
    )
    line = cli.refused("zonghe", "calendar", "notice", "add", str(bad))
    assert "2027-10-03（星期日，国庆节）" in line
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00y\x00e\x00a\x00r")
    assert "不是 UTF-8" in cli.refused("zonghe", "calendar", "notice", "add", str(binary))
    missing = cli.refused("zonghe", "calendar", "notice", "add", str(tmp_path / "none.toml"))
    assert "无法读取文件" in missing
    assert "尚未登记" in cli.ok(None, "calendar", "notice", "list").stdout


@pytest.mark.parametrize("today", ["2026-12-05", "2027-03-15", "2027-12-31"])
def test_a_clerks_day_on_a_date_no_notice_covers_yet(cli, time_machine, today: str) -> None:
    # Each act defaults to "today": registering, asking for and receiving a correction,
    # extending and replying all work on the real calendar's edge and beyond it.
    time_machine.move_to(at(today))
    case = str(cli.register(on=today))
    cli.ok("lina", "correction", "request", case, "--items", "文号", "--days", "5")
    cli.ok("lina", "correction", "received", case)
    extended = cli.ok(
        "lina", "extend", case, "--approver", "周科长", "--reason", "需调取档案", "--json"
    ).json
    reply = next(c for c in extended["clocks"] if c["kind"] == "reply")
    assert reply["provisional"] is True and reply["due_on"] > today
    assert "（暂定）" in cli.ok("lina", "case", "show", case).stdout
    cli.ok("lina", "reply", case, "--outcome", "disclosed", "--provision", "邮寄")
    assert cli.ok(None, "verify").stdout.startswith("校验通过")
