"""A realistic, deterministic stream of applications run through the real engine.

Every case gets a script of moves dated from its receipt; all moves of all cases are then made
in date order with a simulated clock, exactly as clerks would make them. Nothing is written
around the engine: the demo database passes ``casework verify``.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from casework.bootstrap import open_engine
from casework.demo_planner import Planner
from casework.demo_scenario import DEMO_READER, DEMO_SUFFIX, END, PROCEEDING_KEYS, START, Step
from casework.engine import Engine
from casework.errors import CaseworkError, InvalidInput
from casework.escalation import SweepSummary, sweep
from casework.letters.config import ENV_FORMATS
from casework.organisation import sample_directory, store_directory_text
from casework.settings import TIMEZONE


@dataclass
class DemoResult:
    path: Path
    cases: int
    moves: int
    as_of: date
    refused: list[str]
    sweep: SweepSummary  # the night's sweep at the end of the simulated period
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


DEMO_LETTER_FORMATS = ("html", "docx")  # PDF costs 0.15–0.3 s a letter: a minute is the budget


@contextmanager
def _letter_formats(formats: tuple[str, ...]) -> Iterator[None]:
    """Issue the demo's letters in these formats unless the user chose some already."""
    chosen = os.environ.get(ENV_FORMATS)
    os.environ[ENV_FORMATS] = chosen or ",".join(formats)
    try:
        yield
    finally:
        if chosen is None:
            del os.environ[ENV_FORMATS]


def run_demo(
    path: Path,
    seed: int = 2026,
    cases: int = 150,
    progress: Callable[[Iterator[Step], int], Iterable[Step]] | None = None,
) -> DemoResult:
    engine = open_engine(prepare_database(path), upgrade=True)
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
    with _letter_formats(DEMO_LETTER_FORMATS):
        for step in stream:
            made += _make(engine, step, ids, refused)
    # The directory in force (people for CASEWORK_USER), then the night after the last day:
    # the sweep escalates the cases left overdue and lapses what the applicants let lapse.
    night = datetime.combine(END, time(23, 0), TIMEZONE)
    text, source = sample_directory(engine.settings.states_dir)  # with the sample staff
    store_directory_text(engine.db, text, source, loaded_by="casework demo", now=night)
    with _letter_formats(DEMO_LETTER_FORMATS):
        summary = sweep(engine, END, now=night)
    engine.db.dispose()
    cases_made = sum(1 for key in ids if key < PROCEEDING_KEYS)
    return DemoResult(path, cases_made, made, END, refused, summary)


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
