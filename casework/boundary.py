"""The engine's own arguments, checked before any SQL: what an embedding Python caller can get
wrong besides a move's inputs (those are parsed by ``workflow.fields``).

Every violation is ``InvalidInput`` naming the argument and the rule, identically on SQLite and
PostgreSQL: a case id outside PostgreSQL's integer range, a naive or non-datetime ``now``, an
``Actor`` whose fields are not text, a version given as text.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from casework.domain.roles import ROLES, Actor
from casework.errors import InvalidInput

__all__ = [
    "MAX_ID",
    "check_actor",
    "check_case_id",
    "check_filters",
    "check_now",
    "check_search",
    "check_version",
]

MAX_ID = 2**31 - 1  # ids and versions are 32-bit integers in PostgreSQL
_NAME_LENGTH = 50  # events.actor_name
_UNIT_LENGTH = 32


def _whole(value: Any, field: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise InvalidInput(
            f"{field}：{what}应为 1 至 {MAX_ID} 之间的整数，收到 {value!r}",
            field=field,
            rule="whole number in range",
        )
    return value


def check_case_id(value: Any, field: str = "case") -> int:
    return _whole(value, field, "案件编号")


def check_version(value: Any) -> int | None:
    return None if value is None else _whole(value, "expected_version", "版本号")


def check_now(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput(
            "now：应为带时区的 datetime（如 datetime.now(ZoneInfo('Asia/Shanghai'))），"
            f"收到 {value!r}",
            field="now",
            rule="timezone-aware time",
        )
    return value


def _text(value: Any, field: str, limit: int, required: bool) -> None:
    if value is None and not required:
        return
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > limit
        or any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in value)
    ):
        raise InvalidInput(
            f"{field}：应为不超过 {limit} 字的一行文字（不含控制字符），收到 {value!r}",
            field=field,
            rule="actor fields are short text",
        )


def check_actor(actor: Any) -> Actor:
    """An ``Actor`` with a name, a known role and (for unit roles) a unit code, as text."""
    if not isinstance(actor, Actor):
        raise InvalidInput(
            f"actor：应为 casework.Actor(姓名, 角色, 单位)，收到 {actor!r}",
            field="actor",
            rule="an Actor names who acts",
        )
    _text(actor.name, "actor.name", _NAME_LENGTH, required=True)
    _text(actor.unit, "actor.unit", _UNIT_LENGTH, required=False)
    if not isinstance(actor.role, str) or actor.role not in ROLES:
        raise InvalidInput(
            f"actor.role：未知的角色 {actor.role!r}；可用：{'、'.join(ROLES)}",
            field="role",
            rule="known roles",
        )
    return actor


def check_filters(
    *, unit: Any, flow: Any, flows: Any, overdue: Any, due_within: Any, limit: Any
) -> None:
    """The filters of a worklist: codes as text, counts as whole numbers."""
    _text(unit, "unit", _UNIT_LENGTH, required=False)
    if flow is not None and flow not in flows:
        raise InvalidInput(
            f"flow：未知的流程 {flow!r}；可选：{'、'.join(flows)}", field="flow", rule="known flows"
        )
    if not isinstance(overdue, bool):
        raise InvalidInput(f"overdue：应为 True 或 False，收到 {overdue!r}", field="overdue")
    if due_within is not None and (
        isinstance(due_within, bool)
        or not isinstance(due_within, int)
        or not 0 <= due_within <= 400
    ):
        raise InvalidInput(
            f"due_within：应为 0 至 400 的整数（工作日），收到 {due_within!r}", field="due_within"
        )
    if limit is not None:
        _whole(limit, "limit", "条数")


_SEARCH_LENGTH = 200  # a name, a number or a phrase to look for
MAX_RESULTS = 1000


def check_search(
    *, applicant: Any, text: Any, received_from: Any, received_to: Any, unit: Any, limit: Any
) -> None:
    """The criteria of ``find``: short text, days (not moments) in order, a bounded count."""
    _text(applicant, "applicant", _SEARCH_LENGTH, required=False)
    _text(text, "text", _SEARCH_LENGTH, required=False)
    _text(unit, "unit", _UNIT_LENGTH, required=False)
    for name, day in (("from", received_from), ("to", received_to)):
        if day is not None and (not isinstance(day, date) or isinstance(day, datetime)):
            raise InvalidInput(
                f"{name}：应为日期（datetime.date），收到 {day!r}", field=name, rule="a day"
            )
    if received_from is not None and received_to is not None and received_from > received_to:
        raise InvalidInput(
            f"from：起始日期 {received_from} 晚于截止日期 {received_to}",
            field="from",
            rule="from ≤ to",
        )
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_RESULTS:
        raise InvalidInput(
            f"limit：应为 1 至 {MAX_RESULTS} 的整数，收到 {limit!r}",
            field="limit",
            rule="whole number in range",
        )
