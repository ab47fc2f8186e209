"""`casework demo`: a realistic stream of applications through the real engine."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from casework.cli.common import clerk_console

if TYPE_CHECKING:
    from rich.console import Console

    from casework.demo import DemoResult
    from casework.engine import Engine


def demo(
    db: Path = typer.Option(Path("casework-demo.db"), "--db", help="演示数据库文件（SQLite）。"),
    seed: int = typer.Option(2026, "--seed", help="随机种子：同一种子结果相同。"),
    cases: int = typer.Option(150, "--cases", min=1, max=5000, help="模拟的申请件数。"),
) -> None:
    """在新的 SQLite 文件上模拟 2026 年 1–9 月的依申请公开办理：各种渠道、转办、移交、补正、
    征求意见、延期、收费、各类答复、送达、撤回、复议后重新办理，以及逾期未答复的案件。

    不会覆盖非演示数据库。
    示例：casework demo --db casework-demo.db --seed 7
    """
    from rich.progress import track
    from rich.table import Table

    from casework.bootstrap import open_engine
    from casework.cli.case_printing import STATUS, Labels
    from casework.cli.letter_files import RenderBar
    from casework.demo import run_demo
    from casework.domain.outcomes import OUTCOMES, ROWS_BY_KEY

    console = clerk_console()
    bar = RenderBar(console)
    try:
        result = run_demo(
            db,
            seed=seed,
            cases=cases,
            progress=lambda steps, total: track(
                steps, total=total, description="办理中…", console=console
            ),
            render_progress=bar,
        )
    finally:
        bar.close()
    engine = open_engine(f"sqlite:///{db.resolve()}")
    labels = engine.workflow.flows["application"].flow.states
    by_state = Table("状态", "件数", title=f"截至 {result.as_of} 的案件状态")
    for state, n in sorted(engine.count_cases_by("state").items()):
        by_state.add_row(f"{labels[state].label}（{state}）", str(n))
    by_outcome = Table("办理结果", "年报表三行", "件数", title="办理结果")
    for outcome, n in sorted(engine.count_cases_by("outcome").items(), key=lambda kv: str(kv[0])):
        if outcome:
            o = OUTCOMES[outcome]
            by_outcome.add_row(o.label, ROWS_BY_KEY[o.row].label, str(n))
    names = Labels(engine)
    clocks = Table("期限", "状态", "个数", title="期限执行情况")
    for (kind, status), n in sorted(engine.count_clocks().items()):
        clocks.add_row(names.clock(kind), STATUS.get(status, status), str(n))
    from casework.demo_scenario import GENERAL

    overdue = engine.worklist(actor=GENERAL, overdue=True, now=_end_of(result.as_of))
    for t in (by_state, by_outcome, clocks):
        console.print(t)
    console.print(
        f"共登记 {result.cases} 件，办理动作 {result.moves} 次；截至 {result.as_of} "
        f"已逾期未办结 {len(overdue)} 件。"
    )
    if result.refused:
        console.print(f"引擎拒绝了 {len(result.refused)} 个不合规的模拟动作（规则生效的例子）：")
        for line in result.refused[:5]:
            console.print(f"  - {line}")
    _print_proceedings_letters_sweep(console, engine, result)
    reader = f"CASEWORK_USER={result.reader}"
    console.print(
        "接下来可以看（演示库已载入组织名录和示例人员：xugang 为区政府办主任，可查阅全部案件；"
        "lina 为区财政局经办人（示例））："
    )
    console.print(f"  {reader} casework worklist --overdue --as-of {result.as_of} --db {db}")
    console.print(f"  {reader} casework case show 1 --as-of {result.as_of} --db {db}")
    period = f"--from 2026-01-01 --to {result.as_of}"
    console.print(f"  {reader} casework proceedings error-rate {period} --db {db}")
    console.print(f"  {reader} casework report annual --year 2026 --db {db}")
    console.print(f"  {reader} casework outbox list --db {db}")
    console.print(f"  casework verify --db {db}")
    engine.db.dispose()


def _print_proceedings_letters_sweep(console: Console, engine: Engine, result: DemoResult) -> None:
    """What the demo did beyond the applications: proceedings, letters, the night's sweep."""
    from casework.letters.listing import count_letters
    from casework.letters.pdf import unavailable_reason

    reviews = engine.count_cases_by("outcome", flow="review")
    lawsuits = engine.count_cases_by("outcome", flow="lawsuit")
    console.print(
        f"行政复议 {sum(reviews.values())} 件（纠正 {reviews.get('corrected', 0)} 件，"
        f"均已退回承办单位重新答复），行政诉讼 {sum(lawsuits.values())} 件。"
    )
    letters, files = count_letters(engine), result.letters
    formats = "、".join(result.formats).upper()
    console.print(
        f"文书 {letters} 份，已编号归档（{formats}）；文件由 {files.workers} 个渲染进程"
        f"在办理的同时生成，办理结束后又用 {files.seconds:.1f} 秒。"
    )
    if files.failed:
        console.print(
            f"其中 {len(files.failed)} 份未能生成，保持待生成（casework letters render --failed）。"
        )
    if result.example_pdf is not None:
        console.print(f"打开一份 PDF 看看：{result.example_pdf}")
    elif reason := unavailable_reason():
        console.print(f"本机无法生成 PDF，演示只出具 HTML 与 DOCX：{reason}")
    sweep = result.sweep
    levels = "、".join(f"{k} {n}" for k, n in sweep.counts()["escalations"].items())
    console.print(
        f"{result.as_of} 夜间期限督办：督办 {len(sweep.escalations)} 次（{levels}），"
        f"待发送通知 {sweep.notices} 条（未配置邮件服务器，留在发送队列），"
        f"期满处理 {len(sweep.lapses)} 件。"
    )


def _end_of(day: date) -> datetime:
    from datetime import time

    from casework.settings import TIMEZONE

    return datetime.combine(day, time(18), TIMEZONE)
