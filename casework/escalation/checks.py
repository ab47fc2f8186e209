"""``casework directory check``: every problem of the directory, the ladder and the notice
templates, with or without a database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from casework.errors import CaseworkError
from casework.escalation.ladder import ladder_problems
from casework.escalation.notices import NoticeTemplates
from casework.organisation import directory_in_force, load_directory
from casework.store.escalation_queries import units_with_cases
from casework.workflow.build import build_workflow

if TYPE_CHECKING:
    from casework.engine import Engine
    from casework.workflow.apply import Workflow


def _ladder_and_templates(states_dir: Path, templates_dir: Path, workflow: Workflow) -> list[str]:
    try:
        problems = list(ladder_problems(states_dir, workflow)[1])
        NoticeTemplates(templates_dir)
    except CaseworkError as err:
        return [str(err)]
    return problems


def check_files(states_dir: Path, templates_dir: Path) -> list[str]:
    """The problems of the files alone — the states directory's organisation.toml, the ladder
    and the notice templates — with no database (a machine before ``casework db upgrade``)."""
    try:
        load_directory(states_dir)
        workflow = build_workflow(states_dir, frozenset())
    except CaseworkError as err:
        return [str(err)]
    return _ladder_and_templates(states_dir, templates_dir, workflow)


def check_all(engine: Engine) -> list[str]:
    """Every problem of the directory in force, the ladder and the notice templates, and every
    unit with cases that the directory does not route (for ``casework directory check``)."""
    problems: list[str] = []
    try:
        d = directory_in_force(engine.db, engine.settings.states_dir)
    except CaseworkError as err:
        problems.append(str(err))
        d = None
    settings = engine.settings
    problems += _ladder_and_templates(settings.states_dir, settings.templates_dir, engine.workflow)
    if d is not None:
        with engine.db.connect() as conn:
            used = units_with_cases(conn)
        for unit in sorted(used - set(d.routes)):
            problems.append(f"数据库中有案件的单位 {unit} 不在名录中，没有督办路线")
    return problems
