"""Settings: read from the environment in one place, passed everywhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import casework
from casework.resources import bundled_dir
from casework.settings import Settings

PACKAGE = Path(casework.__file__).resolve().parent


def environment_reads(path: Path) -> list[str]:
    """``os.environ`` / ``os.getenv`` / ``environ`` imported from os, with line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "putenv"}:
            found.append(f"os.{node.attr} (line {node.lineno})")
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [
                f"from os import {a.name} (line {node.lineno})"
                for a in node.names
                if a.name in {"environ", "getenv", "putenv"}
            ]
    return found


def test_the_checker_finds_environment_reads(tmp_path: Path) -> None:
    source = tmp_path / "bad.py"
    source.write_text("import os\nfrom os import getenv\nx = os.environ.get('A')\n")
    assert environment_reads(source) == ["from os import getenv (line 2)", "os.environ (line 3)"]


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(PACKAGE.rglob("*.py")) if p.name != "settings.py" or p.parent != PACKAGE],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_only_the_settings_loader_reads_the_environment(path: Path) -> None:
    assert environment_reads(path) == []


def test_defaults_ignore_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORK_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("CASEWORK_USER", "czj_clerk")
    plain = Settings()
    assert plain.database_url == "sqlite:///casework.db"
    assert plain.states_dir == bundled_dir("states")
    assert plain.user is None


def test_from_env_reads_every_variable(tmp_path: Path) -> None:
    env = {
        "CASEWORK_DATABASE_URL": "postgresql+psycopg://db/cases",
        "CASEWORK_STATES_DIR": str(tmp_path / "states"),
        "CASEWORK_TEMPLATES_DIR": str(tmp_path / "templates"),
        "CASEWORK_LETTER_FORMATS": "html, docx",
        "CASEWORK_LETTERS_DIR": str(tmp_path / "letters"),
        "CASEWORK_USER": "czj_clerk",
        "CASEWORK_CHAIN_KEY_FILE": str(tmp_path / "keys" / "chain.key"),
    }
    s = Settings.from_env(env)
    assert s.database_url == "postgresql+psycopg://db/cases"
    assert s.states_dir == tmp_path / "states"
    assert s.templates_dir == tmp_path / "templates"
    assert s.letter_formats == ("html", "docx")
    assert s.letters_dir == tmp_path / "letters"
    assert s.user == "czj_clerk"
    assert s.chain_key_file == tmp_path / "keys" / "chain.key"


def test_an_option_given_wins_and_one_not_given_does_not() -> None:
    env = {"CASEWORK_DATABASE_URL": "sqlite:///env.db", "CASEWORK_USER": "zfb_clerk"}
    s = Settings.from_env(env, database_url="sqlite:///option.db", user=None)
    assert s.database_url == "sqlite:///option.db"
    assert s.user == "zfb_clerk"


def test_empty_variables_mean_unset() -> None:
    s = Settings.from_env({"CASEWORK_LETTER_FORMATS": "", "CASEWORK_USER": ""})
    assert s.letter_formats is None
    assert s.user is None
    assert Settings.from_env({}) == Settings()
