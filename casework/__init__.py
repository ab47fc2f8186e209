"""casework: a workflow engine for request-based government information disclosure (依申请公开).

Embed it with ``casework.open(url)``::

    import casework
    from casework import Actor

    engine = casework.open("sqlite:///casework.db", upgrade=True)
    view = engine.register(Actor("王敏", "service_centre"), on="2026-11-27", channel="window",
                           unit="czj", applicant_name="张三", applicant_kind="natural_person",
                           request="2025年区级部门预算公开情况")
    engine.move(view.id, "reply", Actor("李娜", "unit_clerk", "czj"), outcome="disclosed")

Heavy libraries (SQLAlchemy, transitions) load only when ``open`` is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from casework.domain.roles import Actor
from casework.errors import (
    CaseworkError,
    DatabaseUnavailable,
    DefinitionError,
    InvalidInput,
    MoveNotAllowed,
    NotFound,
    PermissionDenied,
    RuleViolation,
    StaleCase,
    UnknownCalendarYear,
)

if TYPE_CHECKING:
    from casework.engine import Engine

__all__ = [
    "Actor",
    "CaseworkError",
    "DatabaseUnavailable",
    "DefinitionError",
    "InvalidInput",
    "MoveNotAllowed",
    "NotFound",
    "PermissionDenied",
    "RuleViolation",
    "StaleCase",
    "UnknownCalendarYear",
    "open",
]


def open(url: str | None = None, **options: Any) -> Engine:
    """Open the engine on a database URL; see ``casework.bootstrap.open_engine``."""
    from casework.bootstrap import open_engine

    return open_engine(url, **options)
