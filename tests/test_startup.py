"""A clerk's command loads only what it uses (issue 16: start-up time).

Start-up time itself is measured by ``bench/cli.py``, never asserted here; these tests keep
out of the read commands the imports that made them slow: SQLModel and pydantic (the engine
runs on Core tables, casework/store/tables.py), Alembic (the schema check is one query), the
letter machinery (Jinja2, the PDF and DOCX writers), and the PostgreSQL dialect on SQLite.
Each command runs in a fresh interpreter, as a clerk types it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NEVER_FOR_READS = (
    "sqlmodel",
    "pydantic",
    "alembic",
    "jinja2",
    "weasyprint",
    "docx",
    "openpyxl",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.postgresql",
)
NEVER_FOR_HELP = (*NEVER_FOR_READS, "sqlalchemy", "rich")

# Runs the CLI as `python -m casework` would, then writes the names of the loaded modules.
_PROBE = """
import atexit, json, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "casework"
runpy.run_module("casework", run_name="__main__")
"""


def _run(args: list[str], env: dict[str, str], out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PROBE, str(out), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _loaded(args: list[str], env: dict[str, str], tmp_path: Path) -> set[str]:
    out = tmp_path / "modules.json"
    done = _run(args, env, out)
    assert done.returncode == 0, done.stderr
    return set(json.loads(out.read_text()))


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """A SQLite database with the sample office and one application at the finance bureau."""
    folder = tmp_path_factory.mktemp("startup")
    db = str(folder / "casework.db")
    env = {**os.environ, "CASEWORK_LETTERS_DIR": str(folder / "letters")}
    env["CASEWORK_LETTER_FORMATS"] = "html"
    env["CASEWORK_CHAIN_KEY_FILE"] = str(folder / "chain.key")
    register = [
        "register", "--db", db, "--on", "2026-03-02", "--channel", "window", "--unit", "czj",
        "--applicant-name", "张三", "--applicant-kind", "natural_person", "--request", "预算",
    ]  # fmt: skip
    for args, user in (
        (["db", "upgrade", "--db", db], "wangmin"),
        (["directory", "load", "--sample", "--db", db], "wangmin"),
        (register, "wangmin"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "casework", *args],
            env={**env, "CASEWORK_USER": user},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    return db, {**env, "CASEWORK_USER": "lina"}


@pytest.mark.parametrize(
    "command",
    [
        ["worklist", "--as-of", "2026-03-05"],
        ["case", "show", "1", "--as-of", "2026-03-05"],
        ["find", "--text", "预算"],
        ["letter", "list", "--case", "1"],
        ["calendar", "due", "2026-12-31", "20"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_read_command_loads_no_orm_migrations_or_letter_machinery(
    office: tuple[str, dict[str, str]], command: list[str], tmp_path: Path
) -> None:
    db, env = office
    loaded = _loaded([*command, "--db", db], env, tmp_path)
    assert "casework.store.tables" in loaded or command[0] == "calendar"  # it did read
    assert (
        sorted(m for m in loaded if m.split(".")[0] in NEVER_FOR_READS or m in NEVER_FOR_READS)
        == []
    )


def test_help_loads_no_database_layer(tmp_path: Path) -> None:
    loaded = _loaded(["--help"], dict(os.environ), tmp_path)
    assert "casework.cli.main" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in NEVER_FOR_HELP) == []
