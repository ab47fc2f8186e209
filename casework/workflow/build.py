"""Build the workflow (flows, rule books, calendar, known units) from a rules directory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from casework.calendar_sources import load_calendar
from casework.domain.calendar import YearSchedule
from casework.workflow.apply import Workflow
from casework.workflow.loader import load_flows, load_rule_books
from casework.workflow.machine import FlowMachine


def build_workflow(
    states_dir: Path, units: frozenset[str], notices: Sequence[YearSchedule] = ()
) -> Workflow:
    """The flows and rule books of ``states_dir`` over the calendar in force (files, the
    holiday library and the registered ``notices``), for a database knowing ``units``."""
    rules = load_rule_books(states_dir)
    flows = load_flows(states_dir, rules)
    return Workflow(
        flows={name: FlowMachine(f) for name, f in flows.items()},
        rules=rules,
        calendar=load_calendar(states_dir, notices),
        units=units,
    )
