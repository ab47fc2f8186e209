"""Reading: ``case show`` (with the audited reveal), ``worklist`` and ``find``.

Dates counted by hand from the 2026 calendar (docs/legal-basis.md D): no holiday in March; 清明
4/4–4/6 with Monday 4/6 off.
"""

from __future__ import annotations

import pytest

from tests.support.cli import ID_NUMBER, PHONE, Cli

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

MASKED_ID = "4201**********1234"
MASKED_PHONE = "139****5678"

# ---------------------------------------------------------------- case show


def test_case_show_gives_a_paused_clock_its_days_used_and_left(cli: Cli) -> None:
    case = str(cli.register())  # received Mon 2026-03-02, reply due 3/30
    consult = ["--party", "third_party", "--party-name", "汉正商贸有限公司", "--matter", "报价"]
    cli.ok("lina", "consult", case, *consult, "--on", "2026-03-10")
    # Used (3/2, 3/10]: 3/3–3/6 (4) + 3/9, 3/10 (2) = 6 working days; 20 − 6 = 14 left.
    data = cli.ok("lina", "case", "show", case, "--as-of", "2026-03-12", "--json").json
    reply = next(c for c in data["clocks"] if c["kind"] == "reply")
    assert (reply["status"], reply["due_on"], reply["days_left"]) == ("paused", None, None)
    assert (reply["days_used"], reply["days_remaining"]) == (6, 14)
    out = cli.ok("lina", "case", "show", case, "--as-of", "2026-03-12").stdout
    assert "已用 6 个工作日，余 14 个工作日（暂停计时）" in out
    running = next(c for c in data["clocks"] if c["kind"] == "consultation")
    assert (running["days_used"], running["days_remaining"]) == (None, None)


def test_case_show_prints_state_unit_clocks_timeline_and_next_moves(cli: Cli) -> None:
    case = cli.register("--handler", "李娜")
    cli.ok(
        "zhou",
        "conference",
        str(case),
        "--topic",
        "议题",
        "--participants",
        "法制办",
        "--on",
        "2026-03-04",
    )
    out = cli.ok("lina", "case", "show", str(case), "--as-of", "2026-03-20").stdout
    assert f"案件 {case}  办理中  " in out and "in_progress" not in out
    assert "承办单位：czj 区财政局" in out and "承办人：李娜" in out
    # Reply due 2026-03-30; from Friday 03-20 that leaves 6 working days (23–27, 30).
    assert "2026-03-30" in out and "剩 6 个工作日" in out
    assert "王敏（区政务服务中心）" in out
    assert "周科长（承办单位负责人 czj）" in out
    assert "会商议题：议题" in out
    assert f"casework reply {case} --outcome …" in out
    assert ID_NUMBER not in out and PHONE not in out
    assert MASKED_ID in out and MASKED_PHONE in out


def test_next_moves_depend_on_who_reads(cli: Cli, case: int) -> None:
    def allowed(user: str) -> list[str]:
        shown = cli.ok(user, "case", "show", str(case), "--as-of", "2026-03-03", "--json")
        return shown.json["allowed_moves"]

    assert {"reply", "request_correction", "extend", "reveal"} <= set(allowed("lina"))
    assert {"withdraw", "reveal"} <= set(allowed("wangmin"))
    assert not {"reply", "request_correction", "extend"} & set(allowed("wangmin"))
    assert allowed("sun") == []


def test_case_json_masks_fields_and_every_event(cli: Cli, case: int) -> None:
    result = cli.ok("lina", "case", "show", str(case), "--json")
    data = result.json
    assert data["masked"] is True
    assert data["fields"]["applicant_id_number"] == MASKED_ID
    assert data["fields"]["applicant_phone"] == MASKED_PHONE
    payload = data["events"][0]["payload"]
    assert payload["applicant_id_number"] == MASKED_ID
    assert payload["applicant_phone"] == MASKED_PHONE
    assert ID_NUMBER not in result.stdout and PHONE not in result.stdout


def test_reveal_records_an_audit_event_then_shows_the_numbers(cli: Cli, case: int) -> None:
    data = cli.ok(
        "lina",
        "case",
        "show",
        str(case),
        "--reveal",
        "--purpose",
        "电话联系申请人补正",
        "--as-of",
        "2026-03-03",
        "--json",
    ).json
    assert data["masked"] is False
    assert data["fields"]["applicant_id_number"] == ID_NUMBER
    assert data["fields"]["applicant_phone"] == PHONE
    reveal = data["events"][-1]
    assert reveal["move"] == "reveal"
    assert reveal["payload"] == {"purpose": "电话联系申请人补正"}
    assert (reveal["actor_name"], reveal["occurred_on"]) == ("李娜", "2026-03-03")
    assert data["version"] == 2
    # Reading again without --reveal masks again and the reveal stays in the timeline.
    again = cli.ok("zonghe", "case", "show", str(case), "--json").json
    assert again["fields"]["applicant_id_number"] == MASKED_ID
    assert [e["move"] for e in again["events"]] == ["register", "reveal"]


