"""The composition root: the one place that opens the database, builds the workflow, installs
the hooks (letters, the archive check, the chain checkpoints), gives the engine its chain key
file and hands back a ready engine.

Everything above the engine (the CLI, the demo, an embedding system through ``casework.open``)
obtains its engine here; nothing else wires the engine's collaborators.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine as DbEngine
from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError

from casework.engine import Engine
from casework.errors import CaseworkError
from casework.letters import hooks as letter_hooks
from casework.settings import TIMEZONE, Settings
from casework.store import migrate
from casework.store.calendar_store import notices_in_force
from casework.store.chain_keys import KeyFile, default_key_file
from casework.store.db import check_reachable, create_db_engine
from casework.store.tables import CASES, UNITS
from casework.store.unit_of_work import unit_of_work
from casework.workflow.apply import Workflow
from casework.workflow.build import build_workflow


def sync_units(db: DbEngine, states_dir: Path) -> int:
    """Insert or update the units of states/organisation.toml; returns how many were written."""
    from casework.organisation import load_units, upsert_units

    units = load_units(states_dir)
    with unit_of_work(db) as uow:
        return upsert_units(uow.conn, units, contacts=False)


def open_database(url: str, *, must_exist: bool = True) -> DbEngine:
    """The database at ``url``, reachable (``DatabaseUnavailable`` otherwise); with
    ``must_exist`` a SQLite file that is not there is refused, never created."""
    db = create_db_engine(url)
    check_reachable(db, must_exist=must_exist)
    return db


def _existing_sqlite_file(db: DbEngine) -> bool:
    name = db.url.database
    return db.dialect.name != "sqlite" or bool(name and name != ":memory:" and Path(name).is_file())


def database_absent(url: str) -> bool:
    """A SQLite database whose file is not there (reads then fall back to the shipped files;
    nothing is created)."""
    db = create_db_engine(url)
    try:
        return not _existing_sqlite_file(db)
    finally:
        db.dispose()


def migrated_database(url: str) -> DbEngine | None:
    """The database at ``url`` if it exists and its schema is current, else None; nothing is
    created (an unreachable server or a file that is not a database also gives None)."""
    db = create_db_engine(url)
    try:
        if _existing_sqlite_file(db) and migrate.is_current(db):
            return db
    except SQLAlchemyError:
        pass
    db.dispose()
    return None


def database_with_cases(url: str) -> DbEngine | None:
    """The database at ``url`` if it already holds cases (upgrading it is an administrator's
    act), else None: a database about to be created, or one with no cases yet."""
    db = create_db_engine(url)
    if not _existing_sqlite_file(db):
        db.dispose()
        return None
    check_reachable(db, must_exist=False)
    with db.connect() as conn:
        holds = inspect(conn).has_table("cases") and conn.scalar(select(CASES.c.id).limit(1))
    if holds is None or holds is False:
        db.dispose()
        return None
    return db


def schema_revisions(url: str) -> tuple[frozenset[str], frozenset[str]]:
    """The revisions the database at ``url`` is at, and the newest ones."""
    db = open_database(url)
    try:
        return migrate.current_revisions(db), migrate.head_revisions()
    finally:
        db.dispose()


def load_workflow(db: DbEngine, states_dir: Path) -> Workflow:
    """The workflow over the units and the holiday notices this database knows."""
    with db.connect() as conn:
        units = frozenset(conn.scalars(select(UNITS.c.code)))
        notices = notices_in_force(conn)
    return build_workflow(states_dir, units, notices)


def open_engine(
    url: str | None = None,
    *,
    states_dir: Path | str | None = None,
    upgrade: bool = False,
    settings: Settings | None = None,
) -> Engine:
    """Open the engine on a database URL (default: the settings' ``database_url``).

    ``settings`` default to ``Settings.from_env()``; ``url`` and ``states_dir`` override them.
    ``upgrade=True`` migrates the schema to the newest revision and loads the units first;
    otherwise a database that is not at the newest revision is refused with a clear error.
    """
    settings = settings or Settings.from_env()
    if url:
        settings = replace(settings, database_url=url)
    if states_dir:
        settings = replace(settings, states_dir=Path(states_dir))
    db = open_database(settings.database_url, must_exist=not upgrade)
    if upgrade:
        from casework.letters.archive import configured_root

        # Migration 0007 looks for the files of the letters already issued.
        migrate.upgrade(db, letters_root=configured_root(settings, db))
        sync_units(db, settings.states_dir)
    elif not migrate.is_current(db):
        raise CaseworkError(
            f"数据库 {db.url.render_as_string(hide_password=True)} 尚未初始化或结构不是最新版本："
            "请先运行 casework db upgrade",
            field="database_url",
            rule="schema at the newest migration",
        )
    # The event chain's keys live outside the database (docs/operations.md); the file is made
    # on the first write, never by a read.
    keys = KeyFile((settings.chain_key_file or default_key_file(settings.database_url)).resolve())
    engine = Engine(db, settings, load_workflow(db, settings.states_dir), keys=keys)
    if upgrade:
        from casework.calendar_office import recompute as recompute_calendar

        # Record the calendar the clocks are computed on from now, so that a year becoming
        # known later is found and recomputed (nothing is recomputed here: no basis yet).
        recompute_calendar(engine, now=datetime.now(TIMEZONE))
    letter_hooks.install(engine)
    return engine


def check_states(states_dir: Path, engine: Engine | None = None) -> list[str]:
    """Every problem in the rule files — flows, rule books, calendar, organisation, letters,
    the escalation ladder and its notice templates — and, given a database, the stored cases
    they would strand."""
    # What only this check reads: a clerk's command does not import it (issue 16).
    from casework.calendar_sources import load_calendar
    from casework.escalation import check_files as check_escalation_files
    from casework.letters.checks import check_letters
    from casework.letters.config import load_letter_settings
    from casework.organisation import load_units
    from casework.tomlfiles import Problems
    from casework.workflow.loader import load_flows, load_rule_books

    problems = Problems()
    templates_dir = Settings.from_env().templates_dir
    try:
        rules = load_rule_books(states_dir, problems)
        flows = load_flows(states_dir, rules, problems)
        load_calendar(states_dir)
        load_units(states_dir)
        load_letter_settings(states_dir)
    except CaseworkError as err:
        problems.append(str(err))
        return problems
    if not problems:  # the ladder is checked against flows that load
        problems.extend(check_escalation_files(states_dir, templates_dir))
    problems.extend(check_letters(flows, templates_dir))
    if engine is not None:
        for name, flow in flows.items():
            for state, count in engine.count_cases_by("state", flow=name).items():
                if state not in flow.states:
                    problems.add(flow.path, f"数据库中有 {count} 件案件处于已删除的状态 {state!r}")
    return problems
