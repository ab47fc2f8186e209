"""Moments in Asia/Shanghai, and the suite's "today"."""

from __future__ import annotations

from datetime import datetime

from casework.settings import TIMEZONE


def at(day: str, hour: int = 10) -> datetime:
    """A moment on a given day in Asia/Shanghai (tests pass time explicitly)."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TIMEZONE)


# "Today" for the tests that do not choose their own time (the CLI's --on and --as-of default
# to it, ``casework sweep`` and the scheduler read the clock): Friday 2026-12-04, a working day
# in the last year the calendar sources know and after every date the CLI tests move on, so no
# move is "later than today" and no "today" falls in a provisionally counted year. The machine's
# own date must not matter: .ci/run runs the suite a second time under faketime in a later year.
# The ``pinned_today`` fixture (tests/conftest.py) sets the wall clock to it.
TODAY = at("2026-12-04", 15)
