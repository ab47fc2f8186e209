"""Core statements compiled once per dialect and run on the driver's cursor of a Connection.

A move is five statements, and ``Connection.execute`` spends more time per statement in its
execution context (parameter construction, event dispatch, result set-up) than SQLite spends
running it: measured with ``bench/engine.py --profile``, about half of a move's CPU time. The
hot statements of the repository therefore run here: SQLAlchemy still writes the SQL (its
compiler) and converts every value (each type's ``bind_processor`` and ``result_processor``
for the dialect); only the per-call execution context is skipped. The caller's Connection
keeps the transaction: the statements run on its DBAPI connection, inside its BEGIN/COMMIT.
Driver errors are raised as SQLAlchemy's own exception classes, as ``Connection.execute``
would raise them.

This leans on SQLAlchemy's compiler internals (``binds``, ``positiontup``, type processors).
pyproject.toml pins SQLAlchemy to the series it was tested on; should a release still differ,
a statement whose compilation cannot be read that way falls back to ``Connection.execute``
(correct, only slower), and ``FAST_PATH = False`` forces the fallback (tests run both paths).
"""

from __future__ import annotations

import contextlib
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

_Processor = Callable[[Any], Any] | None
# False: every statement goes through Connection.execute (the tests run both paths).
FAST_PATH = True
# What reading a compiled statement raises when SQLAlchemy's internals are not as expected.
_INTERNALS_DIFFER = (AttributeError, KeyError, TypeError, IndexError, ValueError)


class _Compiled:
    """One statement with one set of parameter keys, compiled for one dialect."""

    def __init__(self, statement: Any, keys: tuple[str, ...], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        if compiled.escaped_bind_names:
            raise ValueError(f"bind names needing escapes are not supported: {compiled.string}")
        self.sql = compiled.string
        self.dialect = dialect
        binds = compiled.binds
        names = list(compiled.positiontup) if compiled.positional else list(binds)
        # (name in the SQL, key in the caller's parameters, value processor)
        self.binds: list[tuple[str, str, _Processor]] = [
            (
                name,
                binds[name].key,
                binds[name].type.dialect_impl(dialect).bind_processor(dialect),
            )
            for name in names
        ]
        self.positional = compiled.positional
        self.columns: list[tuple[str, Any]] = [
            (column.key, column.type) for column in statement.exported_columns
        ]
        # (the row class's _make, the result processors by column index)
        self._row: tuple[Callable[[Any], Any], list[tuple[int, Callable[[Any], Any]]]] | None = None

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        try:
            if self.positional:
                return [
                    process(values[key]) if process else values[key]
                    for _, key, process in self.binds
                ]
            return {
                name: process(values[key]) if process else values[key]
                for name, key, process in self.binds
            }
        except KeyError as missing:
            raise ValueError(f"no value for {missing} in {self.sql}") from None

    def rows(self, cursor: Any) -> list[Any]:
        if self._row is None:  # result processors depend on the driver's column types
            made = namedtuple("Row", [key for key, _ in self.columns])  # type: ignore[misc]  # field names known at run time only
            processors = [
                (i, process)
                for i, ((_, type_), described) in enumerate(
                    zip(self.columns, cursor.description, strict=True)
                )
                if (
                    process := type_.dialect_impl(self.dialect).result_processor(
                        self.dialect, described[1]
                    )
                )
            ]
            self._row = (made._make, processors)
        make_row, processors = self._row
        out = []
        for raw in cursor.fetchall():
            values = list(raw)
            for i, process in processors:
                values[i] = process(values[i])
            out.append(make_row(values))
        return out


# The compiled statements live on the dialect object they were compiled for, so they go when
# its engine goes (a cache keyed by dialect elsewhere would keep every dialect alive: compiled
# statements and their value processors refer to it).
_ATTRIBUTE = "_casework_compiled"


def _compiled(dialect: Dialect, statement: Executable, keys: tuple[str, ...]) -> _Compiled | None:
    """The statement compiled for the cursor, or None when it must go through
    ``Connection.execute`` (the fast path is off, or SQLAlchemy's internals differ)."""
    if not FAST_PATH:
        return None
    per_dialect: dict[tuple[Any, tuple[str, ...]], _Compiled | None] | None = getattr(
        dialect, _ATTRIBUTE, None
    )
    if per_dialect is None:
        per_dialect = {}
        setattr(dialect, _ATTRIBUTE, per_dialect)
    key = (statement, keys)
    if key not in per_dialect:
        try:
            per_dialect[key] = _Compiled(statement, keys, dialect)
        except _INTERNALS_DIFFER:
            per_dialect[key] = None
    return per_dialect[key]


def _through_connection(
    conn: Connection,
    statement: Executable,
    rows: Sequence[Mapping[str, Any]],
    many: bool,
    fetch: bool,
) -> Any:
    """The same call through SQLAlchemy's public API (Row objects have the same attributes)."""
    result = conn.execute(statement, [dict(r) for r in rows] if many else dict(rows[0]))
    if many:
        return None
    return list(result) if fetch else result.rowcount


def _run(
    conn: Connection,
    statement: Executable,
    rows: Sequence[Mapping[str, Any]],
    *,
    many: bool = False,
    fetch: bool = False,
) -> Any:
    compiled = _compiled(conn.dialect, statement, tuple(rows[0]))
    if compiled is None:
        return _through_connection(conn, statement, rows, many, fetch)
    parameters = (
        [compiled.parameters(values) for values in rows] if many else compiled.parameters(rows[0])
    )
    if not conn.in_transaction():
        # What Connection.execute would do (autobegin): the reads that follow, through either
        # path, then share one transaction and see one snapshot.
        conn.begin()
    cursor = conn.connection.cursor()
    try:
        if many:
            cursor.executemany(compiled.sql, cast("list[Any]", parameters))  # a list when many
            return None
        cursor.execute(compiled.sql, parameters)
        return compiled.rows(cursor) if fetch else cursor.rowcount
    except conn.dialect.loaded_dbapi.Error as error:
        # As Connection.execute does: a lost connection is invalidated, so the pool replaces it
        # and the caller's rollback does not fail on it a second time.
        lost = conn.dialect.is_disconnect(error, conn.connection.dbapi_connection, cursor)
        if lost:
            conn.invalidate(error)
        raise DBAPIError.instance(
            compiled.sql,
            parameters,
            error,
            conn.dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=conn.dialect,
        ) from error
    finally:
        with contextlib.suppress(conn.dialect.loaded_dbapi.Error):  # as SQLAlchemy closes them
            cursor.close()


def execute(conn: Connection, statement: Executable, values: Mapping[str, Any]) -> int:
    """Run a write; returns the number of rows it touched."""
    return int(_run(conn, statement, [values]))


def executemany(conn: Connection, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run a write once per row; every row has the same keys."""
    _run(conn, statement, rows, many=True)


def fetch(conn: Connection, statement: Executable, values: Mapping[str, Any]) -> list[Any]:
    """Rows of a SELECT, or of a write with RETURNING, as named tuples of converted values."""
    rows: list[Any] = _run(conn, statement, [values], fetch=True)
    return rows
