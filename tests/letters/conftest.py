"""Fixtures of the letters tests: each test gets its own archive directory and, when asked, a
copy of states/ it may edit (helpers: tests/support/letters.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.databases import DATABASES
from tests.support.letters import every_kind, extended_states, module_engine


@pytest.fixture(autouse=True)
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh archive per test; HTML only unless a test asks for PDF or DOCX."""
    root = tmp_path / "archive"
    monkeypatch.setenv("CASEWORK_LETTERS_DIR", str(root))
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html")
    return root


@pytest.fixture
def states(tmp_path: Path) -> Path:
    return extended_states(tmp_path)


@pytest.fixture
def full(db_url: str, states: Path) -> Iterator[Any]:
    """An engine on the extended states/ (SQLite and PostgreSQL)."""
    import casework

    eng = casework.open(db_url, upgrade=True, states_dir=states)
    yield eng
    eng.db.dispose()


@pytest.fixture(scope="module", params=DATABASES)
def issued(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Every kind issued once per database for the whole module (the scenario is slow-ish)."""
    with module_engine(request, tmp_path_factory) as engine:
        yield every_kind(engine)
