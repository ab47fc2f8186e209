"""Schema migrations (Alembic), run from code so that a wheel install needs no alembic.ini.

Alembic is imported only to migrate (``casework db upgrade``) or to read the scripts: checking
that a database is current is one query against ``alembic_version`` compared with ``HEADS``, so
a clerk's command does not pay Alembic's import (and the scheduler's log does not start with its
plugin lines). ``tests/store/test_migrations.py`` checks ``HEADS`` against the scripts.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

SCRIPT_LOCATION = "casework.store:migrations"
# The newest revision of every branch; a new migration updates it (a test says so).
HEADS = frozenset({"0009"})


def _config() -> Any:
    from alembic.config import Config

    # Alembic announces each of its plugins at INFO: nothing an operator needs to read.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    return cfg


def head_revisions() -> frozenset[str]:
    """The newest revision of every branch, read from the migration scripts."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(_config()).get_heads())


def current_revisions(engine: Engine) -> frozenset[str]:
    """The revisions the database is at (empty when it was never migrated)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return frozenset()
        return frozenset(conn.scalars(text("SELECT version_num FROM alembic_version")))


def is_current(engine: Engine) -> bool:
    return current_revisions(engine) == HEADS


def upgrade(engine: Engine, revision: str = "heads", *, letters_root: Path | None = None) -> None:
    """Migrate to ``revision``; ``letters_root`` (the letter archive of this database, when
    known) lets migration 0007 tell letters whose files are there from those to write again."""
    from alembic import command

    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["letters_root"] = letters_root
        command.upgrade(cfg, revision)


def autogenerate(engine: Engine, message: str) -> None:
    """Developer helper: write a new revision from the difference between tables and database."""
    from alembic import command

    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
