"""Turning casework errors into one Chinese line and exit code 2, for every command."""

from __future__ import annotations

import json
from typing import Any

import typer
from typer.core import TyperGroup

EXIT_FOUND = 1  # a check ran and found problems (verify, states check)
EXIT_USAGE = 2  # a usage or rule error: nothing was written


class CaseworkGroup(TyperGroup):
    """Root command group: a CaseworkError becomes one line on stderr and exit 2.

    ``--debug`` (stored in ``ctx.obj``) re-raises so that a developer sees the traceback.
    """

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        from casework.errors import CaseworkError

        try:
            return super().invoke(ctx)
        except CaseworkError as err:
            if (ctx.obj or {}).get("debug"):
                raise
            if (ctx.obj or {}).get("json_errors"):
                typer.echo(json.dumps(err.as_dict(), ensure_ascii=False), err=True)
            else:
                typer.echo(f"错误：{err}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
