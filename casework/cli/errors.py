"""Turning casework errors and command-line usage errors into one Chinese line and exit 2."""

from __future__ import annotations

import json
from typing import Any

import typer
from typer._click.core import Context
from typer._click.exceptions import NoArgsIsHelpError, UsageError  # typer vendors Click

from casework.cli.usage import ChineseGroup, chinese, chinese_help

EXIT_FOUND = 1  # a check ran and found problems (verify, states check)
EXIT_USAGE = 2  # a usage or rule error: nothing was written
EXIT_UNAVAILABLE = 3  # the database cannot be reached, is missing or refuses us


def _exit_code(err: Any) -> int:
    from casework.errors import DatabaseUnavailable

    return EXIT_UNAVAILABLE if isinstance(err, DatabaseUnavailable) else EXIT_USAGE


def _report(err: Any, obj: dict[str, Any] | None) -> None:
    if (obj or {}).get("json_errors"):
        typer.echo(json.dumps(err.as_dict(), ensure_ascii=False), err=True)
    else:
        typer.echo(f"错误：{err}", err=True)


class CaseworkGroup(ChineseGroup):
    """Root command group: a CaseworkError, or a usage error anywhere in the command tree (an
    unknown command or option, a missing argument), becomes one line on stderr and exit 2.

    ``--debug`` (stored in ``ctx.obj``) re-raises so that a developer sees the traceback.
    Every command of the tree writes its help page in Chinese (``chinese_help``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_help(self)

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Context:
        from casework.errors import CaseworkError

        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except CaseworkError as err:  # the root's own options (casework --bogus)
            _report(err, None)
            raise typer.Exit(_exit_code(err)) from None

    def invoke(self, ctx: Context) -> Any:
        from casework.errors import CaseworkError

        try:
            return super().invoke(ctx)
        except NoArgsIsHelpError:
            raise
        except (CaseworkError, UsageError) as err:
            if (ctx.obj or {}).get("debug"):
                raise
            _report(chinese(err) if isinstance(err, UsageError) else err, ctx.obj)
            raise typer.Exit(_exit_code(err)) from None
