"""The repository's hot statements run on the driver's cursor: same values, same errors, same
transaction as SQLAlchemy's own Connection.execute, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casework.store import precompiled
from casework.store.repository import EVENTS, INSERT_EVENT, SELECT_CASE, UPDATE_PAUSE
from tests.conftest import at
from tests.integration.test_application_flow import NOW, counts, register

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
    assert len(engine.case(view.id, now=NOW).events) == 1


def test_a_missing_value_names_the_parameter(engine) -> None:
    view = register(engine)
    with pytest.raises(ValueError, match="'until'"), engine.db.begin() as conn:
        precompiled.execute(conn, UPDATE_PAUSE, {"b_id": view.id})
