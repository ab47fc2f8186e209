"""docs/cli-reference.md is what the command tree's --help pages say now."""

from __future__ import annotations

import difflib

import typer

from casework.cli import reference
from casework.cli.main import app
from tests.support.documents import DOCS

COMMITTED = DOCS / "cli-reference.md"
REGENERATE = f"regenerate it with `{reference.COMMAND}` and commit the result"


def test_the_committed_reference_is_the_generated_one() -> None:
    assert COMMITTED.exists(), f"{COMMITTED} is missing: {REGENERATE}"
    committed = COMMITTED.read_text(encoding="utf-8")
    generated = reference.render()
    if committed != generated:
        diff = difflib.unified_diff(
            committed.splitlines(),
            generated.splitlines(),
            "docs/cli-reference.md (committed)",
            "python -m casework.cli.reference (now)",
            lineterm="",
        )
        shown = "\n".join(list(diff)[:60])
        raise AssertionError(
            f"docs/cli-reference.md differs from the commands' --help: {REGENERATE}.\n{shown}"
        )


def test_the_reference_has_every_command_with_its_help_page() -> None:
    def walk(command, path=()):  # type: ignore[no-untyped-def]
        yield path
        for sub_name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, (*path, sub_name))

    committed = COMMITTED.read_text(encoding="utf-8")
    paths = list(walk(typer.main.get_command(app)))
    assert len(paths) > 60
    for path in paths:
        title = " ".join(("casework", *path))
        page = reference.help_page(path)
        assert page.startswith(f"用法：{title}"), page[:80]
        assert f"## {title}\n\n```text\n{page}\n```\n" in committed, f"{title}: {REGENERATE}"


def test_the_pages_do_not_depend_on_the_terminal_or_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = reference.help_page(("worklist",))
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("CASEWORK_DATABASE_URL", "sqlite:///elsewhere.db")
    assert reference.help_page(("worklist",)) == before
