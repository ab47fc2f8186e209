"""`casework verify` and `casework clocks recompute`: checking and repairing derived data."""

from __future__ import annotations

import typer
from rich.table import Table

from casework.cli.common import DbOption, JsonOption, clerk_console, open_engine, print_json
from casework.cli.errors import EXIT_FOUND

clocks_app = typer.Typer(help="期限：重新计算。", no_args_is_help=True)


def verify(db: str = DbOption, as_json: bool = JsonOption) -> None:
    """重放每个案件的事件，重新推导状态与期限，校验事件哈希链，列出全部差异。

    有差异时退出码为 1。
    示例：casework verify --db casework.db
    """
    found = open_engine(db).verify()
    if as_json:
        print_json({"ok": not found, "differences": [d.to_dict() for d in found]})
    elif found:
        table = Table("案件", "项目", "库中记录", "重放结果", title="校验发现差异")
        for d in found:
            table.add_row(str(d.case_id), d.what, str(d.stored), str(d.replayed))
        clerk_console().print(table)
    else:
        typer.echo("校验通过：全部案件的事件链、状态与期限一致。")
    if found:
        raise typer.Exit(EXIT_FOUND)


@clocks_app.command()
def recompute(db: str = DbOption, as_json: bool = JsonOption) -> None:
    """按当前工作日历重放每个有期限的案件，重新计算届满日（更正节假日文件后运行）。

    有变化的案件各记一条事件（verify 会重放它），未结期限的届满日有变化的通知承办单位。
    无法重放的案件（记录与事件不符）保持原样并列为问题，退出码为 1。
    登记放假通知（casework calendar notice add）和每晚督办会自动做这件事，只涉及变化的年份。

    示例：casework clocks recompute --db casework.db
    """
    from datetime import datetime

    from casework.calendar_office import recompute as run
    from casework.cli.calendar import print_recompute
    from casework.settings import TIMEZONE

    engine = open_engine(db)
    try:
        summary = run(engine, now=datetime.now(TIMEZONE), everything=True)
    finally:
        engine.db.dispose()
    if as_json:
        print_json(summary.to_dict())
    else:
        print_recompute(summary)
    if summary.problems:  # a case that cannot be replayed is left as it is: verify tells why
        raise typer.Exit(EXIT_FOUND)
