"""Statutory clocks over the real calendar: hand-counted due dates (docs/concepts.md, Clocks).

Every expected date below was counted by hand from the holiday tables of docs/legal-basis.md
section D; the comment beside it shows the count ("3/4 (1)" = 3 March is working day 1).
Days of the week used: 2025-03-01 is a Saturday, 2025-10-01 a Wednesday, 2026-12-31 a Thursday.
The 2025 rest days that matter here: 清明 4/4 (Fri)–4/6, 劳动节 5/1–5/5 with makeup Sun 4/27,
春节 makeup Sat 2/8, 国庆+中秋 10/1–10/8 with makeup Sun 9/28 and Sat 10/11.
"""

from __future__ import annotations

from datetime import date

import pytest

from casework.calendar_sources import library_schedules, load_calendar
from casework.domain import clocks as clk
from casework.domain.calendar import WorkCalendar
from casework.domain.holiday_law import provisional_schedule
from casework.resources import bundled_dir

D = date
REPLY = 20  # 2019 Art. 33(2)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return load_calendar(bundled_dir("states"))


def reply(on: date, length: int = REPLY) -> clk.Clock:
    return clk.start("reply", "working_days", length, on)


# A plain start: Mon 2025-03-03. No holiday before 清明 (4/4).
# 3/4–3/7 (1–4), 3/10–14 (5–9), 3/17–21 (10–14), 3/24–28 (15–19), Mon 3/31 (20).
PLAIN_START = D(2025, 3, 3)
PLAIN_DUE = D(2025, 3, 31)


# -- starting ------------------------------------------------------------------------------


def test_plain_twenty_working_days(cal: WorkCalendar) -> None:
    c = reply(PLAIN_START)
    assert c.status == "running"
    assert c.is_open
    assert clk.due_date(c, cal) == PLAIN_DUE


def test_start_on_a_saturday_counts_from_the_friday_before(cal: WorkCalendar) -> None:
    # Sat 2025-03-08 counts like Fri 3/7:
    # 3/10–14 (1–5), 3/17–21 (6–10), 3/24–28 (11–15), 3/31 (16), 4/1–4/3 (17–19),
    # 4/4–4/6 清明 rest, Mon 4/7 (20).
    expected = D(2025, 4, 7)
    assert clk.due_date(reply(D(2025, 3, 8)), cal) == expected
    assert clk.due_date(reply(D(2025, 3, 9)), cal) == expected  # the Sunday too
    assert clk.due_date(reply(D(2025, 3, 7)), cal) == expected


def test_start_inside_national_day_counts_from_the_last_day_before_it(cal: WorkCalendar) -> None:
    # Mon 2025-10-06 is a weekday rest day inside 国庆+中秋 (10/1–10/8); the previous working
    # day is Tue 9/30. From there: 10/9 (1), 10/10 (2), makeup Sat 10/11 (3), 10/13–17 (4–8),
    # 10/20–24 (9–13), 10/27–31 (14–18), 11/3 (19), Tue 11/4 (20).
    expected = D(2025, 11, 4)
    assert clk.due_date(reply(D(2025, 10, 6)), cal) == expected
    assert clk.due_date(reply(D(2025, 9, 30)), cal) == expected


def test_makeup_saturday_right_after_the_start_is_counted(cal: WorkCalendar) -> None:
    # Fri 2025-02-07; Sat 2/8 is a 春节 makeup working day:
    # 2/8 (1), 2/10–14 (2–6), 2/17–21 (7–11), 2/24–28 (12–16), 3/3–3/6 (17–20) -> Thu 3/6.
    # (Were 2/8 not counted the due date would be Fri 3/7.)
    assert clk.due_date(reply(D(2025, 2, 7)), cal) == D(2025, 3, 6)


def test_two_makeup_saturdays_around_spring_festival_2026(cal: WorkCalendar) -> None:
    # Fri 2026-02-13: makeup Sat 2/14 (1), rest 2/15–2/23, 2/24–27 (2–5), makeup Sat 2/28 (6),
    # 3/2–6 (7–11), 3/9–13 (12–16), 3/16–19 (17–20) -> Thu 2026-03-19.
    assert clk.due_date(reply(D(2026, 2, 13)), cal) == D(2026, 3, 19)


