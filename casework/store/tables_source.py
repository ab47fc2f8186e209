"""Write ``casework/store/tables.py``: the Core tables of the declared schema (store/models/).

``python -m casework.store.tables_source > casework/store/tables.py`` after changing a model
(and writing its migration); ``tests/store/test_tables_source.py`` fails while the file differs
from what this prints. Only what the models use is rendered; anything else (a check constraint,
an ``ondelete``, a callable default, an unknown type) is refused, so that the generated tables
never silently differ from the declared ones.

One thing is left out on purpose: an index with dialect options (the partial unique index of
``calendar_notices``, ``postgresql_where``). Building it imports SQLAlchemy's PostgreSQL dialect,
about 20 ms, in every command on SQLite; queries never read an index definition, and the index
itself is made by its migration and declared in the model. ``OMITTED`` names them; the test
that compares these tables with a migrated database expects exactly those differences.
"""

from __future__ import annotations

import sys
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

HEADER = '''"""The tables as SQLAlchemy Core, which the engine runs on. GENERATED, do not edit.

Written by ``python -m casework.store.tables_source`` from the declared schema in
``casework/store/models/`` (edit the models, then regenerate; tests/store/test_tables_source.py
fails while this file is stale). Core tables need neither SQLModel nor pydantic at import, which
keeps a clerk's command fast (docs/architecture.md).
"""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from casework.store.column_types import UTCDateTime

METADATA = MetaData()
'''

_PLAIN_TYPES = {
    Boolean: "Boolean()",
    Date: "Date()",
    Integer: "Integer()",
    JSON: "JSON()",
    Text: "Text()",
}


LINE = 100  # ruff's line length (pyproject.toml): the file is written as ruff formats it


def _q(name: Any) -> str:
    """A name as ruff writes a string literal."""
    text = str(name)
    if '"' in text or "\\" in text:
        raise ValueError(f"name {text!r} is not rendered")
    return f'"{text}"'


def _call(function: str, parts: list[str]) -> str:
    """One call as an item of a Table(...): on one line when it fits, else one part per line."""
    line = f"    {function}({', '.join(parts)}),"
    if len(line) <= LINE:
        return line
    return "\n".join([f"    {function}(", *(f"        {part}," for part in parts), "    ),"])


def _type(column: Column[Any]) -> str:
    kind = type(column.type)
    if kind in _PLAIN_TYPES:
        return _PLAIN_TYPES[kind]
    if kind.__name__ == "AutoString":  # SQLModel's str: a VARCHAR (of any length on MySQL only)
        length = column.type.length  # type: ignore[attr-defined]  # a String subclass
        return f"String({length})" if length else "String()"
    if kind.__name__ == "UTCDateTime":
        return "UTCDateTime()"
    raise ValueError(f"{column.table.name}.{column.name}: type {column.type!r} is not rendered")


def _column(column: Column[Any]) -> str:
    parts = [_q(column.name), _type(column)]
    for key in column.foreign_keys:
        if key.ondelete or key.onupdate or key.name:
            raise ValueError(f"{column.table.name}.{column.name}: foreign key options not rendered")
        parts.append(f"ForeignKey({_q(key.target_fullname)})")
    if column.primary_key:
        parts.append("primary_key=True")
    if column.nullable != (not column.primary_key):
        parts.append(f"nullable={column.nullable}")
    if column.default is not None:
        value = getattr(column.default, "arg", None)
        if isinstance(value, str):
            parts.append(f"default={_q(value)}")
        elif isinstance(value, bool | int):
            parts.append(f"default={value!r}")
        else:
            raise ValueError(f"{column.table.name}.{column.name}: default {value!r} not rendered")
    if column.server_default is not None:
        raise ValueError(f"{column.table.name}.{column.name}: server default not rendered")
    if column.index:
        parts.append("index=True")
    if column.unique:
        parts.append("unique=True")
    return _call("Column", parts)


def omitted(table: Table) -> list[str]:
    """The names of the table's indexes that carry dialect options (see above)."""
    return sorted(str(index.name) for index in table.indexes if index.dialect_kwargs)


def _index(index: Index) -> str:
    parts = [_q(index.name), *(_q(c.name) for c in index.columns)]
    if index.unique:
        parts.append("unique=True")
    return _call("Index", parts)


def _table_items(table: Table) -> list[str]:
    """Indexes and constraints not already made by a column's own flags, in name order."""
    items: list[tuple[str, str]] = []
    for index in table.indexes:
        if not getattr(index, "_column_flag", False) and not index.dialect_kwargs:
            items.append((str(index.name), _index(index)))
    for constraint in table.constraints:
        if isinstance(constraint, PrimaryKeyConstraint | ForeignKeyConstraint):
            continue  # from the columns' primary_key and ForeignKey
        if isinstance(constraint, UniqueConstraint):
            if getattr(constraint, "_column_flag", False):
                continue
            parts = [*(_q(c.name) for c in constraint.columns), f"name={_q(constraint.name)}"]
            items.append((str(constraint.name), _call("UniqueConstraint", parts)))
            continue
        raise ValueError(f"{table.name}: constraint {constraint!r} is not rendered")
    return [line for _, line in sorted(items)]


def constant(table: Table) -> str:
    """The module-level name of a table: its SQL name in capitals (CLOCK_PAUSES)."""
    return table.name.upper()


def source() -> str:
    """The text of ``casework/store/tables.py``."""
    from sqlmodel import SQLModel

    import casework.store.models  # noqa: F401  (every declared table on SQLModel.metadata)

    blocks = [HEADER]
    for table in sorted(SQLModel.metadata.tables.values(), key=lambda t: t.name):
        lines = [f"{constant(table)} = Table(", f"    {_q(table.name)},", "    METADATA,"]
        note = "left out (casework/store/tables_source.py)"
        lines += [f"    # index {name}: {note}" for name in omitted(table)]
        lines += [_column(c) for c in table.columns]
        lines += _table_items(table)
        lines.append(")")
        blocks.append("\n".join(lines) + "\n")
    return "\n\n".join(blocks)


if __name__ == "__main__":
    sys.stdout.write(source())
