"""The fee bands of 国办函〔2020〕109号 (casework/domain/fees.py), at every band edge."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.domain import fees
from casework.errors import InvalidInput, RuleViolation


@pytest.mark.parametrize(
    ("rank", "amount"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400)],
)
def test_art4_each_application_pays_the_rate_of_its_own_band(rank: int, amount: int) -> None:
    """Art. 4: ≤10 free; 11–30 100元/件; from 31, +100元/件 per band of 10 (超额累进)."""
    assert fees.per_application(rank).amount == Decimal(amount)


@pytest.mark.parametrize(
    ("pages", "amount"),
    [
        (1, 0),
        (30, 0),
        (31, 10),
        (100, 700),
        (101, 720),
        (200, 2700),
        (201, 2740),
        (250, 700 + 2000 + 50 * 40),
    ],
)
def test_art5_each_part_of_the_page_count_pays_its_band(pages: int, amount: int) -> None:
    """Art. 5: ≤30 free; 31–100 10元/页; 101–200 20元/页; ≥201 40元/页 (超额累进)."""
    assert fees.per_page(pages).amount == Decimal(amount)


def test_the_computation_is_stated_in_words() -> None:
    assert "第31—40页10页×10元/页=100元" in fees.per_page(40).explanation()
    words = fees.per_application(31).explanation()
    assert "第31件" in words and "31—40件部分，200元/件" in words and "第四条" in words


@given(st.integers(1, 5000), st.integers(1, 5000))
def test_art5_more_pages_never_cost_less(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert fees.per_page(low).amount <= fees.per_page(high).amount


@given(st.integers(1, 500), st.integers(1, 500))
def test_art4_a_later_application_never_pays_less(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert fees.per_application(low).amount <= fees.per_application(high).amount


def test_art3_a_basis_outside_the_rules_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        fees.compute("per_hour", pages=3)
    assert "第三条" in info.value.rule and info.value.field == "basis"


def test_art3_both_bases_for_one_application_are_refused() -> None:
    with pytest.raises(RuleViolation) as info:
        fees.compute(fees.PER_APPLICATION, rank=12, pages=50)
    assert "不得同时按两种标准" in info.value.rule


def test_an_amount_other_than_the_computed_one_needs_a_reason() -> None:
    fee = fees.per_page(40)
    assert fees.settle(fee, None, None) == "100.00"
    assert fees.settle(fee, "100", None) == "100.00"
    with pytest.raises(RuleViolation) as info:
        fees.settle(fee, "150.00", None)
    assert "超额累进" in info.value.rule and "100.00 元" in info.value.message
    assert fees.settle(fee, "80.00", "申请人书面申请减免，经负责人批准") == "80.00"


def test_no_fee_notice_for_a_free_application() -> None:
    with pytest.raises(RuleViolation) as info:
        fees.settle(fees.per_application(10), None, None)
    assert info.value.rule == "国办函〔2020〕109号第四条"
