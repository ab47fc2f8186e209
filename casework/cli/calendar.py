"""``casework calendar``: the working-day calendar and period arithmetic."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from casework.cli.session import AsCode
from casework.errors import InvalidInput

if TYPE_CHECKING:
    from casework.calendar_office import RecomputeSummary
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


def _calendar(states_dir: Path | None, db: str | None) -> WorkCalendar:
    """The calendar in force: with the notices registered in the database when there is one
    (a read never creates a database), else the library and states/calendar/ alone."""
    from casework.bootstrap import database_absent
    from casework.calendar_sources import load_calendar
    from casework.cli.common import db_url, open_engine
    from casework.cli.common import states_dir as states

    url = db_url(db)
    if database_absent(url):
        return load_calendar(states(states_dir))
    engine = open_engine(url, states_dir)
    try:
        return engine.workflow.calendar
    finally:
        engine.db.dispose()


StatesDir = Annotated[Path | None, typer.Option("--states-dir", help=_STATES_HELP)]
AsJson = Annotated[bool, typer.Option("--json", help="以 JSON 输出。")]
Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="数据库地址（默认取 CASEWORK_DATABASE_URL，否则 sqlite:///casework.db）；"
        "库中登记的放假通知优先于文件和程序库。",
    ),
]
notice_app = typer.Typer(help="放假通知：登记国务院办公厅当年的节假日安排。", no_args_is_help=True)
app.add_typer(notice_app, name="notice")


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
    db: Db = None,
) -> None:
    """计算期限届满日（默认按工作日）。

    按工作日：起算日不计入，其后第一个工作日为第 1 日；调休上班日计入，放假日不计入。

    按自然日（--calendar-days）：起算日加 N 天，届满日是休息日的，顺延至其后第一个工作日。

    期限跨入尚无放假通知的年份时，按《全国年节及纪念日放假办法》暂定计算，并标注“暂定”。

    示例：casework calendar due 2025-09-26 20   （输出 2025-10-30）

    示例：casework calendar due 2025-04-01 183 --calendar-days --json
    """
    start_date = _parse_date(start, "start")
    days = _parse_positive(n, "n")
    calendar = _calendar(states_dir, db)
    if calendar_days:
        result = calendar.add_calendar_days(start_date, days)
        unit = "calendar_days"
    else:
        result = calendar.add_working_days(start_date, days)
        unit = "working_days"
    basis = calendar.provisional_basis(start_date, result)
    if as_json:
        payload = {
            "start": start_date.isoformat(),
            "n": days,
            "unit": unit,
            "due": result.isoformat(),
            "provisional": basis is not None,
            "basis": basis,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
    elif basis is None:
        typer.echo(result.isoformat())
    else:
        typer.echo(f"{result.isoformat()}（暂定）")
        typer.echo(f"依据：{basis}", err=True)


@app.command("show")
def show(
    year: Annotated[str, typer.Argument(metavar="YEAR", help="年份，如 2026。")],
    as_json: AsJson = False,
    states_dir: StatesDir = None,
    db: Db = None,
) -> None:
    """列出某年的放假日与调休上班日，以及每一天的来源。

    来源：登记的放假通知、states/calendar 文件、节假日程序库，或“暂定”（尚无通知的年份，按
    《全国年节及纪念日放假办法》推算：周末、法定假日及其补假，不推测调休上班日）。
    表后为全年工作日数。早于第一个已知年份的年份报错。

    示例：casework calendar show 2027
    """
    from casework.domain.calendar import ORIGINS, WEEKDAY_NAMES

    if not (year.isdigit() and len(year) == 4):
        raise InvalidInput(
            f"年份格式错误：year 应为四位数字（如 2026），收到 {year!r}", field="year"
        )
    calendar = _calendar(states_dir, db)
    schedule = calendar.schedule(int(year))
    working_days = calendar.working_days_in_year(schedule.year)
    # December days fixed by next year's notice are shown with their source.
    later = calendar.schedule(schedule.year + 1) if schedule.year < 2100 else None
    spill = later if later is not None and not later.provisional else None
    days = [(d, "rest", name, schedule) for d, name in schedule.rest_days.items()]
    days += [(d, "makeup", "", schedule) for d in schedule.makeup_workdays]
    if spill is not None:
        days += [(d, "rest", n, spill) for d, n in spill.rest_days.items() if d.year < spill.year]
        days += [(d, "makeup", "", spill) for d in spill.makeup_workdays if d.year < spill.year]
    days.sort(key=lambda row: row[0])
    if as_json:
        payload = {
            "year": schedule.year,
            "source": schedule.source,
            "origin": schedule.origin,
            "provisional": schedule.provisional,
            "working_days": working_days,
            "days": [
                {
                    "date": d.isoformat(),
                    "weekday": WEEKDAY_NAMES[d.weekday()],
                    "kind": kind,
                    "name": name,
                    "origin": sched.origin,
                    "source": sched.source,
                }
                for d, kind, name, sched in days
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return

    from rich.table import Table

    from casework.cli.common import clerk_console

    title = f"{schedule.year}年 放假与调休安排" + ("（暂定）" if schedule.provisional else "")
    table = Table(title=title)
    for column in ("日期", "星期", "类别", "节日", "来源"):
        table.add_column(column, no_wrap=column != "节日")
    for d, kind, name, sched in days:
        style = "bold" if kind == "makeup" else None
        label = "调休上班" if kind == "makeup" else "放假"
        table.add_row(
            d.isoformat(),
            WEEKDAY_NAMES[d.weekday()],
            label,
            name,
            ORIGINS[sched.origin],
            style=style,
        )
    clerk_console().print(table)
    typer.echo(f"全年工作日：{working_days} 天")
    origin = "" if schedule.provisional else f"（{ORIGINS[schedule.origin]}）"
    typer.echo(f"来源：{schedule.source}{origin}")
    if schedule.provisional:
        typer.echo(
            f"注意：{schedule.year}年的国务院办公厅放假通知尚未登记，以上为暂定安排（不含调休上班日）；"
            "通知发布后请管理员运行 casework calendar notice add 登记。"
        )


@notice_app.command("add")
def notice_add(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="通知文件（格式同 states/calendar/<年份>.toml，另加 issued_on）。"
        ),
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="更正已登记（或已有其他来源）的年份。")
    ] = False,
    as_json: AsJson = False,
    db: Db = None,
    as_code: AsCode = None,
) -> None:
    """登记某年的国务院办公厅节假日安排通知（仅限管理员），并重新计算受影响的期限。

    登记前校验：该年每个法定假日都是放假日，调休上班日都是周末，日期都在该年或上一年12月。
    同一年再登记不同的通知须加 --replace，原通知保留并注明被替换。登记后，凡期限计算
    涉及该年的案件都会重新计算届满日，每个案件记一条事件；未结期限的届满日有变化的，
    通过发件箱通知承办单位。

    示例：casework calendar notice add 2027.toml
    """
    from casework.calendar_office import register_notice
    from casework.cli.common import print_json
    from casework.cli.session import session
    from casework.identity import check_can_act
    from casework.settings import TIMEZONE

    with session(db, as_code) as s:
        check_can_act(s.identity)
        result = register_notice(
            s.engine, s.identity.actor, path, replace=replace, now=datetime.now(TIMEZONE)
        )
    if as_json:
        print_json(result.to_dict())
        return
    verb = {"registered": "已登记", "replaced": "已替换", "unchanged": "已登记过，未作改变"}
    typer.echo(f"{result.year}年放假通知 {result.number}：{verb[result.status]}")
    print_recompute(result.recompute)


@notice_app.command("list")
def notice_list(as_json: AsJson = False, db: Db = None) -> None:
    """列出库中登记的全部放假通知，包括已被替换的（登记人、登记时间）。

    示例：casework calendar notice list
    """
    from casework.calendar_office import registered_notices
    from casework.cli.common import open_engine, print_json

    engine = open_engine(db)
    try:
        rows = registered_notices(engine)
    finally:
        engine.db.dispose()
    if as_json:
        print_json([dict(r) for r in rows])
        return
    if not rows:
        typer.echo("库中尚未登记放假通知。")
    for r in rows:
        state = "现行" if r["replaced_at"] is None else f"已于 {r['replaced_at']:%Y-%m-%d} 被替换"
        typer.echo(
            f"{r['year']}年  {r['number']}（{r['issued_on']}）  {r['registered_by']}"
            f" 登记于 {r['registered_at']:%Y-%m-%d %H:%M}  {state}"
        )


def print_recompute(summary: RecomputeSummary) -> None:
    """What a recompute changed, one line per clock, in Chinese."""
    for case in summary.cases:
        for c in case["changes"]:
            status = (
                ""
                if c["status_before"] == c["status_after"]
                else f"（{c['status_before']} → {c['status_after']}）"
            )
            typer.echo(
                f"案件 {case['case']} {c['label']}：{c['due_before'] or '暂停中'} → "
                f"{c['due_after'] or '暂停中'}{status}"
            )
    typer.echo(
        f"重新计算：{len(summary.cases)} 个案件的期限有变化，已通知承办单位 {summary.notices} 次。"
    )
    for problem in summary.problems:
        typer.echo(f"问题：{problem}", err=True)
