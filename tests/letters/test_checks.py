"""check_letters: the letters a flow names must exist, belong to the flow and load."""

from __future__ import annotations

from pathlib import Path

import pytest

from casework.letters.checks import check_letters
from casework.resources import bundled_dir
from casework.workflow.loader import load_flows, load_rule_books
from tests.support.letters import extended_states


def flows(states: Path):  # type: ignore[no-untyped-def]
    return load_flows(states, load_rule_books(states))


def test_the_shipped_flows_name_only_letters_that_exist() -> None:
    states = bundled_dir("states")
    assert check_letters(flows(states), bundled_dir("templates")) == []


def test_the_extended_flows_too(tmp_path: Path) -> None:
    assert check_letters(flows(extended_states(tmp_path)), bundled_dir("templates")) == []


@pytest.mark.parametrize(
    ("letter", "problem"),
    [
        ("certificate", "未知的文书种类 'certificate'"),
        ("$nope", "未声明的输入 '$nope'"),
        ("review_answer", "review_answer 是 review 流程的文书"),
    ],
)
def test_bad_letter_names_are_reported(tmp_path: Path, letter: str, problem: str) -> None:
    states = extended_states(tmp_path)
    flow = states / "application.toml"
    text = flow.read_text(encoding="utf-8")
    flow.write_text(
        text.replace('letter = "extension_notice"', f'letter = "{letter}"'), encoding="utf-8"
    )
    problems = check_letters(flows(states), bundled_dir("templates"))
    assert len(problems) == 1
    assert "动作 extend" in problems[0] and problem in problems[0]


def test_a_missing_template_is_reported_for_the_move_that_needs_it(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    for path in bundled_dir("templates").glob("*.j2"):
        if path.name != "reply_other.html.j2":
            (templates / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    problems = check_letters(flows(bundled_dir("states")), templates)
    assert len(problems) == 1
    assert "动作 reply" in problems[0] and "reply_other.html.j2" in problems[0]
