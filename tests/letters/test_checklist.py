"""Every generated letter against docs/letters.md (what each letter must contain).

The letters come from real moves (``every_kind`` in tests/support/letters.py); older remedies
regimes, which no move dated 2024–2026 can produce, are checked on the shipped templates with the
sample cases.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from casework.letters.config import load_letter_settings
from casework.letters.kinds import KINDS
from casework.letters.listing import plain_text
from casework.letters.rendering import Renderer, template_name
from casework.letters.samples import application_sample
from casework.resources import bundled_dir
from casework.workflow.build import build_workflow
from tests.support.letters import AGENCY, NOTE, REASONS, SEARCH
from tests.support.proceedings import REVIEW, SUIT

TO_APPLICANT = [
    "receipt",
    "correction_notice",
    "extension_notice",
    "fee_notice",
    "reply_disclosed",
    "reply_partial",
    "reply_withheld",
    "reply_unable",
    "reply_not_responsible",
    "reply_not_processed",
    "reply_other",
    "correction_lapsed_notice",
    "fee_lapsed_notice",
]
NO_REMEDIES = ["receipt", "correction_notice", "extension_notice"]
REFUSALS = ["reply_partial", "reply_withheld"]
NUMBER = re.compile(r"^[^第\d]+〔\d{4}〕[1-9]\d*号$")  # GB/T 9704: no 第, no zero padding
BODY = "武汉市硚口区人民政府"
FIRST = f"应当先向{BODY}申请行政复议"
AFTER_DECISION = "可以自收到行政复议决定书之日起15日内依法向人民法院提起行政诉讼"


def lines(row: Any) -> list[str]:
    return plain_text(row.html).splitlines()


def test_every_letter_has_title_number_issuer_date_and_seal(issued) -> None:
    for kind, row in issued.items():
        text = lines(row)
        assert text[0] == KINDS[kind].title, kind
        assert text[1] == row.number and NUMBER.match(row.number), kind
        issuer, day, seal = text[text.index("（印章）") - 2 : text.index("（印章）") + 1]
        assert issuer in ("武汉市硚口区财政局", "武汉市硚口区人民政府办公室"), kind
        assert day == f"{row.issued_on.year}年{row.issued_on.month}月{row.issued_on.day}日", kind
        assert seal == "（印章）"
        assert NOTE not in row.html, kind  # no clerk notes


@pytest.mark.parametrize("kind", TO_APPLICANT)
def test_letters_to_the_applicant(issued, kind: str) -> None:
    text = lines(issued[kind])
    body = "\n".join(text)
    assert text[2] == "张三："
    assert "本机关于2026年3月2日收到" in body  # the receipt date
    assert "“2025年区财政局部门预算及“三公”经费预算”" in body  # the request, quoted
    assert "特此告知。" in text
    if kind in NO_REMEDIES:
        assert "行政复议" not in body and "行政诉讼" not in body
    elif kind in REFUSALS:
        assert FIRST in body and "60日内" in body and AFTER_DECISION in body
        assert "个月内" not in body  # no direct suit after a refusal since 2024
    else:
        assert f"60日内向{BODY}申请行政复议" in body and "6个月内" in body
        assert "应当先" not in body


def test_receipt(issued) -> None:
    body = plain_text(issued["receipt"].html)
    assert "登记编号为第1号" in body
    assert "《条例》第三十一条第（一）项" in body  # receipt date set by the channel
    assert "2026年3月30日前作出答复" in body  # 20 working days after 03-02


def test_correction_notice(issued) -> None:
    body = plain_text(issued["correction_notice"].html)
    assert issued["correction_notice"].issued_on == date(2026, 3, 4)  # within 7 working days
    assert body.count("信息名称") == 1 and body.count("获取方式") == 1  # each defect once
    assert "第三十条" in body and "一次性告知" in body
    assert "10个工作日内" in body and "2026年3月18日" in body  # 10 working days after 03-04
    assert "视为放弃申请" in body
    assert "答复期限自收到补正后的申请之日起计算" in body


def test_extension_notice(issued) -> None:
    body = plain_text(issued["extension_notice"].html)
    assert "第三十三条第二款" in body
    assert "政府信息公开工作机构负责人（周主任）同意" in body
    assert "因需调取档案，数量较大" in body
    assert "延长20个工作日" in body
    # 20 working days after the old due date 03-30, past 清明 (4/6 off): 04-28.
    assert "本机关将于2026年4月28日前作出答复" in body


def test_third_party_consultation(issued) -> None:
    row = issued["consultation_third_party"]
    body = plain_text(row.html)
    assert lines(row)[2] == "汉正商贸有限公司："
    assert "该公司的投标报价" in body and "第三十二条" in body
    assert "自收到本函之日起15个工作日内" in body
    assert "逾期未提出意见的，由本机关依照《条例》的规定决定是否公开" in body  # not refusal
    assert "视为不同意" not in body
    assert "书面意见请寄送或者递交武汉市硚口区财政局" in body  # reply channel
    assert "张三" not in body  # no applicant personal data


def test_other_agency_consultation(issued) -> None:
    body = plain_text(issued["consultation_agency"].html)
    assert "第三十四条" in body and "15个工作日内" in body and "视为同意公开" in body
    assert "张三" not in body


def test_fee_notice(issued) -> None:
    body = plain_text(issued["fee_notice"].html)
    assert "100.00元（人民币壹佰元整）" in body
    assert "第四十二条" in body and "国办函〔2020〕109号" in body
    assert "2026年4月2日" in body  # 20 working days after 03-05
    assert "视为放弃申请" in body


def test_disclosure(issued) -> None:
    row = issued["reply_disclosed"]
    body = plain_text(row.html)
    assert "第三十六条第（二）项" in body and "第四十条" in body
    assert "随本答复书一并向您提供" in body  # how and when
    # GB/T 9704-2012: the attachment note after the body, before the issuer and the date
    assert lines(row)[-5:] == [
        "特此告知。",
        "附件：2025年部门预算表",
        "武汉市硚口区财政局",
        "2026年3月20日",
        "（印章）",
    ]


def test_partial_disclosure(issued) -> None:
    body = plain_text(issued["reply_partial"].html)
    assert "第三十七条" in body
    assert "第十五条" in body and "第三十六条第（三）项" in body  # substantive + reply article
    assert "其中投标报价部分涉及第三方商业秘密。" in body


def test_refusal(issued) -> None:
    body = plain_text(issued["reply_withheld"].html)
    assert "第十六条第二款" in body and "第三十六条第（三）项" in body
    assert f"理由如下：{REASONS}。" in body


def test_does_not_exist(issued) -> None:
    body = plain_text(issued["reply_unable"].html)
    assert "第三十六条第（四）项" in body
    assert f"检索的范围和结果如下：{SEARCH}。" in body


def test_not_this_agency(issued) -> None:
    body = plain_text(issued["reply_not_responsible"].html)
    assert "第三十六条第（五）项" in body
    assert AGENCY in body  # name and contact details


def test_not_processed(issued) -> None:
    assert "第三十九条第一款" in plain_text(issued["reply_not_processed"].html)


def test_closing_notices(issued) -> None:
    correction = plain_text(issued["correction_lapsed_notice"].html)
    assert "第三十条" in correction and "视为您放弃申请" in correction
    fee = plain_text(issued["fee_lapsed_notice"].html)
    assert "国办函〔2020〕109号" in fee and "视为您放弃申请" in fee


def test_review_answer(issued) -> None:
    row = issued["review_answer"]
    text = lines(row)
    body = "\n".join(text)
    assert text[2:6] == [
        "答复人：武汉市硚口区财政局",
        "法定代表人：＿＿＿＿＿＿ 职务：＿＿＿＿＿＿",
        "委托代理人：＿＿＿＿＿＿ 职务：＿＿＿＿＿＿",
        "申请人：张三",
    ]
    assert f"案号：{REVIEW['body_case_number']}" in body
    assert "答复人于2026年5月6日收到行政复议申请书副本" in body
    reply = issued["reply_withheld"].number
    assert f"2026年3月20日，答复，出具政府信息公开申请答复书（{reply}）。" in body  # timeline
    assert "第十六条第二款" in body and REASONS in body
    assert "决定维持" in body
    assert text[text.index("此致") + 1] == REVIEW["body"]
    assert (
        "附：证据、依据目录" in body and f"政府信息公开申请答复书（{reply}，2026年3月20日）" in body
    )


def test_defence_statement(issued) -> None:
    row = issued["defence_statement"]
    text = lines(row)
    body = "\n".join(text)
    assert text[2] == "答辩人：武汉市硚口区财政局"
    assert f"案号为{SUIT['court_case_number']}" in body
    assert "答辩人于2026年6月1日收到起诉状副本" in body
    assert "一、答辩请求" in text and "二、事实与理由" in text
    # No new grounds: the reasons are the reply letter's, word for word.
    assert f"理由是：{REASONS}。" in body
    assert text[text.index("此致") + 1] == SUIT["court"]
    assert "本答辩状副本" in body and "证据清单" in body


@pytest.mark.parametrize(
    ("on", "expected", "absent"),
    [
        (date(2026, 3, 20), [FIRST, AFTER_DECISION], ["6个月"]),
        (
            date(2023, 12, 29),
            [f"60日内向上一级主管部门或者{BODY}申请行政复议", "6个月内"],
            ["应当先"],
        ),
        (date(2015, 3, 2), ["60日内", "3个月内"], ["应当先", "6个月"]),
    ],
)
def test_a_refusal_states_the_remedies_of_its_date(
    on: date, expected: list[str], absent: list[str]
) -> None:
    states = bundled_dir("states")
    wf = build_workflow(states, frozenset({"czj", "zfb"}))
    settings = load_letter_settings(states)
    kind = KINDS["reply_withheld"]
    facts = application_sample(kind, wf, settings, on=on)
    html = Renderer(bundled_dir("templates")).render(template_name(kind.code), kind.roots, facts)
    body = plain_text(html.html)
    assert all(e in body for e in expected), body
    assert not any(a in body for a in absent), body


def test_the_cautious_setting_puts_not_found_replies_under_reconsideration_first() -> None:
    states = bundled_dir("states")
    wf = build_workflow(states, frozenset({"czj", "zfb"}))
    cautious = replace(
        load_letter_settings(states), reconsideration_first=frozenset({"withheld", "unable"})
    )
    kind = KINDS["reply_unable"]
    facts = application_sample(kind, wf, cautious)
    html = Renderer(bundled_dir("templates")).render(template_name(kind.code), kind.roots, facts)
    assert FIRST in plain_text(html.html)
