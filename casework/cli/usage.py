"""Command-line usage errors as one Chinese line (exit 2), like every other user mistake.

Click, vendored by typer, reports a missing option or an unknown one in English with a usage
block. The command classes here turn those errors into ``InvalidInput`` naming the option, which
the root group prints as one line (``--debug`` still shows the traceback).
"""

from __future__ import annotations

import re
from typing import Any

from typer._click.exceptions import (  # typer vendors Click: its own exception classes
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup

from casework.errors import InvalidInput

RULE = "command-line usage"


def _param_name(err: BadParameter) -> str:
    param = err.param
    if param is None:
        return str(err.param_hint or "参数")
    opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
    return opts[0] if opts else (param.name or "参数").upper()


def describe(err: UsageError) -> tuple[str, str | None]:
    """A Chinese sentence for a usage error, and the option or argument it concerns."""
    if isinstance(err, NoSuchOption):
        text = f"没有选项 {err.option_name}"
        if err.possibilities:
            text += f"（是否想用 {'、'.join(sorted(err.possibilities))}？）"
        return text, err.option_name
    if isinstance(err, MissingParameter):
        name = _param_name(err)
        return f"缺少必填项 {name}", name
    if isinstance(err, BadParameter):
        name = _param_name(err)
        return f"{name} 的值无效：{err.message}", name
    if isinstance(err, BadOptionUsage):
        if "does not take a value" in err.message:
            return f"选项 {err.option_name} 不接受取值", err.option_name
        return f"选项 {err.option_name} 需要一个值", err.option_name
    message = err.message
    if found := re.match(r"No such command '([^']+)'", message):
        return f"没有命令 {found.group(1)}", "command"
    if found := re.match(r"Got unexpected extra argument.*\(([^()]+)\)$", message):
        return f"多余的参数：{found.group(1)}", "arguments"
    return f"命令行用法错误：{message}", None


def chinese(err: UsageError, command_path: str | None = None) -> InvalidInput:
    """The error as ``InvalidInput``, pointing at the command's ``--help``."""
    text, field = describe(err)
    path = err.ctx.command_path if err.ctx is not None else command_path
    if path:
        text += f"；运行 {path} --help 查看用法"
    return InvalidInput(text, field=field, rule=RULE)


class _ChineseUsage:
    """Turns the usage errors of parsing a command line into ``InvalidInput``."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ):  # type: ignore[no-untyped-def]
        try:
            return super().make_context(info_name, args, parent=parent, **extra)  # type: ignore[misc]
        except NoArgsIsHelpError:
            raise  # a bare group prints its help, as typer does
        except UsageError as err:
            path = f"{parent.command_path} {info_name}" if parent is not None else info_name
            raise chinese(err, path) from None


class ChineseCommand(_ChineseUsage, TyperCommand):
    """A command whose usage errors are one Chinese line."""


class ChineseGroup(_ChineseUsage, TyperGroup):
    """A command group whose usage errors (an unknown subcommand too) are one Chinese line."""

    def resolve_command(self, ctx: Any, args: list[str]):  # type: ignore[no-untyped-def]
        try:
            return super().resolve_command(ctx, args)
        except UsageError as err:
            raise chinese(err) from None
