"""Database connections: SQLite (a file; WAL, foreign keys) by default, PostgreSQL by URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from casework.errors import DatabaseUnavailable, InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.pool import ConnectionPoolEntry

# Transactions that write take SQLite's write lock at BEGIN, so two writers queue instead of
# one failing half-way; reads stay deferred. PostgreSQL ignores the option.
WRITE = {"sqlite_begin": "IMMEDIATE"}


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use psycopg 3 for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is refused by create_db_engine with its own message
        return url


def check_reachable(engine: Engine, *, must_exist: bool) -> None:
    """Connect once, or raise ``DatabaseUnavailable`` in one line: a closed port, an unknown
    host, a missing PostgreSQL database, no permission, an unusable SQLite path. With
    ``must_exist`` a SQLite file that is not there is refused instead of being created (a read
    never creates a database; ``casework db upgrade`` does)."""
    url = engine.url.render_as_string(hide_password=True)
    database = engine.url.database
    if (
        engine.dialect.name == "sqlite"
        and must_exist
        and database not in (None, "", ":memory:")
        and not Path(database).is_file()
    ):
        raise DatabaseUnavailable(
            f"数据库 {url} 不存在：新建请先运行 casework db upgrade",
            field="database_url",
            rule="a read never creates a database",
        )
    try:
        with engine.connect():
            pass
    except DBAPIError as err:
        engine.dispose()
        reason = " ".join(str(err.orig).split())[:300] if err.orig is not None else "未知原因"
        raise DatabaseUnavailable(
            f"无法连接数据库 {url}：{reason}",
            field="database_url",
            rule="the database must be reachable",
        ) from None


def create_db_engine(url: str) -> Engine:
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except Exception:
        raise InvalidInput(
            f"数据库地址无法识别：{url!r}（例：sqlite:///casework.db 或 "
            "postgresql+psycopg://user@host/db）",
            field="database_url",
            rule="SQLAlchemy URL",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
            dbapi_conn.isolation_level = None  # BEGIN is emitted by the listener below
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            # On the driver's connection: a full Connection.execute here would cost a move as
            # much as one of its statements (bench/engine.py --profile). A failure (the write
            # lock not obtained within busy_timeout) is raised as SQLAlchemy's exception.
            statement = f"BEGIN {mode}"
            try:
                conn.connection.driver_connection.execute(statement)  # type: ignore[union-attr]  # None only once closed
            except sqlite3.Error as error:
                raise DBAPIError.instance(statement, None, error, sqlite3.Error) from error

        return engine
    if parsed.get_backend_name() == "postgresql":
        # A server that does not answer is reported after 10 s, not after the OS's TCP timeout.
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    raise InvalidInput(
        f"不支持的数据库：{parsed.get_backend_name()}（支持 SQLite 与 PostgreSQL）",
        field="database_url",
        rule="supported databases",
    )
