"""Every move of the application flow as a command, as clerks type it.

Due dates are counted by hand from the 2026 notice (docs/legal-basis.md D): March 2026 has no
holiday; 清明 4/4–4/6 (Monday 4/6 off). Day 1 is the first working day after the start.
"""

from __future__ import annotations

import pytest

from casework.cli.actions import ACTIONS, BY_MOVE, OTHER_COMMANDS
from casework.resources import bundled_dir
from casework.workflow.loader import load_flows, load_rule_books
from tests.support.cli import APPLICANT, Cli, clock, window

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

# ---------------------------------------------------------------- the table matches the flow


def test_every_move_of_the_application_flow_has_a_command_with_its_inputs() -> None:
    states = bundled_dir("states")
    flow = load_flows(states, load_rule_books(states), names=["application"])["application"]
    # reveal is made by `case show --reveal`, issue_letter by `letter issue`; every other move
    # is a command of its own.
    assert set(flow.move_names) - set(OTHER_COMMANDS) == set(BY_MOVE)
    for move in BY_MOVE.values():
        definition = flow.variants(move.move)[0]
        assert {o.name for o in move.options} == set(definition.inputs), move.move
        required = {o.name for o in move.options if o.required}
        assert required == set(definition.fields), move.move


def test_command_names_follow_the_issue() -> None:
    assert {a.command for a in ACTIONS} == {
        "register",
        "forward",
        "transfer",
        "correction request",
        "correction received",
        "correction lapsed",
        "consult",
        "consultation answered",
        "consultation lapsed",
        "conference",
        "secrecy-review",
        "extend",
        "fee notice",
        "fee paid",
        "fee lapsed",
        "reply",
        "deliver",
        "close",
        "withdraw",
        "reopen",
    }


# ---------------------------------------------------------------- happy paths


def test_register_prints_the_case_and_its_clocks(cli: Cli) -> None:
    out = cli.ok("wangmin", *window()).stdout
    assert "已办理：登记（案件 1）" in out
    assert "办理中" in out
    assert "czj 区财政局" in out
    # 20 working days after Monday 2026-03-02: 2026-03-30; correction notice (7): 03-11.
    assert "2026-03-30" in out and "2026-03-11" in out


def test_register_json_is_the_case(cli: Cli) -> None:
    data = cli.ok("wangmin", *window(), "--handler", "李娜", "--json").json
    assert data["state"] == "in_progress"
    assert data["fields"]["unit"] == "czj"
    assert data["fields"]["handler"] == "李娜"
    assert clock(data, "reply")["due_on"] == "2026-03-30"
    assert [e["actor_name"] for e in data["events"]] == ["王敏"]


def test_online_application_is_forwarded_by_the_duty_office(cli: Cli) -> None:
    data = cli.ok(
        "xiong",
        "register",
        "--on",
        "2026-03-06",
        "--channel",
        "online",
        *APPLICANT,
        "--json",
    ).json
    assert data["state"] == "awaiting_forward"
    assert "forward" in data["allowed_moves"]
    case = str(data["id"])
    forwarded = cli.ok("xiong", "forward", case, "--unit", "czj", "--on", "2026-03-09", "--json")
    assert forwarded.json["state"] == "in_progress"
    assert clock(forwarded.json, "forwarding")["status"] == "met"
    # The reply clock runs from receipt (Friday 03-06), not from forwarding: 2026-04-03.
    assert clock(forwarded.json, "reply")["due_on"] == "2026-04-03"


def test_transfer_hands_the_case_to_another_unit(cli: Cli, case: int) -> None:
    data = cli.ok(
        "lina",
        "transfer",
        str(case),
        "--unit",
        "jyj",
        "--reason",
        "信息由区教育局制作保存",
        "--on",
        "2026-03-03",
        "--json",
    ).json
    assert data["fields"]["unit"] == "jyj"
    assert clock(data, "reply")["due_on"] == "2026-03-30"  # the clock keeps running
    # The receiving unit's clerk now acts on it; the sending clerk no longer can.
    cli.ok("chenjing", "conference", str(case), "--topic", "议题", "--participants", "教育局")
    assert "只能办理本单位" in cli.refused(
        "lina", "conference", str(case), "--topic", "议题", "--participants", "财政局"
    )


