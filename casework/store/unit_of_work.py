"""The unit of work: the one way anything in casework writes to the database.

A unit of work is one transaction. Everything a move changes (the case row, its event, its
clocks, a letter's number, an outbox row) is written on ``uow.conn`` and commits or rolls back
together. Work that must not happen unless the transaction committed (files on disk, say) is
queued with ``uow.after_commit`` and runs only after COMMIT succeeded.

On SQLite a unit of work takes the write lock at BEGIN (``BEGIN IMMEDIATE``), so two writers
queue instead of one failing half-way; reads stay deferred. PostgreSQL ignores the option.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine

from casework.store.db import WRITE


@dataclass
class UnitOfWork:
    """One open write transaction and what is to be done once it has committed."""

    conn: Connection
    committed: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` after the transaction commits (never if it rolls back)."""
        self.committed.append(action)


@contextmanager
def unit_of_work(db: Engine) -> Iterator[UnitOfWork]:
    """Open a write transaction on ``db``; commit when the block ends, roll back on error."""
    with db.execution_options(**WRITE).begin() as conn:
        uow = UnitOfWork(conn)
        yield uow
    for action in uow.committed:
        action()
