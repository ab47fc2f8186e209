"""The letters tables built by migration 0004 are the tables the code declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import casework.store.models  # noqa: F401  (every table on the metadata)
from casework.store import migrate
from casework.store.db import create_db_engine

OURS = {"letters", "letter_sequences", "letter_archive"}


def _tables(diff: object) -> set[str]:
    """Every name a difference entry mentions (tables, columns, indexes)."""
    if isinstance(diff, list | tuple):
        return set().union(*(_tables(part) for part in diff))
    if isinstance(diff, str):
        return {diff}
    table = getattr(diff, "table", None)
    return {str(getattr(diff, "name", "")), str(getattr(table, "name", ""))}


def test_migration_matches_the_declared_tables(db_url: str) -> None:
    db = create_db_engine(db_url)
    migrate.upgrade(db)
    with db.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        archive_rows = conn.exec_driver_sql("SELECT count(*) FROM letter_archive").scalar()
    db.dispose()
    ours = [d for d in diffs if _tables(d) & OURS]
    assert ours == []
    assert archive_rows == 1  # the database's identity, written by the migration
