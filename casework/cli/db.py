"""`casework db`: create and migrate the database."""

from __future__ import annotations

import typer

from casework.cli.common import DbOption, StatesDirOption, db_url, states_dir

app = typer.Typer(help="数据库：建表与升级（Alembic 迁移）。", no_args_is_help=True)


@app.command()
def upgrade(db: str = DbOption, states: str = StatesDirOption) -> None:
    """把数据库升级到最新结构，并载入 states/organisation.toml 中的单位。

    已有案件的数据库只能由管理员（CASEWORK_USER 为综合科或信息公开工作机构负责人）升级；
    新建或尚无案件的数据库（首次安装）不限人员。

    示例：casework db upgrade --db sqlite:///casework.db
    """
    from casework.services import open_engine
    from casework.store import migrate

    url = db_url(db)
    admin = _administrator(url)
    engine = open_engine(url, states_dir=states_dir(states), upgrade=True)
    engine.db.dispose()
    heads = "、".join(sorted(migrate.head_revisions()))
    by = f"（管理员 {admin}）" if admin else ""
    typer.echo(f"数据库已升级到 {heads}{by}，载入单位 {len(engine.workflow.units)} 个。")


def _administrator(url: str) -> str | None:
    """The administrator (CASEWORK_USER) upgrading a database in use, i.e. one that holds
    cases; a new or empty database is a first installation and needs nobody (its people table
    is still empty)."""
    from pathlib import Path

    from sqlalchemy import inspect, select

    from casework.identity import current_user, require_administrator
    from casework.store.db import check_reachable, create_db_engine
    from casework.store.repository import CASES

    engine = create_db_engine(url)
    try:
        path = engine.url.database
        if engine.dialect.name == "sqlite" and (not path or not Path(path).is_file()):
            return None  # the file upgrade is about to create (or an in-memory database)
        check_reachable(engine, must_exist=False)
        with engine.connect() as conn:
            if not inspect(conn).has_table("cases"):
                return None
            if conn.scalar(select(CASES.c.id).limit(1)) is None:
                return None
        return require_administrator(engine, current_user(), "升级在用的数据库").code
    finally:
        engine.dispose()


@app.command()
def current(db: str = DbOption) -> None:
    """显示数据库当前的结构版本与最新版本。

    示例：casework db current --db casework.db
    """
    from casework.store import migrate
    from casework.store.db import check_reachable, create_db_engine

    engine = create_db_engine(db_url(db))
    check_reachable(engine, must_exist=True)
    current = migrate.current_revisions(engine)
    heads = migrate.head_revisions()
    typer.echo(
        f"当前：{'、'.join(sorted(current)) or '未初始化'}；最新：{'、'.join(sorted(heads))}"
    )
