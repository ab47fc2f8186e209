"""The declared schema: one SQLModel class per table, the single place a column is written.

Importing this package puts every table on ``SQLModel.metadata``, which Alembic compares with
the database (``casework/store/migrations/env.py``). The ORM classes serve an embedder that
maps rows with SQLModel sessions (optimistic locking on ``cases.version`` included).

The engine itself runs on ``casework/store/tables.py``: the same tables as SQLAlchemy Core,
generated from these classes by ``python -m casework.store.tables_source`` (a test fails when
it is stale). A clerk's command then does not import SQLModel and pydantic, which cost more
than SQLAlchemy itself at start-up (issue 16; docs/architecture.md).
"""

from casework.store.models import calendar, cases, escalation, letters, service

__all__ = ["calendar", "cases", "escalation", "letters", "service"]
