"""`casework db upgrade`, `verify` (exit 1 on a difference) and `clocks recompute`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

import casework
from casework.cli.main import app
from casework.store.tables import CASES
from tests.support.actors import APPLICANT, CENTRE
from tests.support.dates import at

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")


def test_upgrade_verify_and_recompute(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    upgraded = runner.invoke(app, ["db", "upgrade", "--db", db])
    assert upgraded.exit_code == 0, upgraded.output
    assert "载入单位 56 个" in upgraded.output
    current = runner.invoke(app, ["db", "current", "--db", db])
    assert "未初始化" not in current.output

    engine = casework.open(f"sqlite:///{db}")
    view = engine.register(
        CENTRE, on="2026-03-02", now=at("2026-03-02"), channel="window", unit="czj", **APPLICANT
    )
    clean = runner.invoke(app, ["verify", "--db", db, "--json"])
    assert clean.exit_code == 0
    quiet = {"pending": 0, "failed": [], "temp_files": [], "stale_temp_files": []}
    assert json.loads(clean.output) == {"ok": True, "differences": [], "letters": quiet}

    with engine.db.begin() as conn:
        conn.execute(update(CASES).where(CASES.c.id == view.id).values(state="closed"))
    dirty = runner.invoke(app, ["verify", "--db", db])
    assert dirty.exit_code == 1
    assert "state" in dirty.output and "closed" in dirty.output

    # A case whose row no longer matches its events is left alone and named (exit 1).
    recompute = runner.invoke(app, ["clocks", "recompute", "--db", db])
    assert recompute.exit_code == 1
    assert "重新计算：0 个案件的期限有变化" in recompute.stdout
    assert f"案件 {view.id} 无法重放" in recompute.stderr
    with engine.db.begin() as conn:
        conn.execute(update(CASES).where(CASES.c.id == view.id).values(state="in_progress"))
    assert runner.invoke(app, ["clocks", "recompute", "--db", db]).exit_code == 0


def test_commands_refuse_an_uninitialised_database(tmp_path: Path) -> None:
    (tmp_path / "none.db").touch()  # a file that is not a migrated database
    result = CliRunner().invoke(app, ["verify", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "casework db upgrade" in result.output
    assert "Traceback" not in result.output
