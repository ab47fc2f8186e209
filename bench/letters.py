"""Letters: rendering rates, the write lock a lettered move holds (old path and new side by
side), PDF throughput of the render pool, and registrations per second with PDF issued.

    python bench/letters.py [--letters N] [--moves M] [--pool-letters P] [--workers W]
                            [--db-url URL]

1. Rendering, one process: the sample case of every kind in turn (casework.letters.samples) to
   HTML, PDF and DOCX.
2. The write lock per lettered move (a registration issuing its receipt, formats HTML, PDF and
   DOCX): the time from BEGIN (IMMEDIATE on SQLite) to the end of COMMIT, per move, median and
   90th percentile.
   - old: PDF and DOCX rendered and the files written inside the move's transaction, as
     casework did before issue 17 (re-created here, by a hook of this script only);
   - new: the number, the HTML and the row inside; PDF, DOCX and files after the COMMIT.
3. Registrations per second with PDF issued: old path; new path with the files written right
   after each move in the same process (what the CLI does); new path with the files of all the
   moves written afterwards by the render pool (``casework letters render``, the demo).
4. PDF throughput of the pool: P pending letters (HTML and PDF only) rendered by
   ``Materializer`` with W worker processes (default: one per CPU) and with one, pool start-up
   included and apart.

SQLite file by default, or fresh PostgreSQL schemas with --db-url (the lock is then the row
lock of the letter series). Prints figures; asserts nothing. The machine's load average is
printed with them: a shared machine's figures move with it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, update

from casework.letters.config import load_letter_settings
from casework.letters.docx import html_to_docx
from casework.letters.kinds import KINDS
from casework.letters.pdf import render_pdf, unavailable_reason
from casework.letters.rendering import Renderer, template_name
from casework.letters.samples import samples
from casework.organisation import load_units
from casework.resources import bundled_dir
from casework.workflow.build import build_workflow

ALL = ("html", "pdf", "docx")


def rate(label: str, n: int, work: Callable[[int], object]) -> float:
    work(0)  # warm-up: imports, font probe, template compilation
    started = time.perf_counter()
    for i in range(n):
        work(i)
    elapsed = time.perf_counter() - started
    per_second = n / elapsed
    print(f"{label:<44} {n:>5} letters {elapsed:7.2f} s {per_second:8.1f} letters/s")
    return per_second


def rendering(n: int) -> None:
    states, templates = bundled_dir("states"), bundled_dir("templates")
    wf = build_workflow(states, frozenset(u.code for u in load_units(states)))
    settings = load_letter_settings(states)
    renderer = Renderer(templates)
    jobs = [
        (kind, facts)
        for kind in KINDS.values()
        if kind.code != "escalation_memo"
        for facts in samples(kind, wf, settings)
    ]
    html = [renderer.render(template_name(k.code), k.roots, f).html for k, f in jobs]

    def one_html(i: int) -> object:
        kind, facts = jobs[i % len(jobs)]
        return renderer.render(template_name(kind.code), kind.roots, facts)

    print(f"1. rendering, one process ({len(jobs)} sample letters of {len(KINDS) - 1} kinds)")
    rate("HTML (sandboxed Jinja2)", n, one_html)
    if unavailable_reason() is None:
        rate(
            "PDF (WeasyPrint, from HTML)",
            max(n // 10, 5),
            lambda i: render_pdf(html[i % len(html)]),
        )
    else:
        print(f"PDF skipped: {unavailable_reason()}")
    rate(
        "DOCX (python-docx, from HTML)",
        max(n // 5, 10),
        lambda i: html_to_docx(html[i % len(html)]),
    )


# ---------------------------------------------------------------- issuing


APPLICANT = {
    "channel": "window",
    "unit": "czj",
    "applicant_name": "张三",
    "applicant_kind": "natural_person",
    "request": "2025年区财政局部门预算及“三公”经费预算",
}


@contextmanager
def database(db_url: str | None, formats: tuple[str, ...]) -> Iterator[Any]:
    """An engine on a fresh SQLite file (or PostgreSQL schema) with its own archive."""
    import casework
    from casework.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        url, schema = db_url, None
        if url is None:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        else:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            _pg(url, f'CREATE SCHEMA "{schema}"')
            url = f"{url}?options=-csearch_path%3D{schema}"
        settings = Settings(letter_formats=formats, letters_dir=Path(tmp) / "letters")
        engine = casework.open(url, upgrade=True, settings=settings)
        try:
            yield engine
        finally:
            engine.db.dispose()
            if schema is not None:
                _pg(db_url, f'DROP SCHEMA "{schema}" CASCADE')  # type: ignore[arg-type]


class LockTimer:
    """Time from each write transaction's BEGIN to the end of its COMMIT (one thread)."""

    def __init__(self, engine: Any) -> None:
        self.holds: list[float] = []
        self._began: float | None = None
        event.listen(engine.db, "begin", self._begin)
        # First among the hooks, so its after-commit action runs before the letters' own.
        engine.hooks.insert(0, self._hook)

    def _begin(self, conn: Any) -> None:
        if conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE":  # a unit of work
            self._began = time.perf_counter()

    def _hook(self, record: Any) -> None:
        record.uow.after_commit(self._committed)

    def _committed(self) -> None:
        if self._began is not None:
            self.holds.append(time.perf_counter() - self._began)
            self._began = None

    def figures(self) -> str:
        ms = sorted(h * 1000 for h in self.holds)
        p90 = ms[int(len(ms) * 0.9) - 1] if len(ms) >= 10 else ms[-1]
        return f"median {statistics.median(ms):7.1f} ms  p90 {p90:7.1f} ms  ({len(ms)} moves)"


