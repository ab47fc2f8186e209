"""Entry point of the ``casework`` command."""

from __future__ import annotations

import typer

from casework.cli.errors import CaseworkGroup

app = typer.Typer(
    cls=CaseworkGroup,
    help="casework：依申请公开办理引擎（登记、转办、征求意见、延期、答复、期限督办）。",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"casework {version('casework')}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="出错时显示完整的调用栈（供开发人员排查）。"),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="显示版本号。"
    ),
) -> None:
    """casework：依申请公开办理引擎。"""
    ctx.obj = {"debug": debug}


def _register_commands() -> None:
    # Each command module adds its sub-app; imports are cheap (heavy libraries load lazily).
    from casework.cli import calendar as calendar_cli
    from casework.cli import cases, integrity
    from casework.cli import db as db_cli
    from casework.cli import states as states_cli
    from casework.cli.demo import demo

    app.add_typer(calendar_cli.app, name="calendar")
    app.add_typer(db_cli.app, name="db")
    app.add_typer(states_cli.app, name="states")
    app.add_typer(integrity.clocks_app, name="clocks")
    app.add_typer(integrity.key_app, name="key")
    app.add_typer(cases.case_app, name="case")
    # Feature modules add their own commands (each owns its module, none edits this file).
    from casework.cli import action_commands, escalation, letters, proceedings, reports, server

    for feature in (action_commands, proceedings, escalation, letters, reports, server):
        feature.register(app)
    app.command()(integrity.verify)
    app.command()(integrity.checkpoint)
    app.command()(cases.worklist)
    app.command()(demo)


_register_commands()
