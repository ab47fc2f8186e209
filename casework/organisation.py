"""The organisation directory (states/organisation.toml): units, people, lines and routes.

Built from the seed notice 硚政办〔2014〕32号: attachment 2 gives the 56 units that answer
applications, attachment 1 the five vice district heads and the departments each supervises,
the office director, the five line deputy directors, the duty-office head and the offices that
support disclosure work (general section, supervision office, legal office...).

Every unit gets an escalation *route* at load time: the line of the vice head who supervises
it, and/or the offices named in its ``escalate_to`` (the supervision office for the street
offices; director + supervision office for a unit the seed leaves unassigned). A directory that
leaves a unit without a route, a person or office without contact, or names an unknown role,
unit or person is refused here, at load or ``casework directory check`` time — never during the
nightly sweep.

The directory in force is the one last stored by ``casework directory load`` (table
``directory_versions``), or the bundled states/organisation.toml when none was loaded.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casework.domain.roles import ROLES
from casework.errors import DefinitionError, NotFound
from casework.workflow.loader import Problems, read_toml

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy import Engine as DbEngine

UNIT_GROUPS = {"key": "重点部门", "related": "相关部门", "street": "街道办事处", "zone": "开发区"}
CHANNELS = {"email": "电子邮件", "file": "文件/日志（无电子邮箱的单位）"}
# Offices a unit's route may name besides its line (escalate_to).
ROUTE_TARGETS = {"supervision_office": "督查室", "director": "区政府办主任"}
POSITIONS = {
    "director": "区政府办主任（总协调）",
    "duty_office_head": "总值班室主任（网上申请转办）",
    "service_centre_head": "区政务中心负责人（窗口收件转办）",
    "general_section": "综合科（依申请公开）",
    "legal_office": "法制办（复议、诉讼）",
    "supervision_office": "督查室（督查、逾期通报）",
}
# Positions held by a person; the others name a unit or an office (a body with a mailbox).
PERSON_POSITIONS = frozenset({"director", "duty_office_head", "service_centre_head"})
FILE_NAME = "organisation.toml"
SAMPLE_FILE_NAME = "sample_staff.toml"  # the sample staff: casework directory load --sample
PLACEHOLDER_DOMAIN = ".example"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


@dataclass(frozen=True)
class Contact:
    """How notices reach someone: by e-mail, or (offices without mail) the file channel."""

    email: str | None = None
    phone: str | None = None
    channel: str = "email"


@dataclass(frozen=True)
class UnitDef:
    code: str
    name: str
    group: str
    seed_number: str | None = None
    from_seed: bool = True
    contact: Contact = field(default_factory=Contact)
    escalate_to: tuple[str, ...] = ()  # offices besides the vice head's line
    route_from_seed: bool = True
    note: str = ""
    support_duty: str = ""  # attachment 1: its duty as a 保障部门, if it is one


@dataclass(frozen=True)
class Person:
    code: str  # login name (people.code, CASEWORK_USER)
    name: str
    role: str  # casework.domain.roles code
    title: str
    unit: str | None
    office: str | None
    contact: Contact
    from_seed: bool = True
    sample: bool = False  # one of the sample staff (states/sample_staff.toml), not a real person


@dataclass(frozen=True)
class Office:
    """A body of attachment 1 that is not one of the 56 units (it answers no applications)."""

    code: str
    name: str
    duty: str
    contact: Contact
    parent_unit: str | None = None
    head: str | None = None  # person code
    from_seed: bool = True


@dataclass(frozen=True)
class ViceHead:
    code: str
    name: str
    title: str
    line: str
    duty: str
    departments: dict[str, tuple[str, ...]]  # seed name -> unit codes (empty: no such unit)
    contact: Contact

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for codes in self.departments.values() for c in codes))

    @property
    def unmapped(self) -> tuple[str, ...]:
        """Seed names with no unit among the 56 (documented in the file)."""
        return tuple(name for name, codes in self.departments.items() if not codes)


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    vice_head: str
    deputy: str  # person code of the line deputy director (战线副主任)
    deputy_from_seed: bool = False  # the seed does not say which deputy has which line


@dataclass(frozen=True)
class Route:
    """Whom a unit's escalations go to at line level."""

    unit: str
    line: str | None
    offices: tuple[str, ...]  # ROUTE_TARGETS keys
    from_seed: bool


@dataclass(frozen=True)
class Recipient:
    """One addressee of a notice: ``key`` is stable (person:/unit:/office: + code)."""

    key: str
    name: str
    channel: str
    address: str  # e-mail address, or the name written to the file channel


