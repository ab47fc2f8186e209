"""Who is acting: the person named by ``CASEWORK_USER`` (or ``--as``), resolved in the directory.

A person is a row of the ``people`` table (loaded by ``casework directory load``): a login code,
a name, a role and, for unit roles, a unit. Resolving gives the ``Actor`` the engine records on
every event.

Administrators are the people whose role is ``general_section`` (区政府办综合科, who run the
district's disclosure casework) or ``office_head`` (政府信息公开工作机构负责人). Only they may
act as someone else (``--as CODE``); the audit trail then names both: the person acted for and,
in brackets, the administrator who entered the act.

This is identification, not authentication: whoever controls a shell's environment can set
``CASEWORK_USER``. The security boundary is the operating-system account of each clerk and the
database's own permissions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

from casework.domain.roles import ADMIN_ROLES, ROLES, Actor
from casework.errors import InvalidInput, NotFound, PermissionDenied
from casework.settings import USER_VARIABLE
from casework.store.tables import PEOPLE

_NAME_LENGTH = 50  # events.actor_name


@dataclass(frozen=True)
class Person:
    code: str
    name: str
    role: str
    unit: str | None
    email: str | None
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


@dataclass(frozen=True)
class Identity:
    """The person acting and the administrator who typed the command (the same without --as)."""

    person: Person
    operator: Person

    @property
    def actor(self) -> Actor:
        name = self.person.name
        if self.operator != self.person:
            # The audit trail must show who really entered the act.
            name = f"{name}（{self.operator.name}代录）"[:_NAME_LENGTH]
        return Actor(name, self.person.role, self.person.unit)

    @property
    def role_label(self) -> str:
        return ROLES[self.person.role].label

    @property
    def unit_scoped(self) -> bool:
        return ROLES[self.person.role].unit_scoped

    @property
    def reads_only(self) -> bool:
        return ROLES[self.person.role].reads_only


def _person(db: DbEngine, code: str, field: str) -> Person:
    # The columns of the first schema: `db upgrade` identifies its administrator on an old one.
    columns = ("code", "name", "role", "unit_code", "email", "active")
    with db.connect() as conn:
        row = conn.execute(
            select(*(PEOPLE.c[name] for name in columns)).where(PEOPLE.c.code == code)
        ).first()
    if row is None:
        raise NotFound(
            f"{field}：人员名录中没有代码为 {code!r} 的人员（名录由 casework directory load 载入）",
            field=field,
            rule="a user is a person of the directory",
        )
    person = Person(row.code, row.name, row.role, row.unit_code, row.email, bool(row.active))
    if not person.active:
        raise PermissionDenied(
            f"{field}：人员 {code}（{person.name}）已停用，不能再使用 casework",
            field=field,
            rule="active people only",
        )
    if person.role not in ROLES:
        raise InvalidInput(
            f"{field}：人员 {code} 的角色 {person.role!r} 未知；可用：{'、'.join(ROLES)}",
            field="role",
            rule="known roles",
        )
    if ROLES[person.role].unit_scoped and not person.unit:
        raise InvalidInput(
            f"{field}：人员 {code} 是{ROLES[person.role].label}，但名录中没有填写所在单位",
            field="unit",
            rule="unit roles belong to a unit",
        )
    return person


def resolve(db: DbEngine, user: str | None, as_code: str | None = None) -> Identity:
    """The identity of a command: ``user`` (CASEWORK_USER), or ``as_code`` for an administrator."""
    if not user:
        raise InvalidInput(
            f"未设置当前用户：请设置环境变量 {USER_VARIABLE}=人员代码（人员名录中的 code）",
            field=USER_VARIABLE,
            rule="every command names who is acting",
        )
    operator = _person(db, user, USER_VARIABLE)
    if as_code is None or as_code == user:
        return Identity(operator, operator)
    if not operator.is_admin:
        allowed = "、".join(ROLES[r].label for r in sorted(ADMIN_ROLES))
        raise PermissionDenied(
            f"--as：只有管理员（{allowed}）可以代他人办理，{operator.name}是{ROLES[operator.role].label}",
            field="as",
            rule="administrators only",
        )
    return Identity(_person(db, as_code, "as"), operator)


def has_administrator(db: DbEngine) -> bool:
    """Whether the directory names an active administrator (none yet on a new installation)."""
    with db.connect() as conn:
        found = conn.scalar(
            select(PEOPLE.c.code)
            .where(PEOPLE.c.role.in_(sorted(ADMIN_ROLES)), PEOPLE.c.active.is_(True))
            .limit(1)
        )
    return found is not None


def require_administrator(db: DbEngine, user: str | None, act: str) -> Person:
    """The administrator named by ``user`` (CASEWORK_USER) for an administrative act (loading
    the directory, migrating a database in use); anyone else is refused."""
    person = resolve(db, user).person
    if not person.is_admin:
        allowed = "、".join(ROLES[r].label for r in sorted(ADMIN_ROLES))
        raise PermissionDenied(
            f"{act}只能由管理员（{allowed}）办理，{person.name}是{ROLES[person.role].label}",
            field=USER_VARIABLE,
            rule="administrative acts: administrators only",
        )
    return person


def check_can_act(identity: Identity) -> None:
    """Refuse a read-only role (the auditor) before any move is attempted."""
    if identity.reads_only:
        raise PermissionDenied(
            f"{identity.role_label}只能查阅，不能办理案件",
            field="role",
            rule="read-only role",
        )
