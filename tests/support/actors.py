"""The people who act in the tests (as the engine's ``Actor``), and 张三's application."""

from __future__ import annotations

from casework.domain.roles import Actor

CENTRE = Actor("王敏", "service_centre")
DUTY = Actor("熊值班", "duty_office")
CLERK = Actor("李娜", "unit_clerk", "czj")
HEAD = Actor("周科长", "unit_head", "czj")
OTHER_CLERK = Actor("陈静", "unit_clerk", "jyj")
LEGAL = Actor("法制办刘", "legal_office")
AUDITOR = Actor("审计孙", "auditor")
GENERAL = Actor("赵综合", "general_section")

APPLICANT = {
    "applicant_name": "张三",
    "applicant_kind": "natural_person",
    "request": "2025年区财政局部门预算及“三公”经费预算",
}
