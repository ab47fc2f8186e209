"""A fresh install a clerk can use at once: the sample staff, ``casework units``, the README's
first-day lines run as written, and output in Chinese and whole when piped."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

import casework
from casework.cli.main import app
from casework.store.tables import PEOPLE as PEOPLE_TABLE
from tests.support.cli import PEOPLE

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "states" / "sample_staff.toml"
README = ROOT / "README.md"


def run(url: str, user: str | None, *args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, [*args, "--db", url], env={"CASEWORK_USER": user})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture
def fresh(db_url: str) -> str:
    """A migrated database with nobody in the people table (a fresh install)."""
    casework.open(db_url, upgrade=True).db.dispose()
    return db_url


def first_day() -> list[str]:
    """The command lines of the README's first-day block."""
    text = README.read_text(encoding="utf-8")
    block = text.split("A first day, every command as one sample person", 1)[1]
    body = block.split("```", 2)[1]
    return [line for line in body.splitlines() if line.startswith("CASEWORK_USER=")]


def test_sample_staff_file_is_marked_and_covers_every_unit() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.startswith("# 示例人员名录（SAMPLE DATA")
    people = tomllib.loads(text)["people"]
    assert set(tomllib.loads(text)) == {"people"}
    assert all(p["sample"] is True and p["title"].startswith("示例：") for p in people)
    units = tomllib.loads((ROOT / "states" / "organisation.toml").read_text("utf-8"))["units"]
    clerks = {p["unit"] for p in people if p["role"] == "unit_clerk"}
    assert clerks == {u["code"] for u in units} and len(units) == 56
    roles = {p["role"] for p in people}
    assert {"general_section", "service_centre", "duty_office", "legal_office"} <= roles
    assert {"office_head", "auditor", "unit_head"} <= roles
    # the codes the tests' own people use are sample people with the same role (and unit)
    by_code = {p["code"]: p for p in people}
    for code, _name, role, unit, active in PEOPLE:
        if active and code in by_code:
            assert by_code[code]["role"] == role, code
            if role.startswith("unit_"):
                assert by_code[code]["unit"] == unit, code


REAL_ADMIN = """
[[people]]
code = "wanghong"
name = "王红"
role = "general_section"
title = "区政府办综合科科员"
unit = "zfb"
email = "wanghong@qiaokou.gov.example"
from_seed = false
"""


def test_directory_load_sample_then_the_real_directory(fresh: str, tmp_path: Path) -> None:
    loaded = run(fresh, None, "directory", "load", "--sample")
    assert loaded.exit_code == 0, loaded.output
    assert "其中示例人员 63 人（不是真实人员" in loaded.stdout
    shown = run(fresh, None, "directory", "show")
    assert "李娜（示例）" in shown.stdout and "不是真实人员" in shown.stdout
    assert run(fresh, "lina", "worklist", "--as-of", "2026-03-02").exit_code == 0
    # The sample names administrators: from now on only they load the directory, and the real
    # one must name an administrator too (the seed notice names none).
    bundled = ROOT / "states" / "organisation.toml"
    assert run(fresh, "lina", "directory", "load", str(bundled)).exit_code == 2
    kept = run(fresh, "zonghe", "directory", "load", str(bundled))
    assert kept.exit_code == 2 and "名录中没有管理员" in kept.stderr
    real_file = tmp_path / "organisation.toml"
    real_file.write_text(bundled.read_text(encoding="utf-8") + REAL_ADMIN, encoding="utf-8")
    real = run(fresh, "zonghe", "directory", "load", str(real_file))
    assert real.exit_code == 0, real.output
    assert "停用 63 人" in real.stdout
    db = create_engine(fresh)
    with db.connect() as conn:
        active = set(
            conn.scalars(select(PEOPLE_TABLE.c.code).where(PEOPLE_TABLE.c.active.is_(True)))
        )
    db.dispose()
    assert "lina" not in active and "xugang" in active and "wanghong" in active
    refused = run(fresh, "wanghong", "directory", "load")
    assert refused.exit_code == 2 and "--sample" in refused.stderr


