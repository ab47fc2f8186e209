"""The whole ``casework`` command tree: help texts, examples, usage errors, completion, version.

The tree is walked from ``casework.cli.main.app``, so commands other features add later are held
to the same rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import version

import pytest
import typer
from typer.testing import CliRunner

from casework.cli.main import app

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

runner = CliRunner()


def walk(command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, object]]:  # type: ignore[no-untyped-def]
    yield " ".join(("casework", *path)), command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


TREE = dict(walk(typer.main.get_command(app)))
LEAVES = {path: cmd for path, cmd in TREE.items() if not hasattr(cmd, "commands")}


def test_the_tree_has_the_clerk_commands() -> None:
    for path in (
        "casework register",
        "casework correction request",
        "casework fee lapsed",
        "casework case show",
        "casework worklist",
        "casework find",
        "casework import",
    ):
        assert path in LEAVES


@pytest.mark.parametrize("path", sorted(TREE))
def test_every_command_has_help(path: str) -> None:
    command = TREE[path]
    assert (command.help or "").strip(), f"{path} has no help text"
    for param in command.params:
        if param.name != "help":
            assert (getattr(param, "help", None) or "").strip(), f"{path} {param.name}: no help"


@pytest.mark.parametrize("path", sorted(LEAVES))
def test_every_command_help_has_an_example(path: str) -> None:
    help_text = LEAVES[path].help or ""
    assert "示例：" in help_text, f"{path}: its help has no line starting with 示例："
    example = help_text.split("示例：", 1)[1].strip()
    assert example.startswith(path), f"{path}: the example does not run this command"


@pytest.mark.parametrize("path", sorted(LEAVES))
def test_help_is_printed(path: str) -> None:
    result = runner.invoke(app, [*path.split()[1:], "--help"])
    assert result.exit_code == 0, result.output
    assert "示例：" in result.stdout
    # typer's own metavars are Chinese too.
    english = ("<str>", "<int>", "<path>", "<float>", "<int range>", "<float range>")
    assert not any(word in result.stdout for word in english)


def _root_help(group, capsys: pytest.CaptureFixture[str]) -> str:  # type: ignore[no-untyped-def]
    assert group.main(["--help"], prog_name="casework", standalone_mode=False) == 0
    return capsys.readouterr().out


def test_a_command_is_built_when_a_command_line_reaches_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """cli/lazy.py: `casework --help` lists the commands without building any (issue 16)."""
    group = typer.main.get_command(app)
    assert "命令：" in _root_help(group, capsys)
    assert group.commands.built() == []
    assert group.main(["case", "show", "--help"], prog_name="casework", standalone_mode=False) == 0
    assert group.commands.built() == ["case"]


def test_the_root_lists_the_commands_as_they_are_built(
    capsys: pytest.CaptureFixture[str],
) -> None:
    group = typer.main.get_command(app)
    listed = _root_help(group, capsys)
    for name in group.commands:
        assert group.commands[name].name == name
    assert group.commands.built() == list(group.commands)
    assert _root_help(group, capsys) == listed


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"casework {version('casework')}\n"


def test_shell_completion_script_and_completions() -> None:
    script = runner.invoke(app, ["--show-completion", "bash"], prog_name="casework")
    assert script.exit_code == 0
    assert "_CASEWORK_COMPLETE=complete_bash" in script.stdout
    words = runner.invoke(
        app,
        [],
        prog_name="casework",
        env={
            "_CASEWORK_COMPLETE": "complete_bash",
            "COMP_WORDS": "casework fee ",
            "COMP_CWORD": "2",
        },
    )
    assert words.stdout.split() == ["notice", "paid", "lapsed"]


def test_option_values_complete_from_their_lists() -> None:
    result = runner.invoke(
        app,
        [],
        prog_name="casework",
        env={
            "_CASEWORK_COMPLETE": "complete_bash",
            "COMP_WORDS": "casework deliver 1 --method p",
            "COMP_CWORD": "4",
        },
    )
    assert result.stdout.split() == ["post", "platform"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["reply", "1", "--outcom", "disclosed"],
            "错误：没有选项 --outcom（是否想用 --outcome？）",
        ),
        (["reply"], "错误：缺少必填项 CASE"),
        (["reply", "1", "2"], "错误：多余的参数：2"),
        (["reply", "1", "--outcome"], "错误：选项 --outcome 需要一个值"),
        (["correction", "asked"], "错误：没有命令 asked"),
        (["case", "show", "1", "--json=yes"], "错误：选项 --json 不接受取值"),
    ],
)
def test_usage_errors_are_one_chinese_line(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(expected), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--help 查看用法" in result.stderr


def test_debug_shows_the_traceback() -> None:
    from casework.errors import InvalidInput

    result = runner.invoke(app, ["--debug", "reply", "1", "--outcom", "x"])
    assert result.exit_code != 0
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.field == "--outcom"