# -- pauses --------------------------------------------------------------------------------


def one_pause() -> clk.Clock:
    # Paused Fri 3/14 for a third-party consultation, resumed Wed 3/26.
    c = clk.pause(reply(PLAIN_START), D(2025, 3, 14), "third_party")
    return clk.resume(c, D(2025, 3, 26))


def test_a_paused_clock_knows_the_days_used_and_left(cal: WorkCalendar) -> None:
    # Paused Fri 3/14: (3/3, 3/14] = 3/4–7 (4) + 3/10–14 (5) = 9 used, 20 − 9 = 11 left.
    first = clk.pause(reply(PLAIN_START), D(2025, 3, 14), "third_party")
    assert clk.due_date(first, cal) is None
    assert clk.paused_usage(first, cal) == (9, 11)
    # Resumed Wed 3/26, paused again Wed 4/2: 3/27, 3/28, 3/31, 4/1, 4/2 = 5 more: 14 used, 6
    # left. Extended by 20 on the way: the budget is 40, so 26 left.
    second = clk.pause(one_pause(), D(2025, 4, 2), "other_agency")
    assert clk.paused_usage(second, cal) == (14, 6)
    assert clk.paused_usage(clk.extend(second, 20), cal) == (14, 26)
    assert clk.paused_usage(one_pause(), cal) is None  # running: the due date says it


def test_one_pause(cal: WorkCalendar) -> None:
    # Used in (3/3, 3/14]: 3/4–7 (4) + 3/10–14 (5) = 9; 11 remain after 3/26:
    # 3/27 (1), 3/28 (2), 3/31 (3), 4/1–4/3 (4–6), 清明 4/4–4/6, 4/7–11 (7–11) -> Fri 4/11.
    c = one_pause()
    assert c.status == "running"
    assert c.pauses == (clk.Pause("third_party", D(2025, 3, 14), D(2025, 3, 26)),)
    assert clk.due_date(c, cal) == D(2025, 4, 11)


def test_two_pauses(cal: WorkCalendar) -> None:
    c = reply(PLAIN_START)
    c = clk.resume(clk.pause(c, D(2025, 3, 7), "third_party"), D(2025, 3, 12))
    c = clk.resume(clk.pause(c, D(2025, 3, 14), "other_agency"), D(2025, 3, 24))
    # Used: (3/3, 3/7] = 3/4–7 = 4; (3/12, 3/14] = 3/13, 3/14 = 2; total 6, 14 remain.
    # After Mon 3/24: 3/25–28 (1–4), 3/31 (5), 4/1–4/3 (6–8), 4/7–11 (9–13), Mon 4/14 (14).
    assert clk.due_date(c, cal) == D(2025, 4, 14)


def test_pause_starting_on_the_due_date_does_not_move_it(cal: WorkCalendar) -> None:
    # (start, P] with P = the due date already holds all 20 working days.
    c = clk.resume(clk.pause(reply(PLAIN_START), PLAIN_DUE, "third_party"), D(2025, 4, 10))
    assert clk.due_date(c, cal) == PLAIN_DUE


def test_pause_after_the_due_date_does_not_move_it(cal: WorkCalendar) -> None:
    c = clk.resume(clk.pause(reply(PLAIN_START), D(2025, 4, 2), "third_party"), D(2025, 4, 10))
    assert clk.due_date(c, cal) == PLAIN_DUE


def test_due_date_is_unknown_while_paused(cal: WorkCalendar) -> None:
    c = clk.pause(reply(PLAIN_START), D(2025, 3, 14), "third_party")
    assert c.status == "paused"
    assert c.is_open
    assert clk.due_date(c, cal) is None
    assert clk.days_left(c, D(2025, 3, 20), cal) is None
    assert clk.due_date(clk.resume(c, D(2025, 3, 26)), cal) == D(2025, 4, 11)


# -- restart (补正) ------------------------------------------------------------------------


