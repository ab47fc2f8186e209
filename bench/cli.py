"""Print the wall time of common clerk commands next to two yardsticks (issue 16).

Each command runs as a fresh process, as a clerk types it, ``--runs`` times; the medians are
printed with their ratio to ``python -c "import sqlalchemy"`` (target: every clerk command
≤ 2×) and ``casework --help`` with its ratio to ``python -c pass`` (target: ≤ 3×).

Python caches bytecode on a clerk's machine (SQLAlchemy's is written when it is installed), so
the commands run with it: ``PYTHONDONTWRITEBYTECODE``, which some build machines set, is dropped
for them, and the warm-up round writes the cache.

Run from the repository: ``python bench/cli.py [--runs 5]`` (a scratch SQLite database with the
sample office and one application is made in a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASEWORK = [sys.executable, "-m", "casework"]


def _once(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def medians(runs: dict[str, tuple[list[str], dict[str, str]]], rounds: int) -> dict[str, float]:
    """The median wall time of each command over ``rounds`` rounds. A round runs every command
    once, in turn, so that the yardsticks and the commands meet the same machine load (a shared
    machine's noise then moves both sides of a ratio); one warm-up round is not counted."""
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for round_ in range(rounds + 1):
        for name, (args, env) in runs.items():
            elapsed = _once(args, env)
            if round_:
                samples[name].append(elapsed)
    return {name: statistics.median(times) for name, times in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.db")
        env = {**os.environ, "CASEWORK_LETTERS_DIR": str(Path(folder) / "letters")}
        if env.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
            print("(PYTHONDONTWRITEBYTECODE is set here: dropped for the commands measured)")
        env["CASEWORK_LETTER_FORMATS"] = "html"
        for setup in (
            ["db", "upgrade", "--db", db],
            ["directory", "load", "--sample", "--db", db],
        ):
            subprocess.run([*CASEWORK, *setup], env=env, capture_output=True, check=True)
        register = [
            "register", "--db", db, "--on", "2026-03-02", "--channel", "window", "--unit", "czj",
            "--applicant-name", "张三", "--applicant-kind", "natural_person", "--request", "预算",
        ]  # fmt: skip
        subprocess.run(
            [*CASEWORK, *register], env={**env, "CASEWORK_USER": "wangmin"}, check=True,
            capture_output=True,
        )  # fmt: skip
        clerk = {**env, "CASEWORK_USER": "lina"}
        commands = {
            "casework worklist": ["worklist", "--db", db, "--as-of", "2026-03-05"],
            "casework case show 1": ["case", "show", "1", "--db", db, "--as-of", "2026-03-05"],
            "casework find --text 预算": ["find", "--text", "预算", "--db", db],
            "casework letter list --case 1": ["letter", "list", "--case", "1", "--db", db],
            "casework calendar due": ["calendar", "due", "2026-12-04", "20", "--db", db],
        }
        runs = {
            "pass": ([sys.executable, "-c", "pass"], env),
            "sqlalchemy": ([sys.executable, "-c", "import sqlalchemy"], env),
            "casework --help": ([*CASEWORK, "--help"], env),
            **{name: ([*CASEWORK, *command], clerk) for name, command in commands.items()},
        }
        t = medians(runs, args.runs)
        bare, sqlalchemy = t["pass"], t["sqlalchemy"]
        print(f"python -c pass:              {bare * 1000:7.0f} ms")
        print(f"python -c 'import sqlalchemy': {sqlalchemy * 1000:5.0f} ms")
        help_time = t["casework --help"]
        ratio = help_time / bare
        print(f"casework --help:             {help_time * 1000:7.0f} ms  {ratio:4.1f}× pass")
        for name in commands:
            print(f"{name:28} {t[name] * 1000:7.0f} ms  {t[name] / sqlalchemy:4.1f}× sqlalchemy")
        print(f"(medians of {args.runs} runs each; targets: clerk commands ≤ 2× sqlalchemy,")
        print(" --help ≤ 3× pass)")


if __name__ == "__main__":
    main()
