"""`casework verify`, `casework checkpoint`, `casework key rotate` and `casework clocks
recompute`: checking the event log, pinning it, and repairing derived data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from casework.cli.common import DbOption, JsonOption, clerk_console, open_engine, print_json
from casework.cli.errors import EXIT_FOUND

if TYPE_CHECKING:
    from datetime import date

    from casework.letters.archive_verify import ArchiveNotes
    from casework.views import Discrepancy

clocks_app = typer.Typer(help="期限：重新计算。", no_args_is_help=True)
key_app = typer.Typer(help="事件链密钥：轮换。", no_args_is_help=True)


def verify(db: str = DbOption, as_json: bool = JsonOption) -> None:
    """重放每个案件的事件，重新推导状态与期限，校验事件哈希链与文书归档，列出全部差异。

    有差异时退出码为 1。文件尚待生成的文书和中断写入留下的临时文件单独列出，不算差异
    （casework letters render 生成前者、清除后者）。
    示例：casework verify --db casework.db
    """
    from casework.letters.checkpoints import newest_day
    from casework.letters.issuing import service_of

    engine = open_engine(db)
    try:
        found = engine.verify()
        notes = service_of(engine).archive_notes()
        checkpointed = newest_day(engine)
    finally:
        engine.db.dispose()
    if as_json:
        print_json(
            {
                "ok": not found,
                "differences": [d.to_dict() for d in found],
                "letters": notes.to_dict(),
            }
        )
    elif found:
        _print_differences(found, "校验发现差异")
    else:
        typer.echo("校验通过：全部案件的事件链、状态与期限一致。")
    if not as_json:
        _print_notes(notes)
        _print_checkpoint(checkpointed)
    if found:
        raise typer.Exit(EXIT_FOUND)


def _print_differences(found: list[Discrepancy], title: str) -> None:
    from rich.table import Table

    table = Table("案件", "项目", "库中记录", "重放结果", title=title)
    for d in found:
        table.add_row(str(d.case_id), d.what, str(d.stored), str(d.replayed))
    clerk_console().print(table)


def _print_checkpoint(day: date | None) -> None:
    if day is None:
        typer.echo("检查点：尚无（运行 casework checkpoint；夜间调度每晚写一次）。")
    else:
        typer.echo(f"检查点：已对照最新的有效检查点（最新文件 {day}）。")


def checkpoint(db: str = DbOption, as_json: bool = JsonOption) -> None:
    """写入事件链检查点：各案件的事件数和最后一个事件的哈希、最大案件编号，用事件链密钥签名。

    casework verify 对照最新的有效检查点，发现被删除的案件、被截去的末尾事件和
    无密钥改写的事件链。数据库与最新检查点不符时不写入，列出差异，退出码为 1。
    检查点在文书归档目录的 checkpoints/日期.json，每天一个（当天再运行则更新）；
    夜间调度每晚写一次，用 cron 时每天运行一次。没有事件链密钥文件时先生成。

    示例：casework checkpoint --db casework.db
    """
    engine = open_engine(db)
    try:
        result = engine.checkpoint()
    finally:
        engine.db.dispose()
    if as_json:
        print_json(result.to_dict())
    elif result.path is not None:
        typer.echo(
            f"检查点已写入：{result.path}（{result.cases} 个案件，最大案件编号 "
            f"{result.highest_case_id}，密钥 {result.key_id}）"
        )
        if result.removed:
            typer.echo(f"按保留规则删除了较早的检查点 {len(result.removed)} 个。")
    else:
        _print_differences(result.differences, "数据库与最新的检查点不符，未写入检查点")
    if result.path is None:
        raise typer.Exit(EXIT_FOUND)


@key_app.command()
def rotate(db: str = DbOption, as_json: bool = JsonOption) -> None:
    """生成新的事件链密钥并设为当前密钥；旧密钥保留，用于校验它们签过的事件和检查点。

    密钥文件：CASEWORK_CHAIN_KEY_FILE，否则 SQLite 数据库文件 <名称>.db 旁的 <名称>.key，
    否则工作目录中的 casework-chain.key。轮换后请重新备份密钥文件，并运行 casework checkpoint。

    示例：casework key rotate --db casework.db
    """
    engine = open_engine(db)
    try:
        ring = engine.keys.rotate()
    finally:
        engine.db.dispose()
    if as_json:
        print_json({"path": str(ring.path), "current": ring.current, "keys": list(ring.keys)})
        return
    typer.echo(
        f"事件链密钥已轮换：当前密钥 {ring.current}（{ring.path}，共 {len(ring.keys)} 个密钥）。"
        "请重新备份密钥文件。"
    )


def _print_notes(notes: ArchiveNotes) -> None:
    """Pending letters and temporary files: not differences, but the clerk should know."""
    if notes.pending:
        failed = notes.failed
        typer.echo(
            f"文书：{len(notes.pending)} 份的文件尚待生成（已编号并记录在数据库中）"
            + (f"，其中 {len(failed)} 份上次生成失败" if failed else "")
            + "；运行 casework letters render 生成。"
        )
        for p in failed[:10]:
            typer.echo(f"  文书 {p.id}（{p.number}）：{p.error}")
    if notes.temp_files:
        stale = len(notes.stale_temp_files)
        typer.echo(
            f"归档中有临时文件 {len(notes.temp_files)} 个"
            + (
                f"（其中 {stale} 个是已中断的写入留下的，casework letters render 会清除）"
                if stale
                else "（正在写入）"
            )
            + "："
        )
        for path in notes.temp_files[:10]:
            typer.echo(f"  {path}")


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