def test_restart_counts_afresh_from_the_corrected_application(cal: WorkCalendar) -> None:
    c = reply(PLAIN_START)
    c = clk.resume(clk.pause(c, D(2025, 3, 4), "third_party"), D(2025, 3, 6))
    c = clk.pause(c, D(2025, 3, 10), "correction")
    c = clk.restart(c, D(2025, 3, 20))  # corrected application received Thu 3/20
    assert c.status == "running"
    assert c.started_on == D(2025, 3, 20)
    assert c.pauses[-1].until == D(2025, 3, 20)  # the open correction pause ends on C
    # Earlier pauses are ignored: 3/21 (1), 3/24–28 (2–6), 3/31 (7), 4/1–4/3 (8–10),
    # 4/7–11 (11–15), 4/14–18 (16–20) -> Fri 4/18.
    assert clk.due_date(c, cal) == D(2025, 4, 18)


def test_pause_after_a_restart_counts(cal: WorkCalendar) -> None:
    c = clk.restart(clk.pause(reply(PLAIN_START), D(2025, 3, 10), "correction"), D(2025, 3, 20))
    c = clk.resume(clk.pause(c, D(2025, 3, 25), "third_party"), D(2025, 3, 27))
    # Used (3/20, 3/25] = 3/21, 3/24, 3/25 = 3; 17 remain after Thu 3/27:
    # 3/28 (1), 3/31 (2), 4/1–4/3 (3–5), 4/7–11 (6–10), 4/14–18 (11–15), 4/21–22 (16–17).
    assert clk.due_date(c, cal) == D(2025, 4, 22)


# -- extension -----------------------------------------------------------------------------


def test_extension_adds_twenty_working_days_to_the_due_date(cal: WorkCalendar) -> None:
    c = clk.extend(reply(PLAIN_START), 20)
    assert c.extension_days == 20
    # After Mon 3/31: 4/1–4/3 (1–3), 清明, 4/7–11 (4–8), 4/14–18 (9–13), 4/21–25 (14–18),
    # makeup Sun 4/27 (19), Mon 4/28 (20).
    assert clk.due_date(c, cal) == D(2025, 4, 28)
    assert clk.due_date(c, cal) == cal.add_working_days(PLAIN_DUE, 20)


def test_extension_after_a_pause(cal: WorkCalendar) -> None:
    c = clk.extend(one_pause(), 20)
    # From the paused due date Fri 4/11: 4/14–18 (1–5), 4/21–25 (6–10), makeup Sun 4/27 (11),
    # 4/28–30 (12–14), 劳动节 5/1–5/5, 5/6–9 (15–18), 5/12 (19), Tue 5/13 (20).
    assert clk.due_date(c, cal) == D(2025, 5, 13)
    assert clk.due_date(c, cal) == cal.add_working_days(D(2025, 4, 11), 20)


def test_pause_inside_the_extended_period_counts(cal: WorkCalendar) -> None:
    # Extended first (due 4/28), then consulted Mon 4/7–Thu 4/10, after the original due date.
    c = clk.extend(reply(PLAIN_START), 20)
    c = clk.resume(clk.pause(c, D(2025, 4, 7), "third_party"), D(2025, 4, 10))
    # Working days in (4/7, 4/10] = 3, so 4/28 moves 3 on: 4/29 (1), 4/30 (2), 5/6 (3).
    assert clk.due_date(c, cal) == D(2025, 5, 6)


def test_extension_on_a_2008_clock(cal: WorkCalendar) -> None:
    # 15 + 15 (2008 Art. 24(2)). 15 from 3/3: 3/4–7 (1–4), 3/10–14 (5–9), 3/17–21 (10–14),
    # 3/24 (15); then 3/25–28 (1–4), 3/31 (5), 4/1–4/3 (6–8), 4/7–11 (9–13), 4/14–15 (14–15).
    c = reply(PLAIN_START, 15)
    assert clk.due_date(c, cal) == D(2025, 3, 24)
    assert clk.due_date(clk.extend(c, 15), cal) == D(2025, 4, 15)


