"""Who is acting: CASEWORK_USER, ``--as`` for administrators, and what each role may do."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, update

from casework.store.tables import PEOPLE as PEOPLE_TABLE
from tests.support.cli import Cli

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")


def test_no_user_is_refused(cli: Cli, case: int) -> None:
    line = cli.refused(None, "case", "show", str(case))
    assert "未设置当前用户" in line and "CASEWORK_USER" in line


def test_an_unknown_user_is_refused(cli: Cli, case: int) -> None:
    line = cli.refused("nobody", "case", "show", str(case))
    assert line == (
        "错误：CASEWORK_USER：人员名录中没有代码为 'nobody' 的人员"
        "（名录由 casework directory load 载入）"
    )


def test_an_inactive_user_is_refused(cli: Cli, case: int) -> None:
    line = cli.refused("gone", "conference", str(case), "--topic", "t", "--participants", "p")
    assert "人员 gone（离职者）已停用" in line


def test_a_person_with_an_unknown_role_is_refused(cli: Cli, case: int) -> None:
    db = create_engine(cli.url)
    with db.begin() as conn:
        conn.execute(update(PEOPLE_TABLE).where(PEOPLE_TABLE.c.code == "sun").values(role="boss"))
    db.dispose()
    assert "角色 'boss' 未知" in cli.refused("sun", "case", "show", str(case))


def test_an_administrator_acts_for_a_clerk_and_the_trail_names_both(cli: Cli, case: int) -> None:
    data = cli.ok(
        "zonghe",
        "conference",
        str(case),
        "--topic",
        "t",
        "--participants",
        "p",
        "--as",
        "lina",
        "--json",
    ).json
    event = data["events"][-1]
    assert event["actor_name"] == "李娜（赵综合代录）"
    assert (event["actor_role"], event["actor_unit"]) == ("unit_clerk", "czj")


def test_acting_as_keeps_the_role_limits_of_the_person_acted_for(cli: Cli, case: int) -> None:
    line = cli.refused("zonghe", "reply", str(case), "--outcome", "disclosed", "--as", "chenjing")
    assert "只能办理本单位（jyj）的案件" in line


def test_only_an_administrator_may_act_as_someone_else(cli: Cli, case: int) -> None:
    line = cli.refused("lina", "case", "show", str(case), "--as", "zonghe")
    assert "--as：只有管理员" in line and "李娜是承办单位经办人" in line


def test_acting_as_an_unknown_person_names_the_option(cli: Cli, case: int) -> None:
    line = cli.refused("zonghe", "case", "show", str(case), "--as", "ghost")
    assert line.startswith("错误：as：人员名录中没有代码为 'ghost' 的人员")


def test_a_unit_clerk_cannot_read_another_units_case(cli: Cli, case: int) -> None:
    line = cli.refused("chenjing", "case", "show", str(case))
    assert line == "错误：承办单位经办人只能查看本单位（jyj）的案件，案件 1 的承办单位为 czj"


def test_the_auditor_reads_every_case(cli: Cli, case: int) -> None:
    data = cli.ok("sun", "case", "show", str(case), "--json").json
    assert data["id"] == case
    assert data["allowed_moves"] == []
