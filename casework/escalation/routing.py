"""Whom a ladder target reaches for a case: the handler, the unit's head, the unit's line (its
vice head's line deputy and/or the offices of its route), or a position of the directory."""

from __future__ import annotations

from casework.organisation import Directory, Recipient


def _unit_box(d: Directory, unit: str | None) -> Recipient:
    return d.body(unit) if unit in d.units else d.position("general_section")


def recipients(d: Directory, target: str, unit: str | None, handler: str | None) -> list[Recipient]:
    """The addressees of one ladder target for a case of ``unit`` handled by ``handler``."""
    if target == "handler":
        for p in d.people.values():
            if unit and p.unit == unit and handler in (p.code, p.name):
                return [d.person(p.code)]
        return [_unit_box(d, unit)]
    if target == "unit_head":
        heads = [
            d.person(p.code) for p in d.people.values() if p.role == "unit_head" and p.unit == unit
        ]
        return heads or [_unit_box(d, unit)]
    if target == "line":
        route = d.routes.get(unit) if unit else None
        if route is None:  # not forwarded yet: the general section handles it
            return [d.position("general_section")]
        out = [d.person(d.lines[route.line].deputy)] if route.line else []
        return out + [d.position(o) for o in route.offices]
    return [d.position(target)]


def describe_route(d: Directory, unit: str | None) -> str:
    route = d.routes.get(unit) if unit else None
    if route is None:
        return "综合科（尚未转办到承办单位）"
    parts = []
    if route.line:
        ln = d.lines[route.line]
        parts.append(f"{ln.name}（战线副主任 {d.people[ln.deputy].name}）")
    parts += [d.position(o).name for o in route.offices]
    note = "" if route.from_seed else "（非通知原文，待确认）"
    return "、".join(parts) + note
