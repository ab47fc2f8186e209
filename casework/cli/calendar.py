"""``casework calendar``: the working-day calendar and period arithmetic."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from casework.errors import InvalidInput

if TYPE_CHECKING:
    from casework.domain.calendar import WorkCalendar

app = typer.Typer(help="工作日历：法定节假日、调休上班日与期限计算。", no_args_is_help=True)

_STATES_HELP = (
    "规则目录（含 calendar/<年份>.toml）；默认取 CASEWORK_STATES_DIR 或随包附带的 states。"
)


def _parse_date(value: str, field: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"日期格式错误：{field} 应为 YYYY-MM-DD（如 2025-09-26），收到 {value!r}", field=field
        ) from None


def _parse_positive(value: str, field: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1 or not value.strip().isdigit():
        raise InvalidInput(
            f"天数格式错误：{field} 应为不小于 1 的整数，收到 {value!r}", field=field
        )
    return n


def _calendar(states_dir: Path | None) -> WorkCalendar:
    from casework.calendar_sources import load_calendar
    from casework.settings import Settings

    return load_calendar(states_dir if states_dir is not None else Settings().states_dir)


StatesDir = Annotated[Path | None, typer.Option("--states-dir", help=_STATES_HELP)]
AsJson = Annotated[bool, typer.Option("--json", help="以 JSON 输出。")]


@app.command("due")
def due(
    start: Annotated[
        str, typer.Argument(metavar="START", help="起算日（收到申请之日等），格式 YYYY-MM-DD。")
    ],
    n: Annotated[str, typer.Argument(metavar="N", help="期限天数（不小于 1 的整数）。")],
    calendar_days: Annotated[
        bool,
        typer.Option(
            "--calendar-days", help="按自然日计算（届满日遇休息日顺延至其后第一个工作日）。"
        ),
    ] = False,
    as_json: AsJson = False,
    states_dir: StatesDir = None,
) -> None:
    """计算期限届满日（默认按工作日）。

    按工作日：起算日不计入，其后第一个工作日为第 1 日；调休上班日计入，放假日不计入。

    按自然日（--calendar-days）：起算日加 N 天，届满日是休息日的，顺延至其后第一个工作日。

    期限涉及尚未登记放假安排的年份时报错，不作推测。

    示例：casework calendar due 2025-09-26 20   （输出 2025-10-30）

    示例：casework calendar due 2025-04-01 183 --calendar-days --json
    """
    start_date = _parse_date(start, "start")
    days = _parse_positive(n, "n")
    calendar = _calendar(states_dir)
    if calendar_days:
        result = calendar.add_calendar_days(start_date, days)
        unit = "calendar_days"
    else:
        result = calendar.add_working_days(start_date, days)
        unit = "working_days"
    if as_json:
        payload = {
            "start": start_date.isoformat(),
            "n": days,
            "unit": unit,
            "due": result.isoformat(),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
    else:
        typer.echo(result.isoformat())


@app.command("show")
def show(
    year: Annotated[str, typer.Argument(metavar="YEAR", help="年份，如 2026。")],
    as_json: AsJson = False,
    states_dir: StatesDir = None,
) -> None:
    """列出某年的放假日与调休上班日。

    表中为该年每个放假日（含节日内的周末）、调休上班日，以及全年工作日数和数据来源
    （通知文号，或程序库名称和版本）。未登记的年份报错。

    示例：casework calendar show 2026
    """
    from casework.domain.calendar import WEEKDAY_NAMES

    if not (year.isdigit() and len(year) == 4):
        raise InvalidInput(
            f"年份格式错误：year 应为四位数字（如 2026），收到 {year!r}", field="year"
        )
    calendar = _calendar(states_dir)
    schedule = calendar.schedule(int(year))
    working_days = calendar.working_days_in_year(schedule.year)
    rows = sorted(
        [(d, "放假", name) for d, name in schedule.rest_days.items()]
        + [(d, "调休上班", "") for d in schedule.makeup_workdays]
    )
    if as_json:
        payload = {
            "year": schedule.year,
            "source": schedule.source,
            "working_days": working_days,
            "rest_days": [
                {"date": d.isoformat(), "weekday": WEEKDAY_NAMES[d.weekday()], "name": name}
                for d, name in schedule.rest_days.items()
            ],
            "makeup_workdays": [
                {"date": d.isoformat(), "weekday": WEEKDAY_NAMES[d.weekday()]}
                for d in sorted(schedule.makeup_workdays)
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{schedule.year}年 放假与调休安排")
    table.add_column("日期", no_wrap=True)
    table.add_column("星期", no_wrap=True)
    table.add_column("类别", no_wrap=True)
    table.add_column("节日")
    for d, kind, name in rows:
        style = "bold" if kind == "调休上班" else None
        table.add_row(d.isoformat(), WEEKDAY_NAMES[d.weekday()], kind, name, style=style)
    Console().print(table)
    typer.echo(f"全年工作日：{working_days} 天")
    typer.echo(f"来源：{schedule.source}")
