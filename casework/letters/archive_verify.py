"""Verifying the archive of issued letters (casework/letters/archive.py) against the database.

Every rendered letter is checked against its files, its manifest and its row, and every archive
file no letter of this database accounts for is reported. Pending letters (files still to be
written by ``casework letters render``) and temporary files are not differences: ``pending`` and
``notes`` list them for ``casework verify``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

from casework.letters.archive import (
    EXTENSIONS,
    MANIFEST,
    PENDING,
    RENDERED,
    database_id,
    sha256,
    temp_file_stale,
    temp_files,
)
from casework.store.tables import LETTERS
from casework.views import Discrepancy


def file_digests(row: Any) -> dict[str, str | None]:
    """Format → SHA-256 of the files a letter row records (None: not produced)."""
    return {"html": row.content_hash, "pdf": row.pdf_hash, "docx": row.docx_hash}


def _rows(db: DbEngine, batch: int = 500) -> Iterator[Any]:
    last = 0
    while True:
        with db.connect() as conn:
            rows = conn.execute(
                select(LETTERS).where(LETTERS.c.id > last).order_by(LETTERS.c.id).limit(batch)
            ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def _check_letter(root: Path, row: Any, db_id: str) -> list[tuple[str, Any, Any]]:
    """(what, archive value, database value) for every difference of one rendered letter."""
    label = f"文书 {row.id}（{row.number}）"
    out: list[tuple[str, Any, Any]] = []
    folder = root / row.directory
    try:
        stored = json.loads((folder / (row.stem + MANIFEST)).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [
            *out,
            (f"{label} 清单文件", f"无法读取：{err}", str(folder / (row.stem + MANIFEST))),
        ]
    expected = {
        "database_id": db_id,
        "letter_id": row.id,
        "case_id": row.case_id,
        "kind": row.kind,
        "number": row.number,
        "template": row.template,
        "template_hash": row.template_hash,
        "content_hash": row.content_hash,
        "issued_on": row.issued_on.isoformat(),
        "issued_by": {
            "name": row.issued_by,
            "role": row.issued_by_role,
            "unit": row.issued_by_unit,
        },
    }
    digests = file_digests(row)
    expected["files"] = {
        fmt: {"name": row.stem + EXTENSIONS[fmt], "sha256": d} if d else None
        for fmt, d in digests.items()
    }
    for key, value in expected.items():
        if stored.get(key) != value:
            out.append((f"{label} 清单 {key}", stored.get(key), value))
    try:
        moment = datetime.fromisoformat(str(stored.get("issued_at")))
    except ValueError:
        moment = None
    if moment != row.issued_at:
        out.append((f"{label} 清单 issued_at", stored.get("issued_at"), row.issued_at))
    for fmt, digest in digests.items():
        if digest is None:
            continue
        path = folder / (row.stem + EXTENSIONS[fmt])
        try:
            actual = sha256(path.read_bytes())
        except OSError:
            actual = "文件缺失"
        if actual != digest:
            out.append((f"{label} {fmt.upper()} 文件 SHA-256", actual, digest))
    return out


_OWN_SUFFIXES = frozenset({*EXTENSIONS.values(), MANIFEST})


def _strays(
    root: Path, db_id: str, owned: dict[str, set[str]], known: set[int]
) -> Iterator[tuple[int, str, Any, Any]]:
    """Archive files that no letter of this database accounts for.

    A letter owns ``<stem>.html/.pdf/.docx/.json`` in its folder, written or still to be
    written (pending). A manifest of another database (an archive shared by mistake) keeps the
    files it names out of this database's report; temporary files are reported apart."""
    for folder in sorted(p for p in root.glob("*/*") if p.is_dir()):
        stems = owned.get(f"{folder.parent.name}/{folder.name}", set())
        case = int(folder.name) if folder.name.isdigit() else 0
        accounted: set[str] = set()
        ghosts: list[tuple[int, str, Any, Any]] = []
        for path in sorted(folder.glob(f"*{MANIFEST}")):
            if path.stem in stems:
                continue
            try:
                stored = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(stored, dict):
                continue
            files = stored.get("files") or {}
            named = {f["name"] for f in files.values() if isinstance(f, dict) and "name" in f}
            if stored.get("database_id") != db_id:
                accounted.update({path.name, *named})
            elif stored.get("letter_id") not in known:
                accounted.update({path.name, *named})
                what = f"归档中有数据库没有的文书 {stored.get('number')}"
                ghosts.append((stored.get("case_id") or case, what, str(path), "无记录"))
        yield from ghosts
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.name in accounted:
                continue
            if path.suffix in _OWN_SUFFIXES and path.stem in stems:
                continue
            yield case, "归档中有不属于任何清单的文件", str(path), "无记录"


