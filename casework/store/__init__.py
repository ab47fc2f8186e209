"""Persistence: SQLModel tables, database connections, migrations, and the case repository."""
