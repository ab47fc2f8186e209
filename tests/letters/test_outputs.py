"""PDF and DOCX: produced with the letter, parsed back, and refused (not boxed) without fonts.

Needs Debian's fonts-noto-cjk, libharfbuzz-subset0, Pango and poppler-utils (pdftotext,
pdfinfo), which .ci/run installs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import create_engine, insert

import casework
from casework.letters.pdf import unavailable_reason
from casework.settings import Settings
from casework.store.tables import PEOPLE as PEOPLE_TABLE
from tests.support.letters import files, letters, move, register

POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
needs_pdf = pytest.mark.skipif(
    not POPPLER or unavailable_reason() is not None,
    reason=f"PDF cannot be produced or read here: {unavailable_reason() or 'no poppler-utils'}",
)
FONTS_WITHOUT_CJK = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>
"""


@pytest.fixture
def every_format(tmp_path: Path, archive: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html,pdf,docx")
    engine = casework.open(f"sqlite:///{tmp_path / 'c.db'}", upgrade=True)
    yield engine
    engine.db.dispose()


def test_settings_passed_in_choose_formats_and_archive_without_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An embedding system passes its settings; the environment is not consulted for them."""
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html")
    monkeypatch.setenv("CASEWORK_LETTERS_DIR", str(tmp_path / "not-here"))
    own = tmp_path / "own-archive"
    settings = Settings(letter_formats=("html", "docx"), letters_dir=own)
    engine = casework.open(f"sqlite:///{tmp_path / 'c.db'}", upgrade=True, settings=settings)
    try:
        case = register(engine).id
    finally:
        engine.db.dispose()
    assert files(own) == [f"2026/{case}/receipt-czj-1.{ext}" for ext in ("docx", "html", "json")]
    assert not (tmp_path / "not-here").exists()


@needs_pdf
def test_pdf_and_docx_carry_the_number_the_applicant_and_the_dates(every_format, archive) -> None:
    case = register(every_format).id
    move(every_format, case, "extend", "2026-03-20", approver="周主任", reason="需调取档案")
    row = letters(every_format, case)[-1]
    stem = archive / "2026" / str(case) / row.stem
    assert files(archive) == sorted(
        f"2026/{case}/{name}-czj-1.{ext}"
        for name in ("receipt", "extension_notice")
        for ext in ("docx", "html", "json", "pdf")
    )
    pdf = subprocess.run(
        ["pdftotext", "-layout", f"{stem}.pdf", "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(pdf.split())
    for needed in ("硚财政依申延〔2026〕1号", "张三", "2026年4月28日", "武汉市硚口区财政局"):
        assert needed in flat
    info = subprocess.run(["pdfinfo", f"{stem}.pdf"], capture_output=True, text=True).stdout
    assert "x 841.89 pts (A4)" in info
    fonts = subprocess.run(["pdffonts", f"{stem}.pdf"], capture_output=True, text=True).stdout
    assert "Noto-Serif-CJK-SC" in fonts and "DejaVu" not in fonts
    doc = Document(f"{stem}.docx")
    text = "\n".join(p.text for p in doc.paragraphs)
    for needed in ("硚财政依申延〔2026〕1号", "张三：", "2026年4月28日", "（印章）"):
        assert needed in text
    assert round(doc.sections[0].page_width.mm) == 210
    assert round(doc.sections[0].top_margin.mm) == 37
    fonts_of_runs = {
        run._element.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs for run in p.runs
    }
    assert fonts_of_runs == {"仿宋_GB2312", "方正小标宋简体"}
    manifest = json.loads(Path(f"{stem}.json").read_text(encoding="utf-8"))
    assert manifest["files"]["pdf"]["name"] == f"{row.stem}.pdf"
    assert manifest["pdf_skipped"] is None
    assert every_format.verify() == []


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, env=env
    )


def test_without_a_chinese_font_pdf_is_refused_and_html_and_docx_still_issue(
    tmp_path: Path,
) -> None:
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_WITHOUT_CJK.format(cache=tmp_path / "cache"), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(conf),
        "CASEWORK_LETTERS_DIR": str(tmp_path / "archive"),
        "CASEWORK_LETTER_FORMATS": "html,pdf,docx",
        "CASEWORK_DATABASE_URL": db,
    }
    issued = _run(
        "import casework, json\n"
        "from tests.support.letters import register, letters\n"
        f"e = casework.open({db!r}, upgrade=True)\n"
        "r = letters(e, register(e).id)[0]\n"
        "print(json.dumps([r.pdf_hash, r.pdf_skipped, r.docx_hash is not None, r.number,"
        " r.render_status, r.render_error]))\n",
        env,
    )
    assert issued.returncode == 0, issued.stderr
    pdf_hash, skipped, has_docx, number, status, error = json.loads(issued.stdout)
    assert pdf_hash is None and has_docx
    assert "fonts-noto-cjk" in skipped
    # The letter is issued (its number stands); its PDF waits, with the reason, for the fonts.
    assert (number, status, error) == ("硚财政依申登〔2026〕1号", "pending", skipped)
    assert files(tmp_path / "archive") == [
        "2026/1/receipt-czj-1.docx",
        "2026/1/receipt-czj-1.html",
        "2026/1/receipt-czj-1.json",
    ]
    with create_engine(db).begin() as conn:
        conn.execute(
            insert(PEOPLE_TABLE),
            {"code": "lina", "name": "李娜", "role": "unit_clerk", "unit_code": "czj"},
        )
    out = tmp_path / "draft.pdf"
    cli = subprocess.run(
        [
            *(sys.executable, "-W", "ignore", "-m", "casework", "letter", "draft", "1"),
            *("--kind", "receipt", "--format", "pdf", "--out", str(out)),
            *("--on", "2026-03-02"),  # a subprocess: time-machine cannot pin its "today"
        ],
        capture_output=True,
        text=True,
        env={**env, "CASEWORK_USER": "lina"},
    )
    assert cli.returncode == 2
    assert cli.stderr.strip().count("\n") == 0  # one line, no traceback
    assert cli.stderr.startswith("错误：无法生成 PDF")
    assert "fonts-noto-cjk" in cli.stderr and "libharfbuzz-subset0" in cli.stderr
    assert not out.exists()


@needs_pdf
def test_letters_issued_from_several_threads_all_get_their_pdf(every_format, archive) -> None:
    failures: list[BaseException] = []

    def work() -> None:
        try:
            register(every_format)
        except BaseException as err:  # reported below, not lost in the thread
            failures.append(err)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    rows = letters(every_format)
    assert sorted(r.seq for r in rows) == [1, 2, 3, 4]
    assert all(r.pdf_hash and r.pdf_skipped is None for r in rows)
    assert every_format.verify() == []
