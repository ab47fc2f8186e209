"""``casework apikey create / list / revoke``: administrators only; the key is shown once and
stored hashed; a revoked key is listed as such."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from casework.store.tables import API_KEYS
from tests.support.cli import Cli

pytestmark = pytest.mark.usefixtures("pinned_today")


def test_an_administrator_creates_lists_and_revokes_keys(cli: Cli) -> None:
    made = cli.ok(
        "zonghe", "apikey", "create", "wangmin", "--label", "政务服务中心收件系统", "--json"
    ).json
    assert made["person"] == "wangmin" and made["key"].startswith("cwk_")
    shown = cli.ok("zonghe", "apikey", "create", "lina", "--label", "财政局系统").stdout
    assert "已签发API密钥 2" in shown and "只显示这一次" in shown
    listed = cli.ok("zonghe", "apikey", "list", "--json").json
    assert [(k["id"], k["person"], k["active"]) for k in listed] == [
        (1, "wangmin", True),
        (2, "lina", True),
    ]
    assert made["key"] not in cli.ok("zonghe", "apikey", "list").stdout
    db = create_engine(cli.url)
    with db.connect() as conn:
        stored = [tuple(r) for r in conn.execute(select(API_KEYS))]
    db.dispose()
    assert not any(made["key"].split("_", 2)[2] in str(row) for row in stored)
    assert "已吊销" in cli.ok("zonghe", "apikey", "revoke", "1").stdout
    assert "早已吊销" in cli.ok("zonghe", "apikey", "revoke", "1").stdout
    assert [k["active"] for k in cli.ok("zonghe", "apikey", "list", "--json").json] == [False, True]


def test_only_administrators_manage_keys(cli: Cli) -> None:
    for args in (("create", "wangmin", "--label", "x"), ("list",), ("revoke", "1")):
        assert "管理员" in cli.refused("lina", "apikey", *args)
        assert "CASEWORK_USER" in cli.refused(None, "apikey", *args)


def test_a_key_needs_an_active_person_of_the_directory(cli: Cli) -> None:
    assert "nobody" in cli.refused("zonghe", "apikey", "create", "nobody", "--label", "x")
    assert "停用" in cli.refused("zonghe", "apikey", "create", "gone", "--label", "x")
    assert "label" in cli.refused("zonghe", "apikey", "create", "lina", "--label", " ")
    assert "没有编号为 9" in cli.refused("zonghe", "apikey", "revoke", "9")
