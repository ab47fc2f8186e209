"""Chinese dates, amounts and ordinals as letters print them (values written out by hand)."""

from __future__ import annotations

from datetime import date

import pytest

from casework.errors import InvalidInput
from casework.letters.chinese import amount_in_words, cn_amount, cn_date, cn_numeral


def test_dates_have_no_padding() -> None:
    assert cn_date(date(2026, 11, 28)) == "2026年11月28日"
    assert cn_date(date(2026, 3, 2)) == "2026年3月2日"
    assert cn_date("2024-01-01") == "2024年1月1日"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("100.00", "壹佰元整"),
        ("100", "壹佰元整"),
        ("1005.50", "壹仟零伍元伍角"),
        ("10.05", "壹拾元零伍分"),
        ("0.50", "伍角"),
        ("0.05", "伍分"),
        ("120000", "壹拾贰万元整"),
        ("10500", "壹万零伍佰元整"),
        ("1010", "壹仟零壹拾元整"),
        ("100000010", "壹亿零壹拾元整"),
        ("2400.07", "贰仟肆佰元零柒分"),
    ],
)
def test_amounts_in_capital_numerals(amount: str, words: str) -> None:
    assert amount_in_words(amount) == words


def test_amount_line() -> None:
    assert cn_amount("100") == "100.00元（人民币壹佰元整）"


@pytest.mark.parametrize("bad", ["-1", "abc", "1e30"])
def test_bad_amounts_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        amount_in_words(bad)


def test_ordinals() -> None:
    assert [cn_numeral(n) for n in (1, 9, 10, 11, 20, 23, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
    ]
    with pytest.raises(InvalidInput):
        cn_numeral(100)
