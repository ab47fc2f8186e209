"""Every shell and Python example of README.md and docs/ runs, against a scratch database.

Each document is a session, read top to bottom as a newcomer would type it: a fresh directory
as the working directory, ``CASEWORK_DATABASE_URL`` at a SQLite file in it that does not exist
yet (the document's first block creates it, as on a fresh machine), "today" pinned to the
suite's ``TODAY``, and its fenced blocks run in order, so a later block may use the cases an
earlier one registered.

- ```sh / ```bash blocks: each command line runs through typer's ``CliRunner`` in this process
  (so the pinned today applies), with a small shell: comments, ``\\`` continuations,
  ``export NAME=value``, ``NAME=value command``, ``&&``, ``> file`` / ``>> file`` and
  ``cat > file <<'EOF'`` here-documents. Every command must exit 0. A command that is not
  ``casework``, ``cat`` or ``python -m casework.…`` (a module's ``main()``, run here) fails the
  test, unless it is one of ``SHOWN_NOT_RUN``.
- ```python blocks: ``exec`` in a fresh namespace, with the same working directory and
  environment.
- Anything else is not run: output samples (```text, ```console), configuration files (```ini,
  ```toml, ```csv…). Every fence must name its language, so that leaving a block out is a choice
  someone made, and inline ``casework …`` examples in the prose must at least parse.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
import shlex
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from casework.cli.main import app
from tests.support.documents import Block, blocks, documents, inline_code, name

RUN_SHELL = {"sh", "bash"}
RUN_PYTHON = {"python"}
NOT_RUN = {"text", "console", "ini", "toml", "csv", "json", "mermaid", "diff", "html", "jinja"}

# The two set-up commands of the README are shown but not run here: the first installs the
# package (this test runs inside that installation), the second runs the suite this test is part
# of. Nothing else is excused: every other shell line of the docs is executed.
SHOWN_NOT_RUN = {
    'python -m pip install -e ".[dev]" && casework demo',
    "python -m pytest",
}


def _ids(paths: list[Path]) -> list[str]:
    return [name(p) for p in paths]


def test_every_fence_names_a_known_language() -> None:
    problems = [
        f"{b.where}: fence language {b.language!r}"
        for path in documents()
        for b in blocks(path)
        if b.language not in RUN_SHELL | RUN_PYTHON | NOT_RUN
    ]
    assert not problems, (
        "Name the language of every fenced block: sh/bash or python (run by this test), or "
        f"one of {sorted(NOT_RUN)} for output samples and configuration files:\n"
        + "\n".join(problems)
    )


def test_the_readme_shows_the_two_set_up_commands() -> None:
    readme = documents()[0]
    lines = [
        line.strip()
        for b in blocks(readme)
        if b.language in RUN_SHELL
        for line in b.text.splitlines()
    ]
    for command in SHOWN_NOT_RUN:
        assert lines.count(command) == 1, f"README.md must show `{command}` once in a sh block"


# -- the shell ------------------------------------------------------------------------------


class Shell:
    """Runs the command lines of one document's shell blocks."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd = cwd
        self.env = env  # exported variables of the session
        self.runner = CliRunner()

    def run_block(self, block: Block) -> None:
        for number, line, stdin in self._lines(block):
            if line in SHOWN_NOT_RUN:
                continue
            for command in self._split_and(line):
                self._run(command, stdin, f"{block.path.name}:{block.line + number}: {line}")

    @staticmethod
    def _lines(block: Block) -> Iterator[tuple[int, str, str | None]]:
        """(line offset, command line, here-document) with continuations joined."""
        raw = block.text.splitlines()
        i = 0
        while i < len(raw):
            start, line = i, raw[i]
            while line.endswith("\\") and i + 1 < len(raw):
                i += 1
                line = line[:-1] + " " + raw[i].strip()
            i += 1
            stdin = None
            here = re.search(r"<<-?\s*'?\"?(\w+)'?\"?", line)
            if here:
                end = here.group(1)
                body: list[str] = []
                while i < len(raw) and raw[i].strip() != end:
                    body.append(raw[i])
                    i += 1
                i += 1
                stdin = "\n".join(body) + "\n"
                line = line[: here.start()] + line[here.end() :]
            if line.strip() and not line.strip().startswith("#"):
                yield start + 1, line.strip(), stdin

    @staticmethod
    def _split_and(line: str) -> list[list[str]]:
        words = shlex.split(line, comments=True)
        commands: list[list[str]] = [[]]
        for word in words:
            if word == "&&":
                commands.append([])
            else:
                commands[-1].append(word)
        return [c for c in commands if c]

    def _run(self, words: list[str], stdin: str | None, where: str) -> None:
        env: dict[str, str] = {}
        if words[0] == "export":
            for assignment in words[1:]:
                key, _, value = assignment.partition("=")
                self.env[key] = value
            return
        while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
            key, _, value = words.pop(0).partition("=")
            env[key] = value
        out, words = self._redirect(words)
        program, args = words[0], words[1:]
        if program == "cat":
            text = stdin if not args else "".join(self._read(a) for a in args)
        elif program == "casework":
            text = self._casework(args, {**self.env, **env}, stdin, where)
        elif program == "python" and len(args) >= 2 and args[0] == "-m":
            text = self._module(args[1], args[2:], where)
        else:
            pytest.fail(
                f"{where}\n  `{program}` is not a command this test can run: show it in "
                "a ```text block if it is not an example to type"
            )
        if out is not None:
            target, mode = out
            (self.cwd / target).parent.mkdir(parents=True, exist_ok=True)
            with (self.cwd / target).open(mode, encoding="utf-8") as f:
                f.write(text or "")

    @staticmethod
    def _redirect(words: list[str]) -> tuple[tuple[str, str] | None, list[str]]:
        for op, mode in ((">>", "a"), (">", "w")):
            if op in words:
                i = words.index(op)
                return (words[i + 1], mode), words[:i] + words[i + 2 :]
        return None, words

    @staticmethod
    def _module(module: str, args: list[str], where: str) -> str:
        """``python -m casework.…``: the module's ``main()`` in this process, its output kept."""
        if not module.startswith("casework."):
            pytest.fail(f"{where}\n  only casework's own modules run here, not {module}")
        buffer = io.BytesIO()
        out = io.TextIOWrapper(buffer, encoding="utf-8")
        with contextlib.redirect_stdout(out), _argv([module, *args]):
            importlib.import_module(module).main()
        out.flush()
        return buffer.getvalue().decode("utf-8")

    def _read(self, file: str) -> str:
        return (self.cwd / file).read_text(encoding="utf-8")

    def _casework(self, args: list[str], env: dict[str, str], stdin: str | None, where: str) -> str:
        result = self.runner.invoke(app, args, input=stdin, env=env, prog_name="casework")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"{where}\n  raised {result.exception!r}") from result.exception
        assert result.exit_code == 0, (
            f"{where}\n  exit code {result.exit_code}\n{result.stdout[-3000:]}{result.stderr}"
        )
        return result.stdout


