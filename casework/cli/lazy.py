"""The root of the command tree, building each command the first time a command line reaches it.

typer turns every registered function into a Click command (signature, type hints, one option
object per parameter) before it parses anything: for ~80 commands that was ~20 ms of every
``casework`` run, more than half of ``casework --help`` beyond starting Python (issue 16). The
root group here holds the registrations instead and builds only the command a command line
names; ``casework --help`` lists the commands from their help texts alone.

Registering is unchanged: features call ``add_typer`` and ``command`` on the ``tree`` Typer
that ``LazyGroup`` is given (main.py). Whatever walks ``group.commands`` (tests, the reference
generator, shell completion) sees every command, built as it is reached.

It calls typer's own builders (``typer.main.get_command_from_info``, ``get_group_from_info``,
``solve_typer_info_defaults``), which are not public API: pyproject.toml pins the typer series.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, MutableMapping
from typing import Any, ClassVar

import typer
from typer._click.core import Command, Context
from typer._click.formatting import HelpFormatter
from typer.core import MarkupMode, TyperCommand, TyperGroup
from typer.main import (
    get_command_from_info,
    get_command_name,
    get_group_from_info,
    solve_typer_info_defaults,
)
from typer.models import CommandInfo, TyperInfo

from casework.cli.errors import CaseworkGroup
from casework.cli.usage import chinese_help

Registration = CommandInfo | TyperInfo


class LazyCommands(MutableMapping[str, Command]):
    """The commands and groups registered on a Typer app, by name in the order typer lists them
    (commands, then groups); each is built on first lookup and given the Chinese help pages."""

    def __init__(
        self, tree: typer.Typer, *, rich_markup_mode: MarkupMode, suggest_commands: bool
    ) -> None:
        self._pretty_exceptions_short = tree.pretty_exceptions_short
        self._rich_markup_mode = rich_markup_mode
        self._suggest_commands = suggest_commands
        self._items: dict[str, Command | Registration] = {}
        for info in tree.registered_commands:
            assert info.callback is not None, "a command needs a function"
            self._items[info.name or get_command_name(info.callback.__name__)] = info
        for group in tree.registered_groups:
            name = solve_typer_info_defaults(group).name
            if not name:  # typer would merge its commands into the root
                raise TypeError("every group added to the command tree needs a name")
            self._items[name] = group

    def __getitem__(self, name: str) -> Command:
        item = self._items[name]
        if isinstance(item, Command):
            return item
        command = self._build(item)
        chinese_help(command)
        self._items[name] = command
        return command

    def get(self, name: str, default: Any = None) -> Any:
        # Mapping.get would turn a KeyError raised while building into "no such command".
        return self[name] if name in self._items else default

    def __setitem__(self, name: str, command: Command) -> None:
        self._items[name] = command

    def __delitem__(self, name: str) -> None:
        del self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def _build(self, item: Registration) -> Command:
        if isinstance(item, CommandInfo):
            return get_command_from_info(
                item,
                pretty_exceptions_short=self._pretty_exceptions_short,
                rich_markup_mode=self._rich_markup_mode,
            )
        return get_group_from_info(
            item,
            pretty_exceptions_short=self._pretty_exceptions_short,
            rich_markup_mode=self._rich_markup_mode,
            suggest_commands=self._suggest_commands,
        )

    def built(self) -> list[str]:
        """The names of the commands built so far."""
        return [name for name, item in self._items.items() if isinstance(item, Command)]

    def listed(self, name: str) -> Command:
        """The command if it is built, else a stand-in with the texts a list of commands shows
        (its help, short help, hidden and deprecated, solved as typer solves them)."""
        item = self._items[name]
        if isinstance(item, Command):
            return item
        if isinstance(item, CommandInfo):
            doc = (
                inspect.getdoc(item.callback) if item.help is None else inspect.cleandoc(item.help)
            )
            return TyperCommand(
                name=name,
                help=doc,
                short_help=item.short_help,
                hidden=item.hidden,
                deprecated=item.deprecated,
            )
        solved = solve_typer_info_defaults(item)
        return TyperGroup(
            name=name,
            help=solved.help,
            short_help=solved.short_help,
            hidden=solved.hidden,
            deprecated=solved.deprecated,
        )


class LazyGroup(CaseworkGroup):
    """The root group: its commands are those registered on ``tree``, built when reached."""

    tree: ClassVar[typer.Typer]

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(
            self.tree,
            rich_markup_mode=self.rich_markup_mode,
            suggest_commands=self.suggest_commands,
        )

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)  # TyperGroup's reads the items, which builds them all

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        """TyperGroup.format_commands, from the stand-ins: listing builds nothing."""
        commands = self.commands
        assert isinstance(commands, LazyCommands)  # set in __init__
        listed = [(name, commands.listed(name)) for name in self.list_commands(ctx)]
        shown = [(name, command) for name, command in listed if not command.hidden]
        if shown:
            limit = formatter.width - 6 - max(len(name) for name, _ in shown)
            with formatter.section("Commands"):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in shown])
