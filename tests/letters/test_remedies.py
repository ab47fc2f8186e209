"""The remedies a letter states depend on its date (docs/letters.md; docs/legal-basis.md A5)."""

from __future__ import annotations

from datetime import date

from casework.letters.remedies import remedies_on

BODIES = {
    "body": "武汉市硚口区人民政府",
    "government": "武汉市硚口区人民政府",
    "higher_department": "上一级主管部门",
}


def test_refusal_since_2024_goes_to_reconsideration_first() -> None:
    r = remedies_on(date(2024, 1, 1), refusal=True, **BODIES)
    assert (r.regime, r.reconsideration_first, r.review_days, r.suit_after_decision_days) == (
        "2024",
        True,
        60,
        15,
    )


def test_the_day_before_the_2023_law_keeps_the_choice() -> None:
    r = remedies_on(date(2023, 12, 31), refusal=True, **BODIES)
    assert (r.regime, r.reconsideration_first, r.suit_months) == ("2015", False, 6)


def test_other_acts_since_2024_keep_the_choice() -> None:
    r = remedies_on(date(2026, 3, 20), refusal=False, **BODIES)
    assert (r.regime, r.reconsideration_first, r.review_days, r.suit_months) == (
        "2024",
        False,
        60,
        6,
    )


def test_before_may_2015_a_suit_had_three_months() -> None:
    assert remedies_on(date(2015, 4, 30), refusal=False, **BODIES).suit_months == 3
    assert remedies_on(date(2015, 5, 1), refusal=False, **BODIES).suit_months == 6
