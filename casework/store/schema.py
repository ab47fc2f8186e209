"""Every table module, imported so that SQLModel.metadata knows all tables (Alembic, tests)."""

from casework.store import (  # noqa: F401
    calendar_tables,
    escalation_tables,
    letter_tables,
    service_tables,
    tables,
)
