"""The schema is built by migrations only, and upgrading an older database keeps its data."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

import casework
from casework.store import migrate
from casework.store.db import create_db_engine
from tests.conftest import APPLICANT, CENTRE, at


def seed_first_revision(db: Engine) -> None:
    """A database at the first revision holding two units, two people (the administrator
    zonghe, the clerk lina) and one case (张三's)."""
    migrate.upgrade(db, "0001")
    with db.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO units (code, name, "group", from_seed) '
                "VALUES ('czj', '区财政局', 'key', true), ('zfb', '区政府办', 'office', true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO people (code, name, role, unit_code, active) VALUES "
                "('zonghe', '赵综合', 'general_section', 'zfb', true), "
                "('lina', '李娜', 'unit_clerk', 'czj', true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO cases (flow, state, rule_set, channel, received_on, applicant_name, "
                "applicant_kind, request, unit, last_on, last_event_hash, event_count, version, "
                "updated_at) VALUES ('application', 'in_progress', '2019', 'window', "
                "'2026-03-02', '张三', 'natural_person', 'x', 'czj', '2026-03-02', :h, 0, 1, "
                "'2026-03-02 10:00:00')"
            ),
            {"h": "0" * 64},
        )


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
