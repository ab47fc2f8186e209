"""The one TOML reader and strict tables (casework.tomlfiles) every loader of states/ uses."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from casework.errors import DefinitionError
from casework.tomlfiles import Key, Problems, loads_toml, read_toml, strict_table, table

KEYS = {"name": Key(str, required=True), "length": Key(int), "on": Key(date), "any": Key()}


def test_read_toml(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('name = "x"\n', encoding="utf-8")
    assert read_toml(path) == {"name": "x"}


@pytest.mark.parametrize(
    ("content", "field", "fragment"),
    [
        (b'name = "x\n', "toml", "TOML 语法错误"),
        ('name = "硚口"\n'.encode("gbk"), "toml", "不是 UTF-8"),
        (None, "path", "无法读取文件：文件不存在"),
    ],
)
def test_a_file_that_cannot_be_read_is_named(
    tmp_path: Path, content: bytes | None, field: str, fragment: str
) -> None:
    path = tmp_path / "a.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DefinitionError) as err:
        read_toml(path)
    assert err.value.path == str(path)
    assert err.value.field == field
    assert str(err.value).startswith(f"{path}: ")
    assert fragment in str(err.value)


def test_loads_toml_names_the_source() -> None:
    assert loads_toml("a = 1", "名录") == {"a": 1}
    with pytest.raises(DefinitionError, match=r"^名录: TOML 语法错误"):
        loads_toml("a = ", "名录")


def test_a_table_keeps_the_declared_keys_that_fit() -> None:
    problems = Problems()
    raw = {"name": "x", "length": 3, "on": date(2027, 1, 1), "any": [1]}
    assert table(raw, KEYS, "f.toml [t]", problems) == raw
    assert problems == []


def test_every_problem_names_the_file_the_table_and_the_key() -> None:
    problems = Problems()
    raw = {"lenght": 3, "length": "3", "on": datetime(2027, 1, 1, 8, 0)}
    assert table(raw, KEYS, "f.toml [inputs.request]", problems) == {}
    assert problems == [
        'f.toml [inputs.request]: 未知的键 "lenght"（可选：name、length、on、any）',
        "f.toml [inputs.request]: length 应为整数，收到 '3'",
        "f.toml [inputs.request]: on 应为日期（如 2027-01-01，不加引号），收到 "
        "datetime.datetime(2027, 1, 1, 8, 0)",
        "f.toml [inputs.request]: 缺少 name",
    ]


def test_a_bool_is_not_an_integer_nor_an_integer_a_bool() -> None:
    problems = Problems()
    table({"name": "x", "length": True}, KEYS, "f.toml", problems)
    table({"flag": 1}, {"flag": Key(bool)}, "f.toml", problems)
    assert problems == [
        "f.toml: length 应为整数，收到 True",
        "f.toml: flag 应为布尔值（true 或 false），收到 1",
    ]


def test_a_table_that_is_no_table() -> None:
    problems = Problems()
    assert table(["x"], KEYS, "f.toml [t]", problems) == {}
    assert problems == ["f.toml [t]: 应为表，收到 ['x']"]


def test_strict_table_raises_the_first_problem_with_the_key_as_field() -> None:
    with pytest.raises(DefinitionError) as err:
        strict_table({"name": "x", "nme": "y"}, KEYS, "f.toml", "[units.czj]")
    assert err.value.path == "f.toml"
    assert err.value.field == "units.czj.nme"
    assert str(err.value) == 'f.toml: [units.czj] 未知的键 "nme"（可选：name、length、on、any）'
    with pytest.raises(DefinitionError) as err:
        strict_table({"nme": "y"}, KEYS, "f.toml", "rest[0]")
    assert err.value.field == "rest[0].nme"
    with pytest.raises(DefinitionError) as err:
        strict_table({"name": "x", "nme": "y"}, KEYS, "f.toml", "")
    assert err.value.field == "nme"
    assert strict_table({"name": "x"}, KEYS, "f.toml", "") == {"name": "x"}


def test_problems_raise_together() -> None:
    problems = Problems()
    problems.raise_if_any("f.toml")
    problems.add("f.toml [a]", "一")
    problems.add("f.toml [b]", "二")
    with pytest.raises(DefinitionError) as err:
        problems.raise_if_any("f.toml")
    assert str(err.value) == "f.toml: f.toml [a]: 一；f.toml [b]: 二"
