"""states/letters.toml is strict: a misspelt key is refused naming the file, table and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casework.errors import DefinitionError
from casework.letters.config import load_letter_settings
from casework.resources import bundled_dir


def with_letters(tmp_path: Path, old: str, new: str) -> Path:
    states = tmp_path / "states"
    shutil.copytree(bundled_dir("states"), states)
    path = states / "letters.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return states


def test_the_shipped_settings_load() -> None:
    assert "zfb" in load_letter_settings(bundled_dir("states")).issuers


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        ('short = "硚"', 'shrt = "硚"', "district.shrt", '[district] 未知的键 "shrt"'),
        ('code = "硚社保"', 'cod = "硚社保"', "units.sbc.cod", '[units.sbc] 未知的键 "cod"'),
        ("[remedies]", "[remedy]", "remedy", '未知的键 "remedy"'),
        ('reply = "依申"', "reply = 7", "series.reply", "reply 应为字符串，收到 7"),
    ],
)
def test_a_misspelt_key_is_refused_naming_file_table_and_key(
    tmp_path: Path, old: str, new: str, field: str, fragment: str
) -> None:
    states = with_letters(tmp_path, old, new)
    with pytest.raises(DefinitionError) as err:
        load_letter_settings(states)
    assert err.value.path == str(states / "letters.toml")
    assert err.value.field == field
    assert fragment in str(err.value)
