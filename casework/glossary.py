"""Chinese names of case fields and move inputs (docs/concepts.md), as clerks read and type them.

The CLI uses them for option help and for printing event contents; the service-platform import
accepts them as column headers.
"""

from __future__ import annotations

LABELS: dict[str, str] = {
    # case fields
    "channel": "申请渠道",
    "reference": "平台编号",
    "received_on": "收到申请日期",
    "applicant_name": "申请人",
    "applicant_kind": "申请人类型",
    "applicant_id_number": "证件号码",
    "applicant_phone": "联系电话",
    "applicant_contact": "通信地址",
    "request": "申请内容",
    "unit": "承办单位",
    "handler": "承办人",
    "outcome": "办理结果",
    "replied_on": "答复日期",
    "delivered_on": "送达日期",
    "closed_on": "办结日期",
    # move inputs
    "note": "备注",
    "reason": "理由",
    "items": "补正事项",
    "days": "补正期限（工作日）",
    "party": "征求意见对象",
    "party_name": "被征求意见方名称",
    "matter": "事项",
    "opinion": "意见",
    "topic": "会商议题",
    "participants": "参加单位",
    "reviewer": "审查机关",
    "approver": "批准人",
    "amount": "金额（元）",
    "basis": "收费依据",
    "receipt_number": "缴费凭证号",
    "reasons": "理由",
    "responsible_agency": "负责公开的机关",
    "provision": "提供方式",
    "attachments": "附件",
    "withheld_ground": "不予公开部分的理由",
    "method": "送达方式",
    "tracking_number": "邮件单号",
    "deadline_days": "重新答复期限（天数）",
    "deadline_unit": "期限单位",
    "decision": "决定书或判决书",
    "purpose": "查看目的",
    "consultation": "第几次征求意见",
    "kind": "种类",
    # reconsideration and litigation (states/review.toml, states/lawsuit.toml)
    "ground": "事由",
    "body": "复议机关",
    "body_case_number": "复议机关案号",
    "procedure": "复议程序",
    "accepted_on": "受理日期",
    "answer_number": "答复书文号",
    "notice": "通知内容",
    "result": "结果",
    "decision_number": "决定书文号",
    "decided_on": "决定日期",
    "category": "结果类别",
    "route": "起诉方式",
    "court": "法院",
    "court_case_number": "法院案号",
    "review": "复议案件编号",
    "review_id": "复议案件编号",
    "after_review": "经过复议",
    "defence_number": "答辩状文号",
    "decision_kind": "裁判文书种类",
    "judgment_number": "裁判文书号",
    "appellant": "上诉人",
    "first_result": "一审结果",
    "first_judgment_number": "一审裁判文书号",
    "final_result": "终审结果",
    "final_judgment_number": "终审裁判文书号",
    # a calendar recompute (casework clocks recompute)
    "changes": "期限变化",
}


def label(name: str) -> str:
    """The Chinese name of a field or input (its code when it has none)."""
    return LABELS.get(name, name)


def choice_labels() -> dict[str, dict[str, str]]:
    """The Chinese label of every value of each choice input type (the types of the moves'
    ``fields`` in states/*.toml; channels and units come from data and are not here)."""
    from casework.domain.outcomes import OUTCOMES
    from casework.domain.vocabulary import (
        APPLICANT_KINDS,
        CLOCK_UNITS,
        DECISION_KINDS,
        DELIVERY_METHODS,
        LAWSUIT_RESULTS,
        LAWSUIT_ROUTES,
        PARTY_KINDS,
        RESULT_CATEGORIES,
        REVIEW_GROUNDS,
        REVIEW_PROCEDURES,
        REVIEW_RESULTS,
    )

    outcomes = {code: o.label for code, o in OUTCOMES.items()}
    return {
        "applicant_kind": APPLICANT_KINDS,
        "party_kind": PARTY_KINDS,
        "reply_outcome": outcomes,
        "outcome": outcomes,
        "clock_unit": CLOCK_UNITS,
        "delivery_method": DELIVERY_METHODS,
        "review_ground": REVIEW_GROUNDS,
        "review_procedure": REVIEW_PROCEDURES,
        "review_result": {code: text for code, (text, _) in REVIEW_RESULTS.items()},
        "lawsuit_route": LAWSUIT_ROUTES,
        "lawsuit_result": {code: text for code, (text, _) in LAWSUIT_RESULTS.items()},
        "decision_kind": DECISION_KINDS,
        "result_category": RESULT_CATEGORIES,
    }