def test_reveal_needs_a_purpose(cli: Cli, case: int) -> None:
    assert "缺少必填项 purpose" in cli.refused("lina", "case", "show", str(case), "--reveal")


def test_reveal_is_refused_to_the_auditor(cli: Cli, case: int) -> None:
    line = cli.refused("sun", "case", "show", str(case), "--reveal", "--purpose", "核查")
    assert "审计查阅人员无权执行“查看申请人完整身份信息" in line


def test_reveal_is_refused_to_another_unit(cli: Cli, case: int) -> None:
    line = cli.refused("chenjing", "case", "show", str(case), "--reveal", "--purpose", "核查")
    assert "只能查看本单位（jyj）的案件" in line


def test_case_show_refusals(cli: Cli, case: int) -> None:
    assert cli.refused("lina", "case", "show", "999") == "错误：案件 999 不存在"
    assert "case：案件编号应为不小于 1 的整数" in cli.refused("lina", "case", "show", "0")
    line = cli.refused("lina", "case", "show", str(case), "--as-of", "2026/03/20")
    assert "as_of：日期格式错误" in line


# ---------------------------------------------------------------- worklist


@pytest.fixture
def three(cli: Cli) -> tuple[int, int, int]:
    """A (czj, handler 李娜) and B (jyj) received 03-02: reply due 03-30. C (czj) received
    03-16, correction asked 03-17 for 10 working days: its correction period ends 03-31."""
    a = cli.register("--handler", "李娜")
    b = cli.register(unit="jyj")
    c = cli.register(on="2026-03-16")
    cli.ok(
        "lina",
        "correction",
        "request",
        str(c),
        "--items",
        "文号",
        "--days",
        "10",
        "--on",
        "2026-03-17",
    )
    return a, b, c


def _worklist(cli: Cli, user: str, *args: str) -> list[tuple[int, int | None, str]]:
    data = cli.ok(user, "worklist", "--as-of", "2026-03-31", *args, "--json").json
    assert data["as_of"] == "2026-03-31"
    assert data["count"] == len(data["items"])
    return [(i["case_id"], i["days_left"], i["urgency"]) for i in data["items"]]


def test_worklist_is_sorted_by_urgency(cli: Cli, three: tuple[int, int, int]) -> None:
    a, b, c = three
    assert _worklist(cli, "zonghe") == [
        (a, -1, "overdue"),
        (b, -1, "overdue"),
        (c, 0, "due_soon"),
    ]


def test_worklist_scopes_mine_and_my_unit(cli: Cli, three: tuple[int, int, int]) -> None:
    a, b, c = three
    assert [i[0] for i in _worklist(cli, "lina")] == [a, c]  # a unit clerk: own unit
    assert [i[0] for i in _worklist(cli, "lina", "--mine")] == [a]
    assert [i[0] for i in _worklist(cli, "zonghe", "--unit", "jyj")] == [b]
    assert _worklist(cli, "zonghe", "--mine") == []


def test_worklist_by_line(cli: Cli, three: tuple[int, int, int]) -> None:
    """In the bundled directory czj is on line1 (操俊峰's) and jyj on line3 (范宁's)."""
    a, b, c = three
    assert [i[0] for i in _worklist(cli, "zonghe", "--line", "line3")] == [b]
    assert [i[0] for i in _worklist(cli, "zonghe", "--line", "范宁")] == [b]
    assert [i[0] for i in _worklist(cli, "caojunfeng", "--my-line")] == [a, c]


def test_worklist_filters(cli: Cli, three: tuple[int, int, int]) -> None:
    a, b, c = three
    assert [i[0] for i in _worklist(cli, "zonghe", "--overdue")] == [a, b]
    assert [i[0] for i in _worklist(cli, "zonghe", "--state", "awaiting_correction")] == [c]
    assert [i[0] for i in _worklist(cli, "zonghe", "--due-within", "0")] == [a, b, c]
    assert [i[0] for i in _worklist(cli, "zonghe", "--state", "closed")] == []