def test_correction_request_then_received_restarts_the_reply_clock(cli: Cli, case: int) -> None:
    c = str(case)
    asked = cli.ok(
        "lina",
        "correction",
        "request",
        c,
        "--items",
        "所需信息的名称或文号；获取信息的方式",
        "--days",
        "10",
        "--on",
        "2026-03-05",
        "--json",
    ).json
    assert asked["state"] == "awaiting_correction"
    assert clock(asked, "reply")["status"] == "paused"
    assert clock(asked, "correction_period")["due_on"] == "2026-03-19"
    assert asked["events"][-1]["payload"]["items"] == ["所需信息的名称或文号", "获取信息的方式"]
    got = cli.ok("lina", "correction", "received", c, "--on", "2026-03-10", "--json").json
    assert got["state"] == "in_progress"
    # Restarted: 20 working days after 03-10, over 清明 (4/6 off): 2026-04-08.
    assert clock(got, "reply")["due_on"] == "2026-04-08"


def test_correction_lapsed_closes_as_abandoned(cli: Cli, case: int) -> None:
    c = str(case)
    cli.ok(
        "lina", "correction", "request", c, "--items", "文号", "--days", "5", "--on", "2026-03-03"
    )
    # The 5-working-day correction period ends 03-10: lapsing on that day is refused.
    assert "补正期限尚未届满" in cli.refused(
        "lina", "correction", "lapsed", c, "--on", "2026-03-10"
    )
    data = cli.ok("lina", "correction", "lapsed", c, "--on", "2026-03-11", "--json").json
    assert data["state"] == "closed"
    assert data["fields"]["outcome"] == "other_no_correction"


def test_consultation_answered_and_lapsed(cli: Cli) -> None:
    first, second = str(cli.register()), str(cli.register("--handler", "李娜"))
    for c in (first, second):
        consulted = cli.ok(
            "lina",
            "consult",
            c,
            "--party",
            "third_party",
            "--party-name",
            "汉正商贸有限公司",
            "--matter",
            "合同涉及商业秘密",
            "--on",
            "2026-03-04",
            "--json",
        ).json
        assert consulted["state"] == "consulting"
        # 15 working days after 03-04: 2026-03-25.
        assert clock(consulted, "consultation")["due_on"] == "2026-03-25"
    answered = cli.ok(
        "lina",
        "consultation",
        "answered",
        first,
        "--opinion",
        "不同意公开",
        "--on",
        "2026-03-10",
        "--json",
    ).json
    assert answered["state"] == "in_progress"
    assert clock(answered, "reply")["status"] == "running"
    lapsed = cli.ok("lina", "consultation", "lapsed", second, "--on", "2026-03-26", "--json").json
    assert lapsed["state"] == "in_progress"
    assert clock(lapsed, "consultation")["status"] == "lapsed"


def test_conference_and_secrecy_review_are_recorded_without_stopping_the_clock(
    cli: Cli, case: int
) -> None:
    c = str(case)
    cli.ok("zhou", "conference", c, "--topic", "是否属于过程性信息", "--participants", "综合科")
    data = cli.ok(
        "lina", "secrecy-review", c, "--matter", "是否涉密", "--reviewer", "区保密局", "--json"
    ).json
    assert [e["move"] for e in data["events"]] == ["register", "conference", "secrecy_review"]
    assert data["events"][-1]["payload"] == {"matter": "是否涉密", "reviewer": "区保密局"}
    assert data["state"] == "in_progress"
    assert clock(data, "reply")["status"] == "running"


def test_extend_moves_the_reply_due_date_once(cli: Cli, case: int) -> None:
    c = str(case)
    args = ("extend", c, "--approver", "公开办负责人", "--reason", "档案量大", "--on", "2026-03-20")
    data = cli.ok("lina", *args, "--json").json
    # 20 working days after the due date 03-30, over 清明: 2026-04-28.
    assert clock(data, "reply")["due_on"] == "2026-04-28"
    assert clock(data, "reply")["extension_days"] == 20
    assert "只能延长一次" in cli.refused("lina", *args)


def test_fee_notice_paid_and_lapsed(cli: Cli) -> None:
    paid, unpaid = str(cli.register()), str(cli.register("--handler", "李娜"))
    for c in (paid, unpaid):
        notice = cli.ok(
            "lina",
            "fee",
            "notice",
            c,
            "--basis",
            "per_page",
            "--pages",
            "40",
            "--on",
            "2026-03-03",
            "--json",
        ).json
        assert notice["state"] == "awaiting_fee"
        assert notice["events"][-1]["payload"]["amount"] == "100.00"
        # 20 working days after 03-03: 2026-03-31.
        assert clock(notice, "fee_payment")["due_on"] == "2026-03-31"
    got = cli.ok("lina", "fee", "paid", paid, "--receipt-number", "2026-0001", "--json").json
    assert got["state"] == "in_progress"
    lapsed = cli.ok("lina", "fee", "lapsed", unpaid, "--on", "2026-04-01", "--json").json
    assert lapsed["state"] == "closed"
    assert lapsed["fields"]["outcome"] == "other_fee_unpaid"


