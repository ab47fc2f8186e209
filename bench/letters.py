"""Letters per second: rendering HTML, PDF and DOCX, and issuing through real moves.

    python bench/letters.py [--letters N] [--moves M] [--db-url URL]

Rendering uses the sample case of every kind in turn (casework.letters.samples). Issuing
registers M applications (each issues a receipt in the move's transaction: number, render,
row, files written at commit) on a fresh SQLite file, or in a fresh PostgreSQL schema with
--db-url, once with HTML only and once with HTML, PDF and DOCX. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from casework.letters.config import load_letter_settings
from casework.letters.docx import html_to_docx
from casework.letters.kinds import KINDS
from casework.letters.pdf import render_pdf, unavailable_reason
from casework.letters.rendering import Renderer, template_name
from casework.letters.samples import samples
from casework.organisation import load_units
from casework.resources import bundled_dir
from casework.workflow.build import build_workflow


def rate(label: str, n: int, work: Callable[[int], object]) -> float:
    work(0)  # warm-up: imports, font probe, template compilation
    started = time.perf_counter()
    for i in range(n):
        work(i)
    elapsed = time.perf_counter() - started
    per_second = n / elapsed
    print(f"{label:<34} {n:>5} letters  {elapsed:7.2f} s  {per_second:8.1f} letters/s")
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

    print(f"rendering ({len(jobs)} sample letters of {len(KINDS) - 1} kinds, in turn)")
    rate("HTML (sandboxed Jinja2)", n, one_html)
    reason = unavailable_reason()
    if reason is None:
        rate(
            "PDF (WeasyPrint, from HTML)",
            max(n // 10, 5),
            lambda i: render_pdf(html[i % len(html)]),
        )
    else:
        print(f"PDF skipped: {reason}")
    rate(
        "DOCX (python-docx, from HTML)",
        max(n // 5, 10),
        lambda i: html_to_docx(html[i % len(html)]),
    )


def issuing(moves: int, db_url: str | None) -> None:
    import casework
    from casework.domain.roles import Actor
    from casework.settings import TIMEZONE

    centre = Actor("王敏", "service_centre")
    now = datetime(2026, 11, 27, 10, tzinfo=TIMEZONE)
    applicant = {
        "applicant_name": "张三",
        "applicant_kind": "natural_person",
        "request": "2025年区财政局部门预算及“三公”经费预算",
    }
    print(f"issuing through real moves (register → receipt), {db_url or 'SQLite file'}")
    for formats in ("html", "html,pdf,docx"):
        if "pdf" in formats and unavailable_reason() is not None:
            print(f"{formats}: skipped ({unavailable_reason()})")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["CASEWORK_LETTERS_DIR"] = str(Path(tmp) / "letters")
            os.environ["CASEWORK_LETTER_FORMATS"] = formats
            url, schema = db_url, None
            if url is None:
                url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            else:
                schema = f"bench_{uuid.uuid4().hex[:8]}"
                _pg(url, f'CREATE SCHEMA "{schema}"')
                url = f"{url}?options=-csearch_path%3D{schema}"
            engine = casework.open(url, upgrade=True)
            try:
                count = max(moves // 10, 5) if "pdf" in formats else moves
                rate(
                    f"issue, formats {formats}",
                    count,
                    lambda i, engine=engine: engine.register(
                        centre, on="2026-03-02", now=now, channel="window", unit="czj", **applicant
                    ),
                )
            finally:
                engine.db.dispose()
                if schema is not None:
                    _pg(db_url, f'DROP SCHEMA "{schema}" CASCADE')  # type: ignore[arg-type]


def _pg(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200, help="HTML renders (PDF: 1/10)")
    parser.add_argument("--moves", type=int, default=100, help="issuing moves (with PDF: 1/10)")
    parser.add_argument("--db-url", default=None, help="PostgreSQL URL (default: SQLite file)")
    args = parser.parse_args()
    rendering(args.letters)
    issuing(args.moves, args.db_url)


if __name__ == "__main__":
    main()
