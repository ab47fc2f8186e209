"""Commands of the nightly escalation: sweep, outbox, scheduler (the directory it notifies:
directory.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from casework.cli.common import (
    DbOption,
    JsonOption,
    StatesDirOption,
    clerk_console,
    office_now,
    open_engine,
    print_json,
)
from casework.cli.directory import directory_app, units
from casework.cli.errors import EXIT_FOUND

if TYPE_CHECKING:
    from collections.abc import Callable

    from casework.engine import Engine

outbox_app = typer.Typer(help="发件箱：督办通知的发送情况。", no_args_is_help=True)

OUTBOX_STATUS = {"pending": "待发送", "sending": "发送中", "sent": "已发送"}


def _local(moment: datetime) -> str:
    from casework.settings import TIMEZONE

    return moment.astimezone(TIMEZONE).strftime("%m-%d %H:%M")


# ---------------------------------------------------------------- sweep


def _sweep_labels(
    engine: Engine,
) -> tuple[Callable[[str], str], Callable[[str, str], str], Callable[[str], str]]:
    """Chinese names of clock kinds, ladder levels and moves, for the sweep's tables."""
    from casework.escalation import load_ladder

    clocks = {
        kind: spec.label
        for book in engine.workflow.rules.values()
        for rule_set in book.rule_sets
        for kind, spec in rule_set.clocks.items()
    }
    ladder = load_ladder(engine.settings.states_dir, engine.workflow)
    levels = {
        (kind, lv.name): lv.label for kind, rung in ladder.rungs.items() for lv in rung.levels
    }
    moves = {
        m.name: m.label for machine in engine.workflow.flows.values() for m in machine.flow.moves
    }
    return (
        lambda kind: clocks.get(kind, kind),
        lambda kind, level: levels.get((kind, level), level),
        lambda name: moves.get(name, name),
    )


def sweep(
    as_of: str = typer.Option(None, "--as-of", help="督办日期（YYYY-MM-DD，默认今天）。"),
    db: str = DbOption,
    states: Path = StatesDirOption,
    as_json: bool = JsonOption,
) -> None:
    """期限督办：对到期的期限逐级督办、写入发件箱；申请人一方的期限期满时办理期满动作。

    重复运行、多个实例同时运行或漏跑几晚后补跑，每条通知都只发一次。
    示例：casework sweep --as-of 2026-03-31 --db casework.db
    """
    from rich.table import Table

    from casework.escalation import sweep as run_sweep
    from casework.workflow.fields import parse_date

    now = office_now()
    day = parse_date("as_of", as_of) if as_of else now.date()
    engine = open_engine(db, states)
    summary = run_sweep(engine, day, now=now, started_by="cli")
    if as_json:
        print_json(summary.to_dict())
        return
    console = clerk_console()
    if summary.skipped:
        console.print(f"未执行：{summary.skipped}")
        return
    table = Table("期限", "级别", "督办件数", "通知条数", title=f"期限督办（截至 {day}）")
    rows: dict[tuple[str, str], list[int]] = {}
    for e in summary.escalations:
        counts = rows.setdefault((e["kind"], e["level"]), [0, 0])
        counts[0] += 1
        counts[1] += e["notices"]
    clock, level_of, move = _sweep_labels(engine)
    for (kind, level), (n, notices) in sorted(rows.items()):
        table.add_row(clock(kind), level_of(kind, level), str(n), str(notices))
    console.print(table)
    lapses = Table("案件", "期限", "期满动作", "届满", "结果", title="申请人期限期满")
    results = {"done": "已办理", "already": "已由他人办理", "failed": "未能办理"}
    for x in summary.lapses:
        lapses.add_row(
            str(x["case"]),
            clock(x["kind"]),
            move(x["move"]),
            str(x["due_on"]),
            results[x["result"]],
        )
    if summary.lapses:
        console.print(lapses)
    for case in summary.recomputed:
        for c in case["changes"]:
            console.print(
                f"期限重算：案件 {case['case']} {c['label']} {c['due_before'] or '暂停中'} → "
                f"{c['due_after'] or '暂停中'}"
            )
    for w in summary.warnings:
        console.print(f"提醒：{w}")
    for p in summary.problems:
        console.print(f"问题：{p}")
    console.print(
        f"新增督办 {len(summary.escalations)} 件，写入发件箱 {summary.notices} 条，"
        f"期满动作 {len(summary.lapses)} 件，期限重算 {len(summary.recomputed)} 件，"
        f"问题 {len(summary.problems)} 个。"
    )


# ---------------------------------------------------------------- outbox


