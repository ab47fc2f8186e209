"""The database is the source of truth and the files follow it (SQLite and PostgreSQL): a move
commits its letter as pending, the materializer writes the files after the COMMIT, a render that
fails stays pending with its reason and succeeds on retry, ``verify`` reports pending letters and
temporary files apart from differences, ``casework letters render`` and the scheduler run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import update

import casework
from casework.letters import archive as letter_archive
from casework.letters.archive_verify import verify as verify_archive
from casework.letters.issuing import service_of
from casework.letters.materialize import Materializer
from casework.letters.pdf import unavailable_reason
from casework.store import migrate
from casework.store.db import create_db_engine
from casework.store.tables import LETTERS
from tests.support.cli import with_people
from tests.support.letters import files, letters, register
from tests.support.migrations import seed_first_revision

needs_pdf = pytest.mark.skipif(unavailable_reason() is not None, reason="no PDF here")


@pytest.fixture
def deferred(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """An engine whose letters stay pending after their move (HTML and DOCX)."""
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html,docx")
    engine = casework.open(db_url, upgrade=True)
    service_of(engine).render_after_commit = False
    yield engine
    engine.db.dispose()


def dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_a_move_commits_its_letter_pending_and_the_files_follow(deferred, archive: Path) -> None:
    case = register(deferred).id
    row = letters(deferred, case)[0]
    # Number, HTML, manifest data and status are committed; no file exists yet.
    assert (row.number, row.formats, row.render_status) == (
        "硚财政依申登〔2026〕1号",
        "html,docx",
        "pending",
    )
    assert row.html and row.content_hash == sha(row.html)
    assert (row.docx_hash, row.render_attempts, row.rendered_at) == (None, 0, None)
    assert files(archive) == []
    assert deferred.verify() == []  # pending is not a difference
    notes = service_of(deferred).archive_notes()
    assert [p.number for p in notes.pending] == [row.number] and notes.failed == []

    summary = service_of(deferred).materializer(workers=0).render()
    assert (summary.rendered, summary.failed) == ([row.id], {})
    row = letters(deferred, case)[0]
    assert (row.render_status, row.render_attempts, row.render_claim) == ("rendered", 1, None)
    assert row.rendered_at is not None
    stem = archive / "2026" / str(case) / row.stem
    assert files(archive) == [f"2026/{case}/receipt-czj-1.{e}" for e in ("docx", "html", "json")]
    assert sha(stem.with_suffix(".docx").read_bytes()) == row.docx_hash
    manifest = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    assert manifest["files"]["docx"]["sha256"] == row.docx_hash
    assert deferred.verify() == [] and service_of(deferred).archive_notes().pending == []
    # Idempotent: a second run finds nothing to do and changes nothing.
    before = {p: p.read_bytes() for p in archive.rglob("*") if p.is_file()}
    assert service_of(deferred).materializer(workers=0).render().rendered == []
    assert {p: p.read_bytes() for p in archive.rglob("*") if p.is_file()} == before


def sha(data: str | bytes) -> str:
    return letter_archive.sha256(data.encode() if isinstance(data, str) else data)


def test_in_process_moves_write_their_files_right_after_the_commit(engine, archive: Path) -> None:
    case = register(engine).id
    row = letters(engine, case)[0]
    assert (row.render_status, row.formats, row.render_attempts) == ("rendered", "html", 1)
    assert files(archive) == [f"2026/{case}/receipt-czj-1.{e}" for e in ("html", "json")]
    assert engine.verify() == []


def test_a_failed_render_stays_pending_with_its_reason_and_succeeds_on_retry(
    db_url: str, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import casework.letters.docx

    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html,docx")
    engine = casework.open(db_url, upgrade=True)
    try:
        real = casework.letters.docx.html_to_docx

        def broken(html: str) -> bytes:
            raise ValueError("模板版式出错（测试）")

        monkeypatch.setattr(casework.letters.docx, "html_to_docx", broken)
        case = register(engine).id  # the move succeeds: its number is never lost
        row = letters(engine, case)[0]
        assert (row.number, row.render_status, row.render_attempts) == (
            "硚财政依申登〔2026〕1号",
            "pending",
            1,
        )
        assert "无法生成 DOCX" in row.render_error and "模板版式出错（测试）" in row.render_error
        assert row.render_claim is None  # free for the next run
        # What could be written is there (the HTML and its manifest); the DOCX is not.
        assert files(archive) == [f"2026/{case}/receipt-czj-1.{e}" for e in ("html", "json")]
        assert engine.verify() == []
        failed = service_of(engine).archive_notes().failed
        assert [(p.id, p.attempts) for p in failed] == [(row.id, 1)]
        # Still broken: retried, still pending, one more attempt.
        summary = service_of(engine).materializer(workers=0).render()
        assert list(summary.failed) == [row.id]
        assert letters(engine, case)[0].render_attempts == 2
        # Fixed: the next run writes the DOCX.
        monkeypatch.setattr(casework.letters.docx, "html_to_docx", real)
        summary = service_of(engine).materializer(workers=0).render()
        assert (summary.rendered, summary.failed) == ([row.id], {})
        row = letters(engine, case)[0]
        assert (row.render_status, row.render_error, row.render_attempts) == ("rendered", None, 3)
        assert files(archive)[0] == f"2026/{case}/receipt-czj-1.docx"
        assert engine.verify() == [] and service_of(engine).archive_notes().pending == []
    finally:
        engine.db.dispose()


def test_an_archive_that_cannot_be_written_after_the_commit_leaves_the_letter_pending(
    engine, archive: Path
) -> None:
    # The case directory of the first case is taken by a file: writing fails after the COMMIT.
    (archive / "2026").mkdir(parents=True)
    (archive / "2026" / "1").write_text("in the way")
    case = register(engine).id
    row = letters(engine, case)[0]
    assert (row.number, row.render_status) == ("硚财政依申登〔2026〕1号", "pending")
    assert "无法写入归档目录" in row.render_error
    assert files(archive) == ["2026/1"]
    assert engine.verify() == []
    (archive / "2026" / "1").unlink()
    assert service_of(engine).materializer(workers=0).render().rendered == [row.id]
    assert engine.verify() == []
    # The next letter takes the next number: none was lost or given twice.
    assert letters(engine, register(engine).id)[0].number == "硚财政依申登〔2026〕2号"


def test_verify_reports_temporary_files_and_render_removes_those_of_dead_writers(
    engine, archive: Path
) -> None:
    case = register(engine).id
    folder = archive / "2026" / str(case)
    host = letter_archive.host_tag()
    dead = folder / f".tmp-{host}-{dead_pid()}-abc123"
    live = folder / f".tmp-{host}-{os.getpid()}-def456"
    for path in (dead, live):
        path.write_bytes(b"half a letter")
    assert engine.verify() == []  # a temporary file is no difference...
    notes = service_of(engine).archive_notes()
    assert (set(notes.temp_files), notes.stale_temp_files) == ({dead, live}, [dead])  # noted
    summary = service_of(engine).materializer(workers=0).render()
    assert summary.temp_removed == [dead]
    assert not dead.exists() and live.exists()  # a writer at work is left alone


def test_a_letter_claimed_by_a_live_process_is_left_to_it_and_a_dead_ones_claim_is_taken(
    deferred,
) -> None:
    case = register(deferred).id
    row = letters(deferred, case)[0]
    host = letter_archive.host_tag()

    def claim(token: str, at: datetime) -> None:
        with deferred.db.begin() as conn:
            conn.execute(
                update(LETTERS)
                .where(LETTERS.c.id == row.id)
                .values(render_claim=token, render_claimed_at=at)
            )

    now = datetime.now(UTC)
    claim(f"{host}:{os.getppid()}:other", now)  # our parent: alive
    summary = service_of(deferred).materializer(workers=0).render()
    assert (summary.rendered, summary.busy) == ([], [row.id])
    claim(f"{host}:{os.getppid()}:other", now - timedelta(hours=1))  # alive but hung
    assert service_of(deferred).materializer(workers=0).render().rendered == [row.id]
    case = register(deferred).id
    row = letters(deferred, case)[0]
    claim(f"{host}:{dead_pid()}:gone", now)  # its writer died
    assert service_of(deferred).materializer(workers=0).render().rendered == [row.id]
    assert deferred.verify() == []


def test_a_batch_is_rendered_in_a_pool_of_worker_processes(deferred, archive: Path) -> None:
    cases = [register(deferred).id for _ in range(8)]
    seen: list[tuple[int, int]] = []
    summary = (
        service_of(deferred)
        .materializer(workers=2)
        .render(progress=lambda done, total: seen.append((done, total)))
    )
    assert summary.workers == 2 and summary.failed == {}
    assert sorted(summary.rendered) == [r.id for r in letters(deferred)]
    assert seen[0] == (0, 8) and seen[-1] == (8, 8)
    assert all(r.render_status == "rendered" and r.docx_hash for r in letters(deferred))
    assert len(files(archive)) == 3 * len(cases)
    assert deferred.verify() == []


@needs_pdf
def test_pdf_is_rendered_by_the_pool_from_the_committed_html(
    db_url: str, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html,pdf")
    engine = casework.open(db_url, upgrade=True)
    try:
        service_of(engine).render_after_commit = False
        for _ in range(6):
            register(engine)
        summary = service_of(engine).materializer(workers=2).render()
        assert summary.workers == 2 and len(summary.rendered) == 6
        rows = letters(engine)
        assert all(r.pdf_hash and r.pdf_skipped is None for r in rows)
        pdf = archive / rows[0].directory / f"{rows[0].stem}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        assert engine.verify() == []
    finally:
        engine.db.dispose()


def test_the_scheduler_renders_what_is_pending(deferred) -> None:
    from casework.notify import NotifySettings
    from casework.scheduler import NightlyJobs, ScheduleSettings, build_scheduler

    case = register(deferred).id
    # A mail server that is not there: valid settings (sending is not what this test is about).
    smtp = {"CASEWORK_SMTP_HOST": "127.0.0.1", "CASEWORK_SMTP_FROM": "gkb@qiaokou.gov.example"}
    render = service_of(deferred).materializer(workers=0).render
    jobs = NightlyJobs(deferred, NotifySettings.from_env(smtp), render_letters=render)
    assert build_scheduler(jobs, ScheduleSettings(), blocking=False).get_job("letters")
    result = jobs.render_letters()
    assert result is not None and result.rendered == [letters(deferred, case)[0].id]
    assert letters(deferred, case)[0].render_status == "rendered"


def test_letters_render_and_failed_on_the_command_line(
    db_url: str, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import casework.letters.docx

    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html,docx")
    cli = with_people(db_url)
    real = casework.letters.docx.html_to_docx

    def broken(html: str) -> bytes:
        raise ValueError("字体缺失（测试）")

    monkeypatch.setattr(casework.letters.docx, "html_to_docx", broken)
    case = cli.register()
    listed = cli(None, "letters", "render", "--failed")
    assert listed.exit_code == 1 and "字体缺失（测试）" in listed.stdout
    assert cli(None, "letters", "render", "--failed", "--json").json[0]["attempts"] == 1
    shown = cli.ok("lina", "letter", "show", "1")
    assert "文件尚待生成" in shown.stdout and "docx: 未生成" in shown.stdout
    checked = cli.ok(None, "verify")  # pending is reported, not a difference: exit 0
    assert "1 份的文件尚待生成" in checked.stdout and "其中 1 份上次生成失败" in checked.stdout
    assert cli.ok(None, "verify", "--json").json["letters"]["pending"] == 1
    again = cli(None, "letters", "render")
    assert again.exit_code == 1 and "1 份未能生成" in again.stdout
    monkeypatch.setattr(casework.letters.docx, "html_to_docx", real)
    done = cli.ok(None, "letters", "render", "--workers", "0", "--letter", "1")
    assert "已生成 1 份文书的文件" in done.stdout
    assert cli.ok(None, "letters", "render", "--failed").stdout.strip() == "没有生成失败的文书。"
    assert cli.ok(None, "letters", "render", "--json").json["rendered"] == 0
    assert f"2026/{case}/receipt-czj-1.docx" in files(archive)
    assert "尚待生成" not in cli.ok(None, "verify").stdout


def test_migration_0007_marks_letters_whose_files_exist_rendered(
    db_url: str, archive: Path
) -> None:
    # A database at 0006 holding two letters issued before 0007: one with its files in the
    # archive, one whose files were lost.
    db = create_db_engine(db_url)
    seed_first_revision(db)
    migrate.upgrade(db, "0006")
    old = sa.table(*(["letters"] + [sa.column(c) for c in OLD_LETTER_COLUMNS]))
    issued_at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    rows = [
        {
            "id": n,
            "case_id": 1,
            "event_seq": 1,
            "move": "register",
            "kind": "receipt",
            "series": "receipt",
            "unit": "czj",
            "year": 2026,
            "seq": n,
            "number": f"硚财政依申登〔2026〕{n}号",
            "template": "receipt.html.j2",
            "template_hash": "0" * 64,
            "content_hash": sha(f"<p>{n}</p>"),
            "html": f"<p>{n}</p>",
            "pdf_hash": None,
            "pdf_skipped": None,
            "docx_hash": None,
            "directory": "2026/1",
            "stem": f"receipt-czj-{n}",
            "issued_on": issued_at.date(),
            "issued_at": issued_at,
            "issued_by": "王敏",
            "issued_by_role": "service_centre",
            "issued_by_unit": None,
        }
        for n in (1, 2)
    ]
    with db.begin() as conn:
        conn.execute(old.insert(), rows)
        db_id = letter_archive.database_id(conn)
    kept = rows[0]
    digests = {"html": kept["content_hash"], "pdf": None, "docx": None}
    manifest = letter_archive.manifest(kept, db_id, digests)
    letter_archive.write_files(
        archive / "2026" / "1",
        [("receipt-czj-1.html", kept["html"].encode()), ("receipt-czj-1.json", manifest)],
    )
    migrate.upgrade(db, letters_root=archive)
    try:
        with db.connect() as conn:
            found = {r.id: r for r in conn.execute(sa.select(LETTERS))}
        assert (found[1].render_status, found[1].formats) == ("rendered", "html")
        assert found[1].rendered_at == found[1].issued_at
        assert (found[2].render_status, found[2].formats) == ("pending", "html")
        assert verify_archive(db, archive) == []  # pending: no difference
        assert Materializer(db, archive, workers=0).render().rendered == [2]
        assert verify_archive(db, archive) == []
        assert files(archive) == [
            f"2026/1/receipt-czj-{n}.{e}" for n in (1, 2) for e in ("html", "json")
        ]
    finally:
        db.dispose()


OLD_LETTER_COLUMNS = [
    "id",
    "case_id",
    "event_seq",
    "move",
    "kind",
    "series",
    "unit",
    "year",
    "seq",
    "number",
    "template",
    "template_hash",
    "content_hash",
    "html",
    "pdf_hash",
    "pdf_skipped",
    "docx_hash",
    "directory",
    "stem",
    "issued_on",
    "issued_at",
    "issued_by",
    "issued_by_role",
    "issued_by_unit",
]


FONTS_WITHOUT_CJK = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>
"""


