"""Reading TOML files (states/ and the files given to the CLI): one reader, one collector of
problems, and strict tables.

Every table a loader reads declares its keys: whether each is required and which TOML type it
holds (``Key``). A key the table does not declare, such as a misspelt ``lenght = 25``, is an
error naming the file, the table and the key, so that ``casework states check`` finds it
instead of the first move that needs the value.

Loaders that list every problem (flows, rule books, the ladder, the directory) collect them in
``Problems`` with ``table``; loaders that stop at the first (calendar files, letters.toml) use
``strict_table``, which raises it as a ``DefinitionError`` whose ``field`` is the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casework.errors import DefinitionError

__all__ = ["Key", "Problems", "loads_toml", "read_toml", "strict_table", "table", "unknown_key"]


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file. A missing, unreadable, non-UTF-8 or malformed file is a
    ``DefinitionError`` naming the file (``field`` is ``path`` or ``toml``)."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise DefinitionError("无法读取文件：文件不存在", path=str(path), field="path") from None
    except UnicodeDecodeError:
        raise DefinitionError("文件不是 UTF-8 编码的 TOML", path=str(path), field="toml") from None
    except tomllib.TOMLDecodeError as err:
        raise DefinitionError(f"TOML 语法错误：{err}", path=str(path), field="toml") from None
    except OSError as err:
        message = f"无法读取文件：{err.strerror or err}"
        raise DefinitionError(message, path=str(path), field="path") from None


def loads_toml(text: str, source: str) -> dict[str, Any]:
    """``text`` parsed; a syntax error is a ``DefinitionError`` naming ``source``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise DefinitionError(f"TOML 语法错误：{err}", path=source, field="toml") from None


class Problems(list[str]):
    """Every problem found, each as ``where: message`` (where names the file and the table)."""

    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")

    def raise_if_any(self, path: Path | str) -> None:
        if self:
            raise DefinitionError("；".join(self), path=str(path))


# -- strict tables --------------------------------------------------------------------------

_TYPE_NAMES: dict[type, str] = {
    str: "字符串",
    bool: "布尔值（true 或 false）",
    int: "整数",
    float: "数",
    date: "日期（如 2027-01-01，不加引号）",
    list: "数组",
    dict: "表",
}


@dataclass(frozen=True)
class Key:
    """One key a table may hold: the TOML type of its value (None: the loader checks the
    value itself) and whether the table must have it."""

    type: type | tuple[type, ...] | None = None
    required: bool = False


def _types(key: Key) -> tuple[type, ...]:
    if key.type is None:
        return ()
    return key.type if isinstance(key.type, tuple) else (key.type,)


def _fits(value: Any, types: tuple[type, ...]) -> bool:
    if not types:
        return True
    if isinstance(value, bool):  # a bool is an int to Python, not to TOML
        return bool in types
    if isinstance(value, datetime):  # a date-time is a date to Python
        return datetime in types
    if isinstance(value, int) and float in types:
        return True
    return isinstance(value, types)


def unknown_key(key: str, allowed: Mapping[str, Any] | set[str] | frozenset[str]) -> str:
    """The message for a key a table does not declare, listing the ones it does."""
    names = list(allowed) if isinstance(allowed, Mapping) else sorted(allowed)
    return f'未知的键 "{key}"（可选：{"、".join(names) or "无"}）'


def check_table(raw: Any, keys: Mapping[str, Key]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The declared keys of ``raw`` whose values fit, and the (key, message) of every problem:
    not a table, an unknown key, a missing required key, a value of the wrong type."""
    if not isinstance(raw, dict):
        return {}, [("", f"应为表，收到 {raw!r}")]
    found: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    for key, value in raw.items():
        spec = keys.get(key)
        if spec is None:
            found.append((key, unknown_key(key, keys)))
        elif not _fits(value, _types(spec)):
            expected = "或".join(_TYPE_NAMES.get(t, t.__name__) for t in _types(spec))
            found.append((key, f"{key} 应为{expected}，收到 {value!r}"))
        else:
            out[key] = value
    for key, spec in keys.items():
        if spec.required and key not in raw:
            found.append((key, f"缺少 {key}"))
    return out, found


def table(raw: Any, keys: Mapping[str, Key], where: str, problems: Problems) -> dict[str, Any]:
    """The declared keys of ``raw`` (a table of a file; ``where`` names the file and the table)
    whose values fit; every problem is added to ``problems`` and its key left out."""
    out, found = check_table(raw, keys)
    for _, message in found:
        problems.add(where, message)
    return out


def strict_table(raw: Any, keys: Mapping[str, Key], path: Path | str, name: str) -> dict[str, Any]:
    """``raw`` (table ``name`` of file ``path``, "" for the top level) when every key is
    declared and fits; else the first problem as a ``DefinitionError`` whose ``field`` is
    ``name.key`` (``[units.czj]`` gives ``units.czj.key``)."""
    out, found = check_table(raw, keys)
    if found:
        key, message = found[0]
        table_field = name[1:-1] if name.startswith("[") and name.endswith("]") else name
        field = ".".join(part for part in (table_field, key) if part)
        raise DefinitionError(f"{name} {message}" if name else message, path=str(path), field=field)
    return out
