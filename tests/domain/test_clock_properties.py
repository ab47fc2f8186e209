"""Properties of clock arithmetic (docs/concepts.md) over the real calendar, 2024-01 .. 2026-06.

Starts up to 2026-06-30 with at most 40 + 40 days and pauses of at most 30 working days keep
every date inside 2026, the last year whose schedule is known.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from casework.calendar_sources import library_schedules, load_calendar
from casework.domain import clocks as clk
from casework.domain.calendar import WorkCalendar
from casework.domain.holiday_law import provisional_schedule
from casework.resources import bundled_dir

CAL = load_calendar(bundled_dir("states"))
ONE = timedelta(days=1)

starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 30))
lengths = st.integers(min_value=1, max_value=40)
extensions = st.integers(min_value=1, max_value=40)
offsets = st.integers(min_value=0, max_value=60)  # calendar days
pause_spans = st.integers(min_value=0, max_value=42)  # calendar days, <= 30 working days
reasons = st.sampled_from(["third_party", "other_agency", "correction", "fee"])


def reply(on: date, length: int) -> clk.Clock:
    return clk.start("reply", "working_days", length, on)


def paused(c: clk.Clock, p: date, r: date, reason: str = "third_party") -> clk.Clock:
    return clk.resume(clk.pause(c, p, reason), r)


# -- no pause ------------------------------------------------------------------------------


@given(starts, lengths)
def test_without_pauses_due_is_the_nth_working_day(s: date, n: int) -> None:
    due = clk.due_date(reply(s, n), CAL)
    assert due == CAL.add_working_days(s, n)
    assert CAL.working_days_between(s, due) == n


# -- one pause -----------------------------------------------------------------------------


@given(starts, lengths, st.data(), pause_spans, reasons)
def test_pause_before_due_moves_it_by_the_working_days_paused(
    s: date, n: int, data: st.DataObject, span: int, reason: str
) -> None:
    """P in [S, D0) and R >= P, D0 the unpaused due date. Then the new due date D satisfies
    working_days_between(S, D) - working_days_between(P, R) == N, D is a working day after R,
    and D == add_working_days(D0, working_days_between(P, R))."""
    d0 = CAL.add_working_days(s, n)
    p = data.draw(st.dates(min_value=s, max_value=d0 - ONE), label="P")
    r = p + timedelta(days=span)
    due = clk.due_date(paused(reply(s, n), p, r, reason), CAL)
    assert due is not None
    k = CAL.working_days_between(p, r)
    assert CAL.working_days_between(s, due) - k == n
    assert due > r
    assert CAL.is_working_day(due)
    if k == 0:
        assert due == d0
    else:
        assert due == CAL.add_working_days(d0, k)


@given(starts, lengths, offsets, pause_spans)
def test_pause_beginning_after_the_due_date_changes_nothing(
    s: date, n: int, after: int, span: int
) -> None:
    d0 = CAL.add_working_days(s, n)
    p = d0 + timedelta(days=1 + after)
    c = paused(reply(s, n), p, p + timedelta(days=span))
    assert clk.due_date(c, CAL) == d0


@given(starts, lengths, offsets)
def test_due_date_is_none_while_paused(s: date, n: int, offset: int) -> None:
    c = clk.pause(reply(s, n), s + timedelta(days=offset), "third_party")
    assert clk.due_date(c, CAL) is None
    assert clk.days_left(c, s, CAL) is None


# -- extension -----------------------------------------------------------------------------


@given(starts, lengths, extensions)
def test_extension_moves_the_due_date_by_its_working_days(s: date, n: int, e: int) -> None:
    c = reply(s, n)
    before = clk.due_date(c, CAL)
    assert before is not None
    assert clk.due_date(clk.extend(c, e), CAL) == CAL.add_working_days(before, e)


@given(starts, lengths, extensions, st.data(), pause_spans)
def test_extension_after_a_closed_pause(
    s: date, n: int, e: int, data: st.DataObject, span: int
) -> None:
    d0 = CAL.add_working_days(s, n)
    p = data.draw(st.dates(min_value=s, max_value=d0 - ONE), label="P")
    c = paused(reply(s, n), p, p + timedelta(days=span))
    before = clk.due_date(c, CAL)
    assert before is not None
    assert clk.due_date(clk.extend(c, e), CAL) == CAL.add_working_days(before, e)


# -- restart -------------------------------------------------------------------------------


@given(
    starts,
    lengths,
    st.integers(min_value=0, max_value=40),
    st.data(),
    st.sampled_from(["none", "closed", "open"]),
)
def test_restart_counts_afresh_from_the_corrected_application(
    s: date, n: int, e: int, data: st.DataObject, history: str
) -> None:
    """Whatever paused the clock before C, the due date is the (N + E)-th working day after C."""
    c = reply(s, n)
    if e:
        c = clk.extend(c, e)
    p = data.draw(st.dates(min_value=s, max_value=s + timedelta(days=30)), label="P")
    if history == "closed":
        r = data.draw(st.dates(min_value=p, max_value=p + timedelta(days=30)), label="R")
        c = paused(c, p, r)
        restart_on = data.draw(st.dates(min_value=r, max_value=r + timedelta(days=30)), label="C")
        assume(restart_on > p)  # a pause begun on C itself would be a pause after the restart
    elif history == "open":
        c = clk.pause(c, p, "correction")
        restart_on = data.draw(st.dates(min_value=p, max_value=p + timedelta(days=30)), label="C")
    else:
        restart_on = data.draw(st.dates(min_value=s, max_value=s + timedelta(days=30)), label="C")
    c = clk.restart(c, restart_on)
    assert c.status == "running"
    assert clk.due_date(c, CAL) == CAL.add_working_days(restart_on, n + e)


# -- stop ----------------------------------------------------------------------------------


@given(starts, lengths, st.integers(min_value=0, max_value=40), st.data(), st.booleans())
def test_stop_on_due_is_met_and_a_working_day_later_is_breached(
    s: date, n: int, e: int, data: st.DataObject, with_pause: bool
) -> None:
    c = reply(s, n)
    if with_pause:
        d0 = CAL.add_working_days(s, n)
        p = data.draw(st.dates(min_value=s, max_value=d0 - ONE), label="P")
        c = paused(c, p, p + timedelta(days=data.draw(pause_spans, label="span")))
    if e:
        c = clk.extend(c, e)
    due = clk.due_date(c, CAL)
    assert due is not None
    met = clk.stop(c, due, CAL)
    assert (met.status, met.stopped_on) == ("met", due)
    late = CAL.add_working_days(due, 1)
    breached = clk.stop(c, late, CAL)
    assert (breached.status, breached.stopped_on) == ("breached", late)
    # Any day between the due date and the next working day (a weekend) is late too.
    assert clk.stop(c, due + ONE, CAL).status == "breached"


# -- due dates are working days ------------------------------------------------------------


@st.composite
def clocks(draw: st.DrawFn, unit: clk.Unit) -> clk.Clock:
    s = draw(starts)
    c = clk.start("k", unit, draw(lengths), s)
    cursor = s
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        p = cursor + timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        r = p + timedelta(days=draw(st.integers(min_value=0, max_value=14)))
        c = paused(c, p, r, draw(reasons))
        cursor = r
    if draw(st.booleans()):
        c = clk.extend(c, draw(extensions))
    return c


@given(clocks("working_days"))
def test_working_day_clock_due_date_is_a_working_day(c: clk.Clock) -> None:
    due = clk.due_date(c, CAL)
    assert due is not None
    assert CAL.is_working_day(due)
    assert due > c.started_on


@given(clocks("calendar_days"))
def test_calendar_day_clock_due_date_is_a_working_day(c: clk.Clock) -> None:
    due = clk.due_date(c, CAL)
    assert due is not None
    assert CAL.is_working_day(due)
    paused_days = sum((p.until - p.since).days for p in c.pauses if p.until is not None)
    earliest = c.started_on + timedelta(days=c.length + c.extension_days + paused_days)
    assert earliest <= due
    # Rolled forward to the first working day, never further.
    assert all(
        not CAL.is_working_day(earliest + timedelta(days=i)) for i in range((due - earliest).days)
    )


# -- the end of the known calendar ---------------------------------------------------------

units = st.sampled_from(["working_days", "calendar_days"])


EDGE = WorkCalendar(
    [s for s in library_schedules() if s.year <= 2026], provisional=provisional_schedule
)


@given(lengths, units)
def test_first_provisional_start_is_the_first_receipt_whose_period_crosses_the_edge(
    n: int, unit: clk.Unit
) -> None:
    edge = date(2027, 1, 1)
    first = clk.first_provisional_start(unit, n, edge, EDGE)

    def due(day: date) -> date:
        result = clk.due_date(clk.start("reply", unit, n, day), EDGE)
        assert result is not None
        return result

    assert due(first) >= edge and EDGE.touches_provisional(first, due(first))
    assert due(first - ONE) < edge and not EDGE.touches_provisional(first - ONE, due(first - ONE))