def verify(db: DbEngine, root: Path) -> list[Discrepancy]:
    """Every rendered letter checked against its files, its manifest and the database, and
    every archive file that no letter accounts for. Pending letters (files still to be written
    by ``casework letters render``) and temporary files are not differences: ``pending`` and
    ``temp_files`` list them."""
    with db.connect() as conn:
        db_id = database_id(conn)
        if conn.scalar(select(LETTERS.c.id).limit(1)) is None and not root.exists():
            return []
    found: list[Discrepancy] = []
    known: set[int] = set()
    owned: dict[str, set[str]] = {}
    for row in _rows(db):
        known.add(row.id)
        owned.setdefault(row.directory, set()).add(row.stem)
        if sha256(row.html.encode()) != row.content_hash:
            found.append(
                Discrepancy(
                    row.case_id,
                    f"文书 {row.id}（{row.number}） 数据库中的正文与其哈希",
                    sha256(row.html.encode()),
                    row.content_hash,
                )
            )
        if row.render_status != RENDERED:
            continue
        found.extend(
            Discrepancy(row.case_id, w, s, d) for w, s, d in _check_letter(root, row, db_id)
        )
    if root.is_dir():
        found.extend(Discrepancy(c, w, s, d) for c, w, s, d in _strays(root, db_id, owned, known))
    return found


@dataclass(frozen=True)
class PendingLetter:
    """A letter whose files are not all written yet (and why, after a failed attempt)."""

    id: int
    case_id: int
    number: str
    formats: str
    attempts: int
    error: str | None
    claim: str | None


def pending(db: DbEngine, *, failed_only: bool = False) -> list[PendingLetter]:
    """The pending letters, oldest first (``failed_only``: those an attempt failed on)."""
    query = (
        select(
            LETTERS.c.id,
            LETTERS.c.case_id,
            LETTERS.c.number,
            LETTERS.c.formats,
            LETTERS.c.render_attempts,
            LETTERS.c.render_error,
            LETTERS.c.render_claim,
        )
        .where(LETTERS.c.render_status == PENDING)
        .order_by(LETTERS.c.id)
    )
    if failed_only:
        query = query.where(LETTERS.c.render_error.is_not(None))
    with db.connect() as conn:
        return [PendingLetter(*row) for row in conn.execute(query)]


@dataclass(frozen=True)
class ArchiveNotes:
    """What ``casework verify`` says about the archive besides differences: letters whose files
    are still to be written, and temporary files (stale: their writer is gone)."""

    pending: list[PendingLetter]
    temp_files: list[Path]
    stale_temp_files: list[Path]

    @property
    def failed(self) -> list[PendingLetter]:
        return [p for p in self.pending if p.error]

    def to_dict(self) -> dict[str, Any]:
        return {
            "pending": len(self.pending),
            "failed": [
                {"id": p.id, "case_id": p.case_id, "number": p.number, "error": p.error}
                for p in self.failed
            ],
            "temp_files": [str(p) for p in self.temp_files],
            "stale_temp_files": [str(p) for p in self.stale_temp_files],
        }


def notes(db: DbEngine, root: Path) -> ArchiveNotes:
    found = temp_files(root)
    return ArchiveNotes(pending(db), found, [p for p in found if temp_file_stale(p)])
