"""Number formats (文号): checked alone, and across every unit and series for collisions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casework.errors import DefinitionError
from casework.letters.config import Issuer, LetterSettings, load_letter_settings
from casework.letters.numbering import check_collisions, check_format, format_number, validate
from casework.resources import bundled_dir

STANDARD = "{code}{series}〔{year}〕{n}号"


def settings(units: dict[str, tuple[str, str]], series: dict[str, str]) -> LetterSettings:
    """units: unit code -> (机关代字, format)."""
    issuers = {u: Issuer(u, u, c, fmt, "", "区政府", "上级") for u, (c, fmt) in units.items()}
    return LetterSettings(
        path=Path("letters.toml"),
        district="",
        government="区政府",
        office_unit=next(iter(units)),
        website="",
        series=series,
        formats=("html",),
        reconsideration_first=frozenset({"withheld"}),
        issuers=issuers,
        archive_root=None,
    )


def test_the_shipped_settings_are_collision_free() -> None:
    validate(load_letter_settings(bundled_dir("states")))


def test_standard_number() -> None:
    assert format_number(STANDARD, "硚政办", "依申", 2026, 12) == "硚政办依申〔2026〕12号"
    padded = format_number("{code}〔{year}〕第{n:03d}号", "硚财", "", 2024, 12)
    assert padded == "硚财〔2024〕第012号"


@pytest.mark.parametrize(
    ("fmt", "complaint"),
    [
        ("{code}{series}{n}号", "{year}"),
        ("{code}{series}〔{year}〕号", "{n}"),
        ("{code}〔{year}〕{n}号{n}", "{n}"),
        ("{code}{unit}〔{year}〕{n}号", "{unit}"),
        ("{code}〔{year}〕{n}1号", "非数字"),  # n = 1 would read 11号
        ("{code}〔{year}{n}〕号", "非数字"),  # 2026 + 1 reads 20261
        ("{code}{series}〔{year:04d}〕{n}号", "补零"),
        ("{code}〔{year}〕{n", "无法解析"),
    ],
)
def test_bad_formats_are_refused(fmt: str, complaint: str) -> None:
    if complaint == "无法解析":
        with pytest.raises(DefinitionError):
            check_format(fmt)
        return
    problems = check_format(fmt)
    assert problems and complaint in problems[0]


def test_padding_is_allowed() -> None:
    assert check_format("{code}{series}〔{year}〕第{n:03d}号") == []


def test_two_units_with_one_code_collide() -> None:
    s = settings({"czj": ("硚财", STANDARD), "cgw": ("硚财", STANDARD)}, {"reply": "依申"})
    problems = check_collisions(s)
    assert problems and "czj" in problems[0] and "cgw" in problems[0]


def test_a_format_without_series_makes_kinds_collide() -> None:
    s = settings({"czj": ("硚财", "{code}〔{year}〕{n}号")}, {"reply": "依申", "receipt": "依申登"})
    problems = check_collisions(s)
    assert problems and "receipt" in problems[0] and "reply" in problems[0]


def test_a_number_that_reads_two_ways_is_found() -> None:
    # Q〔2026〕2026号 is number 2026 of unit a in 2026 and number 2026 of unit b in 2026.
    units = {"a": ("Q", "{code}〔{year}〕{n}号"), "b": ("Q", "Q〔{n}〕{year}号")}
    s = settings(units, {"reply": ""})
    problems = check_collisions(s)
    assert problems
    assert "Q〔2026〕2026号" in problems[0]


def test_codes_that_are_prefixes_of_each_other_do_not_collide() -> None:
    s = settings({"a": ("硚财", STANDARD), "b": ("硚财政", STANDARD)}, {"reply": "依申"})
    assert check_collisions(s) == []


def test_validate_names_the_file() -> None:
    bad = settings({"czj": ("硚财", STANDARD), "cgw": ("硚财", STANDARD)}, {"reply": "依申"})
    with pytest.raises(DefinitionError) as info:
        validate(bad)
    assert info.value.path == "letters.toml"
    assert "文号会重复" in str(info.value)


def test_a_unit_format_is_checked(tmp_path: Path) -> None:
    states = tmp_path / "states"
    shutil.copytree(bundled_dir("states"), states)
    path = states / "letters.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + '\n[units.czj]\nformat = "硚财〔{year}〕{n}号"\n',
        encoding="utf-8",
    )
    loaded = load_letter_settings(states)
    assert loaded.issuer("czj").number_format == "硚财〔{year}〕{n}号"
    with pytest.raises(DefinitionError) as info:
        validate(loaded)
    assert "czj" in str(info.value)