@outbox_app.command("list")
def outbox_list(
    status: str = typer.Option(None, "--status", help="pending / sending / sent。"),
    limit: int = typer.Option(100, "--limit", help="最多显示多少条（最新的在前）。"),
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """列出发件箱中的通知（最新的在前）。

    示例：casework outbox list --status pending
    """
    from rich.table import Table

    from casework.errors import InvalidInput
    from casework.notify import list_outbox

    if status is not None and status not in OUTBOX_STATUS:
        raise InvalidInput(
            f"--status 应为 {'、'.join(OUTBOX_STATUS)}，收到 {status!r}",
            field="status",
            rule="outbox statuses",
        )
    rows = list_outbox(open_engine(db).db, status=status, limit=limit)
    if as_json:
        print_json([{k: v for k, v in r._mapping.items() if k != "body"} for r in rows])
        return
    table = Table("编号", "案件", "收件人", "渠道", "状态", "尝试", "下次尝试", "主题", "错误")
    for r in rows:
        table.add_row(
            str(r.id),
            str(r.case_id),
            f"{r.recipient_name} <{r.address}>",
            r.channel,
            OUTBOX_STATUS.get(r.status, r.status),
            str(r.attempts),
            "—" if r.status == "sent" else _local(r.next_attempt_at),
            r.subject,
            r.last_error or "",
        )
    clerk_console().print(table)
    typer.echo(f"共 {len(rows)} 条。")


@outbox_app.command("retry")
def outbox_retry(
    ids: list[int] = typer.Option(
        None, "--id", help="只重试这些编号（可重复）；默认全部待发送的。"
    ),
    db: str = DbOption,
) -> None:
    """立即重试待发送的通知（不等退避时间），并报告结果。

    未设置邮件服务器（CASEWORK_SMTP_HOST）时只发送文件渠道的通知，电子邮件通知留在发件箱中、
    不计为失败，一行说明后以 0 退出（每晚 `casework sweep && casework outbox retry` 不因此报错）。

    示例：casework outbox retry  ；  casework outbox retry --id 12 --id 13
    """
    from casework.notify import NotifySettings, dispatch, retry_now
    from casework.settings import environment

    settings = NotifySettings.from_env(environment())
    engine = open_engine(db)
    now = office_now()
    waiting = retry_now(engine.db, now=now, ids=ids or None)
    result = dispatch(engine.db, settings, now=now)
    for e in result.errors:
        typer.echo(f"失败：{e}")
    if settings.smtp is None:
        typer.echo(
            f"未设置邮件服务器（CASEWORK_SMTP_HOST）：{result.mail_waiting} 条电子邮件通知"
            "留在发件箱中，未尝试发送；文件渠道的通知照常写出。"
        )
    typer.echo(
        f"待重试 {waiting} 条；本次发送成功 {result.sent} 条，失败 {result.failed} 条（留待重试）。"
    )
    if result.failed:
        raise typer.Exit(EXIT_FOUND)


# ---------------------------------------------------------------- scheduler


def scheduler(
    at: str = typer.Option(
        None, "--at", help="每天督办时刻 HH:MM（默认 CASEWORK_NIGHTLY_AT 或 01:00）。"
    ),
    grace: int = typer.Option(
        None, "--misfire-grace-hours", help="错过时刻后仍补跑的小时数（默认 6）。"
    ),
    every: int = typer.Option(None, "--dispatch-minutes", help="发件箱重试间隔（分钟，默认 10）。"),
    db: str = DbOption,
    states: Path = StatesDirOption,
) -> None:
    """常驻调度：每天 01:00（Asia/Shanghai）期限督办并发送通知，启动时先补跑一次。

    另每隔重试间隔（及每晚）生成待生成的文书文件（同 casework letters render）。

    多个实例共用一个 PostgreSQL 数据库是安全的（每晚唯一运行键 + 咨询锁）。
    示例：casework scheduler --db postgresql://casework@db/casework
    """
    import logging

    from casework.letters.issuing import service_of
    from casework.notify import NotifySettings
    from casework.scheduler import NightlyJobs, ScheduleSettings, run
    from casework.settings import environment

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    schedule = ScheduleSettings.from_env(
        environment(), at=at, misfire_grace_hours=grace, dispatch_minutes=every
    )
    engine = open_engine(db, states)
    jobs = NightlyJobs(
        engine,
        NotifySettings.from_env(environment()),
        render_letters=lambda: service_of(engine).materializer().render(),
    )
    run(jobs, schedule)


def register(root: typer.Typer) -> None:
    """Add this feature's commands to the root command."""
    root.add_typer(directory_app, name="directory")
    root.add_typer(outbox_app, name="outbox")
    root.command("units")(units)
    root.command("sweep")(sweep)
    root.command("scheduler")(scheduler)
