"""Letters through the real engine: each test gets its own archive directory and, when asked, a
copy of states/ it may edit."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import casework
from casework.resources import bundled_dir
from tests.conftest import PG_ENV, PG_SKIP, _pg_schema_url
from tests.letters.scenario import every_kind


@pytest.fixture(autouse=True)
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh archive per test; HTML only unless a test asks for PDF or DOCX."""
    root = tmp_path / "archive"
    monkeypatch.setenv("CASEWORK_LETTERS_DIR", str(root))
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html")
    return root


def extended_states(folder: Path) -> Path:
    """A copy of the shipped states/ that a test may edit (it carries the issue_letter move,
    the reply inputs letters use, and the letters of the review answer and defence statement)."""
    target = folder / "states"
    shutil.copytree(bundled_dir("states"), target)
    return target


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


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=DATABASES)
def issued(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Every kind issued once per database for the whole module (the scenario is slow-ish)."""
    with module_engine(request, tmp_path_factory) as engine:
        yield every_kind(engine)


@contextmanager
def module_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """An engine on the extended states/ for a module-scoped fixture whose param is one of
    DATABASES, with its own archive (HTML only)."""
    folder = tmp_path_factory.mktemp("checklist")
    urls: Iterator[str] = iter([f"sqlite:///{folder / 'casework.db'}"])
    if request.param == "postgres":
        base = os.environ.get(PG_ENV)
        if not base:
            pytest.skip(PG_SKIP)
        urls = _pg_schema_url(base)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CASEWORK_LETTERS_DIR", str(folder / "archive"))
        env.setenv("CASEWORK_LETTER_FORMATS", "html")
        engine = casework.open(next(urls), upgrade=True, states_dir=extended_states(folder))
        try:
            yield engine
        finally:
            engine.db.dispose()
            next(urls, None)  # drops the PostgreSQL schema