def test_reply_deliver_close_and_reopen(cli: Cli, case: int) -> None:
    c = str(case)
    replied = cli.ok("lina", "reply", c, "--outcome", "disclosed", "--on", "2026-03-25", "--json")
    assert replied.json["state"] == "replied"
    assert replied.json["fields"]["replied_on"] == "2026-03-25"
    assert clock(replied.json, "reply")["status"] == "met"
    assert "method：未知的送达方式 'pigeon'" in cli.refused(
        "lina", "deliver", c, "--method", "pigeon"
    )
    delivered = cli.ok(
        "lina",
        "deliver",
        c,
        "--method",
        "post",
        "--tracking-number",
        "EMS1234567890CN",
        "--on",
        "2026-03-26",
        "--json",
    ).json
    assert delivered["fields"]["delivered_on"] == "2026-03-26"
    closed = cli.ok("lina", "close", c, "--on", "2026-03-30", "--json").json
    assert closed["state"] == "closed"
    reopened = cli.ok(
        "liu",
        "reopen",
        c,
        "--reason",
        "复议决定撤销原答复",
        "--deadline-days",
        "20",
        "--deadline-unit",
        "working_days",
        "--decision",
        "硚政复决〔2026〕5号",
        "--on",
        "2026-04-15",
        "--json",
    ).json
    assert reopened["state"] == "in_progress"
    assert reopened["fields"]["outcome"] is None
    # 20 working days after 04-15: 2026-05-15 (劳动节 5/1–5/5 off, Saturday 5/9 worked).
    assert clock(reopened, "reply")["due_on"] == "2026-05-15"


def test_withdraw_closes_the_case(cli: Cli, case: int) -> None:
    data = cli.ok(
        "wangmin",
        "withdraw",
        str(case),
        "--reason",
        "申请人书面撤回",
        "--on",
        "2026-03-04",
        "--json",
    ).json
    assert data["state"] == "closed"
    assert data["fields"]["outcome"] == "other_withdrawn"
    assert "withdraw" not in data["allowed_moves"] and "reveal" in data["allowed_moves"]


def test_expect_version_refuses_a_stale_view(cli: Cli, case: int) -> None:
    c = str(case)
    line = cli.refused(
        "lina", "conference", c, "--topic", "t", "--participants", "p", "--expect-version", "2"
    )
    assert "已被他人更新" in line and "当前版本 1" in line
    data = cli.ok(
        "lina",
        "conference",
        c,
        "--topic",
        "t",
        "--participants",
        "p",
        "--expect-version",
        "1",
        "--json",
    ).json
    assert data["version"] == 2


# ---------------------------------------------------------------- refusals


CASE_COMMANDS = [a for a in ACTIONS if a.move != "register"]


