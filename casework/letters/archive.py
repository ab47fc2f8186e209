"""The archive of issued letters (letters/<year>/<case>/): its root, and writing files safely.

Each letter is written as ``<kind>-<unit>-<n>.html`` (and ``.pdf``, ``.docx``) with a manifest
``<kind>-<unit>-<n>.json``: kind, number, template and its hash, content hashes, issued at/by.

The database is the source of truth and files follow it. A move commits its letter's row (the
number, the HTML, the manifest data, the render status ``pending``); only after the COMMIT does
the materializer (casework/letters/materialize.py) write the files, each one atomically (a
temporary file ``.tmp-<host>-<pid>-…`` in the same folder, fsync, rename, fsync of the folder),
and mark the letter ``rendered``. So whenever a process dies, either nothing of the letter
exists, or its row exists and its files appear at the next run; no file ever carries a number
the database does not own. ``casework letters render`` removes the temporary files of dead
writers; casework/letters/archive_verify.py checks the archive against the database.

Root: CASEWORK_LETTERS_DIR, else ``[archive] root`` in states/letters.toml, else
``<name>-letters/`` beside a SQLite database file ``<name>.db``, else ``letters/`` in the working
directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select
from sqlalchemy import Engine as DbEngine

from casework.errors import CaseworkError
from casework.store.files import fsync_dir
from casework.store.tables import LETTER_ARCHIVE

if TYPE_CHECKING:
    from casework.letters.config import LetterSettings
    from casework.settings import Settings

MANIFEST = ".json"
EXTENSIONS = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}
PENDING, RENDERED = "pending", "rendered"
TEMP_PREFIX = ".tmp-"
# A temporary file of a writer on another machine (a shared archive) is left alone this long.
TEMP_GRACE_SECONDS = 3600


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


def root_of(settings: Settings, db: DbEngine) -> Path:
    """The archive root of ``db`` under an engine's ``settings`` (reads states/letters.toml)."""
    from casework.letters.config import load_letter_settings

    letters = load_letter_settings(
        settings.states_dir, formats=settings.letter_formats, archive_root=settings.letters_dir
    )
    return archive_root(letters, db)


def configured_root(settings: Settings, db: DbEngine) -> Path | None:
    """The archive root, or None when states/letters.toml cannot be read (the letters' own
    checks report that)."""
    try:
        return root_of(settings, db)
    except CaseworkError:
        return None


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


# ---------------------------------------------------------------- writing


def host_tag() -> str:
    """A short, file-name-safe name of this machine (in temporary files and claims)."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def process_alive(pid: int) -> bool:
    """Whether a process of this machine with this id is running (a zombie counts as running
    until its parent reaps it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _ensure_folder(folder: Path) -> None:
    """Create the folder (and its year) so that the new entries survive a power cut."""
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for parent in (folder.parent, folder.parent.parent):
        fsync_dir(parent)


def write_files(folder: Path, files: list[tuple[str, bytes]]) -> None:
    """Write each (name, data) atomically into ``folder``: a reader sees the old file or the whole
    new one, never a part, and a crash leaves at most a temporary ``.tmp-…`` file (removed by the
    next ``casework letters render``). The folder is synced once all names are in place."""
    _ensure_folder(folder)
    prefix = f"{TEMP_PREFIX}{host_tag()}-{os.getpid()}-"
    for name, data in files:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    fsync_dir(folder)


def temp_files(root: Path) -> list[Path]:
    """Temporary files left in the archive (a writer still at work, or one that died)."""
    if not root.is_dir():
        return []
    return sorted(root.glob(f"*/*/{TEMP_PREFIX}*"))


def temp_file_stale(path: Path, now: float | None = None) -> bool:
    """A temporary file whose writer is gone: a dead process of this machine, or (another
    machine's) older than ``TEMP_GRACE_SECONDS``."""
    parts = path.name[len(TEMP_PREFIX) :].split("-")
    if len(parts) >= 2 and parts[0] == host_tag() and parts[1].isdigit():
        return not process_alive(int(parts[1]))
    try:
        age = (now or time.time()) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    return age > TEMP_GRACE_SECONDS


def remove_stale_temp_files(root: Path) -> list[Path]:
    """Remove the temporary files of writers that are gone; returns them."""
    removed = []
    for path in temp_files(root):
        if temp_file_stale(path):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def database_id(conn: Connection) -> str:
    return str(conn.scalar(select(LETTER_ARCHIVE.c.database_id).where(LETTER_ARCHIVE.c.id == 1)))


def manifest(row: Mapping[str, Any], db_id: str, files: dict[str, str | None]) -> bytes:
    """The JSON manifest of one letter (the values of its row); ``files`` maps format → SHA-256
    (None: not produced)."""
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
