"""The demo's letters: numbered with their moves, their files written afterwards in the render
pool, with a PDF of every letter where this machine can make PDF (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

import casework
from casework.demo import run_demo
from casework.letters.issuing import service_of
from casework.letters.pdf import unavailable_reason
from casework.store.tables import LETTERS


def test_the_demo_writes_every_letters_files_and_names_one_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CASEWORK_LETTER_FORMATS")  # the demo's own formats
    monkeypatch.delenv("CASEWORK_LETTERS_DIR")  # beside the demo database
    seen: list[tuple[int, int]] = []
    result = run_demo(
        tmp_path / "demo.db", cases=6, render_progress=lambda d, t: seen.append((d, t))
    )
    pdf = unavailable_reason() is None
    assert result.formats == (("html", "pdf", "docx") if pdf else ("html", "docx"))
    assert result.letters.failed == {} and result.letters.rendered
    # Rendered behind the moves, then the rest with the progress bar: each letter once.
    assert not seen or seen[-1][0] == seen[-1][1]
    engine = casework.open(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        with engine.db.connect() as conn:
            rows = conn.execute(select(LETTERS)).all()
        assert {r.render_status for r in rows} == {"rendered"}
        assert sorted(result.letters.rendered) == [r.id for r in rows]
        assert all(r.docx_hash for r in rows)
        assert all(r.pdf_hash for r in rows) == pdf
        assert engine.verify() == [] and service_of(engine).archive_notes().pending == []
    finally:
        engine.db.dispose()
    if pdf:
        assert result.example_pdf is not None
        assert result.example_pdf.is_relative_to(tmp_path / "demo-letters")
        assert result.example_pdf.read_bytes().startswith(b"%PDF")
    else:
        assert result.example_pdf is None
