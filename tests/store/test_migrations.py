"""The schema is built by migrations only, and upgrading an older database keeps its data."""

from __future__ import annotations

from sqlalchemy import inspect, text

import casework
from casework.store import migrate
from casework.store.db import create_db_engine
from tests.support.actors import APPLICANT, CENTRE
from tests.support.dates import at
from tests.support.migrations import seed_first_revision


def test_upgrade_from_the_first_revision_keeps_cases(db_url: str) -> None:
    db = create_db_engine(db_url)
    seed_first_revision(db)
    migrate.upgrade(db)
    assert migrate.is_current(db)
    columns = {c["name"] for c in inspect(db).get_columns("cases")}
    assert {"parent_id", "details"} <= columns
    with db.connect() as conn:
        assert conn.execute(text("SELECT details, applicant_name FROM cases")).one()[1] == "张三"
    db.dispose()
    engine = casework.open(db_url, upgrade=True)
    view = engine.register(
        CENTRE, on="2026-03-03", now=at("2026-03-03"), channel="window", unit="czj", **APPLICANT
    )
    assert view.id == 2
    engine.db.dispose()


def test_the_heads_the_engine_expects_are_the_newest_scripts() -> None:
    # Checking a database is one query against HEADS; a new migration must update HEADS.
    assert migrate.head_revisions() == migrate.HEADS
