"""The escalation memo rendered from the documented context (for the nightly escalation)."""

from __future__ import annotations

from datetime import date

import pytest

from casework.errors import InvalidInput
from casework.letters.listing import plain_text
from casework.letters.memo import render_escalation_memo
from casework.letters.samples import memo_sample
from casework.resources import bundled_dir

TEMPLATES = bundled_dir("templates")


def test_memo_names_case_unit_clock_due_date_level_and_recipients() -> None:
    text = plain_text(render_escalation_memo(memo_sample(), TEMPLATES)).splitlines()
    assert text[:3] == ["督办通知", "硚政办督〔2026〕3号", "武汉市硚口区财政局、区政府办督查室："]
    assert text[3] == (
        "武汉市硚口区财政局承办的第1号政府信息公开申请，其答复期限于2026年3月30日届满，"
        "现已逾期2个工作日。"
    )
    assert text[4].startswith("现予督办。")
    assert text[-3:] == ["武汉市硚口区人民政府办公室", "2026年4月1日", "（印章）"]


@pytest.mark.parametrize(
    ("days", "phrase"), [(0, "今日届满"), (-3, "距届满还有3个工作日"), (5, "现已逾期5个工作日")]
)
def test_memo_before_on_and_after_the_due_date(days: int, phrase: str) -> None:
    html = render_escalation_memo({**memo_sample(), "days_overdue": days}, TEMPLATES)
    assert phrase in html


def test_memo_without_a_number_prints_none_and_escapes_names() -> None:
    memo = {**memo_sample(), "number": "", "unit_name": "<b>某单位</b>"}
    html = render_escalation_memo(memo, TEMPLATES)
    assert 'class="number"' not in html
    assert "&lt;b&gt;某单位&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("due_on", "2026-03-30"),
        ("recipients", None),
        ("case_id", "1"),
        ("provisional_basis", True),
    ],
)
def test_a_bad_memo_context_names_the_key(key: str, value: object) -> None:
    with pytest.raises(InvalidInput) as info:
        render_escalation_memo({**memo_sample(), key: value}, TEMPLATES)
    assert info.value.field == key


def test_memo_date_is_a_parameter() -> None:
    html = render_escalation_memo({**memo_sample(), "issued_on": date(2026, 5, 6)}, TEMPLATES)
    assert "2026年5月6日" in html
