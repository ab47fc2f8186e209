"""A database left at an older revision, with data, for the upgrade tests."""

from __future__ import annotations

from sqlalchemy import Engine, text

from casework.store import migrate


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
