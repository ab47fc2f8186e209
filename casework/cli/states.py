"""`casework states`: validate and draw the rule files."""

from __future__ import annotations

from pathlib import Path

import typer

from casework.cli.common import DbOption, StatesDirOption, states_dir
from casework.cli.errors import EXIT_FOUND

app = typer.Typer(help="规则文件（states/）：校验与流程图。", no_args_is_help=True)


@app.command()
def check(states: Path = StatesDirOption, db: str = DbOption) -> None:
    """校验 states/ 下全部规则文件；给出 --db 时还检查库中案件是否处于已删除的状态。

    发现问题时逐条列出并以退出码 1 结束。
    示例：casework states check --states-dir ./states --db casework.db
    """
    from casework.bootstrap import check_states
    from casework.cli.common import open_engine

    directory = states_dir(states)
    engine = open_engine(db, directory) if db else None
    problems = check_states(directory, engine)
    for p in problems:
        typer.echo(f"问题：{p}")
    if problems:
        raise typer.Exit(EXIT_FOUND)
    typer.echo(f"规则文件校验通过：{directory}")


@app.command()
def graph(
    flow: str = typer.Argument(..., help="流程名，如 application。"), states: Path = StatesDirOption
) -> None:
    """以 Mermaid 文本输出流程图。

    示例：casework states graph application > application.mmd
    """
    from casework.errors import InvalidInput
    from casework.workflow.graph import mermaid
    from casework.workflow.loader import FLOW_NAMES, load_flows, load_rule_books

    if flow not in FLOW_NAMES or not (states_dir(states) / f"{flow}.toml").exists():
        raise InvalidInput(
            f"未知的流程 {flow!r}；可选：{'、'.join(FLOW_NAMES)}", field="flow", rule="known flows"
        )
    directory = states_dir(states)
    flows = load_flows(directory, load_rule_books(directory))
    typer.echo(mermaid(flows[flow]))
