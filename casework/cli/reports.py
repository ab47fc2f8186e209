"""`casework report ...`: the annual-report tables, timeliness and concentrated requests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from casework.cli.common import DbOption, JsonOption, StatesDirOption, open_engine, print_json
from casework.cli.errors import EXIT_FOUND

if TYPE_CHECKING:
    from casework.reports.timeliness import Row

report_app = typer.Typer(
    help="统计报表：年度报告表三、表四，办理时效，集中申请事项。", no_args_is_help=True
)

UnitOption = typer.Option(None, "--unit", help="只统计该单位（单位代码，如 czj）。")
LineOption = typer.Option(None, "--line", help="只统计该战线的单位（组织名录中的战线）。")
FromOption = typer.Option(..., "--from", help="起始日期（含），YYYY-MM-DD。")
ToOption = typer.Option(..., "--to", help="截止日期（含），YYYY-MM-DD。")


def _period(start: str, end: str) -> tuple[date, date]:
    from casework.errors import InvalidInput
    from casework.workflow.fields import parse_date

    first, last = parse_date("from", start), parse_date("to", end)
    if last < first:
        raise InvalidInput(f"截止日期 {last} 早于起始日期 {first}", field="to", rule="from <= to")
    return first, last


@report_app.command("annual")
def annual(
    year: int = typer.Option(..., "--year", help="统计年度（公历年）。"),
    unit: str = UnitOption,
    line: str = LineOption,
    fmt: str = typer.Option(
        "table", "--format", help="输出格式：table（终端）、csv、xlsx、json、html。"
    ),
    output: Path = typer.Option(
        None, "--output", help="写入该文件（xlsx 必须指定；其他格式默认输出到屏幕）。"
    ),
    db: str = DbOption,
    states: Path = StatesDirOption,
) -> None:
    """政府信息公开工作年度报告的表三（收到和处理申请情况）和表四（行政复议、行政诉讼情况）。

    统计口径见 casework/reports/counting.py（docs/statistics.md 中有摘要）。每次都核对勾稽关系：
    核对不通过时列出有问题的案件，退出码为 1。

    示例：casework report annual --year 2025 --unit czj --format xlsx --output 2025年报.xlsx
    """
    from casework.errors import InvalidInput
    from casework.reports import exports
    from casework.reports.annual import annual_report

    if fmt not in exports.FORMATS:
        raise InvalidInput(
            f"未知的格式 {fmt!r}；可选：{'、'.join(exports.FORMATS)}",
            field="format",
            rule="report formats",
        )
    if fmt == "xlsx" and output is None:
        raise InvalidInput("xlsx 格式须用 --output 指定文件", field="output", rule="xlsx")
    if fmt == "table" and output is not None:
        raise InvalidInput(
            "table 格式只显示在屏幕上；写入文件请用 --format csv、xlsx、json 或 html",
            field="output",
            rule="table is for the terminal",
        )
    report = annual_report(open_engine(db, states), year, unit=unit, line=line)
    if fmt == "table":
        exports.print_table(report)
    elif output is None:
        typer.echo(exports.render(report, fmt), nl=False)
    else:
        try:
            exports.write(report, fmt, output)
        except OSError as err:
            raise InvalidInput(
                f"无法写入 {output}：{err.strerror or err}", field="output", rule="a writable file"
            ) from None
        typer.echo(f"已写入 {output}", err=True)
    if fmt != "table":
        for line_ in exports.check_lines(report):
            typer.echo(line_, err=True)
    if not report.passed:
        raise typer.Exit(EXIT_FOUND)


@report_app.command("timeliness")
def timeliness(
    start: str = FromOption,
    end: str = ToOption,
    unit: str = UnitOption,
    line: str = LineOption,
    db: str = DbOption,
    states: Path = StatesDirOption,
    as_json: bool = JsonOption,
) -> None:
    """办理时效：各单位（及战线）的答复、按期、逾期（工作日）、延期、期限超期和督办次数。

    届满日跨入放假通知尚未登记的年度的期限按暂定日历计算，另列“暂定”一栏并说明。

    示例：casework report timeliness --from 2025-01-01 --to 2025-06-30 --line line1
    """
    from casework.reports.timeliness import timeliness as build

    first, last = _period(start, end)
    report = build(open_engine(db, states), first, last, unit=unit, line=line)
    if as_json:
        print_json(report.to_dict())
        return
    from rich.table import Table

    from casework.reports.exports import wide_console

    table = Table(
        title=f"{report.scope.label}办理时效（{first} 至 {last}）",
        caption="逾期工作日：合计/最长。期限超期：到期日次日落在期间内且未按期完成的期限。",
    )
    table.add_column("单位", overflow="fold")
    for name in ("答复", "按期", "逾期", "逾期工作日", "延期"):
        table.add_column(name, justify="right")
    for label in report.duty_clocks.values():
        table.add_column(f"{label}超期", justify="right")
    table.add_column("督办", justify="right")
    # Shown when some figures rest on a provisional due date (the note below says why).
    provisional = report.total.figures.provisional > 0
    if provisional:
        table.add_column("暂定", justify="right")

    def add(row: Row, style: str = "") -> None:
        f = row.figures
        table.add_row(
            row.label,
            str(f.replied),
            str(f.on_time),
            str(f.late),
            f"{f.late_days_total}/{f.late_days_max}" if f.late else "—",
            str(f.extended),
            *(str(f.breached.get(kind, 0)) for kind in report.duty_clocks),
            "—" if f.escalations is None else str(f.escalations),
            *([str(f.provisional)] if provisional else []),
            style=style,
        )

    for row in report.units:
        add(row)
    if report.lines:
        table.add_section()
        for row in report.lines:
            add(row, "cyan")
    table.add_section()
    add(report.total, "bold")
    console = wide_console()
    console.print(table)
    for note in report.notes:
        console.print(note)


@report_app.command("hot")
def hot(
    start: str = FromOption,
    end: str = ToOption,
    min_size: int = typer.Option(3, "--min-size", help="至少多少件申请才列为集中事项。"),
    threshold: float = typer.Option(
        0.3, "--threshold", help="相似度阈值（0–1，越大越严格），默认 0.3。"
    ),
    unit: str = UnitOption,
    line: str = LineOption,
    db: str = DbOption,
    states: Path = StatesDirOption,
    as_json: bool = JsonOption,
) -> None:
    """申请量较集中的事项：同一事项的申请归为一组，列出件数、承办单位和代表性申请。

    并按硚政办〔2014〕32号列出的主动公开事项提示是否宜主动公开（关键词判断，须人工核实）。

    示例：casework report hot --from 2025-01-01 --to 2025-12-31 --min-size 3
    """
    from casework.reports.hot import hot_matters

    first, last = _period(start, end)
    report = hot_matters(
        open_engine(db, states),
        first,
        last,
        min_size=min_size,
        threshold=threshold,
        unit=unit,
        line=line,
    )
    if as_json:
        print_json(report.to_dict())
        return
    from casework.reports.exports import wide_console

    console = wide_console()
    console.print(
        f"[bold]{report.scope.label}申请量较集中的事项（{first} 至 {last}）[/]："
        f"共 {report.requests} 件申请，{len(report.clusters)} 个事项达到 {min_size} 件",
    )
    for n, c in enumerate(report.clusters, start=1):
        units = "、".join(f"{name} {k} 件" for name, k in c.units.items())
        style = "green" if c.verdict.disclosable else "yellow"
        console.print(f"\n[bold]{n}. {c.size} 件[/]  关键词：{'、'.join(c.keywords)}")
        console.print(f"   承办单位：{units}；收到日期 {c.first_received} 至 {c.last_received}")
        console.print(f"   {c.verdict.summary}", style=style, markup=False)
        for r in c.samples:
            console.print(f"   · 案件 {r.case_id}（{r.received_on}）：{r.text}", markup=False)
    console.print(
        "\n说明：是否宜主动公开按申请用语与通知所列主动公开事项的关键词比对得出，"
        "不代表信息已存在或已公开，须人工核实。"
    )


def register(root: typer.Typer) -> None:
    """Add this feature's commands to the root command."""
    root.add_typer(report_app, name="report")
