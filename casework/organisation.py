"""The organisation directory (states/organisation.toml): the units that answer applications."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from casework.errors import DefinitionError
from casework.workflow.loader import read_toml

UNIT_GROUPS = {"key": "重点部门", "related": "相关部门", "street": "街道办事处", "zone": "开发区"}


@dataclass(frozen=True)
class UnitDef:
    code: str
    name: str
    group: str
    seed_number: str | None = None
    from_seed: bool = True


def load_units(states_dir: Path) -> list[UnitDef]:
    path = states_dir / "organisation.toml"
    raw = read_toml(path)
    units: list[UnitDef] = []
    seen: set[str] = set()
    for i, u in enumerate(raw.get("units", [])):
        code, name, group = u.get("code"), u.get("name"), u.get("group")
        if not code or not name:
            raise DefinitionError(f"units[{i}] 缺少 code 或 name", path=str(path), field="code")
        if code in seen:
            raise DefinitionError(f"单位代码 {code} 重复", path=str(path), field="code")
        if group not in UNIT_GROUPS:
            raise DefinitionError(
                f"单位 {code} 的 group {group!r} 未知（可选：{'、'.join(UNIT_GROUPS)}）",
                path=str(path),
                field="group",
            )
        seen.add(code)
        units.append(UnitDef(code, name, group, u.get("seed_number"), u.get("from_seed", True)))
    if not units:
        raise DefinitionError("没有任何单位", path=str(path), field="units")
    return units
