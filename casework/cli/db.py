"""`casework db`: create and migrate the database."""

from __future__ import annotations

from pathlib import Path

import typer

from casework.cli.common import DbOption, StatesDirOption, db_url, states_dir

app = typer.Typer(help="数据库：建表与升级（Alembic 迁移）。", no_args_is_help=True)


@app.command()
def upgrade(db: str = DbOption, states: Path = StatesDirOption) -> None:
    """把数据库升级到最新结构，并载入 states/organisation.toml 中的单位。

    已有案件的数据库只能由管理员（CASEWORK_USER 为综合科或信息公开工作机构负责人）升级；
    新建或尚无案件的数据库（首次安装）不限人员。

    示例：casework db upgrade --db sqlite:///casework.db
    """
    from casework.bootstrap import open_engine, schema_revisions

    url = db_url(db)
    admin = _administrator(url)
    engine = open_engine(url, states_dir=states_dir(states), upgrade=True)
    engine.db.dispose()
    heads = "、".join(sorted(schema_revisions(url)[1]))
    by = f"（管理员 {admin}）" if admin else ""
    typer.echo(f"数据库已升级到 {heads}{by}，载入单位 {len(engine.workflow.units)} 个。")


def _administrator(url: str) -> str | None:
    """The administrator (CASEWORK_USER) upgrading a database in use, i.e. one that holds
    cases; a new or empty database is a first installation and needs nobody (its people table
    is still empty)."""
    from casework.bootstrap import database_with_cases
    from casework.cli.common import login
    from casework.identity import require_administrator

    engine = database_with_cases(url)
    if engine is None:
        return None
    try:
        return require_administrator(engine, login(), "升级在用的数据库").code
    finally:
        engine.dispose()


@app.command()
def current(db: str = DbOption) -> None:
    """显示数据库当前的结构版本与最新版本。

    示例：casework db current --db casework.db
    """
    from casework.bootstrap import schema_revisions

    current, heads = schema_revisions(db_url(db))
    typer.echo(
        f"当前：{'、'.join(sorted(current)) or '未初始化'}；最新：{'、'.join(sorted(heads))}"
    )
