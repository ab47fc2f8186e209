"""`casework letters render`: write the files of letters the database holds as pending."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from casework.cli.common import DbOption, JsonOption, clerk_console, open_engine, print_json
from casework.cli.errors import EXIT_FOUND

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from casework.letters.archive_verify import PendingLetter
    from casework.letters.materialize import Materializer, RenderSummary

letters_app = typer.Typer(
    help="文书归档：按数据库生成待生成的文书文件（HTML、PDF、DOCX 与清单）。",
    no_args_is_help=True,
)


@letters_app.command("render")
def render(
    failed: bool = typer.Option(
        False, "--failed", help="只列出生成失败、等待重试的文书及原因，不生成。"
    ),
    letter: list[int] = typer.Option(
        None, "--letter", metavar="ID", help="只生成这份文书（可重复；默认全部待生成的）。"
    ),
    workers: int = typer.Option(
        None, "--workers", min=0, help="渲染进程数（默认每个 CPU 一个；0 表示在本进程内生成）。"
    ),
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """生成待生成的文书文件：办理环节提交后，文书的文号与正文已在数据库中，文件随后写入归档。

    通常办理后立即生成；进程中断、字体缺失或模板出错时文书保持“待生成”并记录原因，
    由本命令（或夜间调度）重试，文号不会丢失。可以随时重复运行。
    仍有生成失败的文书时退出码为 1。
    示例：casework letters render  ；  casework letters render --failed
    """
    from casework.letters.issuing import service_of

    engine = open_engine(db)
    try:
        service = service_of(engine)
        if failed:
            _print_failed(service.archive_notes().failed, as_json)
            return
        console = clerk_console()
        summary = _render(service.materializer(workers), letter or None, console, as_json)
    finally:
        engine.db.dispose()
    if as_json:
        print_json(summary.to_dict())
    else:
        _print_summary(console, summary)
    if summary.failed:
        raise typer.Exit(EXIT_FOUND)


class RenderBar:
    """A progress bar for the materializer (its ``progress`` callback), shown from the first
    letter to the last on a terminal; rich allows one bar at a time, so it starts late."""

    def __init__(self, console: Console, description: str = "生成文书文件…", quiet: bool = False):
        self.console = console
        self.description = description
        self.enabled = not quiet and console.is_terminal
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.description, total=total)
        assert self.task is not None
        self.bar.update(self.task, completed=done, total=total)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.enabled = False


def _render(
    materializer: Materializer, ids: list[int] | None, console: Console, quiet: bool
) -> RenderSummary:
    """Run the materializer with a progress bar (on a terminal)."""
    bar = RenderBar(console, quiet=quiet)
    try:
        return materializer.render(ids, progress=bar)
    finally:
        bar.close()


def _print_summary(console: Console, summary: RenderSummary) -> None:
    where = f"{summary.workers} 个渲染进程" if summary.workers > 1 else "本进程"
    console.print(
        f"已生成 {len(summary.rendered)} 份文书的文件，用时 {summary.seconds:.1f} 秒（{where}）。"
    )
    if summary.busy:
        console.print(f"另有 {len(summary.busy)} 份正由其他进程生成。")
    if summary.temp_removed:
        console.print(f"已清除中断写入留下的临时文件 {len(summary.temp_removed)} 个。")
    if summary.failed:
        console.print(f"{len(summary.failed)} 份未能生成，保持待生成，下次运行时重试：")
        for letter_id, why in summary.failed.items():
            console.print(f"  文书 {letter_id}：{why}")


def _print_failed(failed: list[PendingLetter], as_json: bool) -> None:
    if as_json:
        print_json(
            [
                {
                    "id": p.id,
                    "case_id": p.case_id,
                    "number": p.number,
                    "attempts": p.attempts,
                    "error": p.error,
                }
                for p in failed
            ]
        )
    elif not failed:
        typer.echo("没有生成失败的文书。")
    else:
        from rich.table import Table

        table = Table("编号", "案件", "文号", "尝试次数", "原因", title="生成失败、等待重试的文书")
        for p in failed:
            table.add_row(str(p.id), str(p.case_id), p.number, str(p.attempts), p.error or "")
        clerk_console().print(table)
        typer.echo(f"共 {len(failed)} 份；修复原因后运行 casework letters render 重试。")
    if failed:
        raise typer.Exit(EXIT_FOUND)
