"""A value an option's type refuses is reported in Chinese (cli/usage.py).

Click's parameter types (vendored by typer) write their reasons in English: ``'abc' is not a
valid int.``. Each type typer gives an option is tried here on a small app with the root group
of ``casework``, and the commands of ``casework`` that use them on the real tree.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import pytest
import typer
from typer._click.types import FloatRange
from typer.testing import CliRunner

from casework.cli.errors import CaseworkGroup
from casework.cli.main import app as casework_app

runner = CliRunner()


class Colour(StrEnum):
    red = "red"
    green = "green"


def _even(value: int | None) -> int | None:
    if value is not None and value % 2:
        raise typer.BadParameter(f"{value} is not even：应为偶数")
    return value


def _app() -> typer.Typer:
    app = typer.Typer(cls=CaseworkGroup)

    @app.callback()
    def root() -> None:
        """The root."""

    @app.command()
    def take(
        flag: Annotated[bool | None, typer.Argument()] = None,
        count: Annotated[int | None, typer.Option()] = None,
        ratio: Annotated[float | None, typer.Option()] = None,
        port: Annotated[int | None, typer.Option(min=1, max=65535)] = None,
        share: Annotated[
            float | None, typer.Option(click_type=FloatRange(0, 1, max_open=True))
        ] = None,
        colour: Annotated[Colour | None, typer.Option()] = None,
        size: Annotated[Literal["s", "m"] | None, typer.Option()] = None,
        when: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
        at: Annotated[datetime | None, typer.Option()] = None,
        source: Annotated[Path | None, typer.Option(exists=True)] = None,
        folder: Annotated[Path | None, typer.Option(file_okay=False)] = None,
        file: Annotated[Path | None, typer.Option(dir_okay=False)] = None,
        key: Annotated[uuid.UUID | None, typer.Option()] = None,
        even: Annotated[int | None, typer.Option(callback=_even)] = None,
    ) -> None:
        """Takes values."""

    return app


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--count", "abc"], "--count 的值无效：应为整数，收到 'abc'"),
        (["--count", "1.5"], "--count 的值无效：应为整数，收到 '1.5'"),
        (["--ratio", "x"], "--ratio 的值无效：应为数字，收到 'x'"),
        (["--port", "0"], "--port 的值无效：应为不小于 1、不大于 65535 的整数，收到 0"),
        (["--port", "abc"], "--port 的值无效：应为不小于 1、不大于 65535 的整数，收到 'abc'"),
        (["--share", "1"], "--share 的值无效：应为不小于 0、小于 1 的数字，收到 1.0"),
        (["--colour", "blue"], "--colour 的值无效：应为 red、green 之一，收到 'blue'"),
        (["--size", "xl"], "--size 的值无效：应为 s、m 之一，收到 'xl'"),
        (["maybe"], "FLAG 的值无效：应为 true 或 false（也可写 yes、no、1、0），收到 'maybe'"),
        (["--when", "2026/3/2"], "--when 的值无效：日期格式错误，应为 YYYY-MM-DD，收到 '2026/3/2'"),
        (
            ["--at", "soon"],
            "--at 的值无效：日期格式错误，应为 YYYY-MM-DD、YYYY-MM-DDTHH:MM:SS、"
            "YYYY-MM-DD HH:MM:SS，收到 'soon'",
        ),
        (["--key", "k"], "--key 的值无效：应为 UUID，收到 'k'"),
        # A callback's own reason is kept, even on a number.
        (["--even", "3"], "--even 的值无效：3 is not even：应为偶数"),
        # A quoted value keeps its quotes and whatever words it holds.
        (["--count", "it is not"], "--count 的值无效：应为整数，收到 'it is not'"),
    ],
)
def test_a_refused_value_is_one_chinese_line(args: list[str], expected: str) -> None:
    result = runner.invoke(_app(), ["take", *args], prog_name="prog")
    assert result.exit_code == 2
    assert result.stderr == f"错误：{expected}；运行 prog take --help 查看用法\n"


def test_refused_paths(tmp_path: Path) -> None:
    missing, folder, file = tmp_path / "missing.csv", tmp_path, tmp_path / "a.csv"
    file.write_text("")
    expected = {
        ("--source", missing): f"--source 的值无效：路径 '{missing}' 不存在",
        ("--folder", file): f"--folder 的值无效：目录 '{file}' 是文件，应为目录",
        ("--file", folder): f"--file 的值无效：文件 '{folder}' 是目录，应为文件",
    }
    for (option, path), line in expected.items():
        result = runner.invoke(_app(), ["take", option, str(path)], prog_name="prog")
        assert result.exit_code == 2
        assert result.stderr == f"错误：{line}；运行 prog take --help 查看用法\n"


@pytest.mark.parametrize(
    ("command", "value", "expected"),
    [
        ("report annual --year", "abc", "--year 的值无效：应为整数，收到 'abc'"),
        ("report hot --threshold", "x", "--threshold 的值无效：应为数字，收到 'x'"),
        ("outbox list --limit", "x", "--limit 的值无效：应为整数，收到 'x'"),
        ("serve --port", "0", "--port 的值无效：应为不小于 1、不大于 65535 的整数，收到 0"),
        ("demo --cases", "many", "--cases 的值无效：应为不小于 1、不大于 5000 的整数，收到 'many'"),
        (
            "apikey revoke",
            "0",
            "KEY_ID 的值无效：应为不小于 1、不大于 2147483647 的整数，收到 0",
        ),
    ],
)
def test_the_commands_refuse_values_in_chinese(command: str, value: str, expected: str) -> None:
    result = runner.invoke(casework_app, [*command.split(), value], prog_name="casework")
    assert result.exit_code == 2
    path = " ".join(w for w in command.split() if not w.startswith("-"))
    assert result.stderr == f"错误：{expected}；运行 casework {path} --help 查看用法\n"
    # Nothing of click's English is left: the only Latin letters are the option and the value.
    reason = expected.split("：", 1)[1].replace(value, "")
    assert not re.search(r"[A-Za-z]", reason), reason


def test_options_without_a_command() -> None:
    result = runner.invoke(casework_app, ["--debug"], prog_name="casework")
    assert result.exit_code == 2
    assert result.stderr == "错误：缺少命令；运行 casework --help 查看用法\n"
