"""The layering of docs/architecture.md: the pure core does no I/O and never reads the clock.

Every module under casework/domain/ and the pure workflow modules are parsed with ``ast``
(not imported), so an import hidden inside a function is found too.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import casework

PACKAGE = Path(casework.__file__).resolve().parent
DOMAIN = sorted((PACKAGE / "domain").glob("*.py"))
PURE_WORKFLOW = [
    PACKAGE / "workflow" / f"{name}.py"
    for name in ("definition", "guards", "apply", "inputs", "clock_ops")
]
PURE = DOMAIN + PURE_WORKFLOW

FORBIDDEN_MODULES = (
    "os",
    "io",
    "pathlib",
    "socket",
    "sqlite3",
    "sqlalchemy",
    "sqlmodel",
    "psycopg",
    "subprocess",
    "shutil",
    "requests",
    "urllib",
    "http",
    "tomllib",
    "chinese_calendar",
    "time",
    "casework.store",
    "casework.engine",
    "casework.bootstrap",
    "casework.cli",
)
# Reading the clock or opening a file, as dotted names after resolving import aliases.
FORBIDDEN_CALLS = frozenset(
    {
        "datetime.date.today",
        "datetime.datetime.now",
        "datetime.datetime.today",
        "datetime.datetime.utcnow",
        "time.time",
        "open",
        "builtins.open",
        "io.open",
    }
)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def imported_modules(tree: ast.AST, module: str) -> list[str]:
    """Every module the source imports (``from x import y`` gives x and x.y), made absolute."""
    found: list[str] = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found.append(base)
            found.extend(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> dotted origin, e.g. ``dt`` -> ``datetime.datetime``."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def dotted(node: ast.AST, names: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(names.get(node.id, node.id))
    return ".".join(reversed(parts))


def clock_and_file_uses(tree: ast.AST) -> list[str]:
    """Uses (called or merely referenced, e.g. ``default_factory=date.today``) of a forbidden
    callable, with their line numbers."""
    names = aliases(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name | ast.Attribute) and isinstance(
            getattr(node, "ctx", None), ast.Load
        ):
            name = dotted(node, names)
            if name in FORBIDDEN_CALLS:
                found.append(f"{name} (line {node.lineno})")
    return found


def forbidden_imports(modules: list[str]) -> list[str]:
    return sorted(
        {m for m in modules for bad in FORBIDDEN_MODULES if m == bad or m.startswith(f"{bad}.")}
    )


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# -- the checker itself catches what it must -----------------------------------------------

BAD_SOURCE = """
import os.path
from datetime import date, datetime as dt
import time as t
from ..store import repository
from casework.cli.main import app

def f():
    import sqlite3
    with open("x") as fh:
        pass
    return date.today(), dt.now(), t.time()

class C:
    made = dt.utcnow
