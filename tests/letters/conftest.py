"""Letters through the real engine: each test gets its own archive directory and, when asked, a
copy of states/ with the moves the letters feature asks the flow owner for (``issue_letter`` and
the optional reply inputs provision, attachments, withheld_ground)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import casework
from casework.resources import bundled_dir
from tests.conftest import PG_ENV, PG_SKIP, _pg_schema_url
from tests.letters.scenario import every_kind

ISSUE_LETTER_MOVE = """
[[moves]]
name = "issue_letter"
label = "出具或重新出具文书"
letter = "$kind"
from = ["awaiting_forward", "in_progress", "awaiting_correction", "consulting", "awaiting_fee",
        "replied", "delivered", "closed"]
to = "="
roles = ["general_section", "service_centre", "duty_office", "unit_clerk", "unit_head",
         "legal_office"]
fields = { kind = "text" }
optional = { reason = "text" }
"""
REPLY_OPTIONAL = (
    'optional = { reasons = "text", responsible_agency = "text", note = "text" }',
    'optional = { reasons = "text", responsible_agency = "text", note = "text", '
    'provision = "text", attachments = "text_list", withheld_ground = "reply_outcome" }',
)


@pytest.fixture(autouse=True)
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh archive per test; HTML only unless a test asks for PDF or DOCX."""
    root = tmp_path / "archive"
    monkeypatch.setenv("CASEWORK_LETTERS_DIR", str(root))
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html")
    return root


PROCEEDING_LETTERS = {
    "review.toml": ('name = "answered"\nlabel = "提交书面答复及证据"\n', "review_answer"),
    "lawsuit.toml": ('name = "defended"\nlabel = "提交答辩状及证据"\n', "defence_statement"),
}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def extended_states(folder: Path) -> Path:
    """states/ with the issue_letter move, the reply inputs letters can use, and the letters of
    the review answer and the defence statement on the moves that submit them."""
    target = folder / "states"
    shutil.copytree(bundled_dir("states"), target)
    flow = target / "application.toml"
    _edit(flow, *REPLY_OPTIONAL)
    flow.write_text(flow.read_text(encoding="utf-8") + ISSUE_LETTER_MOVE, encoding="utf-8")
    for name, (move, kind) in PROCEEDING_LETTERS.items():
        _edit(target / name, move, f'{move}letter = "{kind}"\n')
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


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def issued(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Every kind issued once per database for the whole module (the scenario is slow-ish)."""
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
            yield every_kind(engine)
        finally:
            engine.db.dispose()
            next(urls, None)  # drops the PostgreSQL schema
