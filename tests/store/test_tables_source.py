"""The Core tables the engine runs on are the declared tables (store/models/), as migrated."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, text
from sqlmodel import SQLModel

import casework.store.models  # noqa: F401  (every declared table on SQLModel.metadata)
from casework.store import migrate, tables_source
from casework.store.db import create_db_engine
from casework.store.tables import METADATA

GENERATED = Path(tables_source.__file__).with_name("tables.py")


def test_the_generated_file_is_current() -> None:
    """Fails after a model changed without `python -m casework.store.tables_source > …`."""
    assert GENERATED.read_text(encoding="utf-8") == tables_source.source()


def test_every_declared_table_is_generated() -> None:
    assert set(METADATA.tables) == set(SQLModel.metadata.tables)


def test_the_migrated_database_matches_the_core_tables(db_url: str) -> None:
    """Columns, types, nullability, indexes and unique constraints: Alembic finds no
    difference between the migrated database and the tables the engine writes through."""
    db = create_db_engine(db_url)
    migrate.upgrade(db)
    with db.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), METADATA)
    db.dispose()
    left_out = {
        name for table in SQLModel.metadata.tables.values() for name in tables_source.omitted(table)
    }
    assert left_out == {"uq_calendar_notices_year_in_force"}
    assert sorted(d[1].name for d in diffs) == sorted(left_out)
    assert {d[0] for d in diffs} == {"remove_index"}


def test_python_side_defaults_follow_the_models() -> None:
    declared = SQLModel.metadata.tables
    for name, table in METADATA.tables.items():
        for column in table.columns:
            model = declared[name].c[column.name]
            assert (column.default is None) == (model.default is None), f"{name}.{column.name}"
            if column.default is not None:
                assert column.default.arg == model.default.arg  # type: ignore[attr-defined]  # scalar defaults only


def test_what_it_cannot_render_is_refused_with_the_column_named() -> None:
    table = Table("t", MetaData(), Column("n", Integer, server_default=text("0")))
    with pytest.raises(ValueError, match=r"t\.n: server default"):
        tables_source._column(table.c.n)