# -- stopping and closing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (D(2025, 3, 20), "met"),
        (D(2025, 3, 28), "met"),
        (PLAIN_DUE, "met"),  # the last day itself is in time
        (D(2025, 4, 1), "breached"),
        (D(2025, 4, 7), "breached"),
    ],
)
def test_stop_met_or_breached(cal: WorkCalendar, on: date, status: str) -> None:
    c = clk.stop(reply(PLAIN_START), on, cal)
    assert c.status == status
    assert c.stopped_on == on
    assert not c.is_open


def test_stop_after_the_extended_due_date(cal: WorkCalendar) -> None:
    c = clk.extend(reply(PLAIN_START), 20)  # due 4/28 (see above)
    assert clk.stop(c, D(2025, 4, 28), cal).status == "met"
    assert clk.stop(c, D(2025, 4, 29), cal).status == "breached"


def test_stop_while_paused_is_met_when_used_days_remain(cal: WorkCalendar) -> None:
    # Paused 3/14 with 9 days used; the reply is given on 4/15 while still consulting.
    c = clk.stop(clk.pause(reply(PLAIN_START), D(2025, 3, 14), "third_party"), D(2025, 4, 15), cal)
    assert c.status == "met"
    assert c.stopped_on == D(2025, 4, 15)
    assert c.pauses[-1] == clk.Pause("third_party", D(2025, 3, 14), D(2025, 4, 15))


def test_stop_while_paused_after_the_due_date_is_breached(cal: WorkCalendar) -> None:
    # Paused 4/2, after the due date 3/31 had already passed: the pause saves nothing.
    c = clk.stop(clk.pause(reply(PLAIN_START), D(2025, 4, 2), "third_party"), D(2025, 4, 3), cal)
    assert c.status == "breached"


@pytest.mark.parametrize("status", ["lapsed", "cancelled"])
def test_close(status: str) -> None:
    c = clk.close(reply(PLAIN_START), D(2025, 3, 10), status)  # type: ignore[arg-type]
    assert c.status == status
    assert c.stopped_on == D(2025, 3, 10)
    assert not c.is_open


def test_close_while_paused_ends_the_pause() -> None:
    c = clk.pause(reply(PLAIN_START), D(2025, 3, 5), "correction")
    c = clk.close(c, D(2025, 3, 12), "cancelled")
    assert c.status == "cancelled"
    assert c.pauses == (clk.Pause("correction", D(2025, 3, 5), D(2025, 3, 12)),)


# -- days left -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "left"),
    [
        (D(2025, 3, 25), 4),  # 3/26, 3/27, 3/28, 3/31
        (D(2025, 3, 29), 1),  # a Saturday: only Mon 3/31 is left
        (D(2025, 3, 31), 0),  # the due date itself
        (D(2025, 4, 3), -3),  # 4/1, 4/2, 4/3 overdue
        (D(2025, 4, 6), -3),  # 清明 rest days add nothing
        (D(2025, 4, 7), -4),
    ],
)
def test_days_left(cal: WorkCalendar, today: date, left: int) -> None:
    assert clk.days_left(reply(PLAIN_START), today, cal) == left


# -- calendar-day clocks -------------------------------------------------------------------


def defence(on: date) -> clk.Clock:
    return clk.start("defence", "calendar_days", 15, on)


def test_calendar_day_clock_ending_in_a_holiday_rolls_forward(cal: WorkCalendar) -> None:
    # Sat 2025-09-20 + 15 = Sun 10/5, inside 国庆+中秋 10/1–10/8 -> Thu 10/9.
    assert clk.due_date(defence(D(2025, 9, 20)), cal) == D(2025, 10, 9)


def test_calendar_day_clock_ending_on_a_saturday_rolls_to_monday(cal: WorkCalendar) -> None:
    # Fri 2025-11-07 + 15 = Sat 11/22 -> Mon 11/24.
    assert clk.due_date(defence(D(2025, 11, 7)), cal) == D(2025, 11, 24)


def test_calendar_day_clock_ending_on_a_weekday_stays(cal: WorkCalendar) -> None:
    # Mon 2025-11-03 + 15 = Tue 11/18.
    assert clk.due_date(defence(D(2025, 11, 3)), cal) == D(2025, 11, 18)


