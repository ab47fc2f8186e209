"""Escalation: the nightly sweep that lapses the applicant's periods and escalates the
agency's along the ladder of states/escalation.toml.

``ladder`` parses the ladder, ``notices`` writes the notices, ``routing`` finds their
addressees in the organisation directory, ``sweep`` runs the night (``levels`` is its
escalation step) and ``checks`` serves ``casework directory check``; the sweep's statements
are in ``casework.store.escalation_queries``.
"""

from casework.escalation.checks import check_all, check_files
from casework.escalation.ladder import (
    LADDER_FILE,
    NEED_LADDER,
    PENDING_KINDS,
    TARGETS,
    Ladder,
    Level,
    Rung,
    fire_on,
    horizon,
    ladder_problems,
    load_ladder,
)
from casework.escalation.notices import NoticeTemplates, notice_rows
from casework.escalation.routing import describe_route, recipients
from casework.escalation.sweep import (
    SYSTEM_ACTOR,
    SweepPlan,
    SweepSummary,
    prepare,
    sweep,
)
from casework.store.escalation_queries import BATCH, SWEEP_LOCK_KEY, due_query

__all__ = [
    "BATCH",
    "LADDER_FILE",
    "NEED_LADDER",
    "PENDING_KINDS",
    "SWEEP_LOCK_KEY",
    "SYSTEM_ACTOR",
    "TARGETS",
    "Ladder",
    "Level",
    "NoticeTemplates",
    "Rung",
    "SweepPlan",
    "SweepSummary",
    "check_all",
    "check_files",
    "describe_route",
    "due_query",
    "fire_on",
    "horizon",
    "ladder_problems",
    "load_ladder",
    "notice_rows",
    "prepare",
    "recipients",
    "sweep",
]
