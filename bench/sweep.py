"""Print the nightly sweep's time and peak memory over 100k and 1M open cases, 10k of them due.

Run from the repository::

    python bench/sweep.py [--sizes 100000 1000000] [--due 10000] [--repeat 3] [--dir DIR]

For each size a fresh SQLite database is made by the engine's own schema (``casework.open(...,
upgrade=True)``); the open cases and their reply clocks are then BULK-INSERTED WITH PLAIN SQL
(``executemany`` on the driver, not through the engine: a million engine registrations would
take an hour and the sweep does not read events). Every case has one running reply clock; the
same ``--due`` of them are due on the sweep's date, all others fall due months later. The sweep
then runs in a fresh child process (``python bench/sweep.py --child DB``) so that its peak
resident memory (``ru_maxrss``) is its own: the child loads the engine, the directory and the
ladder, notes its RSS, sweeps, and reports the sweep's wall time and its peak RSS. Each size is
swept ``--repeat`` times, each time on a fresh copy of the built database; the table shows the
fastest and the median time (the fastest is the least disturbed by other load on the machine).

The point (issue 4): the sweep's cost follows the due clocks, not the open cases, so the 1M/100k
time ratio should stay near 1 (target ≤ 1.3) and the peak RSS ≤ 200 MB. The script prints
figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

AS_OF = date(2026, 6, 10)  # a Wednesday; reminders reach clocks due up to 3 working days on
LATER = date(2026, 9, 30)  # the due date of every clock that is not due
CHUNK = 50_000


def build(path: Path, cases: int, due: int) -> float:
    """A fresh database with ``cases`` open cases, ``due`` of them due on AS_OF."""
    import casework

    started = time.perf_counter()
    engine = casework.open(f"sqlite:///{path}", upgrade=True)
    units = sorted(engine.workflow.units)
    engine.db.dispose()
    now = datetime(2026, 5, 6, 10, tzinfo=UTC).isoformat(sep=" ")
    raw = __import__("sqlite3").connect(path)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=OFF")  # building only; the sweep runs with the engine's
    case_sql = (
        "INSERT INTO cases (id, flow, state, rule_set, channel, received_on, applicant_name,"
        " applicant_kind, request, unit, details, last_on, last_event_hash, event_count,"
        " version, updated_at) VALUES (?, 'application', 'in_progress', '2019', 'window',"
        " ?, '张三', 'natural_person', '预算公开', ?, '{}', ?, ?, 1, 1, ?)"
    )
    clock_sql = (
        "INSERT INTO clocks (case_id, seq, kind, unit, length, started_on, extension_days,"
        " status, due_on) VALUES (?, 0, 'reply', 'working_days', 20, ?, 0, 'running', ?)"
    )
    # Spread the due clocks over the whole id range so the sweep cannot profit from locality.
    step = cases // due

    def unit_of(i: int) -> str:
        return units[(i // step if i % step == 0 else i) % len(units)]

    for start in range(1, cases + 1, CHUNK):
        ids = range(start, min(start + CHUNK, cases + 1))
        received = "2026-05-12"
        # A due case's unit follows its rank among the due ones: the same units at every size.
        raw.executemany(
            case_sql,
            [(i, received, unit_of(i), received, "0" * 64, now) for i in ids],
        )
        raw.executemany(
            clock_sql,
            [
                (i, received, (AS_OF if i % step == 0 and i // step <= due else LATER).isoformat())
                for i in ids
            ],
        )
        raw.commit()
    raw.close()
    return time.perf_counter() - started


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def child(path: str) -> None:
    """Sweep once in this process; print a JSON line of figures."""
    import casework
    from casework.escalation import prepare, sweep
    from casework.settings import TIMEZONE

    engine = casework.open(f"sqlite:///{path}")
    plan = prepare(engine)
    before = rss_mb()
    now = datetime.combine(AS_OF, datetime.min.time(), TIMEZONE) + timedelta(hours=1)
    started = time.perf_counter()
    summary = sweep(engine, AS_OF, now=now, plan=plan, started_by="bench")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "escalations": len(summary.escalations),
                "notices": summary.notices,
                "rss_before_mb": before,
                "peak_rss_mb": peak,
                "problems": len(summary.problems),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="sweeps per size, on fresh copies")
    parser.add_argument("--dir", type=Path, default=None, help="where to put the databases")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    print(f"Python {platform.python_version()}, SQLite, {platform.machine()}; sweep as of {AS_OF}")
    results = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"sweep-{n}.db"
            built = build(path, n, args.due)
            runs = []
            for _ in range(args.repeat):
                copy = path.with_suffix(".sweep.db")
                shutil.copyfile(path, copy)
                out = subprocess.run(
                    [sys.executable, __file__, "--child", str(copy)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
                copy.unlink()
            figures = {
                **runs[0],
                "seconds": min(r["seconds"] for r in runs),
                "median": statistics.median(r["seconds"] for r in runs),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            }
            results.append((n, built, figures))
            path.unlink()
    print(
        f"{'open cases':>12} {'due':>7} {'build s':>8} {'sweep s':>8} {'median':>7} {'escal.':>7}"
        f" {'notices':>8} {'RSS before':>11} {'peak RSS':>9}"
    )
    for n, built, f in results:
        print(
            f"{n:>12,} {args.due:>7,} {built:>8.1f} {f['seconds']:>8.2f} {f['median']:>7.2f}"
            f" {f['escalations']:>7,}"
            f" {f['notices']:>8,} {f['rss_before_mb']:>9.0f}MB {f['peak_rss_mb']:>7.0f}MB"
        )
    if len(results) >= 2:
        first, last = results[0], results[-1]
        ratio = last[2]["seconds"] / first[2]["seconds"]
        print(
            f"ratio of the fastest sweeps {last[0]:,} / {first[0]:,} open cases: {ratio:.2f}"
            f" (median {last[2]['median'] / first[2]['median']:.2f}; target ≤ 1.3);"
            f" largest peak RSS {max(r[2]['peak_rss_mb'] for r in results):.0f} MB (target ≤ 200)"
        )


if __name__ == "__main__":
    main()
