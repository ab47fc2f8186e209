"""Statutory clocks: pure arithmetic over a clock's own history.

A clock's due date is never stored as a fact; it is derived from the clock's start, pauses and
extension by ``due_date``. The stored ``due_on`` column is a cache for indexed queries that
``casework clocks recompute`` can rebuild after a calendar correction.

Conventions (docs/concepts.md, Clocks; the law fixes the effect, not the day-level arithmetic):
- working days: day 1 is the first working day strictly after the start;
- pause on P, resume on R: working days in (start, P] are used, counting goes on after R;
- restart on C: due is the N-th working day after C (earlier pauses no longer count);
- extension: adds its days to the budget, i.e. the due date moves that many working days on;
- calendar-day clocks: start + N, rolled forward to the next working day; a pause shifts the
  end by the calendar days it lasted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal, Protocol

Unit = Literal["working_days", "calendar_days"]
Status = Literal["running", "paused", "met", "breached", "lapsed", "cancelled"]

OPEN_STATUSES: frozenset[str] = frozenset({"running", "paused"})
UNITS: frozenset[str] = frozenset({"working_days", "calendar_days"})


class Calendar(Protocol):
    def add_working_days(self, start: date, n: int) -> date: ...
    def working_days_between(self, a: date, b: date) -> int: ...
    def add_calendar_days(self, start: date, n: int) -> date: ...
    def touches_provisional(self, first: date, last: date) -> bool: ...


@dataclass(frozen=True)
class Pause:
    reason: str
    since: date
    until: date | None = None


@dataclass(frozen=True)
class Clock:
    """One statutory period of a case."""

    kind: str
    unit: Unit
    length: int
    started_on: date
    extension_days: int = 0
    pauses: tuple[Pause, ...] = ()
    status: Status = "running"
    stopped_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def counting_pauses(self) -> tuple[Pause, ...]:
        """Pauses after the latest (re)start: earlier ones were wiped out by the restart."""
        return tuple(p for p in self.pauses if p.since >= self.started_on)


def start(kind: str, unit: Unit, length: int, on: date) -> Clock:
    return Clock(kind=kind, unit=unit, length=length, started_on=on)


def pause(clock: Clock, on: date, reason: str) -> Clock:
    return replace(clock, status="paused", pauses=(*clock.pauses, Pause(reason, on)))


def resume(clock: Clock, on: date) -> Clock:
    last = clock.pauses[-1]
    return replace(clock, status="running", pauses=(*clock.pauses[:-1], replace(last, until=on)))


def restart(clock: Clock, on: date) -> Clock:
    """A fresh start (a corrected application received on ``on``): any open pause ends then."""
    if clock.status == "paused":
        clock = resume(clock, on)
    return replace(clock, started_on=on, status="running")


def extend(clock: Clock, days: int) -> Clock:
    return replace(clock, extension_days=clock.extension_days + days)


def stop(clock: Clock, on: date, calendar: Calendar) -> Clock:
    """The duty was done on ``on``: met if on or before the due date, otherwise breached."""
    if clock.status == "paused":
        clock = resume(clock, on)
    due = due_date(clock, calendar)
    status: Status = "met" if due is None or on <= due else "breached"
    return replace(clock, status=status, stopped_on=on)


def close(clock: Clock, on: date, status: Literal["lapsed", "cancelled"]) -> Clock:
    """End the clock without judging the agency: the applicant's period lapsed, or moot."""
    if clock.status == "paused":
        clock = resume(clock, on)
    return replace(clock, status=status, stopped_on=on)


def due_date(clock: Clock, calendar: Calendar) -> date | None:
    """The date the period ends, or None while it is paused (it cannot be known then)."""
    if clock.status == "paused":
        return None
    budget = clock.length + clock.extension_days
    pauses = clock.counting_pauses
    if clock.unit == "calendar_days":
        paused_days = sum(((p.until or p.since) - p.since).days for p in pauses)
        return calendar.add_calendar_days(clock.started_on, budget + paused_days)
    cursor, remaining = clock.started_on, budget
    for p in sorted(pauses, key=lambda p: p.since):
        used = calendar.working_days_between(cursor, p.since)
        if used >= remaining:
            break
        remaining -= used
        cursor = p.until if p.until is not None else p.since
    return calendar.add_working_days(cursor, remaining)


def paused_usage(clock: Clock, calendar: Calendar) -> tuple[int, int] | None:
    """While the clock is paused: (days used, days left) of its budget, in its own unit.

    Used = the days counted before the pause: (start, first pause], then from each resumption to
    the next pause (the same counting as ``due_date``); left = budget (length + extension) −
    used. None when the clock is not paused (its due date says it all then)."""
    if clock.status != "paused":
        return None
    budget = clock.length + clock.extension_days
    cursor, used = clock.started_on, 0
    for p in sorted(clock.counting_pauses, key=lambda p: p.since):
        if clock.unit == "calendar_days":
            used += max((p.since - cursor).days, 0)
        else:
            used += calendar.working_days_between(cursor, p.since)
        if p.until is None:
            break
        cursor = p.until
    used = min(used, budget)
    return used, budget - used


def first_provisional_start(unit: Unit, length: int, edge: date, calendar: Calendar) -> date:
    """The first start date whose period of this length ends on or after ``edge`` (the first
    provisional day): from that receipt date on, the period is counted provisionally. The
    period is monotone in its start, so the answer is found by walking back from the edge."""
    day = edge
    while True:
        before = day - timedelta(days=1)
        due = due_date(Clock("probe", unit, length, before), calendar)
        if due is None or due < edge:
            return day
        day = before


def days_left(clock: Clock, today: date, calendar: Calendar) -> int | None:
    """Working days from today to the due date (negative once overdue); None while paused."""
    due = due_date(clock, calendar)
    return None if due is None else working_days_left(due, today, calendar)


def working_days_left(due: date, today: date, calendar: Calendar) -> int:
    """Working days from today to ``due``: 0 on the due day, negative once it has passed."""
    if due >= today:
        return calendar.working_days_between(today, due)
    return -calendar.working_days_between(due, today)