def test_readme_first_day_runs_as_written(fresh: str) -> None:
    lines = first_day()
    assert len(lines) >= 5
    assert run(fresh, None, "directory", "load", "--sample").exit_code == 0
    for line in lines:
        words = shlex.split(line)
        user = words[0].removeprefix("CASEWORK_USER=")
        assert words[1] == "casework", line
        result = run(fresh, user, *words[2:])
        assert result.exit_code == 0, f"{line}\n{result.stdout}{result.stderr}"
    shown = run(fresh, "sun", "case", "show", "1", "--as-of", "2026-03-30").stdout
    assert "申请渠道：当面提交" in shown and "申请人类型：自然人" in shown
    assert "办理结果：予以公开" in shown and "送达方式：邮政寄送" in shown
    assert "承办单位：czj 区财政局" in shown
    assert not re.search(r"：(window|natural_person|disclosed|post)\b", shown)


def test_units_with_and_without_a_database(fresh: str, tmp_path: Path) -> None:
    listed = run(fresh, None, "units", "--json")
    assert listed.exit_code == 0
    data = json.loads(listed.stdout)
    assert data["count"] == 56
    assert {"code": "czj", "name": "区财政局", "group": "key", "seed_number": "3"} in data["units"]
    missing = tmp_path / "none.db"
    table = run(str(missing), None, "units")
    assert table.exit_code == 0 and "区财政局" in table.stdout and "共 56 个单位" in table.stdout
    assert not missing.exists(), "casework units created a database"


def test_help_pages_are_chinese() -> None:
    for args in (["--help"], ["case", "--help"], ["case", "show", "--help"], ["db", "--help"]):
        out = CliRunner().invoke(app, args, prog_name="casework").stdout
        for english in ("Usage:", "Options:", "Arguments:", "Commands:", "Show this message"):
            assert english not in out, (args, english)
        assert out.startswith("用法：casework")
    root = CliRunner().invoke(app, ["--help"], prog_name="casework").stdout
    assert "选项：" in root and "命令：" in root and "显示本帮助并退出。" in root
    assert "Install completion" not in root and "[选项] 命令 [参数]..." in root
    show = CliRunner().invoke(app, ["case", "show", "--help"], prog_name="casework").stdout
    assert "参数：" in show and "[必填]" in show and "[required]" not in show


def test_help_texts_keep_chinese_lines_together() -> None:
    """A help text written over several source lines shows no space where a line broke between
    two Chinese characters (in the command list and on the command's own page); a space before
    Latin text stays."""
    root = CliRunner().invoke(app, ["--help"], prog_name="casework").stdout
    page = CliRunner().invoke(app, ["worklist", "--help"], prog_name="casework").stdout
    for out in (root, page):
        assert "（逾期最久的在前，暂停计时的在后），红色为已逾期" in out
        assert "）， 红色" not in out
    sweep = CliRunner().invoke(app, ["sweep", "--help"], prog_name="casework").stdout
    assert "每条通知都只发一次。示例：casework sweep" in sweep


def test_integer_parse_error_is_chinese() -> None:
    result = CliRunner().invoke(app, ["report", "annual", "--year", "abc"], prog_name="casework")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "错误：--year 的值无效：应为整数，收到 'abc'；运行 casework report annual --help 查看用法"
    )


def test_piped_tables_print_whole_values(fresh: str) -> None:
    """CliRunner's stdout is not a terminal: nothing is cut at 80 columns."""
    assert run(fresh, None, "directory", "load", "--sample").exit_code == 0
    long_name = "武汉市硚口区某某某某某某某某某某某某某某某某某某有限责任公司"
    registered = run(
        fresh,
        "wangmin",
        "register",
        "--on",
        "2026-03-02",
        "--channel",
        "window",
        "--unit",
        "czj",
        "--applicant-name",
        long_name,
        "--applicant-kind",
        "business",
        "--request",
        "2025年区财政局部门预算",
    )
    assert registered.exit_code == 0, registered.stderr
    listed = run(fresh, "lina", "letter", "list").stdout
    assert "硚财政依申登〔2026〕1号" in listed and "…" not in listed
    worklist = run(fresh, "lina", "worklist", "--as-of", "2026-03-03").stdout
    assert long_name in worklist and "czj 区财政局" in worklist
