"""The suite's own layout (docs/development.md, Tests): tests/ mirrors casework/ on one axis,
and the test modules share helpers through tests/support/ only.

- Every folder under tests/ is the counterpart of a folder of casework/ (tests/engine/ tests
  casework/engine/, ...), except data/ (files the tests read), support/ (shared helpers), docs/
  (the documentation) and packaging/ (the wheel). Tests of a top-level module of casework/ sit
  at the top of tests/.
- Every folder of Python files under tests/ is a package (``__init__.py``), so two test modules
  of one name in two folders never collide.
- A module under tests/ imports nothing from the suite but ``tests.support``: never a test
  module, never a conftest.py (conftest.py files hold fixtures, which pytest finds by name).

Modules are parsed with ``ast`` (not imported), so an import inside a function is found too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import casework

TESTS = Path(__file__).resolve().parent
PACKAGE = Path(casework.__file__).resolve().parent
OUTSIDE_THE_MIRROR = ("data", "support", "docs", "packaging")
SUPPORT = "tests.support"


def folders(root: Path) -> list[Path]:
    """Every folder under ``root``, without caches and hidden folders."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_dir()
        and not any(
            part == "__pycache__" or part.startswith(".") for part in p.relative_to(root).parts
        )
    )


def mirrored(folder: Path) -> bool:
    """Whether a folder under tests/ has to have a counterpart under casework/."""
    return folder.relative_to(TESTS).parts[0] not in OUTSIDE_THE_MIRROR


def modules() -> list[Path]:
    """Every Python module of the suite, outside tests/data/."""
    return sorted(p for p in TESTS.rglob("*.py") if p.relative_to(TESTS).parts[0] != "data")


def suite_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import of a module of the suite other than tests.support and
    its modules; a relative import counts too (it can only name a module of the suite)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            names = ["." * node.level + (node.module or "")]
        elif isinstance(node, ast.ImportFrom) and node.module == "tests":
            names = [f"tests.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.startswith(".") or (
                (name == "tests" or name.startswith("tests."))
                and name != SUPPORT
                and not name.startswith(SUPPORT + ".")
            ):
                found.append((node.lineno, name))
    return found


def test_the_checker_finds_imports_of_test_modules_and_conftests() -> None:
    source = (
        "import json\n"
        "from casework.errors import InvalidInput\n"
        "from tests.support.actors import CLERK\n"
        "from tests.support import dates\n"
        "from tests.conftest import at\n"
        "from tests.engine.test_application_flow import register\n"
        "from tests import conftest\n"
        "from . import helpers\n"
        "import tests.letters.test_golden\n"
        "def f():\n"
        "    from tests.cli.conftest import Cli\n"
    )
    assert suite_imports(ast.parse(source)) == [
        (5, "tests.conftest"),
        (6, "tests.engine.test_application_flow"),
        (7, "tests.conftest"),
        (8, "."),
        (9, "tests.letters.test_golden"),
        (11, "tests.cli.conftest"),
    ]


def test_test_modules_import_only_the_support_package() -> None:
    problems = [
        f"{path.relative_to(TESTS.parent)}:{line} imports {name}"
        for path in modules()
        for line, name in suite_imports(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert problems == [], "shared helpers belong in tests/support/ (fixtures in conftest.py)"


def test_every_test_folder_has_its_counterpart_in_the_package() -> None:
    missing = [
        f"{folder.relative_to(TESTS.parent)} (no casework/{folder.relative_to(TESTS).as_posix()})"
        for folder in folders(TESTS)
        if mirrored(folder) and not (PACKAGE / folder.relative_to(TESTS)).is_dir()
    ]
    assert missing == [], "tests/ mirrors casework/: move these tests beside what they test"


def test_the_layout_checks_see_the_suite() -> None:
    mirror = {f.relative_to(TESTS).as_posix() for f in folders(TESTS) if mirrored(f)}
    assert {"cli", "domain", "engine", "workflow"} <= mirror
    assert TESTS / "support" / "__init__.py" in modules()


def test_every_folder_of_python_files_is_a_package() -> None:
    plain = [
        str(folder.relative_to(TESTS.parent))
        for folder in {path.parent for path in modules()}
        if not (folder / "__init__.py").exists()
    ]
    assert plain == [], "give these folders an __init__.py (duplicate module names collide)"