def test_calendar_day_clock_pause_shifts_by_calendar_days(cal: WorkCalendar) -> None:
    # Paused Wed 11/5 to Mon 11/10 = 5 calendar days: 11/3 + 20 = Sun 11/23 -> Mon 11/24.
    c = clk.resume(clk.pause(defence(D(2025, 11, 3)), D(2025, 11, 5), "x"), D(2025, 11, 10))
    assert clk.due_date(c, cal) == D(2025, 11, 24)


# -- unknown years -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edge() -> WorkCalendar:
    """The notices up to 2026 and nothing later: 2027 is provisional (the law alone), whatever
    holiday library is installed."""
    known = [s for s in library_schedules() if s.year <= 2026]
    return WorkCalendar(known, provisional=provisional_schedule)


def test_reply_clock_running_into_2027_is_counted_provisionally(edge: WorkCalendar) -> None:
    # Fri 2026-12-11 (1), 12/14–18 (2–6), 12/21–25 (7–11), 12/28–31 (12–15); 2027: 元旦 Fri
    # 1/1 is a statutory day, 1/4–1/8 (16–20).
    c = reply(D(2026, 12, 10))
    assert clk.due_date(c, edge) == D(2027, 1, 8)
    assert edge.touches_provisional(c.started_on, D(2027, 1, 8))
    assert clk.days_left(c, D(2026, 12, 15), edge) == 17


def test_a_count_ending_on_31_december_is_not_provisional(edge: WorkCalendar) -> None:
    assert clk.due_date(reply(D(2026, 12, 10), 15), edge) == D(2026, 12, 31)
    assert not edge.touches_provisional(D(2026, 12, 10), D(2026, 12, 31))
    assert edge.touches_provisional(D(2026, 12, 10), D(2027, 1, 1))
    assert edge.provisional_basis(D(2026, 12, 10), D(2026, 12, 31)) is None
    assert "2027年" in (edge.provisional_basis(D(2026, 12, 10), D(2027, 1, 1)) or "")


def test_fifteen_day_period_fits_in_2026(cal: WorkCalendar) -> None:
    # The same start with 15 days ends on the last working day of 2026.
    assert clk.due_date(reply(D(2026, 12, 10), 15), cal) == D(2026, 12, 31)


def test_extension_running_into_2027_is_counted_provisionally(edge: WorkCalendar) -> None:
    # Fri 2026-11-20: 11/23–27 (1–5), 11/30 (6), 12/1–4 (7–10), 12/7–11 (11–15),
    # 12/14–18 (16–20) -> Fri 12/18. Extended: 12/21–25 (1–5), 12/28–31 (6–9), 1/1 元旦,
    # 1/4–8 (10–14), 1/11–15 (15–19), Mon 1/18 (20).
    c = reply(D(2026, 11, 20))
    assert clk.due_date(c, edge) == D(2026, 12, 18)
    assert clk.due_date(clk.extend(c, 20), edge) == D(2027, 1, 18)


def test_calendar_day_clock_ending_in_2027(edge: WorkCalendar) -> None:
    # Sun 2026-12-20 + 15 = Mon 2027-01-04, a working day.
    assert clk.due_date(defence(D(2026, 12, 20)), edge) == D(2027, 1, 4)
    # Fri 2026-12-17 + 15 = Fri 2027-01-01, 元旦: rolled to Mon 1/4.
    assert clk.due_date(defence(D(2026, 12, 17)), edge) == D(2027, 1, 4)


def test_reply_periods_become_provisional_from_receipt_on_2026_12_04(edge: WorkCalendar) -> None:
    # Thu 12/3: 12/4 (1), 12/7–11 (6), 12/14–18 (11), 12/21–25 (16), 12/28–31 (20) = 12/31.
    # Fri 12/4: 12/7–31 give only 19 working days; the 20th is Mon 2027-01-04.
    assert clk.due_date(reply(D(2026, 12, 3)), edge) == D(2026, 12, 31)
    assert clk.due_date(reply(D(2026, 12, 4)), edge) == D(2027, 1, 4)
    first = clk.first_provisional_start("working_days", REPLY, D(2027, 1, 1), edge)
    assert first == D(2026, 12, 4)
