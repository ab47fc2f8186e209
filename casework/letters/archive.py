"""The archive of issued letters (letters/<year>/<case>/) and its verification.

Each letter is written as ``<kind>-<unit>-<n>.html`` (and ``.pdf``, ``.docx``) with a manifest
``<kind>-<unit>-<n>.json``: kind, number, template and its hash, content hashes, issued at/by.

Files and the database: a move's files are only *staged* while the move runs. They are written
when the transaction commits (SQLAlchemy's ``commit`` event, after every statement of the move —
parent move and other hooks included — has succeeded, just before the database COMMIT). If a
file cannot be written, the ones already written are removed and the commit is refused, so the
move fails whole. A rollback discards the staged files: nothing was written. The one window left
is the database COMMIT itself failing after the files were written; ``casework verify`` reports
such files (a manifest whose letter is not in the database).

Root: CASEWORK_LETTERS_DIR, else ``[archive] root`` in states/letters.toml, else
``<name>-letters/`` beside a SQLite database file ``<name>.db``, else ``letters/`` in the working
directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, select
from sqlalchemy import Engine as DbEngine

from casework.errors import CaseworkError
from casework.store.letter_tables import ARCHIVE, LETTERS
from casework.views import Discrepancy

if TYPE_CHECKING:
    from casework.letters.config import LetterSettings

MANIFEST = ".json"
EXTENSIONS = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_root(settings: LetterSettings, db: DbEngine) -> Path:
    if settings.archive_root is not None:
        return settings.archive_root.resolve()
    url = db.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        # One archive per database: casework-demo.db keeps its letters apart from casework.db.
        database = Path(url.database).resolve()
        return database.parent / f"{database.stem}-letters"
    return Path("letters").resolve()


def _unwritable(root: Path, why: object) -> CaseworkError:
    return CaseworkError(
        f"文书归档目录 {root} 不可写（{why}）：本次办理未保存；请检查目录权限，"
        "或用 CASEWORK_LETTERS_DIR 指定其他目录",
        field="archive_root",
        rule="letters are archived when issued",
    )


def check_writable(root: Path) -> None:
    """Fail before anything is written (and before a number is taken) if the root is unusable."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as err:
        raise _unwritable(root, err.strerror or err) from None


@dataclass(frozen=True)
class Staged:
    path: Path
    data: bytes


_STAGED: weakref.WeakKeyDictionary[Connection, list[Staged]] = weakref.WeakKeyDictionary()


def _write(path: Path, data: bytes) -> None:
    """Atomic: a reader sees the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _flush(conn: Connection) -> None:
    staged = _STAGED.pop(conn, [])
    written: list[Path] = []
    try:
        for item in staged:
            _write(item.path, item.data)
            written.append(item.path)
    except OSError as err:
        for path in written:
            path.unlink(missing_ok=True)
        root = staged[0].path.parent if staged else Path(".")
        raise _unwritable(root, err.strerror or err) from None


def _discard(conn: Connection) -> None:
    _STAGED.pop(conn, None)


def stage(conn: Connection, files: list[Staged]) -> None:
    """Files to write when this connection's transaction commits (and only then)."""
    if conn not in _STAGED:
        _STAGED[conn] = []
        if not event.contains(conn, "commit", _flush):
            event.listen(conn, "commit", _flush)
            event.listen(conn, "rollback", _discard)
    _STAGED[conn].extend(files)


def database_id(conn: Connection) -> str:
    return str(conn.scalar(select(ARCHIVE.c.database_id).where(ARCHIVE.c.id == 1)))


def manifest(row: dict[str, Any], db_id: str, files: dict[str, str | None]) -> bytes:
    """The JSON manifest of one letter; ``files`` maps format → SHA-256 (None: not produced)."""
    body = {
        "database_id": db_id,
        "letter_id": row["id"],
        "case_id": row["case_id"],
        "kind": row["kind"],
        "number": row["number"],
        "unit": row["unit"],
        "template": row["template"],
        "template_hash": row["template_hash"],
        "content_hash": row["content_hash"],
        "issued_on": row["issued_on"].isoformat(),
        "issued_at": row["issued_at"].isoformat(),
        "issued_by": {
            "name": row["issued_by"],
            "role": row["issued_by_role"],
            "unit": row["issued_by_unit"],
        },
        "move": row["move"],
        "event_seq": row["event_seq"],
        "files": {
            fmt: ({"name": row["stem"] + EXTENSIONS[fmt], "sha256": digest} if digest else None)
            for fmt, digest in files.items()
        },
        "pdf_skipped": row["pdf_skipped"],
    }
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode()


# ---------------------------------------------------------------- verify


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
    """(what, archive value, database value) for every difference of one letter."""
    label = f"文书 {row.id}（{row.number}）"
    out: list[tuple[str, Any, Any]] = []
    if sha256(row.html.encode()) != row.content_hash:
        out.append((f"{label} 数据库中的正文与其哈希", sha256(row.html.encode()), row.content_hash))
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
    digests = {"html": row.content_hash, "pdf": row.pdf_hash, "docx": row.docx_hash}
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


def _strays(root: Path, db_id: str, known: set[int]) -> Iterator[tuple[int, str, Any, Any]]:
    """Archive files of this database that no letter row accounts for."""
    for manifest_path in sorted(root.glob(f"*/*/*{MANIFEST}")):
        try:
            stored = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if stored.get("database_id") != db_id or stored.get("letter_id") in known:
            continue
        case = stored.get("case_id") or 0
        yield case, f"归档中有数据库没有的文书 {stored.get('number')}", str(manifest_path), "无记录"
    for folder in sorted(p for p in root.glob("*/*") if p.is_dir()):
        listed = {folder / (m.stem + MANIFEST) for m in folder.glob(f"*{MANIFEST}")}
        named: set[Path] = set()
        for m in listed:
            try:
                files = json.loads(m.read_text(encoding="utf-8")).get("files", {})
            except (OSError, ValueError):
                continue
            named.update(folder / f["name"] for f in files.values() if f)
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path in listed or path in named:
                continue
            case = int(folder.name) if folder.name.isdigit() else 0
            yield case, "归档中有不属于任何清单的文件", str(path), "无记录"


def verify(db: DbEngine, root: Path) -> list[Discrepancy]:
    """Every letter archived under ``root`` checked against its manifest and the database."""
    with db.connect() as conn:
        db_id = database_id(conn)
        if conn.scalar(select(LETTERS.c.id).limit(1)) is None and not root.exists():
            return []
    found: list[Discrepancy] = []
    known: set[int] = set()
    for row in _rows(db):
        known.add(row.id)
        found.extend(
            Discrepancy(row.case_id, w, s, d) for w, s, d in _check_letter(root, row, db_id)
        )
    found.extend(Discrepancy(c, w, s, d) for c, w, s, d in _strays(root, db_id, known))
    return found