@contextlib.contextmanager
def _argv(argv: list[str]) -> Iterator[None]:
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved


# -- the sessions ---------------------------------------------------------------------------


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pinned_today: datetime) -> Path:
    """An empty working directory; the database URL points at a file in it."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for key in [k for k in os.environ if k.startswith("CASEWORK_")]:
        if key not in ("CASEWORK_LETTERS_DIR", "CASEWORK_LETTER_FORMATS"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CASEWORK_DATABASE_URL", f"sqlite:///{work / 'casework.db'}")
    return work


def _dispose(namespace: dict[str, Any]) -> None:
    for value in namespace.values():
        dispose = getattr(getattr(value, "db", None), "dispose", None)
        if callable(dispose):
            dispose()


@pytest.mark.parametrize("path", documents(), ids=_ids(documents()))
def test_the_examples_of_a_document_run(path: Path, scratch: Path) -> None:
    shell = Shell(scratch, {"CASEWORK_DATABASE_URL": os.environ["CASEWORK_DATABASE_URL"]})
    for block in blocks(path):
        saved = dict(os.environ)  # a command may set variables (the demo does): undo it
        try:
            if block.language in RUN_SHELL:
                shell.run_block(block)
            elif block.language in RUN_PYTHON:
                os.environ.update(shell.env)
                namespace: dict[str, Any] = {"__name__": "__doc_example__"}
                try:
                    exec(compile(block.text, block.where, "exec"), namespace)
                finally:
                    _dispose(namespace)
        finally:
            os.environ.clear()
            os.environ.update(saved)


# -- inline examples ------------------------------------------------------------------------

# A code span is a syntax summary, not an example, when it shows placeholders or alternatives.
PLACEHOLDER = re.compile(r"[\[\]|<>…]|\.\.\.|(^|\s)[A-Z][A-Z_]*(\s|$)|\s/\s")


def _inline_examples() -> list[tuple[str, str]]:
    found = []
    for path in documents():
        for number, span in inline_code(path):
            words = span.split()
            while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
                words.pop(0)
            if len(words) < 2 or words[0] != "casework" or PLACEHOLDER.search(" ".join(words)):
                continue
            found.append((f"{name(path)}:{number}", span))
    return found


def _parse(words: list[str]) -> None:
    """Parse a command line as ``casework`` would, without running the command. A span that only
    names a command (``casework fee notice``) is a reference to it: the command must exist."""
    command: Any = typer.main.get_command(app)
    named = command
    for i, word in enumerate(words):
        named = getattr(named, "commands", {}).get(word)
        if named is None:
            break
        if i == len(words) - 1:
            return
    parent, info_name, args = None, "casework", words
    while True:
        ctx = command.make_context(info_name, list(args), parent=parent)
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not hasattr(command, "commands") or not rest:
            return
        info_name, command, args = command.resolve_command(ctx, rest)
        parent = ctx


def test_inline_casework_examples_parse() -> None:
    examples = _inline_examples()
    assert len(examples) > 20
    problems = []
    for where, span in examples:
        words = shlex.split(span)
        while re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
            words.pop(0)
        try:
            _parse(words[1:])
        except (typer.Exit, SystemExit) as done:  # --help, --version: parsed
            if getattr(done, "exit_code", getattr(done, "code", 0)) not in (0, None):
                problems.append(f"{where}: `{span}` exits {done}")
        except Exception as err:  # any refusal is the finding
            problems.append(f"{where}: `{span}`: {err}")
    assert not problems, "Inline examples that casework would refuse:\n" + "\n".join(problems)