def _args(action, case: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The command with a plausible value for each required option."""
    values = {
        "unit": "jyj",
        "party": "third_party",
        "outcome": "disclosed",
        "method": "post",
        "deadline_unit": "working_days",
        "days": "10",
        "deadline_days": "20",
        "amount": "100",
    }
    args = [*action.path, case]
    for o in action.options:
        if o.required:
            args += [o.flag, values.get(o.name, "文字")]
    return args


@pytest.mark.parametrize("action", CASE_COMMANDS, ids=lambda a: a.command)
def test_every_command_refuses_an_unknown_case(sqlite_cli: Cli, action) -> None:  # type: ignore[no-untyped-def]
    assert sqlite_cli.refused("zonghe", *_args(action, "999")) == "错误：案件 999 不存在"


@pytest.mark.parametrize("action", CASE_COMMANDS, ids=lambda a: a.command)
def test_every_command_refuses_a_malformed_case_id(sqlite_cli: Cli, action) -> None:  # type: ignore[no-untyped-def]
    line = sqlite_cli.refused("zonghe", *_args(action, "12a"))
    assert "case：案件编号应为不小于 1 的整数" in line


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.command)
def test_every_command_refuses_a_malformed_date(sqlite_cli: Cli, action) -> None:  # type: ignore[no-untyped-def]
    args = _args(action, str(sqlite_cli.register()))
    if action.move == "register":
        args = ["register", "--channel", "window", "--unit", "czj", *APPLICANT]
    line = sqlite_cli.refused("zonghe", *args, "--on", "2026-02-30")
    assert "on：日期格式错误，应为 YYYY-MM-DD" in line


@pytest.mark.parametrize("action", CASE_COMMANDS, ids=lambda a: a.command)
def test_every_command_refuses_the_auditor(sqlite_cli: Cli, action) -> None:  # type: ignore[no-untyped-def]
    line = sqlite_cli.refused("sun", *_args(action, str(sqlite_cli.register())))
    assert line == "错误：审计查阅人员只能查阅，不能办理案件"


def test_wrong_role_is_refused_naming_the_roles_that_may(cli: Cli, case: int) -> None:
    line = cli.refused("wangmin", "reply", str(case), "--outcome", "disclosed")
    assert "区政务服务中心无权执行“答复”" in line
    assert "承办单位经办人" in line


def test_wrong_unit_is_refused(cli: Cli, case: int) -> None:
    line = cli.refused("chenjing", "reply", str(case), "--outcome", "disclosed")
    assert line == "错误：承办单位经办人只能办理本单位（jyj）的案件，本案承办单位为 czj"


def test_a_move_not_allowed_now_is_refused(cli: Cli, case: int) -> None:
    line = cli.refused("lina", "deliver", str(case), "--method", "post")
    assert "不能执行“deliver”" in line and "办理中" in line


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["reply", "{case}", "--outcome", "published"], "outcome：未知的答复结果 'published'"),
        (
            ["consult", "{case}", "--party", "friend", "--party-name", "x", "--matter", "m"],
            "party：未知的征求意见对象 'friend'",
        ),
        (
            ["transfer", "{case}", "--unit", "nosuch", "--reason", "r"],
            "unit：未知的单位代码 'nosuch'",
        ),
        (
            ["fee", "notice", "{case}", "--amount", "-5", "--basis", "per_page"],
            "amount：应为大于零",
        ),
        (["correction", "request", "{case}", "--items", "x", "--days", "0"], "days：应在 1 至 366"),
    ],
)
def test_a_value_outside_its_list_is_refused(cli: Cli, case: int, args, field) -> None:  # type: ignore[no-untyped-def]
    line = cli.refused("lina", *[a.replace("{case}", str(case)) for a in args])
    assert field in line


def test_register_refuses_an_unknown_channel_and_kind(cli: Cli) -> None:
    base = ["register", "--unit", "czj", "--on", "2026-03-02", "--request", "r"]
    line = cli.refused(
        "wangmin",
        *base,
        "--channel",
        "pigeon",
        "--applicant-name",
        "张三",
        "--applicant-kind",
        "natural_person",
    )
    assert "channel：未知的申请渠道 'pigeon'" in line
    line = cli.refused(
        "wangmin",
        *base,
        "--channel",
        "window",
        "--applicant-name",
        "张三",
        "--applicant-kind",
        "alien",
    )
    assert "applicant_kind：未知的申请人类型 'alien'" in line


def test_register_without_a_unit_is_refused_unless_online_or_at_the_centre(cli: Cli) -> None:
    line = cli.refused(
        "zonghe", "register", "--channel", "window", "--on", "2026-03-02", *APPLICANT
    )
    assert "须指定承办单位" in line
    at_centre = cli.ok(
        "wangmin", "register", "--channel", "window", "--on", "2026-03-02", *APPLICANT, "--json"
    ).json
    assert at_centre["state"] == "awaiting_forward"


def test_a_missing_required_input_names_it(cli: Cli, case: int) -> None:
    line = cli.refused("lina", "reply", str(case))
    assert "缺少必填项 outcome" in line


def test_a_date_in_the_future_is_refused(cli: Cli, case: int) -> None:
    line = cli.refused(
        "lina", "conference", str(case), "--topic", "t", "--participants", "p", "--on", "2099-01-01"
    )
    assert "晚于今天" in line


def test_a_partial_disclosure_records_what_the_reply_letter_needs(cli: Cli, case: int) -> None:
    data = cli.ok(
        "lina",
        "reply",
        str(case),
        "--outcome",
        "partially_disclosed",
        "--reasons",
        "报价部分涉及第三方商业秘密",
        "--withheld-ground",
        "withheld_third_party",
        "--provision",
        "以电子邮件发送",
        "--attachments",
        "2025年部门预算表；“三公”经费说明",
        "--on",
        "2026-03-25",
        "--json",
    ).json
    assert data["fields"]["outcome"] == "partially_disclosed"
    payload = data["events"][-1]["payload"]
    assert payload["withheld_ground"] == "withheld_third_party"
    assert payload["attachments"] == ["2025年部门预算表", "“三公”经费说明"]