@dataclass(frozen=True)
class Directory:
    units: dict[str, UnitDef]
    people: dict[str, Person]
    offices: dict[str, Office]
    vice_heads: dict[str, ViceHead]
    lines: dict[str, Line]
    positions: dict[str, str]
    routes: dict[str, Route]
    source: str = ""
    sha256: str = ""

    # -- bodies and people --------------------------------------------------------------

    def body(self, code: str) -> Recipient:
        """A unit or an office as an addressee (its mailbox)."""
        if code in self.units:
            u = self.units[code]
            return _recipient(f"unit:{code}", u.name, u.contact)
        o = self.offices[code]
        return _recipient(f"office:{code}", o.name, o.contact)

    def person(self, code: str) -> Recipient:
        p = self.people[code]
        return _recipient(f"person:{code}", f"{p.name}（{p.title}）", p.contact)

    def position(self, name: str) -> Recipient:
        code = self.positions[name]
        return self.person(code) if name in PERSON_POSITIONS else self.body(code)

    def _contacts(self) -> list[Contact]:
        contacts = [u.contact for u in self.units.values()]
        contacts += [p.contact for p in self.people.values()]
        contacts += [o.contact for o in self.offices.values()]
        return contacts + [v.contact for v in self.vice_heads.values()]

    def placeholder_addresses(self) -> list[str]:
        """Reserved-domain addresses (RFC 2606 .example) that must be replaced before use."""
        return sorted({c.email for c in self._contacts() if c.email and _is_placeholder(c.email)})

    def email_recipients(self) -> int:
        """How many units, offices and people receive notices by e-mail."""
        return sum(1 for c in self._contacts() if c.channel == "email")


def is_email(value: Any) -> bool:
    """A plausible e-mail address (one @, a dotted domain, no spaces)."""
    return isinstance(value, str) and bool(_EMAIL.match(value))


def _is_placeholder(email: str) -> bool:
    return email.lower().endswith(PLACEHOLDER_DOMAIN)


def _recipient(key: str, name: str, contact: Contact) -> Recipient:
    return Recipient(key, name, contact.channel, contact.email or name)


# ---------------------------------------------------------------- parsing


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


def _unique(codes: list[str], what: str, path: str, problems: Problems) -> None:
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.add(path, f"{what}代码 {code} 重复")


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
        group=group,
        seed_number=u.get("seed_number"),
        from_seed=u.get("from_seed", True),
        contact=_contact(u, where, problems),
        escalate_to=escalate_to,
        route_from_seed=u.get("route_from_seed", True),
        note=u.get("note", ""),
        support_duty=u.get("support_duty", ""),
    )


def _person(p: dict[str, Any], where: str, problems: Problems) -> Person:
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
    return Line(
        code=_text(ln, "code", where, problems),
        name=_text(ln, "name", where, problems),
        vice_head=_text(ln, "vice_head", where, problems),
        deputy=_text(ln, "deputy", where, problems),
        deputy_from_seed=bool(ln.get("deputy_from_seed", False)),
    )


def _check_references(d: Directory, path: str, problems: Problems) -> None:
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


def _routes(d: Directory, path: str, problems: Problems) -> dict[str, Route]:
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


def parse_directory(raw: dict[str, Any], source: str, problems: Problems) -> Directory:
    """A directory from parsed TOML; every problem is added to ``problems``."""
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
    _check_references(d, source, problems)
    return replace(d, routes=_routes(d, source, problems))


