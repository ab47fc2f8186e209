"""Masking identity and phone numbers in what lists and logs show."""

from __future__ import annotations

from casework.domain.masking import mask, mask_phone, mask_text, masked


def test_identity_numbers_keep_four_characters_at_each_end() -> None:
    assert mask("420106199001011234") == "4201**********1234"
    assert mask("42010619900101123X") == "4201**********123X"
    assert mask("1234567") == "*******"  # too short to keep anything
    assert mask(None) is None and mask("") == ""


def test_phone_numbers_keep_three_and_four() -> None:
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("027-85123456") == "027*****3456"


def test_numbers_written_into_free_text_are_masked() -> None:
    text = "硚口区宝丰路1号，电话13912345678，身份证420106199001011234，2025年预算"
    assert (
        mask_text(text) == "硚口区宝丰路1号，电话139****5678，身份证4201**********1234，2025年预算"
    )


def test_masked_fields_and_event_contents() -> None:
    fields = {
        "applicant_id_number": "420106199001011234",
        "applicant_phone": "13912345678",
        "applicant_name": "张三",
        "items": ["回电13912345678", "文号"],
        "days": 10,
    }
    assert masked(fields) == {
        "applicant_id_number": "4201**********1234",
        "applicant_phone": "139****5678",
        "applicant_name": "张三",
        "items": ["回电139****5678", "文号"],
        "days": 10,
    }
    assert fields["applicant_phone"] == "13912345678"  # not mutated
