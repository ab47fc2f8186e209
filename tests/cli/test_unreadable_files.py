"""TOML files given to the CLI, or found in states/, that are not UTF-8 (GBK, UTF-16, binary):
one line naming the file, never a ``UnicodeDecodeError`` traceback (casework.tomlfiles.read_toml
and ``directory check``, which reads the text itself to list its problems)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casework.cli.main import app
from casework.resources import bundled_dir
from tests.support.cli import Cli

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

DATA = Path(__file__).resolve().parents[1] / "data" / "calendar"
NOT_UTF8 = "文件不是 UTF-8 编码的 TOML"

# How a TOML text ends up on disk when it is not UTF-8.
WRITERS = {
    "gbk": lambda text: text.encode("gb18030"),
    "utf-16": lambda text: text.encode("utf-16"),  # with BOM, as Windows Notepad writes it
    "binary": lambda text: bytes(range(128, 256)) * 4,
}


def write(path: Path, source: Path, how: str) -> Path:
    path.write_bytes(WRITERS[how](source.read_text(encoding="utf-8")))
    return path


def one_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    assert "Traceback" not in result.output
    return str(lines[0])


@pytest.mark.parametrize("how", sorted(WRITERS))
def test_directory_check_of_a_file_that_is_not_utf8(tmp_path: Path, how: str) -> None:
    path = write(tmp_path / "名录.toml", bundled_dir("states") / "organisation.toml", how)
    line = one_line(CliRunner().invoke(app, ["directory", "check", str(path)]))
    assert line == f"错误：{path}: {NOT_UTF8}"


@pytest.mark.parametrize("how", sorted(WRITERS))
def test_directory_load_of_a_file_that_is_not_utf8(
    sqlite_cli: Cli, tmp_path: Path, how: str
) -> None:
    path = write(tmp_path / "名录.toml", bundled_dir("states") / "organisation.toml", how)
    assert NOT_UTF8 in sqlite_cli.refused("zonghe", "directory", "load", str(path))


@pytest.mark.parametrize("how", sorted(WRITERS))
def test_a_calendar_notice_that_is_not_utf8(sqlite_cli: Cli, tmp_path: Path, how: str) -> None:
    path = write(tmp_path / "2027.toml", DATA / "notice-2027.toml", how)
    line = sqlite_cli.refused("zonghe", "calendar", "notice", "add", str(path))
    assert line == f"错误：{path}: {NOT_UTF8}"


@pytest.mark.parametrize("how", sorted(WRITERS))
@pytest.mark.parametrize("name", ["application.toml", "rules/2019.toml", "calendar/2027.toml"])
def test_states_check_names_a_file_that_is_not_utf8(tmp_path: Path, name: str, how: str) -> None:
    states = tmp_path / "states"
    shutil.copytree(bundled_dir("states"), states)
    path = states / name
    write(path, path if path.exists() else DATA / "2027.toml", how)
    result = CliRunner().invoke(app, ["states", "check", "--states-dir", str(states)])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [f"问题：{path}: {NOT_UTF8}"]
    assert "Traceback" not in result.output
