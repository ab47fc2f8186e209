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
from casework.domain.clocks import Calendar, Clock, due_date
from casework.domain.roles import Actor
from casework.domain.rules import RuleSet
from casework.domain.vocabulary import LAWSUIT_RESULTS, REVIEW_RESULTS


@dataclass(frozen=True)
class GuardContext:
    case: CaseSnapshot
    params: dict[str, Any]
    on: date
    rules: RuleSet
    calendar: Calendar
    parent: CaseSnapshot | None = None  # the case a review or lawsuit is about
    actor: Actor | None = None  # who makes the move (replay: who made it, from the event)


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


def _named_consultation(ctx: GuardContext) -> tuple[int, Clock] | None:
    """The open consultation an answer or a lapse names (``consultation``, 1-based), or the
    only open one when none is named."""
    n = ctx.params.get("consultation")
    if n is None:
        return ctx.case.open_clock("consultation")
    found = ctx.case.nth_clock("consultation", n)
    return found if found is not None and found[1].is_open else None


def _consultation_open(ctx: GuardContext) -> bool:
    if "consultation" not in ctx.rules.clocks:
        return True  # the rule set has no consultation period (2008): nothing to name
    return _named_consultation(ctx) is not None


def _other_consultations_open(ctx: GuardContext) -> bool:
    """Another consultation stays open after the named one closes: the case stays 征求意见中."""
    found = _named_consultation(ctx)
    return found is not None and ctx.case.open_count("consultation") > 1


def _consultation_expired(ctx: GuardContext) -> bool:
    found = _named_consultation(ctx)
    if found is None:
        return False
    due = due_date(found[1], ctx.calendar)
    return due is not None and ctx.on > due


def _received_at_centre(ctx: GuardContext) -> bool:
    """A window application the service centre registers without naming a unit: it waits at
    the centre to be forwarded (硚政办〔2014〕32号附件1)."""
    return (
        ctx.actor is not None
        and ctx.actor.role == "service_centre"
        and ctx.params.get("channel") != "online"
        and not ctx.params.get("unit")
    )


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


def _reply_period_statutory(ctx: GuardContext) -> bool:
    """The open reply clock is the case's first one: the statutory period of Art. 33(2), not a
    period ordered by a review decision or a judgment (reopen starts a new reply clock)."""
    found = ctx.case.open_clock("reply")
    first = next((i for i, c in enumerate(ctx.case.clocks) if c.kind == "reply"), None)
    return found is not None and found[0] == first


def _reply_overdue(case: CaseSnapshot, on: date, calendar: Calendar) -> bool:
    """The case's reply clock ran out: breached, or still open past its due date."""
    reply = case.latest_clock("reply")
    if reply is None:
        return False
    if reply.status == "breached":
        return True
    due = due_date(reply, calendar) if reply.is_open else None
    return due is not None and on > due


def _reopen_has_basis(ctx: GuardContext) -> bool:
    """A decision can redo a reply that was made, or order one that is overdue."""
    return bool(ctx.case.get("replied_on")) or _reply_overdue(ctx.case, ctx.on, ctx.calendar)


def _reply_challengeable(ctx: GuardContext) -> bool:
    """A proceeding needs a reply to challenge, or a reply clock that has run out."""
    parent = ctx.parent
    if parent is None:
        return False
    if ctx.params.get("ground") == "against_reply":
        return bool(parent.get("replied_on"))
    return _reply_overdue(parent, ctx.on, ctx.calendar)


def _result(ctx: GuardContext) -> str | None:
    """The result being recorded, or the first-instance result a final move confirms."""
    result: str | None = ctx.params.get("result") or ctx.case.get("first_result")
    return result


def _result_corrects(ctx: GuardContext) -> bool:
    result = _result(ctx)
    table = {**REVIEW_RESULTS, **LAWSUIT_RESULTS}
    return result in table and table[result][1] == "corrected"


