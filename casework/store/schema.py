"""Every table module, imported so that SQLModel.metadata knows all tables (Alembic, tests)."""

from casework.store import escalation_tables, letter_tables, tables  # noqa: F401
