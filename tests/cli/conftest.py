"""Fixtures of the CLI tests: the clerk's CLI on a fresh database with its people
(tests/support/cli.py).

Nothing here is autouse: the modules whose commands read the wall clock pin it with
``pytestmark = pytest.mark.usefixtures("pinned_today")`` (tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import Cli, with_people


@pytest.fixture
def cli(db_url: str) -> Cli:
    """The CLI on a fresh database (SQLite, and PostgreSQL when configured)."""
    return with_people(db_url)


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> Cli:
    """The CLI on a SQLite file only: for sweeps over every command that test the command
    line itself (the database behaviour is covered on both databases by ``cli``)."""
    return with_people(f"sqlite:///{tmp_path / 'casework.db'}")


@pytest.fixture
def case(cli: Cli) -> int:
    """A window application to the finance bureau (czj), received Monday 2026-03-02."""
    return cli.register()
