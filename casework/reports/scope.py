"""Which cases a report covers: one unit, one line (战线), or the whole district."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from casework.errors import CaseworkError, InvalidInput, NotFound
from casework.store.tables import UNITS

if TYPE_CHECKING:
    from casework.engine import Engine

DISTRICT_LABEL = "全区"


@dataclass(frozen=True)
class Scope:
    """``units`` is None for the whole district, else the unit codes counted."""

    kind: str  # district / unit / line
    code: str | None
    label: str
    units: tuple[str, ...] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "label": self.label,
            "units": list(self.units) if self.units is not None else None,
        }


def unit_names(engine: Engine) -> dict[str, str]:
    """Unit code -> name, from the units table."""
    with engine.db.connect() as conn:
        return {code: name for code, name in conn.execute(select(UNITS.c.code, UNITS.c.name))}


def directory(engine: Engine) -> Any | None:
    """The organisation directory in force (with its lines), or None where this build of
    casework has no directory lines (``casework.organisation``, the escalation feature)."""
    from casework import organisation

    in_force = getattr(organisation, "directory_in_force", None)
    if in_force is None or not hasattr(organisation, "units_of_line"):
        return None
    return in_force(engine.db, engine.settings.states_dir)


def line_of(found: Any, unit: str) -> Any | None:
    """The directory's line (``.code``, ``.name``) a unit's escalations route through."""
    route = found.routes.get(unit)
    return found.lines.get(route.line) if route is not None and route.line else None


def line_units(engine: Engine, line: str) -> tuple[str, list[str]]:
    """The name and unit codes of a line named by code, deputy or vice head."""
    from casework import organisation

    found = directory(engine)
    if found is None:
        raise CaseworkError(
            "无法按战线统计：组织名录（states/organisation.toml）中还没有战线与单位的对应关系"
            "（casework.organisation 缺少 directory_in_force / units_of_line），"
            "请改用 --unit 或统计全区",
            field="line",
            rule="lines come from the organisation directory",
        )
    codes = list(organisation.units_of_line(found, line))
    line_def = line_of(found, codes[0]) if codes else None
    return (line_def.name if line_def else line), codes


def resolve_scope(engine: Engine, unit: str | None = None, line: str | None = None) -> Scope:
    """The scope named by ``--unit`` or ``--line`` (at most one), or the district."""
    if unit is not None and line is not None:
        raise InvalidInput("--unit 与 --line 只能选一个", field="unit", rule="one scope per report")
    names = unit_names(engine)
    if unit is not None:
        if unit not in names:
            raise NotFound(
                f"单位代码 {unit!r} 不存在（可用 casework directory show 查看单位代码）",
                field="unit",
                rule="units of states/organisation.toml",
            )
        return Scope("unit", unit, names[unit], (unit,))
    if line is not None:
        name, codes = line_units(engine, line)
        if not codes:
            raise NotFound(f"战线 {line!r} 没有单位", field="line", rule="lines of the directory")
        return Scope("line", line, name, tuple(codes))
    return Scope("district", None, DISTRICT_LABEL, None)
