"""The ladder (states/escalation.toml): working-day offsets across holidays, validation."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from casework.calendar_sources import load_calendar
from casework.errors import DefinitionError
from casework.escalation import fire_on, load_ladder
from casework.organisation import load_units
from casework.resources import bundled_dir
from casework.workflow.build import build_workflow

STATES = bundled_dir("states")
CAL = load_calendar(STATES)


def workflow(states: Path):  # type: ignore[no-untyped-def]
    return build_workflow(states, frozenset(u.code for u in load_units(states)))


@pytest.fixture
def states(tmp_path: Path) -> Path:
    copy = tmp_path / "states"
    shutil.copytree(STATES, copy)
    return copy


def edit(states: Path, old: str, new: str) -> None:
    path = states / "escalation.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_default_ladder_is_the_one_of_the_issue() -> None:
    ladder = load_ladder(STATES, workflow(STATES))
    reply = ladder.rungs["reply"]
    assert [(lv.offset, lv.notify) for lv in reply.levels] == [
        (-3, ("handler", "unit_head")),
        (0, ("line",)),
        (1, ("director", "supervision_office")),
    ]
    assert [(lv.offset, lv.notify) for lv in ladder.rungs["forwarding"].levels] == [
        (1, ("duty_office_head",))
    ]
    assert [lv.notify for lv in ladder.rungs["correction_notice"].levels] == [("unit_head",)]
    assert {k: r.lapse for k, r in ladder.rungs.items() if r.lapse} == {
        "correction_period": "correction_lapsed",
        "fee_payment": "fee_lapsed",
        "consultation": "consultation_lapsed",
    }
    for kind in ("answer", "answer_simplified", "defence", "appeal", "appeal_ruling"):
        assert [(lv.offset, lv.notify) for lv in ladder.rungs[kind].levels] == [
            (-3, ("legal_office",)),
            (0, ("director",)),
        ]


@pytest.mark.parametrize(
    ("due", "offset", "expected"),
    [
        (date(2026, 5, 7), -3, date(2026, 4, 29)),  # 5/6, (5/1–5/5 劳动节), 4/30, 4/29
        (date(2026, 4, 30), 1, date(2026, 5, 6)),  # the first working day after the holiday
        (date(2026, 5, 11), -1, date(2026, 5, 9)),  # Sat 5/9 is a makeup working day
        (date(2026, 4, 7), -1, date(2026, 4, 3)),  # 清明 4/4–4/6
        (date(2026, 3, 30), 0, date(2026, 3, 30)),
    ],
)
def test_offsets_count_working_days_of_the_official_calendar(due, offset, expected) -> None:
    assert fire_on(due, offset, CAL) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "[[clocks.forwarding.levels]]",
            "[[clocks.forwardng.levels]]",
            "未知的期限种类 'forwardng'",
        ),
        ('notify = ["duty_office_head"]', 'notify = ["duty_head"]', "通知对象 'duty_head' 未知"),
        ('lapse = "fee_lapsed"', 'lapse = "reply"', "动作 reply 不允许 system 角色"),
        (
            'lapse = "fee_lapsed"',
            'lapse = "fee_expired"',
            "lapse 动作 'fee_expired' 不在流程 application 中",
        ),
        (
            'offset = -3\nnotify = ["handler"',
            'offset = 2\nnotify = ["handler"',
            "offset 应严格递增",
        ),
        (
            'offset = -1\nnotify = ["unit_head"]',
            'offset = 1\nnotify = ["unit_head"]',
            "offset 不能大于 0",
        ),
        (
            '[clocks.consultation]\nlapse = "consultation_lapsed"',
            "",
            "期限 consultation（征求意见期限）没有督办阶梯",
        ),
        ('offset = 0\nnotify = ["line"]', 'offset = "due"\nnotify = ["line"]', "offset 应为整数"),
        # Misspelt keys name the file, the table and the key.
        (
            'offset = 0\nnotify = ["line"]',
            'ofset = 0\nnotify = ["line"]',
            'escalation.toml [clocks.reply] levels[1]: 未知的键 "ofset"',
        ),
        (
            'lapse = "fee_lapsed"',
            'lapse = "fee_lapsed"\nlaspe = "fee_lapsed"',
            'escalation.toml [clocks.fee_payment]: 未知的键 "laspe"（可选：levels、lapse）',
        ),
        ("[clocks.fee_payment]", "[clock.fee_payment]", 'escalation.toml: 未知的键 "clock"'),
    ],
)
def test_a_bad_ladder_is_refused_at_load_naming_the_problem(states, old, new, expected) -> None:
    edit(states, old, new)
    with pytest.raises(DefinitionError) as err:
        load_ladder(states, workflow(states))
    assert expected in err.value.message


def test_applicant_clock_cannot_be_escalated(states) -> None:
    edit(
        states,
        '[clocks.fee_payment]\nlapse = "fee_lapsed"',
        '[[clocks.fee_payment.levels]]\nlevel = "x"\noffset = 0\nnotify = ["director"]',
    )
    with pytest.raises(DefinitionError) as err:
        load_ladder(states, workflow(states))
    assert "fee_payment 是申请人一方的期限" in err.value.message


def test_review_and_lawsuit_kinds_are_accepted_before_their_rule_files_exist(states) -> None:
    for name in ("review.toml", "lawsuit.toml"):
        (states / name).unlink()
    for name in ("review", "lawsuit"):
        shutil.rmtree(states / "rules" / name)
    path = states / "escalation.toml"
    extra = (
        '\n[[clocks.decision.levels]]\nlevel = "legal"\noffset = -3\nnotify = ["legal_office"]\n'
    )
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    wf = workflow(states)
    assert set(wf.rules) == {"application"}
    ladder = load_ladder(states, wf)
    assert {"answer", "decision", "defence", "appeal"} <= set(ladder.rungs)
    assert ladder.rungs["answer"].nature == "duty"
