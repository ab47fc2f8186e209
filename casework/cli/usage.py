"""Command-line usage errors as one Chinese line (exit 2), and help pages in Chinese.

Click, vendored by typer, reports a missing option, an unknown one or a value its type refuses
(``'abc' is not a valid int.``) in English with a usage block. The command classes here turn
those errors into ``InvalidInput`` naming the option, which the root group prints as one line
(``--debug`` still shows the traceback).

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
from typer._click.types import (
    BoolParamType,
    DateTime,
    FloatParamType,
    FloatRange,
    IntParamType,
    IntRange,
    UUIDParameterType,
)
from typer._types import TyperChoice
from typer.core import TyperCommand, TyperGroup
from typer.models import TyperPath

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
    if message == "Missing command.":  # options without a command: casework --debug
        return "缺少命令", "command"
    return f"命令行用法错误：{message}", None


def _range(kind: IntRange | FloatRange) -> str:
    bounds = []
    if kind.min is not None:
        bounds.append(f"{'大于' if kind.min_open else '不小于'} {kind.min}")
    if kind.max is not None:
        bounds.append(f"{'小于' if kind.max_open else '不大于'} {kind.max}")
    return f"应为{'、'.join(bounds)} 的{'整数' if isinstance(kind, IntRange) else '数字'}"


# Click's reasons, each after the value as typed (repr() quotes a string); the value is matched
# greedily, up to the last of click's words, whatever words it holds itself.
NUMBER = re.compile(r"(.+) is not (?:a valid (?:int|float)(?: range)?|in the range \S+)\.$")
BOOLEAN = re.compile(r"(.+) is not a valid boolean\. ")
CHOICE = re.compile(r"(.+) is not one of .+\.$")
DATE = re.compile(r"(.+) does not match the formats .+\.$")
UUID = re.compile(r"(.+) is not a valid UUID\.$")
PATH_KINDS = {"file": "文件", "directory": "目录", "path": "路径"}
PATH_FAULTS = {
    "does not exist": "不存在",
    "is a file": "是文件，应为目录",
    "is a directory": "是目录，应为文件",
    "is not readable": "不可读",
    "is not writable": "不可写",
}
PATH_FAULT = re.compile(rf"\w+ (.+) ({'|'.join(PATH_FAULTS)})\.$")
# How strftime formats read to a clerk (click's DateTime lists the formats it accepts).
FORMAT_WORDS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "HH", "%M": "MM", "%S": "SS"}


def _format(pattern: str) -> str:
    for code, words in FORMAT_WORDS.items():
        pattern = pattern.replace(code, words)
    return pattern


def _bad_value(err: BadParameter) -> str:
    """A Chinese reason for a value that the option's type refused.

    Click's types give their reason in English (``'abc' is not a valid int.``): it is written
    again from the type, with the value as click quoted it. Any other message (a callback's own)
    is kept.
    """
    message = err.message
    kind = getattr(err.param, "type", None)
    if isinstance(kind, TyperPath) and (found := PATH_FAULT.match(message)):
        return f"{PATH_KINDS[kind.name]} {found.group(1)} {PATH_FAULTS[found.group(2)]}"
    if isinstance(kind, IntParamType | FloatParamType) and (found := NUMBER.match(message)):
        if isinstance(kind, IntRange | FloatRange):
            return f"{_range(kind)}，收到 {found.group(1)}"
        return f"应为{'整数' if isinstance(kind, IntParamType) else '数字'}，收到 {found.group(1)}"
    if isinstance(kind, BoolParamType) and (found := BOOLEAN.match(message)):
        return f"应为 true 或 false（也可写 yes、no、1、0），收到 {found.group(1)}"
    if isinstance(kind, TyperChoice) and (found := CHOICE.match(message)):
        return f"应为 {'、'.join(map(str, kind.choices))} 之一，收到 {found.group(1)}"
    if isinstance(kind, DateTime) and (found := DATE.match(message)):
        formats = "、".join(_format(f) for f in kind.formats)
        return f"日期格式错误，应为 {formats}，收到 {found.group(1)}"
    if isinstance(kind, UUIDParameterType) and (found := UUID.match(message)):
        return f"应为 UUID，收到 {found.group(1)}"
    return message


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
METAVARS = (
    ("<str>", "<文字>"),
    ("<int>", "<整数>"),
    ("<int range>", "<整数>"),
    ("<float>", "<数值>"),
    ("<float range>", "<数值>"),
    ("<path>", "<路径>"),
)


def _term(text: str) -> str:
    for english, chinese_text in METAVARS:
        text = text.replace(english, chinese_text)
    return text


# A help text written over several source lines reaches the page with a space where each line
# broke (click joins the lines of a paragraph), and Chinese puts no space between characters.
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_LINE_BREAK_IN_CHINESE = re.compile(f"(?<=[{_CJK}])(?:[ \\t]+|[ \\t]*\\n[ \\t]*)(?=[{_CJK}])")


def _joined(text: str) -> str:
    """``text`` without the spaces and single line breaks between two Chinese characters."""
    return _LINE_BREAK_IN_CHINESE.sub("", text)


def _help_text(text: str) -> str:
    text = HELP_WORDS.get(text, text)
    for english, chinese_text in EXTRAS:
        text = text.replace(english, chinese_text)
    return _joined(text)


class ChineseHelpFormatter(HelpFormatter):
    """Click's help formatter writing typer's own words in Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, chinese_text in USAGE_WORDS:
            args = args.replace(english, chinese_text)
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_text(self, text: str) -> None:
        super().write_text(_joined(text))

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