@needs_pdf
def test_a_pdf_pending_for_want_of_fonts_is_written_once_the_fonts_are_there(
    tmp_path: Path, archive: Path
) -> None:
    from typer.testing import CliRunner

    from casework.cli.main import app

    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_WITHOUT_CJK.format(cache=tmp_path / "cache"), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "CASEWORK_LETTER_FORMATS": "html,pdf"}
    issued = subprocess.run(  # a machine without the Chinese fonts issues the letter
        [
            *(sys.executable, "-W", "ignore", "-c"),
            "import casework\nfrom tests.support.letters import register\n"
            f"register(casework.open({db!r}, upgrade=True))\n",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert issued.returncode == 0, issued.stderr
    engine = casework.open(db)
    try:
        row = letters(engine)[0]
        assert (row.render_status, row.pdf_hash) == ("pending", None)
        assert "fonts-noto-cjk" in row.render_error
        # With the fonts installed (this process has them), the next run writes the PDF.
        result = CliRunner().invoke(app, ["letters", "render", "--db", db, "--workers", "0"])
        assert result.exit_code == 0, result.output
        row = letters(engine)[0]
        assert (row.render_status, row.render_error, row.pdf_skipped) == ("rendered", None, None)
        pdf = archive / row.directory / f"{row.stem}.pdf"
        assert sha(pdf.read_bytes()) == row.pdf_hash
        assert engine.verify() == []
    finally:
        engine.db.dispose()
