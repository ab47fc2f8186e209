"""Print how many ``add_working_days`` calls per second the calendar answers.

Run from the repository: ``PYTHONPATH=. python bench/working_days.py``
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from pathlib import Path

from casework.calendar_sources import load_calendar


def main() -> None:
    started = time.perf_counter()
    calendar = load_calendar(Path(__file__).resolve().parent.parent / "states")
    built = time.perf_counter() - started
    rng = random.Random(0)
    first = date(2004, 1, 1)
    span = (date(2025, 12, 31) - first).days
    cases = [
        (first + timedelta(days=rng.randrange(span)), rng.randint(1, 60)) for _ in range(200_000)
    ]
    add = calendar.add_working_days
    started = time.perf_counter()
    for start, n in cases:
        add(start, n)
    elapsed = time.perf_counter() - started
    print(f"calendar built in {built * 1000:.0f} ms ({len(calendar.known_years)} years)")
    print(f"add_working_days: {len(cases) / elapsed:,.0f} calls/s")


if __name__ == "__main__":
    main()
