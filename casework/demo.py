"""A realistic, deterministic stream of applications run through the real engine.

Every case gets a script of moves dated from its receipt; all moves of all cases are then made
in date order with a simulated clock, exactly as clerks would make them. Nothing is written
around the engine: the demo database passes ``casework verify``.
"""

from __future__ import annotations

import os
import random
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from casework.bootstrap import open_engine
from casework.demo_planner import Planner
from casework.demo_scenario import DEMO_READER, DEMO_SUFFIX, END, PROCEEDING_KEYS, START, Step
from casework.engine import Engine
from casework.errors import CaseworkError, InvalidInput
from casework.escalation import SweepSummary, sweep
from casework.letters.issuing import service_of
from casework.letters.materialize import Materializer, Progress, RenderSummary
from casework.letters.render_workers import RenderPool, render_pool
from casework.organisation import sample_directory, store_directory_text
from casework.settings import TIMEZONE, Settings


@dataclass
class DemoResult:
    path: Path
    cases: int
    moves: int
    as_of: date
    refused: list[str]
    sweep: SweepSummary  # the night's sweep at the end of the simulated period
    letters: RenderSummary  # the letters' files, written at the end
    example_pdf: Path | None  # one PDF to open (None: this machine makes no PDF)
    formats: tuple[str, ...]  # of the letters
    reader: str = DEMO_READER


def prepare_database(path: Path) -> str:
    """A fresh demo database; refuse to touch a file that is not an earlier demo."""
    if path.exists():
        import sqlite3

        try:
            with sqlite3.connect(path) as conn:
                actors = {r[0] for r in conn.execute("SELECT DISTINCT actor_name FROM events")}
        except sqlite3.Error:
            actors = {"?"}
        if any(not a.endswith(DEMO_SUFFIX) for a in actors):
            raise InvalidInput(
                f"{path} 不是演示数据库（含非演示人员办理的记录），不会覆盖；"
                "请用 --db 指定其他文件",
                field="db",
                rule="the demo never overwrites real data",
            )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(letters_dir(path), ignore_errors=True)
    return f"sqlite:///{path.resolve()}"


def letters_dir(path: Path) -> Path:
    """Where the demo's letters are archived (the default for a SQLite file, see letters)."""
    return path.resolve().parent / f"{path.stem}-letters"


DEMO_LETTER_FORMATS = ("html", "pdf", "docx")  # PDF only where it can be made (demo_formats)


def demo_formats() -> tuple[str, ...]:
    """The demo's letter formats: all three when this machine can make PDF, else HTML and DOCX
    (casework.letters.pdf.unavailable_reason says why)."""
    from casework.letters.pdf import unavailable_reason

    if unavailable_reason() is None:
        return DEMO_LETTER_FORMATS
    return tuple(f for f in DEMO_LETTER_FORMATS if f != "pdf")


def run_demo(
    path: Path,
    seed: int = 2026,
    cases: int = 150,
    progress: Callable[[Iterator[Step], int], Iterable[Step]] | None = None,
    render_progress: Progress | None = None,
) -> DemoResult:
    settings = Settings.from_env()
    # The demo's letters in its own formats unless the user chose some already.
    settings = replace(settings, letter_formats=settings.letter_formats or demo_formats())
    engine = open_engine(prepare_database(path), upgrade=True, settings=settings)
    # The moves commit their letters (number, HTML) as pending; their files are written by a
    # pool of render processes (one per CPU), behind the moves and then to the last.
    letters = service_of(engine)
    letters.render_after_commit = False
    formats = letters.settings.formats
    rng = random.Random(seed)
    planner = Planner(engine, rng)
    last_receipt = date(2026, 8, 31)  # later receipts would still be open at END
    days = [d for d in _days(START, last_receipt) if planner.cal.is_working_day(d)]
    steps: list[Step] = []
    for key in range(cases):
        steps.extend(planner.plan(key, rng.choice(days)))
    steps = sorted(s for s in steps if s.on <= END)
    ids: dict[int, int] = {}
    refused: list[str] = []
    stream: Iterable[Step] = iter(steps)
    if progress is not None:
        stream = progress(iter(steps), len(steps))
    made = 0
    workers = os.cpu_count() or 1
    with render_pool(workers, "pdf" in formats) as pool:
        with _Behind(letters.materializer(), pool) as behind:
            for step in stream:
                made += _make(engine, step, ids, refused)
            # The directory in force (people for CASEWORK_USER), then the night after the last
            # day: the sweep escalates the cases left overdue and lapses what the applicants
            # let lapse.
            night = datetime.combine(END, time(23, 0), TIMEZONE)
            text, source = sample_directory(engine.settings.states_dir)  # with the sample staff
            store_directory_text(engine.db, text, source, loaded_by="casework demo", now=night)
            summary = sweep(engine, END, now=night)
        rendered = letters.materializer().render(progress=render_progress, pool=pool)
        rendered.rendered[:0] = behind.rendered
    example = _example_pdf(engine)
    engine.db.dispose()
    cases_made = sum(1 for key in ids if key < PROCEEDING_KEYS)
    return DemoResult(path, cases_made, made, END, refused, summary, rendered, example, formats)


class _Behind:
    """Runs the materializer in a thread, on the pool, while the demo's moves go on: the
    letters committed so far are rendered on the CPU the moves leave idle (they mostly wait
    for the disk). Leaving the block stops it; the letters still pending are the caller's."""

    def __init__(self, materializer: Materializer, pool: RenderPool) -> None:
        self.materializer = materializer
        self.pool = pool
        self.rendered: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-letters", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            try:
                self.rendered += self.materializer.render(pool=self.pool).rendered
            except Exception:  # what is left is rendered at the end, where errors are shown
                return

    def __enter__(self) -> _Behind:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _example_pdf(engine: Engine) -> Path | None:
    """One PDF to open: the first withheld reply (the richest letter), else any PDF."""
    from sqlalchemy import select

    from casework.store.tables import LETTERS

    query = (
        select(LETTERS.c.directory, LETTERS.c.stem)
        .where(LETTERS.c.pdf_hash.is_not(None), LETTERS.c.render_status == "rendered")
        .order_by((LETTERS.c.kind == "reply_withheld").desc(), LETTERS.c.id)
        .limit(1)
    )
    with engine.db.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else service_of(engine).root / row.directory / f"{row.stem}.pdf"


def _make(engine: Engine, step: Step, ids: dict[int, int], refused: list[str]) -> int:
    """Make one scripted move as the clerk would; 1 if the engine took it."""
    now = datetime.combine(step.on, time(16, 30), TIMEZONE)
    try:
        if step.move == "register":
            ids[step.case_key] = engine.register(step.actor, on=step.on, now=now, **step.inputs).id
        elif step.parent_key is not None:
            ids[step.case_key] = engine.start(
                step.flow,
                step.move,
                step.actor,
                parent=ids[step.parent_key],
                on=step.on,
                now=now,
                **step.inputs,
            ).id
        elif step.case_key in ids:
            engine.move(
                ids[step.case_key], step.move, step.actor, on=step.on, now=now, **step.inputs
            )
        else:
            return 0
        return 1
    except CaseworkError as err:  # the engine refusing a scripted move is part of the show
        refused.append(f"案件 {ids.get(step.case_key, '?')} {step.move}：{err}")
        return 0


def _days(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)
