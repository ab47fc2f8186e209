"""Chinese names of the case fields and move inputs (design.md §3), as clerks read and type them.

The CLI uses them for option help and for printing event contents; the service-platform import
accepts them as column headers.
"""

from __future__ import annotations

LABELS: dict[str, str] = {
    # case fields
    "channel": "申请渠道",
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
}


def label(name: str) -> str:
    """The Chinese name of a field or input (its code when it has none)."""
    return LABELS.get(name, name)
