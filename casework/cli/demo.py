"""`casework demo`: a realistic stream of applications through the real engine."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table


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
    from casework.cli.cases import STATUS, Labels
    from casework.demo import run_demo
    from casework.domain.outcomes import OUTCOMES, ROWS_BY_KEY
    from casework.services import open_engine

    console = Console()
    result = run_demo(
        db,
        seed=seed,
        cases=cases,
        progress=lambda steps, total: track(
            steps, total=total, description="办理中…", console=console
        ),
    )
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
    overdue = engine.worklist(overdue=True, now=_end_of(result.as_of))
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
    console.print(
        "尚未包含：行政复议与诉讼流程、夜间督办与通知、文书生成（见 README 的已知限制）。"
    )
    console.print("接下来可以看：")
    console.print(f"  casework worklist --overdue --as-of {result.as_of} --db {db}")
    console.print(f"  casework case show 1 --as-of {result.as_of} --db {db}")
    console.print(f"  casework verify --db {db}")
    engine.db.dispose()


def _end_of(day):  # type: ignore[no-untyped-def]
    from datetime import datetime, time

    from casework.settings import TIMEZONE

    return datetime.combine(day, time(18), TIMEZONE)