def old_path(engine: Any) -> None:
    """Re-create the path before issue 17 on this engine: the letter's PDF and DOCX rendered and
    its files written inside the move's transaction (the hook runs after the letters hook)."""
    from casework.letters import archive
    from casework.letters.issuing import service_of
    from casework.letters.render_workers import Job, render_job
    from casework.store.tables import LETTERS

    service = service_of(engine)
    service.render_after_commit = False

    def render_inside(record: Any) -> None:
        conn = record.uow.conn
        rows = conn.execute(
            select(LETTERS).where(
                LETTERS.c.case_id == record.case_id,
                LETTERS.c.render_status == archive.PENDING,
            )
        ).all()
        db_id = archive.database_id(conn)
        for row in rows:
            out = render_job(Job(row.id, row.html, tuple(row.formats.split(","))))
            digests = {
                "html": row.content_hash,
                "pdf": archive.sha256(out.pdf) if out.pdf else None,
                "docx": archive.sha256(out.docx) if out.docx else None,
            }
            files = [(row.stem + ".html", row.html.encode())]
            files += [
                (row.stem + archive.EXTENSIONS[f], data)
                for f, data in (("pdf", out.pdf), ("docx", out.docx))
                if data is not None
            ]
            files.append((row.stem + ".json", archive.manifest(row._mapping, db_id, digests)))
            archive.write_files(service.root / row.directory, files)
            conn.execute(
                update(LETTERS)
                .where(LETTERS.c.id == row.id)
                .values(
                    pdf_hash=digests["pdf"],
                    docx_hash=digests["docx"],
                    render_status=archive.RENDERED,
                )
            )

    engine.hooks.append(render_inside)


def register(engine: Any, now: datetime) -> Any:
    from casework.domain.roles import Actor

    return engine.register(Actor("王敏", "service_centre"), on="2026-03-02", now=now, **APPLICANT)


def issuing(moves: int, db_url: str | None, workers: int | None) -> None:
    from casework.letters.issuing import service_of
    from casework.settings import TIMEZONE

    now = datetime(2026, 11, 27, 10, tzinfo=TIMEZONE)
    where = db_url or "SQLite file"
    if unavailable_reason() is not None:
        print(f"2–3. skipped: no PDF here ({unavailable_reason()})")
        return
    print(f"2. write lock per lettered move (register → receipt, HTML+PDF+DOCX), {where}")
    results: dict[str, float] = {}
    for label, setup in (
        ("old: PDF+DOCX+files inside the transaction", old_path),
        ("new: number+HTML inside, files after COMMIT", lambda engine: None),
    ):
        with database(db_url, ALL) as engine:
            setup(engine)
            register(engine, now)  # warm-up: imports, font probe, templates
            timer = LockTimer(engine)
            started = time.perf_counter()
            for _ in range(moves):
                register(engine, now)
            elapsed = time.perf_counter() - started
            results[label] = moves / elapsed
            print(f"   {label:<44} {timer.figures()}")
    print(f"3. registrations/s with PDF issued (HTML+PDF+DOCX), {where}")
    for label, per_second in results.items():
        print(f"   {label:<44} {moves:>5} moves {per_second:8.1f} /s (files right after each move)")
    with database(db_url, ALL) as engine:
        service_of(engine).render_after_commit = False
        register(engine, now)
        service_of(engine).materializer(workers=0).render()  # warm-up
        n = moves * 4
        started = time.perf_counter()
        for _ in range(n):
            register(engine, now)
        moved = time.perf_counter() - started
        summary = service_of(engine).materializer(workers=workers).render()
        elapsed = time.perf_counter() - started
        label = f"new: moves, then the pool ({summary.workers} workers)"
        print(
            f"   {label:<44} {n:>5} moves {n / elapsed:8.1f} /s "
            f"(moves alone {n / moved:.1f}/s, files {n / summary.seconds:.1f}/s)"
        )


def pool(letters: int, db_url: str | None, workers: int | None) -> None:
    from casework.letters.issuing import service_of
    from casework.letters.render_workers import render_pool
    from casework.settings import TIMEZONE

    if unavailable_reason() is not None:
        return
    now = datetime(2026, 11, 27, 10, tzinfo=TIMEZONE)
    count = workers or os.cpu_count() or 1
    started = time.perf_counter()
    with render_pool(count, pdf=True) as warm:
        list(warm.executor.map(abs, range(count * 4)))  # every worker started and set up
    startup = time.perf_counter() - started
    print(
        f"4. PDF throughput of the render pool ({os.cpu_count()} CPUs; pool start-up with "
        f"WeasyPrint set up: {startup:.2f} s for {count} workers)"
    )
    for n_workers in dict.fromkeys((count, 1)):
        with database(db_url, ("html", "pdf")) as engine:
            service_of(engine).render_after_commit = False
            for _ in range(letters):
                register(engine, now)
            summary = service_of(engine).materializer(workers=n_workers).render()
            done = len(summary.rendered)
            label = (
                f"pool of {n_workers} workers, start-up included"
                if n_workers > 1
                else "no pool: in this process, one at a time"
            )
            print(
                f"   {label:<44} {done:>5} letters {summary.seconds:7.2f} s "
                f"{done / summary.seconds:8.1f} letters/s"
            )


def _pg(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200, help="HTML renders (PDF: 1/10)")
    parser.add_argument("--moves", type=int, default=20, help="lettered moves per path")
    parser.add_argument("--pool-letters", type=int, default=120, help="letters for the pool")
    parser.add_argument("--workers", type=int, default=None, help="render processes (per CPU)")
    parser.add_argument("--db-url", default=None, help="PostgreSQL URL (default: SQLite file)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} at start")
    rendering(args.letters)
    issuing(args.moves, args.db_url, args.workers)
    pool(args.pool_letters, args.db_url, args.workers)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
