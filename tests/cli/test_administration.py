"""Administrative acts (issue 13): loading the directory and upgrading a database in use need
an administrator (CASEWORK_USER of role general_section or office_head); a new installation,
which has no administrator yet, is let through once and recorded as such."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select

import casework
from casework.store import migrate
from casework.store.db import create_db_engine
from casework.store.tables import DIRECTORY_VERSIONS
from tests.support.cli import Cli
from tests.support.migrations import seed_first_revision

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = str(ROOT / "states" / "organisation.toml")
# The rule every refusal names: the message says who may, and who the user is.
ADMINS_ONLY = "载入名录只能由管理员（区政府办综合科、政府信息公开工作机构负责人）办理"


def loads(url: str) -> list[str]:
    db = create_engine(url)
    with db.connect() as conn:
        who = list(conn.scalars(select(DIRECTORY_VERSIONS.c.loaded_by).order_by("id")))
    db.dispose()
    return who


def test_a_unit_clerk_or_nobody_may_not_load_the_directory(cli: Cli) -> None:
    refused = cli.refused("lina", "directory", "load", "--sample")
    assert ADMINS_ONLY in refused and "李娜是承办单位经办人" in refused
    assert "未设置当前用户" in cli.refused(None, "directory", "load", "--sample")
    assert "已停用" in cli.refused("gone", "directory", "load", "--sample")
    assert loads(cli.url) == []


def test_an_administrator_loads_and_is_recorded(cli: Cli) -> None:
    loaded = cli.ok("zonghe", "directory", "load", "--sample")
    assert "其中示例人员" in loaded.stdout
    assert loads(cli.url) == ["zonghe"]


def test_a_directory_without_administrator_is_refused_once_there_is_one(cli: Cli) -> None:
    refused = cli.refused("zonghe", "directory", "load", BUNDLED)
    assert "名录中没有管理员" in refused
    assert loads(cli.url) == []


def test_the_first_load_of_a_new_installation_needs_no_administrator(db_url: str) -> None:
    casework.open(db_url, upgrade=True).db.dispose()
    fresh = Cli(db_url)
    assert "李娜" not in fresh.ok(None, "directory", "load", BUNDLED).stdout
    # The bundled directory names no administrator: still a first installation.
    fresh.ok(None, "directory", "load", "--sample")
    assert "未设置当前用户" in fresh.refused(None, "directory", "load", "--sample")
    assert ADMINS_ONLY in fresh.refused("lina", "directory", "load", "--sample")
    fresh.ok("qian", "directory", "load", "--sample")
    first, second, third = loads(db_url)
    assert first.startswith("首次载入（尚无管理员）：") and second.startswith("首次载入")
    assert third == "qian"


def test_upgrading_a_database_with_cases_needs_an_administrator(cli: Cli) -> None:
    cli.register()
    refused = cli.refused("lina", "db", "upgrade")
    assert "升级在用的数据库只能由管理员" in refused
    assert "未设置当前用户" in cli.refused(None, "db", "upgrade")
    assert "（管理员 zonghe）" in cli.ok("zonghe", "db", "upgrade").stdout


def test_a_new_or_empty_database_is_upgraded_by_whoever_installs(cli: Cli, tmp_path: Path) -> None:
    cli.ok(None, "db", "upgrade")  # migrated, people loaded, no case yet
    new = Cli(f"sqlite:///{tmp_path / 'new.db'}")
    newest = "、".join(sorted(migrate.HEADS))
    assert f"数据库已升级到 {newest}，" in new.ok(None, "db", "upgrade").stdout


def test_an_old_database_in_use_is_upgraded_by_an_administrator(db_url: str) -> None:
    db = create_db_engine(db_url)
    seed_first_revision(db)  # a case, an administrator and a clerk
    old = Cli(db_url)
    assert "只能由管理员" in old.refused("lina", "db", "upgrade")
    assert migrate.current_revisions(db) == {"0001"}
    old.ok("zonghe", "db", "upgrade")
    assert migrate.is_current(db)
    assert "reference" in {c["name"] for c in inspect(db).get_columns("cases")}
    db.dispose()