"""


def test_checker_finds_hidden_imports_and_clock_reads() -> None:
    tree = ast.parse(BAD_SOURCE)
    modules = imported_modules(tree, "casework.domain.bad")
    assert forbidden_imports(modules) == [
        "casework.cli.main",
        "casework.cli.main.app",
        "casework.store",
        "casework.store.repository",
        "os.path",
        "sqlite3",
        "time",
    ]
    uses = sorted(u.split(" ")[0] for u in clock_and_file_uses(tree))
    assert uses == [
        "datetime.date.today",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "open",
        "time.time",
    ]


def test_checker_passes_clean_source() -> None:
    tree = ast.parse(
        "from datetime import date, timedelta\n"
        "from casework.domain.clocks import Clock\n"
        "def f(today: date) -> date:\n    return today + timedelta(days=1)\n"
    )
    assert forbidden_imports(imported_modules(tree, "casework.domain.x")) == []
    assert clock_and_file_uses(tree) == []


# -- the real modules ----------------------------------------------------------------------


def test_the_pure_modules_exist() -> None:
    names = {p.name for p in DOMAIN}
    assert {"calendar.py", "clocks.py", "case.py", "rules.py"} <= names
    for path in PURE_WORKFLOW:
        assert path.is_file(), path


@pytest.mark.parametrize("path", PURE, ids=lambda p: module_name(p))
def test_no_io_imports(path: Path) -> None:
    modules = imported_modules(parse(path), module_name(path))
    bad = forbidden_imports(modules)
    assert not bad, f"{module_name(path)} imports {bad}; it imports: {sorted(set(modules))}"


@pytest.mark.parametrize("path", PURE, ids=lambda p: module_name(p))
def test_no_clock_or_file_access(path: Path) -> None:
    uses = clock_and_file_uses(parse(path))
    assert not uses, f"{module_name(path)} reads the clock or opens a file: {uses}"


# The lunar calendar library gives the lunar holidays and the 清明 solar term of a year that no
# notice covers yet (domain/holiday_law.py); it reads no file and no clock (docs/architecture.md:
# the domain may import the standard library and the holiday library).
HOLIDAY_LIBRARIES = ("lunar_python",)


def allowed_in_domain(module: str) -> bool:
    """Standard library, the lunar calendar library, casework.domain, casework.errors
    (``from casework import errors`` names the bare package first, which is no import of its
    own)."""
    if module.split(".")[0] in (*sys.stdlib_module_names, *HOLIDAY_LIBRARIES):
        return True
    return module == "casework" or any(
        module == ok or module.startswith(f"{ok}.") for ok in ("casework.domain", "casework.errors")
    )


def test_domain_rule_itself() -> None:
    allowed = ["datetime", "collections.abc", "__future__", "casework.errors.InvalidInput"]
    allowed += ["casework.domain.clocks", "casework"]
    refused = ["chinese_calendar", "transitions", "casework.workflow.loader", "casework.views"]
    assert all(allowed_in_domain(m) for m in allowed)
    assert not any(allowed_in_domain(m) for m in refused)


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: module_name(p))
def test_domain_imports_only_stdlib_domain_and_errors(path: Path) -> None:
    modules = imported_modules(parse(path), module_name(path))
    outside = sorted({m for m in modules if not allowed_in_domain(m)})
    assert not outside, (
        f"{module_name(path)} may import only the standard library, casework.domain and "
        f"casework.errors; it imports {outside} (all its imports: {sorted(set(modules))})"
    )


# -- the parts of the package and the arrows allowed between them --------------------------
# domain <- workflow <- engine <- (escalation, letters, reports, intake) <- bootstrap <- cli,
# server (the HTTP service, beside the command line).
# A part may import itself and the parts it lists; every import counts, including one inside a
# function (a lazy import for start-up speed is still an arrow), except type-only imports.

PARTS = {
    "base": ("casework.errors", "casework.settings", "casework.resources", "casework.tomlfiles"),
    "domain": ("casework.domain", "casework.glossary"),
    "workflow": ("casework.workflow", "casework.calendar_sources"),
    "store": ("casework.store",),
    "organisation": ("casework.organisation",),
    "engine": (
        "casework.engine",
        "casework.boundary",
        "casework.views",
        "casework.replay",
        "casework.fees",
        "casework.calendar_office",
        "casework.identity",
        "casework.search",
        "casework.apikeys",
        "casework.status_codes",
        "casework.service_reads",
    ),
    "escalation": ("casework.escalation", "casework.notify", "casework.scheduler"),
    "letters": ("casework.letters",),
    "reports": ("casework.reports",),
    "intake": (
        "casework.intake",
        "casework.intake_files",
        "casework.intake_rows",
        "casework.intake_checks",
        "casework.proceedings",
    ),
    "bootstrap": (
        "casework.bootstrap",
        "casework.demo",
        "casework.demo_scenario",
        "casework.demo_planner",
    ),
    "cli": ("casework.cli", "casework.__main__"),
    "server": ("casework.server",),
    "api": ("casework",),
}
_BELOW_ENGINE = {"organisation", "store", "workflow", "domain", "base"}
_FEATURES = {"escalation", "letters", "reports", "intake"}
ALLOWED = {
    "base": set(),
    "domain": {"base"},
    "workflow": {"domain", "base"},
    "store": {"domain", "base"},
    "organisation": {"store", "workflow", "domain", "base"},
    "engine": _BELOW_ENGINE,
    "escalation": {"engine"} | _BELOW_ENGINE,
    "letters": {"engine"} | _BELOW_ENGINE,
    "reports": {"engine"} | _BELOW_ENGINE,
    "intake": {"engine"} | _BELOW_ENGINE,
    "bootstrap": _FEATURES | {"engine"} | _BELOW_ENGINE,
    # The command line reads and writes only through the engine and the features: never the
    # store or SQL (checked below too).
    "cli": {"bootstrap", "engine", "organisation", "workflow", "domain", "base", "server"}
    | _FEATURES,
    # The HTTP service, at the level of the command line (``casework serve`` starts it): like
    # the CLI it reads and writes through the engine and the features, never the store or SQL.
    "server": {"bootstrap", "engine", "organisation", "workflow", "domain", "base"} | _FEATURES,
    "api": {"bootstrap", "engine", "domain", "base"},
}
MODULES = {module_name(p).removesuffix(".__init__"): p for p in sorted(PACKAGE.rglob("*.py"))}


def part_of(module: str) -> str:
    owner = max(
        (
            prefix
            for prefixes in PARTS.values()
            for prefix in prefixes
            if module == prefix or module.startswith(f"{prefix}.")
        ),
        key=len,
    )
    return next(part for part, prefixes in PARTS.items() if owner in prefixes)


def type_only_nodes(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found.update(id(n) for n in ast.walk(node))
    return found


def runtime_imports(module: str) -> set[str]:
    """The casework modules ``module`` imports at run time (type-only imports left out)."""
    tree = parse(MODULES[module])
    skipped = type_only_nodes(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names = imported_modules(ast.Module(body=[node], type_ignores=[]), module)
        submodules = [name for name in names[1:] if name in MODULES]
        # ``from casework import fees`` imports the module casework.fees, not the package.
        for name in submodules if isinstance(node, ast.ImportFrom) and submodules else names:
            if name in MODULES and name != module:
                found.add(name)
    return found


GRAPH = {module: runtime_imports(module) for module in MODULES}


def test_every_module_belongs_to_a_part() -> None:
    for module in MODULES:
        assert part_of(module) in ALLOWED


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_layers(module: str) -> None:
    part = part_of(module)
    wrong = sorted(
        f"{target} ({part_of(target)})"
        for target in GRAPH[module]
        if part_of(target) != part and part_of(target) not in ALLOWED[part]
    )
    assert not wrong, f"{module} ({part}) may not import {wrong}; allowed: {sorted(ALLOWED[part])}"


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, in a loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_cycle_finder_finds_a_loop() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or round a loop (a package importing its
    own submodules to re-export them is no loop: the submodules must not import it back)."""
    assert strongly_connected(GRAPH) == []


def test_the_command_line_and_the_service_run_no_sql() -> None:
    for module in (m for m in MODULES if part_of(m) in ("cli", "server")):
        tree = parse(MODULES[module])
        skipped = type_only_nodes(tree)
        sql = [
            name
            for node in ast.walk(tree)
            if id(node) not in skipped and isinstance(node, ast.Import | ast.ImportFrom)
            for name in imported_modules(ast.Module(body=[node], type_ignores=[]), module)
            if name.split(".")[0] in {"sqlalchemy", "sqlmodel"}
        ]
        assert not sql, f"{module} imports {sorted(set(sql))}"


def test_only_the_store_opens_transactions() -> None:
    """Every write goes through store/unit_of_work.py (issue 12): no ``.begin()`` elsewhere."""
    found = [
        f"{module} line {node.lineno}"
        for module, path in MODULES.items()
        if not module.startswith("casework.store")
        for node in ast.walk(parse(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "begin"
    ]
    assert found == []
