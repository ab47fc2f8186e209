"""`casework verify` and `casework clocks recompute`: checking and repairing derived data."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from casework.cli.common import DbOption, JsonOption, open_engine, print_json
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
        Console().print(table)
    else:
        typer.echo("校验通过：全部案件的事件链、状态与期限一致。")
    if found:
        raise typer.Exit(EXIT_FOUND)


@clocks_app.command()
def recompute(db: str = DbOption, as_json: bool = JsonOption) -> None:
    """按当前工作日历重新计算全部未结期限的届满日（补登节假日通知后运行）。

    示例：casework clocks recompute --db casework.db
    """
    changed = open_engine(db).recompute_clocks()
    if as_json:
        print_json([{"case": c, "clock": k, "old_due": o, "new_due": n} for c, k, o, n in changed])
        return
    for case_id, kind, old, new in changed:
        typer.echo(f"案件 {case_id} {kind}：{old} → {new}")
    typer.echo(f"共调整 {len(changed)} 个期限。")
