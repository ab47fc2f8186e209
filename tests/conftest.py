"""Shared fixtures: real SQLite files and (when CASEWORK_TEST_DATABASE_URL is set) PostgreSQL.

Fixtures only; the helpers and constants the tests share are in tests/support/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.databases import DATABASES, PG_ENV, PG_SKIP, pg_schema_url
from tests.support.dates import TODAY

# Fixtures several folders use (the local SMTP server: tests/escalation and tests/cli).
pytest_plugins = ["tests.support.smtp"]


@pytest.fixture(autouse=True)
def letters_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Issued letters go to a per-test archive, as HTML only unless a test asks for more
    (PDF rendering costs 0.15–0.3 s a letter: tests/letters turns it on where it is tested)."""
    root = tmp_path / "letters"
    monkeypatch.setenv("CASEWORK_LETTERS_DIR", str(root))
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html")
    return root


@pytest.fixture(autouse=True)
def chain_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The event chain's key file of the test (made by its first move): never the default
    ``casework-chain.key`` of a PostgreSQL database in the working directory."""
    path = tmp_path / "chain.key"
    monkeypatch.setenv("CASEWORK_CHAIN_KEY_FILE", str(path))
    return path


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each database test runs on a SQLite file and, when configured, on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'casework.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    yield from pg_schema_url(base)


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    import casework

    eng = casework.open(db_url, upgrade=True)
    yield eng
    eng.db.dispose()


@pytest.fixture
def pinned_today(time_machine: Any) -> datetime:
    """The wall clock (``datetime.now``, ``date.today``, ``time.time``) at ``TODAY``
    (tests/support/dates.py) for the whole test, through time-machine's own fixture; it keeps
    running from there, so timeouts, the SMTP server and the scheduler's threads behave.
    Subprocesses are not affected: give them dates."""
    time_machine.move_to(TODAY)
    return TODAY
