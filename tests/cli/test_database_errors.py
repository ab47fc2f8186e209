"""A database that cannot be used is one line naming its URL (never the password), exit 3, and
a read never creates a database (issue 13: operational errors)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import casework
from casework.cli.main import app
from casework.errors import DatabaseUnavailable
from tests.support.databases import PG_ENV

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

runner = CliRunner()


def one_line(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    return lines[0]


@pytest.mark.parametrize("command", [["worklist"], ["verify"], ["db", "current"]])
def test_a_read_where_no_database_exists_creates_none(tmp_path: Path, command) -> None:
    missing = tmp_path / "none.db"
    line = one_line([*command, "--db", str(missing)])
    assert "不存在" in line and "casework db upgrade" in line
    assert not missing.exists()


def test_an_unusable_sqlite_directory(tmp_path: Path) -> None:
    line = one_line(["db", "upgrade", "--db", str(tmp_path / "no" / "such" / "dir" / "c.db")])
    assert "unable to open database file" in line


def test_a_closed_port_and_an_unknown_host_hide_the_password() -> None:
    line = one_line(["worklist", "--db", "postgresql://clerk:s3cret@127.0.0.1:1/test"])
    assert "postgresql+psycopg://clerk:***@127.0.0.1:1/test" in line and "s3cret" not in line
    line = one_line(["worklist", "--db", "postgresql://clerk:s3cret@nosuchhost.invalid/x"])
    assert "nosuchhost.invalid" in line and "s3cret" not in line


def test_a_missing_postgresql_database(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to ask for a missing database")
    url = base.rsplit("/", 1)[0] + "/casework_no_such_database"
    line = one_line(["worklist", "--db", url])
    assert "casework_no_such_database" in line and "does not exist" in line


def test_the_library_raises_the_same_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable) as err:
        casework.open(f"sqlite:///{tmp_path / 'none.db'}")
    assert err.value.field == "database_url"
    assert not (tmp_path / "none.db").exists()
