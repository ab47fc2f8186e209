"""The cross-references of a parsed directory (people's units and offices, offices' heads,
lines and vice heads, the positions) and the escalation route of every unit."""

from __future__ import annotations

from casework.organisation.model import PERSON_POSITIONS, POSITIONS, Directory, Route
from casework.tomlfiles import Problems


def _unique(codes: list[str], what: str, path: str, problems: Problems) -> None:
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.add(path, f"{what}代码 {code} 重复")


def check_references(d: Directory, path: str, problems: Problems) -> None:
    bodies = set(d.units) | set(d.offices)
    _unique([*d.units, *d.offices], "单位/机构", path, problems)
    for p in d.people.values():
        if p.unit is not None and p.unit not in d.units:
            problems.add(path, f"人员 {p.code} 的单位 {p.unit!r} 不在名录中")
        if p.office is not None and p.office not in d.offices:
            problems.add(path, f"人员 {p.code} 的机构 {p.office!r} 不在名录中")
    for o in d.offices.values():
        if o.parent_unit is not None and o.parent_unit not in d.units:
            problems.add(path, f"机构 {o.code} 的上级单位 {o.parent_unit!r} 不在名录中")
        if o.head is not None and o.head not in d.people:
            problems.add(path, f"机构 {o.code} 的负责人 {o.head!r} 不在人员名录中")
    for ln in d.lines.values():
        if ln.vice_head not in d.vice_heads:
            problems.add(path, f"战线 {ln.code} 的副区长 {ln.vice_head!r} 不在名录中")
        if ln.deputy not in d.people:
            problems.add(path, f"战线 {ln.code} 的战线副主任 {ln.deputy!r} 不在人员名录中")
    for v in d.vice_heads.values():
        if v.line not in d.lines:
            problems.add(path, f"副区长 {v.code} 的战线 {v.line!r} 不在名录中")
        elif d.lines[v.line].vice_head != v.code:
            problems.add(path, f"副区长 {v.code} 与战线 {v.line} 互不对应")
        for name, codes in v.departments.items():
            for c in codes:
                if c not in d.units:
                    problems.add(path, f"副区长 {v.code} 分管的“{name}”对应的单位 {c!r} 不存在")
    for name in POSITIONS:
        code = d.positions.get(name)
        pool = d.people if name in PERSON_POSITIONS else bodies
        if code is None:
            problems.add(path, f"[positions] 缺少 {name}（{POSITIONS[name]}）")
        elif code not in pool:
            problems.add(path, f"[positions] {name} = {code!r} 不在名录中")
    for key in set(d.positions) - set(POSITIONS):
        problems.add(path, f"[positions] 未知的职位 {key!r}（可选：{'、'.join(POSITIONS)}）")


def routes(d: Directory, path: str, problems: Problems) -> dict[str, Route]:
    line_of: dict[str, str] = {}
    for v in d.vice_heads.values():
        for code in v.units:
            if code in line_of and line_of[code] != v.line:
                problems.add(path, f"单位 {code} 同时由两位副区长分管，督办路线不明确")
            line_of[code] = v.line
    routes = {}
    for u in d.units.values():
        line = line_of.get(u.code)
        if line is None and not u.escalate_to:
            problems.add(
                path,
                f"单位 {u.code}（{u.name}）没有督办路线：附件1未列其分管副区长，"
                '且未写 escalate_to（如 ["director", "supervision_office"]，并注明 '
                "route_from_seed = false）",
            )
            continue
        routes[u.code] = Route(u.code, line, u.escalate_to, u.route_from_seed)
    return routes