def test_worklist_is_coloured_by_urgency(cli: Cli, three: tuple[int, int, int]) -> None:
    from typer.testing import CliRunner

    from casework.cli.main import app

    result = CliRunner().invoke(
        app,
        ["worklist", "--as-of", "2026-03-31", "--db", cli.url],
        env={"CASEWORK_USER": "zonghe", "FORCE_COLOR": "1", "COLUMNS": "120"},
    )
    # Each cell of a row carries the row's style: red for overdue, yellow for due soon.
    a, b, c = three
    assert f"\x1b[1;31m{a} " in result.stdout and f"\x1b[1;31m{b} " in result.stdout
    assert f"\x1b[33m{c} " in result.stdout


def test_worklist_refusals(cli: Cli, three: tuple[int, int, int]) -> None:
    assert "未知的战线 'cao'" in cli.refused("zonghe", "worklist", "--line", "cao")
    assert "不能按战线查看" in cli.refused("lina", "worklist", "--line", "line1")
    assert "赵综合不是组织目录中任何战线的战线副主任" in cli.refused(
        "zonghe", "worklist", "--my-line"
    )
    assert "只能查看本单位（czj）" in cli.refused("lina", "worklist", "--unit", "jyj")
    assert "unit：未知的单位代码 'nosuch'" in cli.refused("zonghe", "worklist", "--unit", "nosuch")
    assert "state：未知的状态 'lost'" in cli.refused("zonghe", "worklist", "--state", "lost")
    line = cli.refused("zonghe", "worklist", "--due-within", "soon")
    assert "due_within：天数应为不小于 0 的整数" in line
    assert "as_of：日期格式错误" in cli.refused("zonghe", "worklist", "--as-of", "31.3.2026")


# ---------------------------------------------------------------- find


@pytest.fixture
def applicants(cli: Cli) -> tuple[int, int, int]:
    zhang = cli.register()
    li = cli.ok(
        "wangmin",
        "register",
        "--on",
        "2026-03-10",
        "--channel",
        "window",
        "--unit",
        "jyj",
        "--applicant-name",
        "李四",
        "--applicant-kind",
        "natural_person",
        "--request",
        "2026年小学招生划片方案",
        "--json",
    ).json["id"]
    company = cli.ok(
        "wangmin",
        "register",
        "--on",
        "2026-04-01",
        "--channel",
        "registered_mail",
        "--unit",
        "czj",
        "--applicant-name",
        "张氏商贸有限公司",
        "--applicant-kind",
        "business",
        "--request",
        "古田片区房屋征收补偿方案",
        "--json",
    ).json["id"]
    return zhang, li, company


def _found(cli: Cli, user: str, *args: str) -> list[int]:
    return [c["case_id"] for c in cli.ok(user, "find", *args, "--json").json["cases"]]


def test_find_by_applicant_text_and_dates(cli: Cli, applicants: tuple[int, int, int]) -> None:
    zhang, li, company = applicants
    assert _found(cli, "zonghe", "--applicant", "张") == [company, zhang]  # newest first
    assert _found(cli, "zonghe", "--text", "招生") == [li]
    assert _found(cli, "zonghe", "--from", "2026-03-05", "--to", "2026-03-31") == [li]
    assert _found(cli, "zonghe", "--from", "2026-03-10") == [company, li]
    assert _found(cli, "zonghe", "--applicant", ID_NUMBER) == [zhang]
    assert _found(cli, "zonghe", "--text", "100%") == []  # a wildcard is plain text


def test_find_is_scoped_to_a_unit_clerks_unit(cli: Cli, applicants: tuple[int, int, int]) -> None:
    zhang, li, company = applicants
    assert _found(cli, "lina") == [company, zhang]
    assert _found(cli, "chenjing") == [li]
    assert "只能查看本单位（czj）" in cli.refused("lina", "find", "--unit", "jyj")


def test_find_masks_numbers(cli: Cli, applicants: tuple[int, int, int]) -> None:
    result = cli.ok("zonghe", "find", "--applicant", "张三", "--json")
    case = result.json["cases"][0]
    assert (case["applicant_id_number"], case["applicant_phone"]) == (MASKED_ID, MASKED_PHONE)
    table = cli.ok("zonghe", "find", "--applicant", "张三").stdout
    assert ID_NUMBER not in table + result.stdout
    assert "共 1 件" in table


def test_find_refusals(cli: Cli) -> None:
    assert "from：日期格式错误" in cli.refused("zonghe", "find", "--from", "2026-3-1x")
    line = cli.refused("zonghe", "find", "--from", "2026-04-01", "--to", "2026-03-01")
    assert "from：起始日期 2026-04-01 晚于截止日期 2026-03-01" in line
    assert "limit：件数应为不小于 1 的整数" in cli.refused("zonghe", "find", "--limit", "0")
