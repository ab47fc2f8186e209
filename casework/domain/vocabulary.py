"""Closed lists a clerk chooses from, with their Chinese labels."""

from __future__ import annotations

# Columns of annual-report table 三 (国办公开办函〔2021〕30号), in order.
APPLICANT_KINDS: dict[str, str] = {
    "natural_person": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
}

PARTY_KINDS: dict[str, str] = {
    "third_party": "第三方（《条例》第三十二条）",
    "other_agency": "其他机关（《条例》第三十四条）",
}

DELIVERY_METHODS: dict[str, str] = {
    "in_person": "当面送达",
    "post": "邮政寄送",
    "via_agency": "委托其他机关送达",
    "email": "电子邮件",
    "platform": "政府服务平台",
}

CLOCK_UNITS: dict[str, str] = {"working_days": "工作日", "calendar_days": "日（自然日）"}

# Reconsideration (行政复议) and litigation (行政诉讼) where the agency answers for its reply.
REVIEW_GROUNDS: dict[str, str] = {
    "against_reply": "不服答复",
    "failure_to_reply": "逾期未答复（不履行法定职责）",
}
REVIEW_PROCEDURES: dict[str, str] = {
    "ordinary": "普通程序",
    "simplified": "简易程序（行政复议法第五十三条第一款第（四）项）",
}
# Each result and its block in annual-report table 四: upheld (维持) / corrected (纠正) / other.
REVIEW_RESULTS: dict[str, tuple[str, str]] = {
    "upheld": ("维持", "upheld"),
    "rejected": ("驳回复议请求", "upheld"),
    "revoked": ("撤销", "corrected"),
    "changed": ("变更", "corrected"),
    "confirmed_unlawful": ("确认违法", "corrected"),
    "ordered_to_act": ("责令履行", "corrected"),
    "withdrawn": ("申请人撤回（终止）", "other"),
    "terminated": ("终止", "other"),
}
LAWSUIT_ROUTES: dict[str, str] = {
    "direct": "未经复议直接起诉",
    "after_review": "复议后起诉",
}
LAWSUIT_RESULTS: dict[str, tuple[str, str]] = {
    "claims_rejected": ("判决驳回诉讼请求", "upheld"),
    "revoked": ("判决撤销", "corrected"),
    "ordered_to_act": ("判决履行", "corrected"),
    "confirmed_unlawful": ("确认违法", "corrected"),
    "changed": ("判决变更", "corrected"),
    "withdrawn": ("原告撤诉", "other"),
    "dismissed": ("裁定驳回起诉", "other"),
}
DECISION_KINDS: dict[str, str] = {"judgment": "判决", "ruling": "裁定"}
RESULT_CATEGORIES: dict[str, str] = {"upheld": "维持", "corrected": "纠正", "other": "其他"}
