"""Print how many ``add_working_days`` calls per second the calendar answers, for years a
notice knows and for a provisional year (counted from the 放假办法), side by side.

Run from the repository: ``python bench/working_days.py [--calls N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from casework.calendar_sources import load_calendar


def sample(rng: random.Random, first: date, last: date, calls: int) -> list[tuple[date, int]]:
    span = (last - first).days
    return [(first + timedelta(days=rng.randrange(span)), rng.randint(1, 40)) for _ in range(calls)]


def rate(add, cases: list[tuple[date, int]]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for start, n in cases:
        add(start, n)
    return len(cases) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    calendar = load_calendar(Path(__file__).resolve().parent.parent / "states")
    built = time.perf_counter() - started
    edge = calendar.first_provisional_day
    assert edge is not None
    started = time.perf_counter()
    calendar.add_working_days(date(edge.year, 6, 1), 300)  # builds the provisional years once
    first_use = time.perf_counter() - started
    rng = random.Random(0)
    # Counts that stay inside known years, and counts that start and end in provisional ones.
    known = sample(rng, date(2004, 1, 1), date(edge.year - 1, 10, 31), args.calls)
    provisional = sample(rng, edge, date(edge.year, 10, 31), args.calls)
    add = calendar.add_working_days
    known_rates, provisional_rates = [], []
    for _ in range(args.repeat):  # alternate, so drift of the machine hits both alike
        known_rates.append(rate(add, known))
        provisional_rates.append(rate(add, provisional))
    k, p = statistics.median(known_rates), statistics.median(provisional_rates)
    print(f"calendar built in {built * 1000:.0f} ms ({len(calendar.known_years)} known years)")
    print(
        f"provisional years {edge.year}–{edge.year + 1} built on first use "
        f"in {first_use * 1000:.1f} ms"
    )
    print(f"add_working_days, known years:       {k:,.0f} calls/s (median of {args.repeat})")
    print(f"add_working_days, provisional {edge.year}:  {p:,.0f} calls/s (median of {args.repeat})")
    print(f"provisional costs {(k / p - 1) * 100:+.1f}% per call once built")


if __name__ == "__main__":
    main()
