"""The databases a test runs on: a SQLite file always, PostgreSQL when CASEWORK_TEST_DATABASE_URL
names a server (each test then gets a fresh schema, dropped afterwards)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

PG_ENV = "CASEWORK_TEST_DATABASE_URL"
PG_SKIP = (
    f"{PG_ENV} is not set: no PostgreSQL server to test against "
    "(.ci/run sets it when 127.0.0.1:5432 answers)"
)
# The params of a fixture that runs on each database (``db_url``, and module-scoped ones).
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pg_schema_url(base: str) -> Iterator[str]:
    """A fresh schema on the test server for one test, dropped afterwards."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
