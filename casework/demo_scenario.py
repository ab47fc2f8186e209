"""The demo's simulated year: who acts, what applicants ask, how often each outcome occurs, and
the scripted step each move is made from. demo_planner.py writes every case's script from these;
demo.py runs the scripts through the real engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from casework.domain.outcomes import REPLY_OUTCOMES
from casework.domain.roles import Actor

DEMO_SUFFIX = "（演示）"
# How often each reply outcome occurs in the demo (others: 2), roughly as in published reports.
OUTCOME_WEIGHTS = {
    "disclosed": 40,
    "already_public": 15,
    "partially_disclosed": 10,
    "withheld_process": 5,
    "withheld_third_party": 5,
    "unable_not_held": 6,
}
# What a lawful reply letter must say for these outcomes (Arts. 36, 37): the clerk's text.
REPLY_TEXT = {
    "partially_disclosed": {"reasons": "其中涉及第三方商业秘密的部分不予公开（《条例》第十五条）"},
    "unable_not_held": {"reasons": "经检索本机关2024年以来的文书档案与业务系统，未找到该信息"},
    "unable_not_responsible": {"responsible_agency": "武汉市自然资源和规划局（电话 027-12345678）"},
    "rejected_repeat": {"reasons": "申请人已于2026年就同一内容提出申请，本机关已作出答复"},
    "other": {"reasons": "所提事项属于咨询，已告知申请人向有关部门咨询的渠道"},
    **{
        code: {"reasons": "经审查，所申请信息属于该条款规定的不予公开情形"}
        for code in REPLY_OUTCOMES
        if code.startswith("withheld")
    },
}
PROCEEDING_KEYS = 100_000  # script keys of proceedings: this plus their case's key
DEMO_READER = "xugang"  # the office director of the bundled directory: reads every case
START = date(2026, 1, 5)
END = date(2026, 9, 30)  # the demo's "today": every due date stays inside the known 2026 calendar

DUTY = Actor("熊芳俐" + DEMO_SUFFIX, "duty_office")
CENTRE = Actor("政务中心窗口" + DEMO_SUFFIX, "service_centre")
GENERAL = Actor("综合科" + DEMO_SUFFIX, "general_section")
LEGAL = Actor("法制办" + DEMO_SUFFIX, "legal_office")

CHANNELS = ["window", "online", "online", "registered_mail", "ordinary_mail", "fax", "email"]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"]
ORGS = {
    "business": ["汉正商贸有限公司", "宗关置业有限公司", "古田物流有限公司"],
    "research": ["江城城市规划研究院"],
    "public_interest": ["绿色江城环保志愿者协会"],
    "legal_services": ["硚口明理律师事务所"],
    "other_org": ["长丰社区居民委员会"],
}
REQUESTS = [
    "{unit}2025年部门预算及“三公”经费预算",
    "{unit}2025年度政府信息公开工作年度报告中依申请公开的统计口径",
    "{unit}关于古田片区房屋征收补偿方案的批复文件",
    "{unit}2025年度重点审计项目的审计结果",
    "{unit}汉正街改造项目的环境影响评价报告",
    "{unit}2025年保障性住房分配名单及分配程序",
    "{unit}对本人所在小区违法建设的查处记录",
    "{unit}2025年政府集中采购项目目录及中标结果",
    "{unit}辖区内食品生产经营许可清单",
    "{unit}2025年社会救助资金的使用和分配情况",
]


@dataclass(order=True)
class Step:
    on: date
    order: int
    case_key: int = field(compare=False)
    move: str = field(compare=False)
    actor: Actor = field(compare=False)
    inputs: dict[str, Any] = field(compare=False, default_factory=dict)
    flow: str = field(compare=False, default="application")
    parent_key: int | None = field(compare=False, default=None)  # opens a proceeding on it


def clerk(unit: str) -> Actor:
    return Actor(f"{unit}经办人{DEMO_SUFFIX}", "unit_clerk", unit)
