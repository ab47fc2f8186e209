"""Who may act: the roles of the district's disclosure work and their scope."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    unit_scoped: bool  # may act only on cases of the actor's own unit
    reads_only: bool = False


ROLES: dict[str, Role] = {
    r.code: r
    for r in (
        Role("general_section", "区政府办综合科", unit_scoped=False),
        Role("duty_office", "区政府总值班室", unit_scoped=False),
        Role("service_centre", "区政务服务中心", unit_scoped=False),
        Role("unit_clerk", "承办单位经办人", unit_scoped=True),
        Role("unit_head", "承办单位负责人", unit_scoped=True),
        Role("office_head", "政府信息公开工作机构负责人", unit_scoped=False),
        Role("legal_office", "区法制办", unit_scoped=False),
        Role("director", "区政府办主任", unit_scoped=False),
        Role("line_deputy", "战线副主任", unit_scoped=False, reads_only=True),
        Role("auditor", "审计查阅人员", unit_scoped=False, reads_only=True),
        Role("system", "夜间期限督办任务", unit_scoped=False),
    )
}


# Administrators: they may load the directory, register holiday notices and act for others.
ADMIN_ROLES: frozenset[str] = frozenset({"general_section", "office_head"})


@dataclass(frozen=True)
class Actor:
    """Who is acting: a name for the audit trail, a role, and (for unit roles) a unit code."""

    name: str
    role: str
    unit: str | None = None
