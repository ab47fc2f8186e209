"""Every move of the application flow as a command: parse, call the engine once, print.

The commands are built from the table ``ACTIONS``: one entry per command with its Chinese help,
an example and the move's inputs as options (``--party-name`` is the input ``party_name`` of
states/application.toml). Each command checks who is acting, makes one ``engine.register`` or
``engine.move`` and prints the case after the move (``--json``: the ``case`` schema).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from casework.cli.common import DbOption, JsonOption
from casework.cli.session import AsCode
from casework.cli.usage import ChineseCommand, ChineseGroup

SHORT_HELP = 40  # characters of a command's line in `casework --help`


@dataclass(frozen=True)
class Opt:
    """An input of the move, offered as ``--name-with-dashes``."""

    name: str
    help: str
    required: bool = False
    complete: Callable[[], list[tuple[str, str]]] | None = None
    metavar: str = "TEXT"

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


_CONSULTATION = Opt(
    "consultation",
    "征求意见的编号（按发出顺序 1、2、……；只有一个未结时可省略）。",
    metavar="N",
)


@dataclass(frozen=True)
class Action:
    path: tuple[str, ...]  # ("correction", "request") is `casework correction request`
    move: str
    help: str
    example: str
    options: tuple[Opt, ...] = ()

    @property
    def command(self) -> str:
        return " ".join(self.path)

    @property
    def short_help(self) -> str:
        """The first sentence of the help, for the list of commands."""
        first = self.help.split("。")[0]
        return first if len(first) <= SHORT_HELP else first[: SHORT_HELP - 1] + "…"


# ---------------------------------------------------------------- choices (help and completion)


def _pairs(choices: dict[str, str]) -> Callable[[], list[tuple[str, str]]]:
    return lambda: list(choices.items())


def _listing(choices: dict[str, str]) -> str:
    return "、".join(f"{code} {text}" for code, text in choices.items())


def _channels() -> list[tuple[str, str]]:
    from casework.settings import Settings
    from casework.workflow.loader import load_rule_books

    book = load_rule_books(Settings().states_dir)["application"]
    return [(c, spec.label) for c, spec in book.rule_sets[-1].channels.items()]


def _units() -> list[tuple[str, str]]:
    from casework.organisation import load_units
    from casework.settings import Settings

    return [(u.code, u.name) for u in load_units(Settings().states_dir)]


def _vocabulary() -> dict[str, dict[str, str]]:
    from casework.domain.fees import BASES as FEE_BASES
    from casework.domain.outcomes import OUTCOMES, REPLY_OUTCOMES
    from casework.domain.vocabulary import (
        APPLICANT_KINDS,
        CLOCK_UNITS,
        DELIVERY_METHODS,
        PARTY_KINDS,
    )

    return {
        "applicant_kind": APPLICANT_KINDS,
        "party": PARTY_KINDS,
        "outcome": {code: OUTCOMES[code].label for code in REPLY_OUTCOMES},
        "withheld_ground": {
            code: OUTCOMES[code].label
            for code in REPLY_OUTCOMES
            if OUTCOMES[code].family == "withheld"
        },
        "method": DELIVERY_METHODS,
        "deadline_unit": CLOCK_UNITS,
        "basis": {code: f"{label}（{article}）" for code, (label, article) in FEE_BASES.items()},
    }


VOCABULARY = _vocabulary()
CHANNEL_HELP = (
    "申请渠道（决定收到申请之日，《条例》第三十一条）：window 当面提交、registered_mail 邮寄"
    "（需签收）、ordinary_mail 平常信函、online 互联网渠道（政府服务平台，须经总值班室转办）、"
    "fax 传真、email 电子邮件。"
)


def _choice(name: str, what: str, required: bool = True) -> Opt:
    choices = VOCABULARY[name]
    return Opt(name, f"{what}：{_listing(choices)}。", required, _pairs(choices), "CODE")


UNIT = Opt(
    "unit", "承办单位代码（见 states/organisation.toml），如 czj（区财政局）。", True, _units
)
HANDLER = Opt("handler", "承办人姓名（worklist --mine 按它查找）。")
NOTE = Opt("note", "备注。")

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
            Opt("channel", CHANNEL_HELP, True, _channels, "CODE"),
            Opt("applicant_name", "申请人姓名或名称。", True),
            _choice("applicant_kind", "申请人类型（年报表三的列）"),
            Opt("request", "申请内容：所需信息的名称、文号或描述。", True),
            Opt("applicant_id_number", "申请人身份证件号码（列表和日志中打码显示）。"),
            Opt("applicant_phone", "申请人联系电话（列表和日志中打码显示）。"),
            Opt("applicant_contact", "申请人通信地址或电子邮箱。"),
            Opt("unit", UNIT.help + "网上申请不填，由转办指定。", False, _units, "CODE"),
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
        "转办：总值班室、政务服务中心或综合科把网上申请交承办单位办理（转办期限随之停止）。"
        "答复期限仍从收到申请之日起算。",
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
            _choice("party", "征求意见对象"),
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
        (Opt("opinion", "对方的意见。", True), _CONSULTATION),
    ),
    Action(
        ("consultation", "lapsed"),
        "consultation_lapsed",
        "征求意见期满未答复：15 个工作日内未提出意见的，由本机关依法决定；"
        "没有其他未结的征求意见时，答复期限从期满之日起恢复计算。",
        "casework consultation lapsed 12 --consultation 1 --on 2026-04-10",
        (_CONSULTATION,),
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
            _choice("basis", "计收方式（国办函〔2020〕109号第三条，只选一种）"),
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
            _choice("outcome", "办理结果"),
            Opt("reasons", "理由（不予公开、部分公开等须说明）。"),
            Opt("responsible_agency", "负责公开该信息的机关及联系方式（非本机关负责时）。"),
            Opt("provision", "提供信息的方式、时间和地点（予以公开、部分公开时）。"),
            Opt("attachments", "随答复书提供的材料，多项用分号（；）分隔。"),
            _choice("withheld_ground", "部分公开时，不予公开部分的理由类别", required=False),
            NOTE,
        ),
    ),
    Action(
        ("deliver",),
        "deliver",
        "送达：记录答复书的送达方式和送达日期。",
        "casework deliver 12 --method post --tracking-number EMS1234567890CN --on 2026-03-26",
        (_choice("method", "送达方式"), Opt("tracking_number", "邮件单号。")),
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
            _choice("deadline_unit", "期限单位"),
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


# ---------------------------------------------------------------- building the commands


def _run(action: Action, values: dict[str, Any]) -> None:
    from casework.cli.cases import Labels, case_json, print_case
    from casework.cli.common import print_json
    from casework.cli.session import parse_case_id, parse_number, session
    from casework.identity import check_can_act

    case = values.pop("case", None)
    case_id = parse_case_id(case) if case is not None else None
    expected = parse_number(values.pop("expect_version", None), "expect_version", "版本号")
    on, db, as_code = values.pop("on"), values.pop("db"), values.pop("as_code")
    as_json = values.pop("as_json")
    inputs = {k: v for k, v in values.items() if v is not None}
    with session(db, as_code) as s:
        check_can_act(s.identity)
        engine, actor = s.engine, s.identity.actor
        if case_id is None:
            view = engine.register(actor, on=on, **inputs)
        else:
            view = engine.move(
                case_id, action.move, actor, on=on, expected_version=expected, **inputs
            )
        data = case_json(engine.case(view.id, actor=actor).to_dict())
        if as_json:
            print_json(data)
            return
        labels = Labels(engine)
        typer.echo(f"已办理：{labels.move(view.flow, action.move)}（案件 {view.id}）")
        print_case(data, labels, timeline=False)


def _option(opt: Opt) -> Any:
    complete = opt.complete
    help_text = f"{opt.help}{'（必填）' if opt.required else ''}"
    return Annotated[
        str | None,
        typer.Option(
            opt.flag,
            metavar=opt.metavar,
            help=help_text,
            autocompletion=(lambda incomplete: _matches(complete(), incomplete))
            if complete
            else None,
        ),
    ]


def _matches(pairs: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    return [(code, text) for code, text in pairs if code.startswith(incomplete)]


def _parameters(action: Action) -> list[inspect.Parameter]:
    kw = inspect.Parameter.KEYWORD_ONLY
    params = []
    if action.move != "register":
        case = Annotated[str, typer.Argument(metavar="CASE", help="案件编号。")]
        params.append(inspect.Parameter("case", kw, annotation=case))
    params += [
        inspect.Parameter(o.name, kw, default=None, annotation=_option(o)) for o in action.options
    ]
    on_help = (
        "收到申请之日 YYYY-MM-DD（默认今天）。"
        if action.move == "register"
        else "办理日期 YYYY-MM-DD（默认今天；不能晚于今天，也不能早于本案上一环节）。"
    )
    on = Annotated[str | None, typer.Option("--on", metavar="DATE", help=on_help)]
    params.append(inspect.Parameter("on", kw, default=None, annotation=on))
    if action.move != "register":
        version = Annotated[
            str | None,
            typer.Option(
                "--expect-version",
                metavar="N",
                help="只在案件仍是第 N 版时办理（防止覆盖他人刚做的更新）。",
            ),
        ]
        params.append(inspect.Parameter("expect_version", kw, default=None, annotation=version))
    params += [
        inspect.Parameter("as_code", kw, default=None, annotation=AsCode),
        inspect.Parameter("db", kw, default=DbOption, annotation=str | None),
        inspect.Parameter("as_json", kw, default=JsonOption, annotation=bool),
    ]
    return params


def _build(action: Action) -> Callable[..., None]:
    def command(**values: Any) -> None:
        _run(action, values)

    params = _parameters(action)
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__name__ = action.move
    command.__doc__ = f"{action.help}\n\n示例：{action.example}"
    return command


def _add_moves(root: typer.Typer) -> None:
    groups: dict[str, typer.Typer] = {}
    for name, help_text in GROUPS.items():
        groups[name] = typer.Typer(cls=ChineseGroup, help=help_text, no_args_is_help=True)
        root.add_typer(groups[name], name=name)
    for action in ACTIONS:
        parent = groups[action.path[0]] if len(action.path) == 2 else root
        parent.command(action.path[-1], cls=ChineseCommand, short_help=action.short_help)(
            _build(action)
        )


def register(root: typer.Typer) -> None:
    """Add the clerk's commands: every move, ``import``, ``find`` and ``schema``."""
    from casework.cli import cases, intake, schemas

    _add_moves(root)
    root.command("import", cls=ChineseCommand)(intake.import_file)
    root.command("find", cls=ChineseCommand)(cases.find)
    root.command("schema", cls=ChineseCommand)(schemas.schema)