def _open_clock_extendable(kind: str) -> Callable[[GuardContext], bool]:
    def check(ctx: GuardContext) -> bool:
        found = ctx.case.open_clock(kind)
        return found is not None and found[1].extension_days == 0

    return check


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
            "received_at_centre",
            "政务服务中心收件、未指定承办单位的申请，由政务服务中心转办",
            _received_at_centre,
            needs_inputs=True,
        ),
        Guard(
            "unit_given",
            "非网上申请登记时须指定承办单位（unit）；政务服务中心收件的可不指定，由其转办",
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
            _consultation_expired,
        ),
        Guard(
            "consultation_open",
            "《条例》第三十二条、第三十四条：所指的征求意见不存在，或已经答复、已经期满"
            "（每次征求意见各有编号，见案件的期限列表）",
            _consultation_open,
        ),
        Guard(
            "other_consultations_open",
            "还有其他征求意见尚未答复或期满",
            _other_consultations_open,
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
            "reply_period_statutory",
            "《条例》第三十三条第二款只允许延长“前款规定的期限”（法定答复期限）；复议决定或判决"
            "责令在限期内重新答复的期限由作出决定的机关确定（行政复议法第六十六条、行政诉讼法"
            "第七十二条），行政机关不能自行延长",
            _reply_period_statutory,
        ),
        Guard(
            "reply_not_overdue",
            "《条例》第三十三条第二款：延期须在答复期限届满前决定并告知申请人",
            _reply_not_overdue,
        ),
        Guard(
            "reopen_has_basis",
            "只有已经作出答复、或答复期限已届满的申请才能因复议决定或判决重新办理",
            _reopen_has_basis,
        ),
        # ---- reconsideration and litigation
        Guard(
            "reply_challengeable",
            "针对答复的复议或诉讼须有已作出的答复；针对逾期未答复的，须答复期限已届满",
            _reply_challengeable,
            needs_inputs=True,
        ),
        Guard(
            "simplified_procedure",
            "简易程序",
            lambda ctx: ctx.params.get("procedure") == "simplified",
            needs_inputs=True,
        ),
        Guard(
            "simplified_available",
            "本案适用的行政复议法（2017年）没有简易程序",
            lambda ctx: "answer_simplified" in ctx.rules.clocks,
        ),
        Guard(
            "orders_redo",
            "决定或判决责令重新答复（写明期限）",
            lambda ctx: ctx.params.get("deadline_days") is not None,
            needs_inputs=True,
        ),
        Guard(
            "deadline_complete",
            "责令重新答复须同时写明期限天数（deadline_days）和单位（deadline_unit）",
            lambda ctx: ctx.params.get("deadline_unit") is not None,
            needs_inputs=True,
        ),
        Guard(
            "result_corrects",
            "只有纠正原答复的结果（撤销、变更、确认违法、责令履行）才能责令重新答复",
            _result_corrects,
            needs_inputs=True,
        ),
        Guard(
            "order_has_deadline",
            "责令履行的决定或判决须写明重新答复的期限（deadline_days 与 deadline_unit）",
            lambda ctx: _result(ctx) != "ordered_to_act",
            needs_inputs=True,
        ),
        Guard(
            "review_named",
            "复议后起诉须写明所针对的复议案件编号（review）",
            lambda ctx: ctx.params.get("route") != "after_review" or bool(ctx.params.get("review")),
            needs_inputs=True,
        ),
        Guard(
            "ruling",
            "裁定",
            lambda ctx: ctx.params.get("decision_kind") == "ruling",
            needs_inputs=True,
        ),
        Guard(
            "appeal_window_closed",
            "《行政诉讼法》第八十五条：上诉期限尚未届满，不能确认一审裁判生效",
            lambda ctx: _due_passed("appeal")(ctx) or _due_passed("appeal_ruling")(ctx),
        ),
        Guard(
            "decision_extendable",
            "复议机关决定期限只能延长一次（简易程序不得延长）",
            _open_clock_extendable("decision"),
        ),
    )
}
