"""Command-line usage errors as one Chinese line (exit 2), and help pages in Chinese.

Click, vendored by typer, reports a missing option or an unknown one in English with a usage
block. The command classes here turn those errors into ``InvalidInput`` naming the option, which
the root group prints as one line (``--debug`` still shows the traceback).

Its help pages are English around our Chinese texts (``Usage:``, ``Options:``, ``Show this
message and exit.``, ``[required]``). Typer 0.2x writes these words as literals (no gettext
catalogue to translate), so the help formatter of every command translates them as it writes
them: ``chinese_help(command)`` gives the whole tree that formatter, whatever class each command
was built with.
"""

from __future__ import annotations

import re
from typing import Any

from typer._click.core import Command, Context
from typer._click.exceptions import (  # typer vendors Click: its own exception classes
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._click.formatting import HelpFormatter
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
        return f"{name} 的值无效：{_bad_value(err)}", name
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


# Pydantic error types behind typer's value conversion (``int``, ``float``, ``bool``…).
VALUE_ERRORS = {
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "date_parsing": "日期格式错误，应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式错误，应为 YYYY-MM-DD",
    "enum": "不在可选值之内",
    "literal_error": "不在可选值之内",
    "greater_than_equal": "小于允许的最小值",
    "less_than_equal": "大于允许的最大值",
}


def _bad_value(err: BadParameter) -> str:
    """A Chinese reason for a value typer could not convert (its message is pydantic's)."""
    cause = err.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        details = errors()
        if details and details[0].get("type") in VALUE_ERRORS:
            first = details[0]
            return f"{VALUE_ERRORS[first['type']]}，收到 {first.get('input')!r}"
    if found := re.match(r"Value (.+) is not a valid (\w+)\.$", err.message):
        return f"{found.group(1)} 不是有效的 {found.group(2)}"
    return err.message


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
    ) -> Context:
        try:
            context: Context = super().make_context(info_name, args, parent=parent, **extra)  # type: ignore[misc]  # a mixin: super() is the Typer class after it
            return context
        except NoArgsIsHelpError:
            raise  # a bare group prints its help, as typer does
        except UsageError as err:
            path = f"{parent.command_path} {info_name}" if parent is not None else info_name
            raise chinese(err, path) from None


class ChineseCommand(_ChineseUsage, TyperCommand):
    """A command whose usage errors are one Chinese line."""


class ChineseGroup(_ChineseUsage, TyperGroup):
    """A command group whose usage errors (an unknown subcommand too) are one Chinese line."""

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as err:
            raise chinese(err) from None


# The fixed English words of typer's help pages, as they are written.
HEADINGS = {"Usage": "用法", "Options": "选项", "Arguments": "参数", "Commands": "命令"}
USAGE_WORDS = (("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."))
HELP_WORDS = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "显示当前 shell 的补全脚本，供复制或自行安装。"
    ),
    "Install completion for the specified shell.": "为指定的 shell 安装命令补全。",
    "Show completion for the specified shell, to copy it or customize the installation.": (
        "显示指定 shell 的补全脚本，供复制或自行安装。"
    ),
}
EXTRAS = (("[required]", "[必填]"), ("default: ", "默认："), ("env var: ", "环境变量："))
# typer's own metavars for options declared without one.
METAVARS = (("<str>", "<文字>"), ("<int>", "<整数>"), ("<float>", "<数值>"), ("<path>", "<路径>"))


def _term(text: str) -> str:
    for english, chinese_text in METAVARS:
        text = text.replace(english, chinese_text)
    return text


def _help_text(text: str) -> str:
    text = HELP_WORDS.get(text, text)
    for english, chinese_text in EXTRAS:
        text = text.replace(english, chinese_text)
    return text


class ChineseHelpFormatter(HelpFormatter):
    """Click's help formatter writing typer's own words in Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, chinese_text in USAGE_WORDS:
            args = args.replace(english, chinese_text)
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl(
            [(_term(first), _help_text(second)) for first, second in rows], col_max, col_spacing
        )


class ChineseContext(Context):
    formatter_class = ChineseHelpFormatter


def chinese_help(command: Any) -> None:
    """Give ``command`` and every command under it the Chinese help formatter."""
    command.context_class = ChineseContext
    for sub in getattr(command, "commands", {}).values():
        chinese_help(sub)
