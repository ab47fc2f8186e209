"""The table ``ACTIONS``: every move of the application flow as a clerk's command.

One entry per command with its Chinese help, an example and the move's inputs as options
(``--party-name`` is the input ``party_name`` of states/application.toml). action_commands.py
builds the typer commands from it; ``command_for`` gives the command line of a move (shown by
``case show``).
"""

from __future__ import annotations

from casework.cli.action_options import (
    CHANNEL_HELP,
    CONSULTATION,
    HANDLER,
    NOTE,
    UNIT,
    Action,
    Opt,
    channel_choices,
    choice_option,
    unit_choices,
)

ACTIONS: tuple[Action, ...] = (
    Action(
        ("register",),
        "register",
        "登记一件依申请公开申请。--on 是收到申请之日（《条例》第三十一条，按渠道确定），"
        "适用的条例版本按它确定。网上申请（--channel online）登记后待总值班室转办；"
        "其他渠道须用 --unit 指定承办单位。",
        "casework register --on 2026-03-02 --channel window --unit czj --applicant-name 张三 "
        '--applicant-kind natural_person --request "2025年区财政局部门预算"',
        (
            Opt("channel", CHANNEL_HELP, True, channel_choices, "CODE"),
            Opt("applicant_name", "申请人姓名或名称。", True),
            choice_option("applicant_kind", "申请人类型（年报表三的列）"),
            Opt("request", "申请内容：所需信息的名称、文号或描述。", True),
            Opt("applicant_id_number", "申请人身份证件号码（列表和日志中打码显示）。"),
            Opt("applicant_phone", "申请人联系电话（列表和日志中打码显示）。"),
            Opt("applicant_contact", "申请人通信地址或电子邮箱。"),
            Opt("unit", UNIT.help + "网上申请不填，由转办指定。", False, unit_choices, "CODE"),
            HANDLER,
            Opt(
                "reference",
                "平台编号（受理平台的申请编号）：同一渠道同一编号只登记一次，重复提交返回原案件。",
            ),
        ),
    ),
    Action(
        ("forward",),
        "forward",
        "转办：总值班室、政务服务中心或综合科把待转办的申请（网上申请、服务中心窗口收到的申请）"
        "交承办单位办理（转办期限随之停止）。答复期限仍从收到申请之日起算。",
        "casework forward 12 --unit czj --on 2026-03-09",
        (UNIT, HANDLER, NOTE),
    ),
    Action(
        ("transfer",),
        "transfer",
        "移交：把案件交给区内另一单位办理。答复期限继续计算，不重新起算。",
        'casework transfer 12 --unit jyj --reason "信息由区教育局制作保存"',
        (UNIT, Opt("reason", "移交理由。", True), HANDLER),
    ),
    Action(
        ("correction", "request"),
        "request_correction",
        "补正告知：申请内容不明确的，自收到申请之日起 7 个工作日内一次性告知申请人补正"
        "（《条例》第三十条）。答复期限暂停，申请人的补正期限开始。",
        'casework correction request 12 --items "所需信息的名称或文号；获取信息的方式" '
        "--days 10 --on 2026-03-05",
        (
            Opt("items", "需要补正的事项，多项用分号（；）分隔。", True),
            Opt("days", "补正期限（工作日），由本机关合理确定。", True, metavar="N"),
        ),
    ),
    Action(
        ("correction", "received"),
        "correction_received",
        "收到补正：答复期限自收到补正申请之日起重新计算（《条例》第三十条）。",
        "casework correction received 12 --on 2026-03-12",
        (NOTE,),
    ),
    Action(
        ("correction", "lapsed"),
        "correction_lapsed",
        "逾期未补正：补正期限届满，申请人无正当理由未补正的，视为放弃申请，办结"
        "（年报表三（六）1）。",
        "casework correction lapsed 12 --on 2026-03-20",
    ),
    Action(
        ("consult",),
        "consult",
        "征求意见：征求第三方（《条例》第三十二条）或其他机关（第三十四条）的意见。"
        "征求意见所需时间不计入答复期限（第三十三条第三款）；每次征求意见各有 15 个工作日的"
        "期限，可以同时征求多方（按发出顺序编号 1、2、……）。",
        "casework consult 12 --party third_party --party-name 汉正商贸有限公司 "
        '--matter "拟公开的合同涉及其商业秘密"',
        (
            choice_option("party", "征求意见对象"),
            Opt("party_name", "被征求意见的第三方或机关的名称。", True),
            Opt("matter", "征求意见的事项。", True),
        ),
    ),
    Action(
        ("consultation", "answered"),
        "consultation_answered",
        "收到征求意见回复。同时有几个征求意见的，须用 --consultation 指明编号；最后一个结束时"
        "答复期限恢复计算（从各次征求意见中最晚结束之日起：收到回复之日与期满之日中较早者）。",
        'casework consultation answered 12 --consultation 2 --opinion "不同意公开" --on 2026-03-20',
        (Opt("opinion", "对方的意见。", True), CONSULTATION),
    ),
    Action(
        ("consultation", "lapsed"),
        "consultation_lapsed",
        "征求意见期满未答复：15 个工作日内未提出意见的，由本机关依法决定；"
        "没有其他未结的征求意见时，答复期限从期满之日起恢复计算。",
        "casework consultation lapsed 12 --consultation 1 --on 2026-04-10",
        (CONSULTATION,),
    ),
    Action(
        ("conference",),
        "conference",
        "会商：疑难案件的内部研究会商（不停止计时）。",
        'casework conference 12 --topic "是否属于过程性信息" --participants "综合科、法制办"',
        (Opt("topic", "会商议题。", True), Opt("participants", "参加会商的单位或人员。", True)),
    ),
    Action(
        ("secrecy-review",),
        "secrecy_review",
        "保密审查：不能确定能否公开的，报有关主管部门或保密行政管理部门确定（《条例》第十七条；"
        "不停止计时）。",
        'casework secrecy-review 12 --matter "拟公开文件是否涉密" --reviewer 区保密局',
        (Opt("matter", "送审事项。", True), Opt("reviewer", "审查机关。")),
    ),
    Action(
        ("extend",),
        "extend",
        "延期答复：经政府信息公开工作机构负责人同意，答复期限延长一次，最长 20 个工作日"
        "（《条例》第三十三条第二款；2008 年条例为 15 个工作日），须在期限届满前决定。",
        'casework extend 12 --approver 政府信息公开工作机构负责人 --reason "需调取的档案数量较大"',
        (
            Opt("approver", "批准延期的政府信息公开工作机构负责人。", True),
            Opt("reason", "延期理由。", True),
        ),
    ),
    Action(
        ("fee", "notice"),
        "fee_notice",
        "收费通知：申请数量、频次明显超过合理范围的，收取信息处理费（《条例》第四十二条、"
        "国办函〔2020〕109号）。每件申请按件或按量只选一种（第三条），金额由系统按第四条、"
        "第五条超额累进计算；按件时本月件数从数据库统计。缴费期间答复期限暂停，缴费期限 20 个"
        "工作日。",
        "casework fee notice 12 --basis per_page --pages 120",
        (
            choice_option("basis", "计收方式（国办函〔2020〕109号第三条，只选一种）"),
            Opt("pages", "按量计收的页数。", metavar="N"),
            Opt("amount", "金额（元）；不填则为系统计算的金额。", metavar="YUAN"),
            Opt("deviation_reason", "金额与系统计算不同时必填：理由。"),
        ),
    ),
    Action(
        ("fee", "paid"),
        "fee_paid",
        "已缴费：答复期限恢复计算。",
        "casework fee paid 12 --receipt-number 2026-0001 --on 2026-03-18",
        (Opt("receipt_number", "缴费凭证号。"),),
    ),
    Action(
        ("fee", "lapsed"),
        "fee_lapsed",
        "逾期未缴费：缴费期限届满未缴纳的，不再处理，办结（年报表三（六）2）。",
        "casework fee lapsed 12 --on 2026-04-20",
    ),
    Action(
        ("reply",),
        "reply",
        "答复：记录答复日期和办理结果；结果决定案件计入年报表三的哪一行。",
        "casework reply 12 --outcome disclosed --on 2026-03-25",
        (
            choice_option("outcome", "办理结果"),
            Opt("reasons", "理由（不予公开、部分公开等须说明）。"),
            Opt("responsible_agency", "负责公开该信息的机关及联系方式（非本机关负责时）。"),
            Opt("provision", "提供信息的方式、时间和地点（予以公开、部分公开时）。"),
            Opt("attachments", "随答复书提供的材料，多项用分号（；）分隔。"),
            choice_option("withheld_ground", "部分公开时，不予公开部分的理由类别", required=False),
            NOTE,
        ),
    ),
    Action(
        ("deliver",),
        "deliver",
        "送达：记录答复书的送达方式和送达日期。",
        "casework deliver 12 --method post --tracking-number EMS1234567890CN --on 2026-03-26",
        (choice_option("method", "送达方式"), Opt("tracking_number", "邮件单号。")),
    ),
    Action(("close",), "close", "办结归档：答复送达后办结。", "casework close 12 --on 2026-03-30"),
    Action(
        ("withdraw",),
        "withdraw",
        "撤回：申请人撤回申请，办结（年报表三（六）3）。",
        'casework withdraw 12 --reason "申请人书面撤回" --on 2026-03-10',
        (Opt("reason", "撤回的原因或方式。"),),
    ),
    Action(
        ("reopen",),
        "reopen",
        "重新办理：行政复议决定或法院判决纠正原答复的，按决定确定的期限重新答复"
        "（区法制办、区政府办主任办理）。",
        'casework reopen 12 --reason "复议决定撤销原答复，责令重新答复" --deadline-days 20 '
        '--deadline-unit working_days --decision "硚政复决〔2026〕5号"',
        (
            Opt("reason", "重新办理的原因。", True),
            Opt("deadline_days", "重新答复的期限（天数）。", True, metavar="N"),
            choice_option("deadline_unit", "期限单位"),
            Opt("decision", "复议决定书或判决书的文号。"),
        ),
    ),
)

BY_MOVE: dict[str, Action] = {a.move: a for a in ACTIONS}
GROUPS = {
    "correction": "补正：告知补正、收到补正、逾期未补正。",
    "consultation": "征求意见的结果：收到回复、期满未答复。",
    "fee": "信息处理费：收费通知、已缴费、逾期未缴费。",
}


# Moves of the application flow that other commands make.
OTHER_COMMANDS = {
    "reveal": 'casework case show {case} --reveal --purpose "…"',
    "issue_letter": "casework letter issue {case} KIND",
}


def command_for(flow: str, move: str, case_id: int) -> str:
    """The command a clerk types to make ``move`` on a case (shown by ``case show``)."""
    if flow == "application" and move in OTHER_COMMANDS:
        return OTHER_COMMANDS[move].format(case=case_id)
    action = BY_MOVE.get(move) if flow == "application" else None
    if action is None:
        return f"（{flow} 流程的 {move}）"
    required = " ".join(f"{o.flag} …" for o in action.options if o.required)
    return f"casework {action.command} {case_id} {required}".rstrip()
