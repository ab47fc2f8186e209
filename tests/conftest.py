"""Shared fixtures: real SQLite files and (when CASEWORK_TEST_DATABASE_URL is set) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from casework.domain.roles import Actor
from casework.settings import TIMEZONE

PG_ENV = "CASEWORK_TEST_DATABASE_URL"
PG_SKIP = (
    f"{PG_ENV} is not set: no PostgreSQL server to test against "
    "(.ci/run sets it when 127.0.0.1:5432 answers)"
)


def _pg_schema_url(base: str) -> Iterator[str]:
    """A fresh schema on the test server for one test, dropped afterwards."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(autouse=True)
def letters_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Issued letters go to a per-test archive, as HTML only unless a test asks for more
    (PDF rendering costs 0.15–0.3 s a letter: tests/letters turns it on where it is tested)."""
    root = tmp_path / "letters"
    monkeypatch.setenv("CASEWORK_LETTERS_DIR", str(root))
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html")
    return root


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each database test runs on a SQLite file and, when configured, on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'casework.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    yield from _pg_schema_url(base)


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    import casework

    eng = casework.open(db_url, upgrade=True)
    yield eng
    eng.db.dispose()


def at(day: str, hour: int = 10) -> datetime:
    """A moment on a given day in Asia/Shanghai (tests pass time explicitly)."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TIMEZONE)


# "Today" for the tests that do not choose their own time (the CLI's --on and --as-of default
# to it, ``casework sweep`` and the scheduler read the clock): Friday 2026-12-04, a working day
# in the last year the calendar sources know and after every date the CLI tests move on, so no
# move is "later than today" and no "today" falls in a provisionally counted year. The machine's
# own date must not matter: .ci/run runs the suite a second time under faketime in a later year.
TODAY = at("2026-12-04", 15)


@pytest.fixture
def pinned_today(time_machine: Any) -> datetime:
    """The wall clock (``datetime.now``, ``date.today``, ``time.time``) at ``TODAY`` for the whole
    test, through time-machine's own fixture; it keeps running from there, so timeouts, the SMTP
    server and the scheduler's threads behave. Subprocesses are not affected: give them dates."""
    time_machine.move_to(TODAY)
    return TODAY


CENTRE = Actor("王敏", "service_centre")
DUTY = Actor("熊值班", "duty_office")
CLERK = Actor("李娜", "unit_clerk", "czj")
HEAD = Actor("周科长", "unit_head", "czj")
OTHER_CLERK = Actor("陈静", "unit_clerk", "jyj")
LEGAL = Actor("法制办刘", "legal_office")
AUDITOR = Actor("审计孙", "auditor")
GENERAL = Actor("赵综合", "general_section")

APPLICANT = {
    "applicant_name": "张三",
    "applicant_kind": "natural_person",
    "request": "2025年区财政局部门预算及“三公”经费预算",
}
