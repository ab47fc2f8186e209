"""UTCDateTime of the Core tables stores and reads what SQLModel's UTCDateTime does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError
from sqlmodel.sql.sqltypes import UTCDateTime as SQLModelUTCDateTime

from casework.store.column_types import UTCDateTime
from casework.store.db import create_db_engine

BEIJING = timezone(timedelta(hours=8))


@pytest.mark.parametrize("kind", [UTCDateTime, SQLModelUTCDateTime])
def test_aware_values_come_back_in_utc_and_naive_ones_are_refused(db_url: str, kind: type) -> None:
    key = Column("id", Integer, primary_key=True)
    table = Table("stamps", MetaData(), key, Column("at", kind()))
    db = create_db_engine(db_url)
    table.create(db)
    written = datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING)
    try:
        with db.begin() as conn:
            conn.execute(insert(table), [{"id": 1, "at": written}, {"id": 2, "at": None}])
        with db.connect() as conn:
            read = dict(conn.execute(select(table.c.id, table.c.at)).all())
            before = conn.scalar(select(table.c.id).where(table.c.at < written + timedelta(0, 1)))
        assert read == {1: datetime(2026, 12, 31, 15, 30, tzinfo=UTC), 2: None}
        assert read[1] == written and before == 1
        with pytest.raises(StatementError), db.begin() as conn:
            conn.execute(insert(table), {"id": 3, "at": datetime(2026, 12, 31, 23, 30)})
    finally:
        table.drop(db)
        db.dispose()
