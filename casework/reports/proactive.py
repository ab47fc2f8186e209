"""Whether a matter looks proactively disclosable: keyword rules from the seed notice.

硚政办〔2014〕32号 lists what must be disclosed proactively (工作要点一 and 附件2's 共性要点 and
个性要点). Each rule below is one of those items and the words a request about it would use.
This is a heuristic on the request text only: it says the matter *resembles* an item the notice
lists, not that the information exists or is already published, and it misses items worded
differently. A request about the applicant's own affairs (本人、我家…) is personal, which no
proactive item covers, so it weighs against.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    source: str  # where the seed notice lists the item
    item: str
    keywords: tuple[str, ...]


RULES: tuple[Rule, ...] = (
    Rule(
        "工作要点一（一）；附件2 共性要点4",
        "行政权力和政务服务事项清单、权力运行流程",
        ("权力清单", "责任清单", "程序清单", "政务服务事项", "权力运行"),
    ),
    Rule(
        "工作要点一（二）；附件2 财政局个性要点",
        "部门预决算、“三公”经费、财政专项资金、公务接待等",
        ("预算", "决算", "三公", "专项资金", "公务接待", "公务车辆", "因公出国"),
    ),
    Rule(
        "工作要点一（二）；附件2 审计局个性要点",
        "审计项目计划、审计工作报告、整改报告、审计结果",
        ("审计",),
    ),
    Rule(
        "工作要点一（三）；附件2 房管局个性要点",
        "保障性安居工程的建设计划、房源、分配政策与结果",
        ("保障性住房", "保障房", "安居工程", "公租房", "廉租房", "经济适用房", "轮候"),
    ),
    Rule(
        "工作要点一（三）；附件2 建设局个性要点",
        "招投标信息、违法违规行为及处理",
        ("招投标", "招标", "投标", "中标"),
    ),
    Rule(
        "工作要点一（三）；附件2 发改委个性要点",
        "政府定价、指导价、收费标准及行政事业性收费",
        ("收费标准", "政府定价", "指导价", "行政事业性收费", "价格调整"),
    ),
    Rule(
        "工作要点一（三）；附件2 国土规划分局个性要点",
        "国有土地出让、集体土地征收等土地管理使用情况",
        ("土地出让", "集体土地", "土地征收", "征用土地"),
    ),
    Rule(
        "工作要点一（四）；附件2 统筹办、国土规划分局个性要点",
        "征地拆迁、房屋征收的补偿方案、补偿标准和补偿结果",
        ("征收", "拆迁", "补偿方案", "补偿标准", "补偿结果", "安置方案"),
    ),
    Rule(
        "工作要点一（四）；附件2 食药监局个性要点",
        "食品生产经营许可、专项检查、违法行为查处",
        ("食品", "生产经营许可", "食品安全"),
    ),
    Rule(
        "工作要点一（四）；附件2 环保局个性要点",
        "建设项目环评、污染物监测、突发环境事件、PM2.5",
        ("环评", "环境影响", "污染", "监测", "PM2.5", "细颗粒物", "环境事件"),
    ),
    Rule(
        "工作要点一（五）；附件2 安监局、政府办个性要点",
        "重大突发事件与安全生产事故的处置、调查报告，应急预案",
        ("事故调查", "调查报告", "安全事故", "突发事件", "应急预案"),
    ),
    Rule(
        "附件2 共性要点1",
        "机构设置、职责、办事程序、联系方式",
        ("机构设置", "职责", "办事程序", "办事指南", "联系方式"),
    ),
    Rule(
        "附件2 共性要点2、3",
        "规范性文件、重大政策措施和工作部署",
        ("规范性文件", "政策措施", "实施办法", "实施细则"),
    ),
    Rule(
        "附件2 发改委、统计局个性要点",
        "发展规划、专项规划与统计信息",
        ("发展规划", "专项规划", "统计公报", "统计数据", "统计信息"),
    ),
    Rule(
        "附件2 财政局个性要点2",
        "政府集中采购项目的目录、标准和实施情况",
        ("政府采购", "集中采购"),
    ),
    Rule(
        "附件2 教育局、卫计委、人力资源局、社保处个性要点",
        "教育、医疗卫生、就业、社会保险的政策措施及实施情况",
        ("招生", "划片", "就业", "社会保险", "社保", "医疗卫生"),
    ),
    Rule(
        "附件2 街道办事处共性要点4",
        "优抚、救济、社会捐助等款物的管理、使用和分配",
        ("优抚", "救济", "社会捐助", "捐赠款物"),
    ),
)

PERSONAL_CUES: tuple[str, ...] = ("本人", "我家", "我的", "本户", "申请人自己", "个人档案")


@dataclass(frozen=True)
class Verdict:
    disclosable: bool
    summary: str  # one Chinese line for the report
    rule: Rule | None
    matched: int  # requests of the cluster that matched the rule
    personal: int  # requests of the cluster with a personal cue


def judge(requests: list[str]) -> Verdict:
    """Proactively disclosable when most requests match one rule and most are not personal."""
    best, best_hits = None, 0
    for rule in RULES:
        hits = sum(any(k in text for k in rule.keywords) for text in requests)
        if hits > best_hits:
            best, best_hits = rule, hits
    personal = sum(any(c in text for c in PERSONAL_CUES) for text in requests)
    half = len(requests) / 2
    if personal > half:
        return Verdict(
            False,
            f"多数申请（{personal}/{len(requests)}）涉及申请人本人事项，不像主动公开事项",
            best,
            best_hits,
            personal,
        )
    if best is not None and best_hits >= half:
        return Verdict(
            True,
            f"可能属于应主动公开的事项：{best.item}（{best.source}；"
            f"{best_hits}/{len(requests)} 件申请含相关用语）",
            best,
            best_hits,
            personal,
        )
    return Verdict(False, "未对应到硚政办〔2014〕32号列出的主动公开事项", best, best_hits, personal)
