"""The reply outcomes and the 25 rows of annual-report table 三 (国办公开办函〔2021〕30号).

Each outcome a clerk can record maps to exactly one outcome row of the table (rows 3–23). A
partial disclosure counts only as 部分公开. The mapping (docs/legal-basis.md B2) marks it
as matched by wording (the 30号 explanatory notes were not available): confirm before relying on
it for a published report.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportRow:
    """One data row of table 三, in the official order."""

    number: int  # 1..25 as printed
    key: str
    group: str  # level-1/level-2 label the row sits under ("" when it stands alone)
    label: str  # exact official label of the row itself


TABLE3_ROWS: tuple[ReportRow, ...] = (
    ReportRow(1, "new", "", "一、本年新收政府信息公开申请数量"),
    ReportRow(2, "carried_in", "", "二、上年结转政府信息公开申请数量"),
    ReportRow(3, "disclosed", "三、本年度办理结果", "（一）予以公开"),
    ReportRow(
        4,
        "partially_disclosed",
        "三、本年度办理结果",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ),
    ReportRow(5, "withheld_state_secret", "（三）不予公开", "1.属于国家秘密"),
    ReportRow(6, "withheld_prohibited", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ReportRow(7, "withheld_security", "（三）不予公开", "3.危及“三安全一稳定”"),
    ReportRow(8, "withheld_third_party", "（三）不予公开", "4.保护第三方合法权益"),
    ReportRow(9, "withheld_internal", "（三）不予公开", "5.属于三类内部事务信息"),
    ReportRow(10, "withheld_process", "（三）不予公开", "6.属于四类过程性信息"),
    ReportRow(11, "withheld_enforcement", "（三）不予公开", "7.属于行政执法案卷"),
    ReportRow(12, "withheld_query", "（三）不予公开", "8.属于行政查询事项"),
    ReportRow(13, "unable_not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ReportRow(14, "unable_needs_creating", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ReportRow(15, "unable_unclear", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ReportRow(16, "rejected_petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ReportRow(17, "rejected_repeat", "（五）不予处理", "2.重复申请"),
    ReportRow(18, "rejected_publication", "（五）不予处理", "3.要求提供公开出版物"),
    ReportRow(19, "rejected_excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ReportRow(
        20, "rejected_confirmation", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"
    ),
    ReportRow(
        21,
        "other_no_correction",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    ReportRow(
        22,
        "other_fee_unpaid",
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ReportRow(23, "other", "（六）其他处理", "3.其他"),
    ReportRow(24, "total", "三、本年度办理结果", "（七）总计"),
    ReportRow(25, "carried_out", "", "四、结转下年度继续办理"),
)

ROWS_BY_KEY: dict[str, ReportRow] = {row.key: row for row in TABLE3_ROWS}


@dataclass(frozen=True)
class Outcome:
    """A result a case can end with, and the table-三 row it counts in."""

    code: str
    label: str
    row: str  # key of a ReportRow (rows 3–23)
    article: str  # the 2019 Regulation's article for this reply
    family: str  # disclosed / partial / withheld / unable / not_processed / other
    by_reply: bool = True  # False: only a closing move (lapse, withdrawal) records it


OUTCOMES: dict[str, Outcome] = {
    o.code: o
    for o in (
        Outcome("disclosed", "予以公开", "disclosed", "第三十六条第（二）项", "disclosed"),
        Outcome(
            "already_public",
            "已主动公开，告知获取途径",
            "disclosed",
            "第三十六条第（一）项",
            "disclosed",
        ),
        Outcome(
            "partially_disclosed",
            "部分公开（区分处理）",
            "partially_disclosed",
            "第三十七条",
            "partial",
        ),
        Outcome(
            "withheld_state_secret",
            "不予公开：属于国家秘密",
            "withheld_state_secret",
            "第十四条、第三十六条第（三）项",
            "withheld",
        ),
        Outcome(
            "withheld_prohibited",
            "不予公开：法律、行政法规禁止公开",
            "withheld_prohibited",
            "第十四条、第三十六条第（三）项",
            "withheld",
        ),
        Outcome(
            "withheld_security",
            "不予公开：危及国家安全、公共安全、经济安全、社会稳定",
            "withheld_security",
            "第十四条、第三十六条第（三）项",
            "withheld",
        ),
        Outcome(
            "withheld_third_party",
            "不予公开：保护第三方合法权益",
            "withheld_third_party",
            "第十五条、第三十二条、第三十六条第（三）项",
            "withheld",
        ),
        Outcome(
            "withheld_internal",
            "不予公开：内部事务信息",
            "withheld_internal",
            "第十六条第一款、第三十六条第（三）项",
            "withheld",
        ),
        Outcome(
            "withheld_process",
            "不予公开：过程性信息",
            "withheld_process",
            "第十六条第二款、第三十六条第（三）项",
            "withheld",
        ),
        Outcome(
            "withheld_enforcement",
            "不予公开：行政执法案卷信息",
            "withheld_enforcement",
            "第十六条第二款、第三十六条第（三）项",
            "withheld",
        ),
        Outcome(
            "withheld_query",
            "不予公开：属于行政查询事项（按相关法律法规办理）",
            "withheld_query",
            "第三十六条第（七）项",
            "withheld",
        ),
        Outcome(
            "unable_not_held",
            "无法提供：本机关不掌握（经检索没有）",
            "unable_not_held",
            "第三十六条第（四）项",
            "unable",
        ),
        Outcome(
            "unable_not_responsible",
            "无法提供：不属于本机关负责公开（告知负责机关）",
            "unable_not_held",
            "第三十六条第（五）项",
            "unable",
        ),
        Outcome(
            "unable_needs_creating",
            "无法提供：没有现成信息需要另行制作",
            "unable_needs_creating",
            "第三十八条",
            "unable",
        ),
        Outcome(
            "unable_unclear",
            "无法提供：补正后申请内容仍不明确",
            "unable_unclear",
            "第三十条",
            "unable",
        ),
        Outcome(
            "rejected_petition",
            "不予处理：信访举报投诉类申请",
            "rejected_petition",
            "第三十九条第一款",
            "not_processed",
        ),
        Outcome(
            "rejected_repeat",
            "不予处理：重复申请",
            "rejected_repeat",
            "第三十六条第（六）项",
            "not_processed",
        ),
        Outcome(
            "rejected_publication",
            "不予处理：要求提供公开出版物",
            "rejected_publication",
            "第三十九条第二款",
            "not_processed",
        ),
        Outcome(
            "rejected_excessive",
            "不予处理：无正当理由大量反复申请",
            "rejected_excessive",
            "第三十五条",
            "not_processed",
        ),
        Outcome(
            "rejected_confirmation",
            "不予处理：要求确认或重新出具已获取信息",
            "rejected_confirmation",
            "（无对应条款，按国办公开办函〔2021〕30号统计）",
            "not_processed",
        ),
        Outcome(
            "other_no_correction",
            "其他处理：逾期不补正，视为放弃申请",
            "other_no_correction",
            "第三十条",
            "other",
            by_reply=False,
        ),
        Outcome(
            "other_fee_unpaid",
            "其他处理：逾期未缴纳信息处理费",
            "other_fee_unpaid",
            "第四十二条、国办函〔2020〕109号",
            "other",
            by_reply=False,
        ),
        Outcome(
            "other_withdrawn",
            "其他处理：申请人撤回申请",
            "other",
            "（申请人撤回）",
            "other",
            by_reply=False,
        ),
        Outcome("other", "其他处理：其他", "other", "（其他情形）", "other"),
    )
}

REPLY_OUTCOMES: tuple[str, ...] = tuple(code for code, o in OUTCOMES.items() if o.by_reply)
