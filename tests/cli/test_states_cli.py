"""`casework states check` and `casework states graph` as an administrator runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casework.cli.main import app
from casework.resources import bundled_dir

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

runner = CliRunner()
REAL = bundled_dir("states")


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of states/ whose `transfer` move requires a guard that does not exist."""
    states = tmp_path / "states"
    shutil.copytree(REAL, states)
    flow = states / "application.toml"
    text = flow.read_text(encoding="utf-8")
    assert 'requires = ["other_unit"]' in text
    flow.write_text(
        text.replace('requires = ["other_unit"]', 'requires = ["no_such_guard"]'), encoding="utf-8"
    )
    return states


def test_check_passes_on_the_shipped_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEWORK_STATES_DIR", raising=False)
    result = run("states", "check")
    assert result.exit_code == 0, result.output
    assert "校验通过" in result.stdout
    assert "问题" not in result.stdout


def test_check_passes_on_an_explicit_copy(tmp_path: Path) -> None:
    states = tmp_path / "states"
    shutil.copytree(REAL, states)
    result = run("states", "check", "--states-dir", str(states))
    assert result.exit_code == 0, result.output
    assert str(states) in result.stdout


def test_check_lists_the_problem_and_exits_1(broken: Path) -> None:
    result = run("states", "check", "--states-dir", str(broken))
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("问题：")]
    assert len(lines) == 1, result.stdout
    assert "no_such_guard" in lines[0]
    assert "transfer" in lines[0]
    assert "校验通过" not in result.stdout


def test_check_refuses_a_misspelt_key_naming_file_table_and_key(tmp_path: Path) -> None:
    # `lenght = 20` used to pass the check and crash the first registration.
    states = tmp_path / "states"
    shutil.copytree(REAL, states)
    rules = states / "rules" / "2019.toml"
    text = rules.read_text(encoding="utf-8")
    assert "length = 20 " in text
    rules.write_text(text.replace("length = 20 ", "lenght = 20 ", 1), encoding="utf-8")
    result = run("states", "check", "--states-dir", str(states))
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("问题：")]
    assert len(lines) == 1, result.stdout
    assert "2019.toml" in lines[0]
    assert "[clocks.reply]" in lines[0]
    assert '未知的键 "lenght"' in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "allowed"),
    [("letters.toml", "district"), ("escalation.toml", "clocks")],
)
def test_check_covers_the_letters_and_ladder_files(tmp_path: Path, name: str, allowed: str) -> None:
    states = tmp_path / "states"
    shutil.copytree(REAL, states)
    path = states / name
    path.write_text("lenght = 1\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("states", "check", "--states-dir", str(states))
    assert result.exit_code == 1, result.output
    assert f'{name}: 未知的键 "lenght"' in result.stdout
    assert allowed in result.stdout
    assert "Traceback" not in result.output


def test_check_reports_a_toml_syntax_error(tmp_path: Path) -> None:
    states = tmp_path / "states"
    shutil.copytree(REAL, states)
    (states / "rules" / "2008.toml").write_text('name = "2008\n', encoding="utf-8")
    result = run("states", "check", "--states-dir", str(states))
    assert result.exit_code == 1, result.output
    assert "2008.toml" in result.stdout
    assert "TOML" in result.stdout
    assert "Traceback" not in result.output


def test_graph_application_is_mermaid() -> None:
    result = run("states", "graph", "application")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "stateDiagram-v2" in out
    assert "new --> awaiting_forward: register" in out
    assert "new --> in_progress: register" in out
    assert "awaiting_forward --> in_progress: forward" in out
    assert "in_progress --> replied: reply" in out
    assert "已答复" in out  # states carry their Chinese labels


def test_graph_of_an_unknown_flow_is_one_chinese_line() -> None:
    result = run("states", "graph", "nosuch")
    assert result.exit_code == 2
    assert "nosuch" in result.stderr
    assert "未知的流程" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
