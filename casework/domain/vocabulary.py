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
