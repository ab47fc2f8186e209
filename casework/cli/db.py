"""`casework db`: create and migrate the database."""

from __future__ import annotations

import typer

from casework.cli.common import DbOption, StatesDirOption, db_url, states_dir

app = typer.Typer(help="数据库：建表与升级（Alembic 迁移）。", no_args_is_help=True)


@app.command()
def upgrade(db: str = DbOption, states: str = StatesDirOption) -> None:
    """把数据库升级到最新结构，并载入 states/organisation.toml 中的单位。

    示例：casework db upgrade --db sqlite:///casework.db
    """
    from casework.services import open_engine
    from casework.store import migrate

    engine = open_engine(db_url(db), states_dir=states_dir(states), upgrade=True)
    engine.db.dispose()
    heads = "、".join(sorted(migrate.head_revisions()))
    typer.echo(f"数据库已升级到 {heads}，载入单位 {len(engine.workflow.units)} 个。")


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
