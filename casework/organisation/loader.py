"""Reading and checking the organisation directory (states/organisation.toml).

Every unit gets an escalation *route* at load time: the line of the vice head who supervises
it, and/or the offices named in its ``escalate_to`` (the supervision office for the street
offices; director + supervision office for a unit the seed leaves unassigned). A directory that
leaves a unit without a route, a person or office without contact, names an unknown role,
unit or person, or holds a key its table does not know is refused here, at load or
``casework directory check`` time — never during the nightly sweep.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from casework.domain.roles import ROLES
from casework.errors import DefinitionError
from casework.organisation.model import (
    CHANNELS,
    ROUTE_TARGETS,
    UNIT_GROUPS,
    Contact,
    Directory,
    Line,
    Office,
    Person,
    UnitDef,
    ViceHead,
    is_email,
)
from casework.organisation.references import check_references, routes
from casework.tomlfiles import Key, Problems, loads_toml, read_toml, table

FILE_NAME = "organisation.toml"
SAMPLE_FILE_NAME = "sample_staff.toml"  # the sample staff: casework directory load --sample

# The keys of each table (the parser checks the values it types as None itself).
FILE_KEYS = {
    "units": Key(),
    "positions": Key(),
    "people": Key(),
    "vice_heads": Key(),
    "lines": Key(),
    "offices": Key(),
}
CONTACT_KEYS = {"email": Key(), "phone": Key((str, int)), "channel": Key()}
UNIT_KEYS = {
    "code": Key(),
    "name": Key(),
    "group": Key(),
    "seed_number": Key(str),
    "from_seed": Key(bool),
    **CONTACT_KEYS,
    "escalate_to": Key(list),
    "route_from_seed": Key(bool),
    "note": Key(str),
    "support_duty": Key(str),
}
PERSON_KEYS = {
    "code": Key(),
    "name": Key(),
    "role": Key(),
    "title": Key(str),
    "unit": Key(str),
    "office": Key(str),
    **CONTACT_KEYS,
    "from_seed": Key(bool),
    "sample": Key(bool),
}
OFFICE_KEYS = {
    "code": Key(),
    "name": Key(),
    "duty": Key(str),
    **CONTACT_KEYS,
    "parent_unit": Key(str),
    "head": Key(str),
    "from_seed": Key(bool),
}
VICE_HEAD_KEYS = {
    "code": Key(),
    "name": Key(),
    "title": Key(str),
    "line": Key(),
    "duty": Key(str),
    "departments": Key(),
    **CONTACT_KEYS,
}
LINE_KEYS = {
    "code": Key(),
    "name": Key(),
    "vice_head": Key(),
    "deputy": Key(),
    "deputy_from_seed": Key(bool),
}


def _contact(raw: dict[str, Any], where: str, problems: Problems) -> Contact:
    channel = raw.get("channel", "email")
    email = raw.get("email")
    if channel not in CHANNELS:
        problems.add(where, f"channel 应为 {'、'.join(CHANNELS)}，收到 {channel!r}")
    if email is not None and not is_email(email):
        problems.add(where, f"email {email!r} 不是有效的电子邮件地址")
    if channel == "email" and not email:
        problems.add(
            where,
            '缺少联系方式：email 必填（没有电子邮箱的单位写 channel = "file"，'
            "督办通知改写入文件通道）",
        )
    phone = raw.get("phone")
    return Contact(email or None, str(phone) if phone else None, channel)


def _text(raw: dict[str, Any], key: str, where: str, problems: Problems) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.add(where, f"缺少 {key}")
        return ""
    return value


def _entries(raw: dict[str, Any], key: str, path: str, problems: Problems) -> list[dict[str, Any]]:
    entries = raw.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.add(path, f"[[{key}]] 应为表的数组")
        return []
    return entries


def _collect(
    raw: dict[str, Any],
    key: str,
    what: str,
    path: str,
    problems: Problems,
    build: Callable[[dict[str, Any], str, Problems], Any],
) -> dict[str, Any]:
    """The entries of ``[[key]]`` built one by one, by code; a repeated code is a problem."""
    out: dict[str, Any] = {}
    for i, entry in enumerate(_entries(raw, key, path, problems)):
        item = build(entry, f"{path} {key}[{i}] {entry.get('code', '')}", problems)
        if item is None:
            continue
        if item.code in out:
            problems.add(path, f"{what}代码 {item.code} 重复")
        out[item.code] = item
    return out


def _unit(u: dict[str, Any], where: str, problems: Problems) -> UnitDef | None:
    u = table(u, UNIT_KEYS, where, problems)
    code, name, group = u.get("code"), u.get("name"), u.get("group")
    if not code or not name:
        problems.add(where, "缺少 code 或 name")
        return None
    if group not in UNIT_GROUPS:
        problems.add(where, f"group {group!r} 未知（可选：{'、'.join(UNIT_GROUPS)}）")
    escalate_to = tuple(u.get("escalate_to", ()))
    for target in escalate_to:
        if target not in ROUTE_TARGETS:
            problems.add(
                where, f"escalate_to 中的 {target!r} 未知（可选：{'、'.join(ROUTE_TARGETS)}）"
            )
    return UnitDef(
        code=code,
        name=name,
        group=str(group),
        seed_number=u.get("seed_number"),
        from_seed=u.get("from_seed", True),
        contact=_contact(u, where, problems),
        escalate_to=escalate_to,
        route_from_seed=u.get("route_from_seed", True),
        note=u.get("note", ""),
        support_duty=u.get("support_duty", ""),
    )


def _person(p: dict[str, Any], where: str, problems: Problems) -> Person:
    p = table(p, PERSON_KEYS, where, problems)
    role = p.get("role")
    if role not in ROLES:
        problems.add(where, f"角色 {role!r} 未知（可选：{'、'.join(ROLES)}）")
    elif ROLES[role].unit_scoped and not p.get("unit"):
        problems.add(where, f"{ROLES[role].label}必须填写所在单位 unit")
    return Person(
        code=_text(p, "code", where, problems),
        name=_text(p, "name", where, problems),
        role=str(role),
        title=str(p.get("title", "")),
        unit=p.get("unit"),
        office=p.get("office"),
        contact=_contact(p, where, problems),
        from_seed=p.get("from_seed", True),
        sample=p.get("sample", False) is True,
    )


def _office(o: dict[str, Any], where: str, problems: Problems) -> Office:
    o = table(o, OFFICE_KEYS, where, problems)
    return Office(
        code=_text(o, "code", where, problems),
        name=_text(o, "name", where, problems),
        duty=str(o.get("duty", "")),
        contact=_contact(o, where, problems),
        parent_unit=o.get("parent_unit"),
        head=o.get("head"),
        from_seed=o.get("from_seed", True),
    )


def _vice_head(v: dict[str, Any], where: str, problems: Problems) -> ViceHead:
    v = table(v, VICE_HEAD_KEYS, where, problems)
    departments = v.get("departments", {})
    if not isinstance(departments, dict):
        problems.add(where, "departments 应为表：附件1中的部门名称 = [单位代码…]")
        departments = {}
    return ViceHead(
        code=_text(v, "code", where, problems),
        name=_text(v, "name", where, problems),
        title=str(v.get("title", "")),
        line=_text(v, "line", where, problems),
        duty=str(v.get("duty", "")),
        departments={name: tuple(codes) for name, codes in departments.items()},
        contact=_contact(v, where, problems),
    )


def _line(ln: dict[str, Any], where: str, problems: Problems) -> Line:
    ln = table(ln, LINE_KEYS, where, problems)
    return Line(
        code=_text(ln, "code", where, problems),
        name=_text(ln, "name", where, problems),
        vice_head=_text(ln, "vice_head", where, problems),
        deputy=_text(ln, "deputy", where, problems),
        deputy_from_seed=bool(ln.get("deputy_from_seed", False)),
    )


def parse_directory(raw: dict[str, Any], source: str, problems: Problems) -> Directory:
    """A directory from parsed TOML; every problem is added to ``problems``."""
    raw = table(raw, FILE_KEYS, source, problems)
    positions = raw.get("positions", {})
    if not isinstance(positions, dict):
        problems.add(source, "[positions] 应为表")
        positions = {}
    units = _collect(raw, "units", "单位", source, problems, _unit)
    if not units:
        problems.add(source, "没有任何单位")
    d = Directory(
        units=units,
        people=_collect(raw, "people", "人员", source, problems, _person),
        offices=_collect(raw, "offices", "机构", source, problems, _office),
        vice_heads=_collect(raw, "vice_heads", "副区长", source, problems, _vice_head),
        lines=_collect(raw, "lines", "战线", source, problems, _line),
        positions=dict(positions),
        routes={},
        source=source,
    )
    check_references(d, source, problems)
    return replace(d, routes=routes(d, source, problems))


def check_directory_text(text: str, source: str) -> tuple[Directory | None, list[str]]:
    """The directory in ``text`` and every problem found in it (None if it cannot be used)."""
    try:
        raw = loads_toml(text, source)
    except DefinitionError as err:
        return None, [str(err)]
    problems = Problems()
    d = parse_directory(raw, source, problems)
    if problems:
        return None, list(problems)
    return replace(d, sha256=hashlib.sha256(text.encode()).hexdigest()), []


def directory_from_text(text: str, source: str) -> Directory:
    """Parse and validate a directory; DefinitionError lists every problem found."""
    d, problems = check_directory_text(text, source)
    if d is None:
        raise DefinitionError("；".join(problems), field="directory", rule="organisation directory")
    return d


def directory_path(where: Path) -> Path:
    """A states directory means its organisation.toml; a file is taken as it is."""
    return where / FILE_NAME if where.is_dir() else where


def load_directory(where: Path | str) -> Directory:
    """The directory of a states directory (or of a TOML file), validated."""
    path = directory_path(Path(where))
    read_toml(path)  # a missing file or bad syntax: the loader's own clear error
    return directory_from_text(path.read_text(encoding="utf-8"), str(path))


def load_units(states_dir: Path) -> list[UnitDef]:
    """The units of the states directory's organisation file (the full file is validated)."""
    return list(load_directory(states_dir).units.values())


def sample_directory(states_dir: Path, base: Path | None = None) -> tuple[str, str]:
    """The text and source of a directory with the sample staff: ``base`` (default the states
    directory's organisation.toml) followed by the states directory's sample_staff.toml (only
    ``[[people]]`` entries), one TOML document that ``directory_in_force`` reads back whole."""
    base = directory_path(base if base is not None else states_dir)
    sample = states_dir / SAMPLE_FILE_NAME
    read_toml(base)
    read_toml(sample)
    text = base.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + sample.read_text("utf-8")
    return text, f"{base} + {sample}（示例人员）"
