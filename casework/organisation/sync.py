"""The directory in the database: the one in force (``directory_versions``), storing a new one,
and the ``units`` and ``people`` rows it makes.

The directory in force is the one last stored by ``casework directory load`` (table
``directory_versions``), or the bundled states/organisation.toml when none was loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy import Engine as DbEngine

from casework.domain.roles import ADMIN_ROLES
from casework.errors import DefinitionError
from casework.organisation.loader import directory_from_text, directory_path, load_directory
from casework.organisation.model import Directory, UnitDef
from casework.store.tables import CASES, DIRECTORY_VERSIONS, PEOPLE, UNITS
from casework.store.unit_of_work import unit_of_work
from casework.tomlfiles import read_toml


def stored_directory(conn: Connection) -> tuple[str, str] | None:
    """(text, source) of the directory last stored by ``directory load``, if any."""
    v = DIRECTORY_VERSIONS
    row = conn.execute(select(v.c.text, v.c.source).order_by(v.c.id.desc()).limit(1)).first()
    return (row.text, row.source) if row else None


def directory_in_force(db: DbEngine, states_dir: Path) -> Directory:
    """The directory the sweep routes through: the last one loaded, else the states file."""
    with db.connect() as conn:
        stored = stored_directory(conn)
    if stored is None:
        return load_directory(states_dir)
    text, source = stored
    return directory_from_text(text, f"数据库中的名录（载入自 {source}）")


def upsert_units(conn: Connection, units: Iterable[UnitDef], *, contacts: bool = True) -> int:
    """Insert or update a ``units`` row per unit (name, group, seed number, whether from the
    seed and, with ``contacts``, e-mail and phone); returns how many were written. The caller
    owns the transaction."""
    existing = set(conn.scalars(select(UNITS.c.code)))
    written = 0
    for u in units:
        values = {
            "name": u.name,
            "group": u.group,
            "seed_number": u.seed_number,
            "from_seed": u.from_seed,
        }
        if contacts:
            values |= {"email": u.contact.email, "phone": u.contact.phone}
        if u.code in existing:
            conn.execute(update(UNITS).where(UNITS.c.code == u.code).values(**values))
        else:
            conn.execute(insert(UNITS).values(code=u.code, **values))
        written += 1
    return written


def _upsert_people(conn: Connection, d: Directory) -> tuple[int, int]:
    """Insert or update the directory's people and deactivate those it no longer lists (never
    deleted: events name them); returns (written, deactivated)."""
    known = set(conn.scalars(select(PEOPLE.c.code)))
    written = deactivated = 0
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
            conn.execute(update(PEOPLE).where(PEOPLE.c.code == p.code).values(**values))
        else:
            conn.execute(insert(PEOPLE).values(code=p.code, **values))
        written += 1
    gone = known - set(d.people)
    if gone:
        result = conn.execute(
            update(PEOPLE)
            .where(PEOPLE.c.code.in_(sorted(gone)), PEOPLE.c.active.is_(True))
            .values(active=False)
        )
        deactivated = result.rowcount
    return written, deactivated


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
    with unit_of_work(db) as uow:
        conn = uow.conn
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
        counts["units"] = upsert_units(conn, d.units.values())
        counts["people"], counts["deactivated"] = _upsert_people(conn, d)
        conn.execute(
            insert(DIRECTORY_VERSIONS).values(
                sha256=d.sha256, source=source, text=text, loaded_at=now, loaded_by=loaded_by
            )
        )
    return d, counts
