"""The repository's hot statements run on the driver's cursor: same values, same errors, same
transaction as SQLAlchemy's own Connection.execute, on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
import sqlite3
import weakref
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, literal_column, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, StatementError

from casework.store import precompiled
from casework.store.clock_rows import UPDATE_PAUSE
from casework.store.db import WRITE, create_db_engine
from casework.store.repository import INSERT_EVENT, SELECT_CASE, load_case, save_move
from casework.store.tables import CASES, EVENTS
from tests.support.actors import CLERK, GENERAL
from tests.support.application import NOW, counts, register
from tests.support.dates import at

EVENT = {
    "seq": 99,
    "move": "conference",
    "from_state": "in_progress",
    "to_state": "in_progress",
    "actor_name": "李娜",
    "actor_role": "unit_clerk",
    "actor_unit": "czj",
    "occurred_on": date(2026, 3, 4),
    "recorded_at": at("2026-03-04", 15),
    "payload": {"topic": "“三公”经费", "participants": ["财政局", "法制办"]},
    "prev_hash": "0" * 64,
    "hash": "f" * 64,
}


@pytest.fixture(autouse=True, params=["cursor", "connection"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs on the driver's cursor and on the fallback through
    Connection.execute (what a SQLAlchemy release with other internals would get)."""
    monkeypatch.setattr(precompiled, "FAST_PATH", request.param == "cursor")
    return str(request.param)


def test_internals_that_differ_fall_back_to_connection_execute(
    engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def differs(*args: object) -> None:
        raise AttributeError("compiled statement has no positiontup")

    monkeypatch.setattr(precompiled, "_Compiled", differs)
    view = register(engine)  # a whole move through the repository's statements
    moved = engine.move(view.id, "reply", CLERK, on="2026-03-10", now=NOW, outcome="disclosed")
    assert moved.state == "replied" and moved.version == 2
    assert engine.verify() == []


def test_values_written_on_the_cursor_read_back_as_sqlalchemy_writes_them(engine) -> None:
    view = register(engine)
    with engine.db.begin() as conn:
        precompiled.execute(conn, INSERT_EVENT, {"case_id": view.id, **EVENT})
        row = conn.execute(select(EVENTS).where(EVENTS.c.seq == 99)).one()
    assert row.occurred_on == date(2026, 3, 4)
    assert row.recorded_at == at("2026-03-04", 15)
    assert row.payload == EVENT["payload"]


def test_rows_fetched_on_the_cursor_equal_sqlalchemy_rows(engine) -> None:
    view = register(engine)
    with engine.db.connect() as conn:
        ours = precompiled.fetch(conn, SELECT_CASE, {"b_id": view.id})
        theirs = conn.execute(SELECT_CASE, {"b_id": view.id}).all()
    assert [tuple(r) for r in ours] == [tuple(r) for r in theirs]
    assert ours[0].received_on == date(2026, 3, 2)
    assert {r.k_kind for r in ours} == {"reply", "correction_notice"}


def test_a_read_opens_the_transaction_as_connection_execute_would(engine) -> None:
    """Later reads on the same connection then share its transaction (one snapshot)."""
    view = register(engine)
    with engine.db.connect() as conn:
        precompiled.fetch(conn, SELECT_CASE, {"b_id": view.id})
        assert conn.in_transaction()


def test_a_driver_error_is_sqlalchemys_exception_and_the_transaction_rolls_back(engine) -> None:
    view = register(engine)
    before = counts(engine)
    with pytest.raises(IntegrityError), engine.db.begin() as conn:
        precompiled.execute(conn, INSERT_EVENT, {"case_id": view.id, **EVENT})
        precompiled.execute(conn, INSERT_EVENT, {"case_id": view.id, **EVENT})  # same seq
    assert counts(engine) == before
    assert len(engine.case(view.id, actor=GENERAL, now=NOW).events) == 1


def test_a_missing_value_names_the_parameter(engine) -> None:
    view = register(engine)
    with pytest.raises((ValueError, StatementError), match="until"), engine.db.begin() as conn:
        precompiled.execute(conn, UPDATE_PAUSE, {"b_id": view.id})


def test_a_detail_that_changes_kind_is_written(engine) -> None:
    """1 == True == 1.0 in Python; stored as JSON they differ, and a move that changes one into
    another must write it."""
    case_id = register(engine).id
    for value in (1, True, 2.0, 2):
        with engine.db.begin() as conn:
            loaded = load_case(conn, case_id)
            after = replace(loaded.snapshot, fields={**loaded.snapshot.fields, "flag": value})
            save_move(
                conn,
                loaded,
                after,
                move="conference",
                actor=CLERK,
                payload={},
                now=NOW,
                calendar=engine.workflow.calendar,
                key=engine.keys.signing_key(conn),
            )
        with engine.db.connect() as conn:
            stored = conn.execute(select(CASES.c.details).where(CASES.c.id == case_id)).scalar_one()
        assert type(stored["flag"]) is type(value) and stored["flag"] == value


def test_a_write_lock_not_obtained_is_sqlalchemys_operational_error(tmp_path: Path) -> None:
    """SQLite: BEGIN IMMEDIATE, sent on the driver connection, fails as Connection.execute's
    would when another writer holds the lock past busy_timeout."""
    path = tmp_path / "locked.db"
    db = create_db_engine(f"sqlite:///{path}")

    @event.listens_for(db, "connect")
    def _short_wait(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA busy_timeout=100")

    with db.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            pytest.raises(OperationalError, match="locked"),
            db.execution_options(**WRITE).begin() as conn,
        ):
            conn.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        db.dispose()


def test_compiled_statements_go_with_their_engine(tmp_path: Path) -> None:
    """A long-running process that opens and disposes engines does not keep their statements."""
    db = create_db_engine(f"sqlite:///{tmp_path / 'gone.db'}")
    with db.connect() as conn:
        assert precompiled.fetch(conn, select(literal_column("7").label("seven")), {})[0].seven == 7
    dialect = weakref.ref(db.dialect)
    db.dispose()
    del db, conn
    gc.collect()
    assert dialect() is None


def test_a_lost_postgresql_connection_is_invalidated(engine) -> None:
    """As with Connection.execute: the error says the connection was invalidated, closing it
    does not fail a second time, and the next read gets a fresh connection."""
    if engine.db.dialect.name != "postgresql":
        pytest.skip("a server connection to lose exists on PostgreSQL only")
    view = register(engine)
    with engine.db.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with engine.db.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as info:
            precompiled.fetch(conn, SELECT_CASE, {"b_id": view.id})
        assert info.value.connection_invalidated
    assert engine.case(view.id, actor=GENERAL, now=NOW).state == "in_progress"
