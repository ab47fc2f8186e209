"""Named guards of the flows: pure checks over the case, the move's inputs and its date.

A guard used in `when` chooses between branches of a move; in `requires` it is a rule that
refuses the move, and its ``rule`` text (citing the article) is what the clerk is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from casework.domain.case import CaseSnapshot
from casework.domain.clocks import Calendar, due_date
from casework.domain.rules import RuleSet


@dataclass(frozen=True)
class GuardContext:
    case: CaseSnapshot
    params: dict[str, Any]
    on: date
    rules: RuleSet
    calendar: Calendar
    parent: CaseSnapshot | None = None  # the case a review or lawsuit is about


@dataclass(frozen=True)
class Guard:
    name: str
    rule: str  # shown when the guard refuses a move
    check: Callable[[GuardContext], bool]
    needs_inputs: bool = False  # reads the move's inputs: cannot be judged before they are given


def _due_passed(kind: str) -> Callable[[GuardContext], bool]:
    """The open clock of ``kind`` ended before the act's date (its last day has passed)."""

    def check(ctx: GuardContext) -> bool:
        found = ctx.case.open_clock(kind)
        if found is None:
            return False
        due = due_date(found[1], ctx.calendar)
        return due is not None and ctx.on > due

    return check


def _correction_window_open(ctx: GuardContext) -> bool:
    found = ctx.case.open_clock("correction_notice")
    if found is None:
        # The rule set has no correction-notice limit (2008): nothing to enforce.
        return "correction_notice" not in ctx.rules.clocks
    due = due_date(found[1], ctx.calendar)
    return due is None or ctx.on <= due


def _reply_not_overdue(ctx: GuardContext) -> bool:
    found = ctx.case.open_clock("reply")
    if found is None:
        return False
    due = due_date(found[1], ctx.calendar)
    return due is None or ctx.on <= due


def _not_extended(ctx: GuardContext) -> bool:
    found = ctx.case.open_clock("reply")
    return found is not None and found[1].extension_days == 0


def _was_replied(ctx: GuardContext) -> bool:
    return bool(ctx.case.get("replied_on"))


GUARDS: dict[str, Guard] = {
    g.name: g
    for g in (
        Guard(
            "online_channel",
            "互联网渠道（政府服务平台）提交的申请须经总值班室转办",
            lambda ctx: ctx.params.get("channel") == "online",
            needs_inputs=True,
        ),
        Guard(
            "unit_given",
            "非网上申请登记时须指定承办单位（unit）",
            lambda ctx: bool(ctx.params.get("unit")),
            needs_inputs=True,
        ),
        Guard(
            "other_unit",
            "移交须移交给另一个单位",
            lambda ctx: ctx.params.get("unit") != ctx.case.unit,
            needs_inputs=True,
        ),
        Guard(
            "correction_window_open",
            "《条例》第三十条：补正告知须在收到申请之日起7个工作日内一次性作出，已超过期限",
            _correction_window_open,
        ),
        Guard(
            "correction_period_expired",
            "《条例》第三十条：补正期限尚未届满，不能按逾期未补正处理",
            _due_passed("correction_period"),
        ),
        Guard(
            "consultation_expired",
            "《条例》第三十二条、第三十四条：征求意见期限（15个工作日）尚未届满或本规则未规定期限",
            _due_passed("consultation"),
        ),
        Guard(
            "fee_allowed",
            "《条例》第四十二条：本案适用的条例不允许收取信息处理费",
            lambda ctx: ctx.rules.processing_fee_allowed,
        ),
        Guard(
            "fee_period_expired",
            "国办函〔2020〕109号：缴费期限尚未届满，不能按逾期未缴费处理",
            _due_passed("fee_payment"),
        ),
        Guard(
            "not_extended",
            "《条例》第三十三条第二款：答复期限只能延长一次",
            _not_extended,
        ),
        Guard(
            "reply_not_overdue",
            "《条例》第三十三条第二款：延期须在答复期限届满前决定并告知申请人",
            _reply_not_overdue,
        ),
        Guard(
            "was_replied",
            "只有已经作出答复的申请才能因复议决定或判决重新办理",
            _was_replied,
        ),
    )
}