def check_directory_text(text: str, source: str) -> tuple[Directory | None, list[str]]:
    """The directory in ``text`` and every problem found in it (None if it cannot be used)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        return None, [f"{source}: TOML 语法错误：{err}"]
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


def units_of_line(directory: Directory, line: str) -> list[str]:
    """The unit codes of a line, named by its code, its deputy's code or name, or its vice head.

    For ``casework worklist --line`` and line reports.
    """
    for ln in directory.lines.values():
        deputy = directory.people.get(ln.deputy)
        head = directory.vice_heads.get(ln.vice_head)
        names = {ln.code, ln.deputy, deputy.name if deputy else None}
        names |= {head.code, head.name} if head else set()
        if line in names:
            return [code for code, r in directory.routes.items() if r.line == ln.code]
    known = "、".join(
        f"{ln.code}（{directory.people[ln.deputy].name}）" for ln in directory.lines.values()
    )
    raise NotFound(
        f"未知的战线 {line!r}；可选：{known}", field="line", rule="lines of the directory"
    )


# ---------------------------------------------------------------- the directory in force


def stored_directory(conn: Connection) -> tuple[str, str] | None:
    """(text, source) of the directory last stored by ``directory load``, if any."""
    from sqlalchemy import select

    from casework.store.escalation_tables import DIRECTORY_VERSIONS as V

    row = conn.execute(select(V.c.text, V.c.source).order_by(V.c.id.desc()).limit(1)).first()
    return (row.text, row.source) if row else None


def directory_in_force(db: DbEngine, states_dir: Path) -> Directory:
    """The directory the sweep routes through: the last one loaded, else the states file."""
    with db.connect() as conn:
        stored = stored_directory(conn)
    if stored is None:
        return load_directory(states_dir)
    text, source = stored
    return directory_from_text(text, f"数据库中的名录（载入自 {source}）")


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


def store_directory(
    db: DbEngine, path: Path, *, loaded_by: str, now: datetime, keep_admin: bool = False
) -> tuple[Directory, dict[str, int]]:
    """Validate a directory file and make it the one in force (see ``store_directory_text``)."""
    path = directory_path(path)
    read_toml(path)
    text = path.read_text(encoding="utf-8")
    return store_directory_text(
        db, text, str(path), loaded_by=loaded_by, now=now, keep_admin=keep_admin
    )


def store_directory_text(
    db: DbEngine,
    text: str,
    source: str,
    *,
    loaded_by: str,
    now: datetime,
    keep_admin: bool = False,
) -> tuple[Directory, dict[str, int]]:
    """Validate a directory and make it the one in force: units and people are upserted
    (people no longer listed are deactivated, never deleted: events name them), and the text is
    kept as a new directory version, with who loaded it and when. A unit that has cases may not
    disappear; with ``keep_admin`` the directory must name an administrator (a directory without
    one would let anyone load the next)."""
    from sqlalchemy import func, insert, select, update

    from casework.identity import ADMIN_ROLES
    from casework.store.db import WRITE
    from casework.store.escalation_tables import DIRECTORY_VERSIONS
    from casework.store.repository import CASES
    from casework.store.tables import PersonRow, UnitRow

    units_t = UnitRow.__table__  # type: ignore[attr-defined]
    people_t = PersonRow.__table__  # type: ignore[attr-defined]
    d = directory_from_text(text, source)
    if keep_admin and not any(p.role in ADMIN_ROLES for p in d.people.values()):
        raise DefinitionError(
            "名录中没有管理员（general_section 综合科或 office_head 信息公开工作机构负责人）："
            "载入后将无人能再管理名录",
            path=source,
            field="people",
            rule="the directory keeps an administrator",
        )
    counts = {"units": 0, "people": 0, "deactivated": 0}
    with db.execution_options(**WRITE).begin() as conn:
        used = conn.execute(
            select(CASES.c.unit, func.count())
            .where(CASES.c.unit.is_not(None))
            .group_by(CASES.c.unit)
        ).all()
        missing = [f"{unit}（{n} 件）" for unit, n in used if unit not in d.units]
        if missing:
            raise DefinitionError(
                f"名录删去了仍有案件的单位：{'、'.join(missing)}；这些案件将没有督办路线",
                path=source,
                field="units",
                rule="every unit with cases keeps an escalation route",
            )
        existing = set(conn.scalars(select(units_t.c.code)))
        for u in d.units.values():
            values = {
                "name": u.name,
                "group": u.group,
                "seed_number": u.seed_number,
                "from_seed": u.from_seed,
                "email": u.contact.email,
                "phone": u.contact.phone,
            }
            if u.code in existing:
                conn.execute(update(units_t).where(units_t.c.code == u.code).values(**values))
            else:
                conn.execute(insert(units_t).values(code=u.code, **values))
            counts["units"] += 1
        known = set(conn.scalars(select(people_t.c.code)))
        for p in d.people.values():
            values = {
                "name": p.name,
                "role": p.role,
                "unit_code": p.unit,
                "email": p.contact.email,
                "phone": p.contact.phone,
                "title": p.title,
                "active": True,
            }
            if p.code in known:
                conn.execute(update(people_t).where(people_t.c.code == p.code).values(**values))
            else:
                conn.execute(insert(people_t).values(code=p.code, **values))
            counts["people"] += 1
        gone = known - set(d.people)
        if gone:
            result = conn.execute(
                update(people_t)
                .where(people_t.c.code.in_(sorted(gone)), people_t.c.active.is_(True))
                .values(active=False)
            )
            counts["deactivated"] = result.rowcount
        conn.execute(
            insert(DIRECTORY_VERSIONS).values(
                sha256=d.sha256, source=source, text=text, loaded_at=now, loaded_by=loaded_by
            )
        )
    return d, counts
