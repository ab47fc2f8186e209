"""The command reference, docs/cli-reference.md, generated from the command tree.

Every command's page is the text its ``--help`` prints (in Chinese, through the help formatter
of ``casework.cli.usage``), at a fixed width so that the file does not depend on the terminal.
Regenerate it after changing a command, an option or a help text::

    python -m casework.cli.reference > docs/cli-reference.md

tests/docs/test_cli_reference.py fails while the committed file differs from this output.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

WIDTH = 100  # columns of the help pages: fixed, whatever terminal runs the generator
PROG = "casework"
COMMAND = "python -m casework.cli.reference > docs/cli-reference.md"


def command_paths() -> Iterator[tuple[str, ...]]:
    """Every command of the tree, depth first, in the order the help pages list them."""
    import typer

    from casework.cli.main import app

    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        commands = getattr(command, "commands", None)
        if commands:
            for name in commands:  # typer keeps the order in which commands were added
                if not getattr(commands[name], "hidden", False):
                    yield from walk(commands[name], (*path, name))

    yield from walk(typer.main.get_command(app), ())


def help_page(path: tuple[str, ...]) -> str:
    """What ``casework PATH --help`` prints, at ``WIDTH`` columns, without trailing spaces."""
    from typer.testing import CliRunner

    from casework.cli.main import app

    # The width is fixed here; no page may depend on this machine's settings either (an option's
    # default taken from the environment, say): tests/docs/test_cli_reference.py checks both.
    result = CliRunner().invoke(app, [*path, "--help"], prog_name=PROG, terminal_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"{PROG} {' '.join(path)} --help failed:\n{result.output}")
    lines = [line.rstrip() for line in result.stdout.strip("\n").splitlines()]
    return "\n".join(lines)


def _link(path: str) -> str:
    """A link from docs/cli-reference.md to another document of docs/."""
    name = path.removeprefix("docs/")
    return f"[{name}]({name})"


def _anchor(title: str) -> str:
    return title.replace(" ", "-")


def render() -> str:
    """The whole of docs/cli-reference.md."""
    paths = list(command_paths())
    titles = [" ".join((PROG, *path)) for path in paths]
    out = [
        "# casework command reference",
        "",
        f"<!-- Generated from the command tree by `{COMMAND}`. Do not edit by hand:",
        "     tests/docs/test_cli_reference.py fails when this file differs from --help. -->",
        "",
        f"Every `casework` command with the page its `--help` prints (Chinese, {WIDTH} columns).",
        f"What the commands are for: {_link('docs/clerk-cli.md')} for the clerks' commands,",
        f"{_link('docs/operations.md')} for installation and the nightly job,",
        f"{_link('docs/letters.md')} and {_link('docs/statistics.md')}.",
        "",
        "Exit codes: 0 done; 1 a check found problems (`verify`, `states check`, `import`",
        "with refused rows, a report whose cross-checks fail, a `checkpoint` the database",
        "contradicts); 2 a usage or rule error, nothing written; 3 the database cannot be used.",
        "",
        "## Contents",
        "",
    ]
    for path, title in zip(paths, titles, strict=True):
        indent = "  " * max(len(path) - 1, 0)
        out.append(f"{indent}- [{title}](#{_anchor(title)})")
    for path, title in zip(paths, titles, strict=True):
        out += ["", f"## {title}", "", "```text", help_page(path), "```"]
    return "\n".join(out) + "\n"


def main() -> None:
    sys.stdout.buffer.write(render().encode("utf-8"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
