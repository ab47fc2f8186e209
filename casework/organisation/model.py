"""The organisation directory's model: units, people, offices, vice heads, lines, routes.

Built from the seed notice 硚政办〔2014〕32号: attachment 2 gives the 56 units that answer
applications, attachment 1 the five vice district heads and the departments each supervises,
the office director, the five line deputy directors, the duty-office head and the offices that
support disclosure work (general section, supervision office, legal office...).

The file is parsed and checked by ``casework.organisation.loader``; the directory in force is
read and stored by ``casework.organisation.sync``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from casework.errors import NotFound

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
