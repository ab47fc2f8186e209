"""A writer killed with SIGKILL at random points of its lettered moves, again and again (SQLite
and PostgreSQL): after each kill a restart of the materializer leaves ``verify`` clean, every
letter with its files, no number given twice or skipped, and no file whose number the database
does not own (issue 17).

The writers are forked from a helper process that has imported casework and read the letter
settings once (so a kill costs a fork, not an interpreter start); each writer opens its own
connections and registers applications and replies to them, each move issuing a letter (HTML
and DOCX: the DOCX is rendered after the COMMIT, so kills land before, inside and after the
transaction and while files are written). CASEWORK_CRASH_KILLS sets the number of kills per
database (default 30), CASEWORK_CRASH_SEED the random delays.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import casework
from casework.letters.issuing import service_of
from casework.store.tables import LETTER_SEQUENCES, LETTERS

KILLS = int(os.environ.get("CASEWORK_CRASH_KILLS", "30"))
SEED = int(os.environ.get("CASEWORK_CRASH_SEED", str(random.randrange(1_000_000))))
LONGEST_DELAY = 0.5  # seconds after the writer is ready: a few moves

ZYGOTE = r"""
import os, sys
from datetime import datetime
import casework
from casework import Actor
from casework.settings import TIMEZONE

engine = casework.open(sys.argv[1])
NOW = datetime(2026, 11, 27, 10, tzinfo=TIMEZONE)
CENTRE, CLERK = Actor("王敏", "service_centre"), Actor("李娜", "unit_clerk", "czj")


def lettered_moves():
    case = engine.register(
        CENTRE, on="2026-03-02", now=NOW, channel="window", unit="czj",
        applicant_name="张三", applicant_kind="natural_person", request="2025年区财政局部门预算",
    )
    engine.move(case.id, "reply", CLERK, on="2026-03-20", now=NOW, outcome="disclosed")


lettered_moves()  # templates, statements and DOCX set up once, before the forks
engine.db.dispose()  # no connection crosses a fork: each writer opens its own
for _ in sys.stdin:
    pid = os.fork()
    if pid == 0:
        try:
            print(f"ready {os.getpid()}", flush=True)
            while True:
                lettered_moves()
        except BaseException as err:
            print(f"writer failed: {err!r}", file=sys.stderr, flush=True)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    print(f"reaped {pid} {status}", flush=True)
"""


class Zygote:
    """The helper process; ``kill_a_writer`` forks a writer and kills it after ``delay``."""

    def __init__(self, url: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-W", "ignore", "-c", ZYGOTE, url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the helper process ended: {self.stderr()}")
        return line.strip()

    def stderr(self) -> str:
        self.close()
        assert self.proc.stderr is not None
        return self.proc.stderr.read()

    def kill_a_writer(self, delay: float) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("fork\n")
        self.proc.stdin.flush()
        ready = self._line()
        assert ready.startswith("ready "), ready
        pid = int(ready.split()[1])
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        reaped = self._line()  # waited for by its parent: gone, not a zombie
        assert reaped.startswith(f"reaped {pid} "), reaped
        status = int(reaped.split()[2])
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
            f"the writer ended by itself ({status}): {self.stderr()}"
        )

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def check(engine: Any, root: Path) -> dict[str, int]:
    """The invariants after a kill and a materializer run; what the kill had left behind."""
    left = {"pending": len(service_of(engine).archive_notes().pending)}
    summary = service_of(engine).materializer(workers=0).render()
    left["temp"] = len(summary.temp_removed)
    assert summary.failed == {} and summary.busy == []
    assert engine.verify() == []
    notes = service_of(engine).archive_notes()
    assert (notes.pending, notes.temp_files) == ([], [])
    with engine.db.connect() as conn:
        rows = conn.execute(select(LETTERS)).all()
        last = {(s.unit, s.year, s.series): s.last for s in conn.execute(select(LETTER_SEQUENCES))}
    # Numbers: unique, and each series 1..n with no gap (a killed move gave its number back).
    assert len({r.number for r in rows}) == len(rows)
    series: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for r in rows:
        series[(r.unit, r.year, r.series)].append(r.seq)
    assert {k: sorted(v) for k, v in series.items()} == {
        k: list(range(1, n + 1)) for k, n in last.items()
    }
    # Files: every letter has all of its own, and every file is a letter's, with its number.
    owned = {(r.directory, r.stem): r for r in rows}
    assert all(r.render_status == "rendered" for r in rows)
    found = [p for p in root.rglob("*") if p.is_file()]
    assert len(found) == 3 * len(rows)  # HTML, DOCX, manifest
    for path in found:
        row = owned.get((f"{path.parent.parent.name}/{path.parent.name}", path.stem))
        assert row is not None, f"orphan file {path}"
        if path.suffix == ".html":
            assert path.read_text(encoding="utf-8") == row.html
        elif path.suffix == ".json":
            manifest = json.loads(path.read_text(encoding="utf-8"))
            assert (manifest["letter_id"], manifest["number"]) == (row.id, row.number)
    return left


def test_a_writer_killed_at_random_points_leaves_no_orphan_and_no_lost_number(
    db_url: str, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html,docx")
    engine = casework.open(db_url, upgrade=True)  # schema and units, before any writer
    zygote = Zygote(db_url, dict(os.environ))  # the same archive and formats as this process
    rng = random.Random(SEED)
    seen: dict[str, int] = defaultdict(int)
    try:
        for kill in range(KILLS):
            zygote.kill_a_writer(rng.uniform(0, LONGEST_DELAY))
            try:
                for what, n in check(engine, archive).items():
                    seen[what] += bool(n)
            except AssertionError as err:
                raise AssertionError(f"after kill {kill + 1} (CASEWORK_CRASH_SEED={SEED})") from err
        with engine.db.connect() as conn:
            issued = len(conn.execute(select(LETTERS.c.id)).all())
    finally:
        zygote.close()
        engine.db.dispose()
    print(f"{KILLS} kills, seed {SEED}: {issued} letters; kills that left {dict(seen)}")
    assert issued > 0
    # The kills did land between a COMMIT and the files (committed letters left pending).
    if KILLS >= 30:
        assert seen["pending"] > 0, dict(seen)
