"""Checkpoints of the event chain, signed and kept in the letter archive, outside the database.

Once a day (the nightly job, ``casework checkpoint``) the head of every case's chain — its id,
its number of events and the hash of its last event, read from the events themselves — and the
highest case id are written as ``<archive root>/checkpoints/YYYY-MM-DD.json``, a manifest
signed (HMAC-SHA256) with the current chain key (casework/store/chain_keys.py). A chain's
events are keyed, but deleting its last events, or a whole case, leaves a valid chain behind:
the checkpoint remembers what was there. ``verify`` reads the newest checkpoint whose signature
holds and reports, against it:

- a case missing, a case with fewer events than checkpointed, another hash at the checkpointed
  event, a highest case id lower than checkpointed (the last cases deleted);
- an unkeyed event written after it (a chain re-hashed without the key);
- every newer checkpoint file that is not valid (bad signature, unknown key, unreadable, a
  file renamed to another day), and a checkpoint of another database.

A checkpoint is written only when the database agrees with the newest one, so a tail deleted
today is not blessed by tonight's checkpoint: the command exits 1 with the differences and the
nightly job logs them. Checkpoints of the last 31 days are kept, and the first of each month
before that. The archive's letter checks skip the folder (it holds no ``<year>/<case>``
folders).
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, func, select, tuple_

from casework.engine.integrity import CheckpointResult
from casework.errors import CaseworkError
from casework.letters.archive import configured_root, database_id, write_files
from casework.store.chain_keys import KeyRing
from casework.store.event_chain import GENESIS
from casework.store.tables import CASES, EVENTS
from casework.views import Discrepancy

if TYPE_CHECKING:
    from casework.engine import Engine

FOLDER = "checkpoints"
FORMAT = "casework-checkpoint/1"
KEEP_DAYS = 31
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
_BATCH = 500


@dataclass(frozen=True)
class Checkpoint:
    """One valid checkpoint: the chain heads of a database on a day."""

    path: Path
    day: date
    database_id: str
    highest_case_id: int
    heads: dict[int, tuple[int, str]]  # case id -> (events, hash of the last one)
    key_id: str


class InvalidCheckpoint(Exception):
    """A checkpoint file that cannot be trusted (the reason is the message)."""


def folder_of(engine: Engine) -> Path | None:
    """``<archive root>/checkpoints`` of the engine's database (None: the letter settings
    cannot be read, which the letters' own checks report)."""
    root = configured_root(engine.settings, engine.db)
    return root / FOLDER if root is not None else None


# ---------------------------------------------------------------- signing and reading


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _signature(body: dict[str, Any], secret: bytes) -> str:
    return hmac.new(secret, _canonical(body), sha256).hexdigest()


def read(path: Path, ring: KeyRing | None) -> Checkpoint:
    """The checkpoint in ``path`` if its signature holds; ``InvalidCheckpoint`` otherwise."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise InvalidCheckpoint(f"无法读取：{err}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("signature"), str):
        raise InvalidCheckpoint("没有签名")
    signature = doc.pop("signature")
    key_id = str(doc.get("key_id"))
    secret = ring.get(key_id) if ring is not None else None
    if secret is None:
        where = (
            f"不在密钥文件 {ring.path} 中"
            if ring is not None
            else "无法读取（没有或读不了密钥文件）"
        )
        raise InvalidCheckpoint(f"签名密钥 {key_id} {where}，无法校验签名")
    if not hmac.compare_digest(signature, _signature(doc, secret)):
        raise InvalidCheckpoint("签名不符：文件在签名后被改动")
    try:
        day = date.fromisoformat(str(doc["day"]))
        heads = {int(c): (int(n), str(h)) for c, n, h in doc["cases"]}
        checkpoint = Checkpoint(
            path, day, str(doc["database_id"]), int(doc["highest_case_id"]), heads, key_id
        )
    except (KeyError, TypeError, ValueError) as err:
        raise InvalidCheckpoint(f"内容不完整：{err!r}") from None
    if doc.get("format") != FORMAT:
        raise InvalidCheckpoint(f"格式 {doc.get('format')!r} 不是 {FORMAT}")
    if path.name != f"{day.isoformat()}.json":
        raise InvalidCheckpoint(f"文件名与其日期 {day} 不符（旧检查点被改名？）")
    return checkpoint


def _day(path: Path) -> date | None:
    match = _NAME.match(path.name)
    try:
        return date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        return None


def _files(folder: Path) -> list[Path]:
    """Checkpoint files (``YYYY-MM-DD.json``), newest day first."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if _day(p) is not None), reverse=True)


def newest(folder: Path, ring: KeyRing | None) -> tuple[Checkpoint | None, list[Discrepancy]]:
    """The newest valid checkpoint, and a difference for every newer file that is not valid."""
    problems: list[Discrepancy] = []
    for path in _files(folder):
        try:
            return read(path, ring), problems
        except InvalidCheckpoint as why:
            problems.append(Discrepancy(0, f"checkpoint {path.name}", str(why), "有效的签名检查点"))
    return None, problems


# ---------------------------------------------------------------- comparing


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _BATCH):
        yield ids[start : start + _BATCH]


def differences(conn: Connection, checkpoint: Checkpoint) -> list[Discrepancy]:
    """What the database lost or re-hashed since ``checkpoint``."""
    day = checkpoint.day.isoformat()
    ours = database_id(conn)
    if checkpoint.database_id != ours:
        return [
            Discrepancy(
                0,
                f"checkpoint {day} database_id",
                ours,
                f"{checkpoint.database_id}（另一个数据库）",
            )
        ]
    out: list[Discrepancy] = []
    highest = conn.scalar(select(func.max(CASES.c.id))) or 0
    if highest < checkpoint.highest_case_id:
        out.append(
            Discrepancy(
                checkpoint.highest_case_id,
                f"checkpoint {day} highest case id",
                highest,
                checkpoint.highest_case_id,
            )
        )
    for batch in _batches(sorted(checkpoint.heads)):
        present = set(conn.scalars(select(CASES.c.id).where(CASES.c.id.in_(batch))))
        counts = dict(
            conn.execute(
                select(EVENTS.c.case_id, func.max(EVENTS.c.seq))
                .where(EVENTS.c.case_id.in_(batch))
                .group_by(EVENTS.c.case_id)
            ).all()
        )
        pairs = [(case, checkpoint.heads[case][0]) for case in batch if checkpoint.heads[case][0]]
        hashes = (
            {
                (row.case_id, row.seq): row.hash
                for row in conn.execute(
                    select(EVENTS.c.case_id, EVENTS.c.seq, EVENTS.c.hash).where(
                        tuple_(EVENTS.c.case_id, EVENTS.c.seq).in_(pairs)
                    )
                )
            }
            if pairs
            else {}
        )
        for case in batch:
            events, head = checkpoint.heads[case]
            if case not in present:
                out.append(
                    Discrepancy(case, f"checkpoint {day} case", "缺失", f"存在（{events} 个事件）")
                )
            elif counts.get(case, 0) < events:
                out.append(
                    Discrepancy(case, f"checkpoint {day} event count", counts.get(case, 0), events)
                )
            elif events and hashes.get((case, events)) != head:
                out.append(
                    Discrepancy(
                        case,
                        f"checkpoint {day} event {events} hash",
                        hashes.get((case, events)),
                        head,
                    )
                )
    unkeyed = conn.execute(
        select(EVENTS.c.case_id, func.max(EVENTS.c.seq))
        .where(EVENTS.c.key_id.is_(None))
        .group_by(EVENTS.c.case_id)
        .order_by(EVENTS.c.case_id)
    ).all()
    for case, seq in unkeyed:
        if seq > checkpoint.heads.get(case, (0, ""))[0]:
            out.append(
                Discrepancy(
                    case,
                    f"checkpoint {day} unkeyed event {seq}",
                    "未签名",
                    "检查点之后写入的事件都应有密钥签名",
                )
            )
    return out


def chain_heads(conn: Connection) -> tuple[list[tuple[int, int, str]], list[Discrepancy]]:
    """Every case's (id, events, hash of the last event), read from the events in one
    statement (one snapshot), and the cases whose row does not name that head."""
    last = (
        select(EVENTS.c.case_id, func.max(EVENTS.c.seq).label("seq"))
        .group_by(EVENTS.c.case_id)
        .subquery()
    )
    head = EVENTS.alias("head")
    rows = conn.execute(
        select(CASES.c.id, CASES.c.event_count, CASES.c.last_event_hash, last.c.seq, head.c.hash)
        .select_from(
            CASES.outerjoin(last, last.c.case_id == CASES.c.id).outerjoin(
                head, and_(head.c.case_id == CASES.c.id, head.c.seq == last.c.seq)
            )
        )
        .order_by(CASES.c.id)
    ).all()
    heads: list[tuple[int, int, str]] = []
    mismatched: list[Discrepancy] = []
    for case, count, last_hash, seq, digest in rows:
        found = (seq or 0, digest or GENESIS)
        heads.append((case, *found))
        if (count, last_hash) != found:
            mismatched.append(Discrepancy(case, "chain head", [count, last_hash], list(found)))
    return heads, mismatched


# ---------------------------------------------------------------- the check and the writer


def verify(engine: Engine) -> list[Discrepancy]:
    """The database against its newest valid checkpoint (nothing when there is none yet)."""
    folder = folder_of(engine)
    if folder is None or not _files(folder):
        return []
    try:
        ring = engine.keys.ring()
    except CaseworkError:
        ring = None  # the chain check reports the key file; no checkpoint can be read
    checkpoint, problems = newest(folder, ring)
    if checkpoint is None:
        return problems
    with engine.db.connect() as conn:
        return problems + differences(conn, checkpoint)


def newest_day(engine: Engine) -> date | None:
    """The day of the newest checkpoint file (valid or not), for ``casework verify``'s note."""
    folder = folder_of(engine)
    files = _files(folder) if folder is not None else []
    return _day(files[0]) if files else None


def write(engine: Engine, now: datetime) -> CheckpointResult:
    """Write the checkpoint of ``now``'s day, unless the database contradicts the newest one."""
    folder = folder_of(engine)
    if folder is None:
        raise CaseworkError(
            "无法确定文书归档目录（states/letters.toml 有误，见 casework states check），"
            "检查点未写入",
            field="archive_root",
            rule="checkpoints are written into the letter archive",
        )
    day = now.date()
    with engine.db.connect() as conn:
        key = engine.keys.signing_key(conn)  # the first signature makes the key file
        ring = engine.keys.ring()
        previous, found = newest(folder, ring)
        heads, mismatched = chain_heads(conn)
        found += mismatched
        if previous is not None:
            found += differences(conn, previous)
        db_id = database_id(conn)
    highest = max((case for case, _, _ in heads), default=0)
    if found:
        return CheckpointResult(day, None, len(heads), highest, key.id, found)
    body = {
        "format": FORMAT,
        "database_id": db_id,
        "day": day.isoformat(),
        "written_at": now.isoformat(timespec="seconds"),
        "highest_case_id": highest,
        "cases": [list(h) for h in heads],
        "key_id": key.id,
    }
    signed = {**body, "signature": _signature(body, key.secret)}
    data = json.dumps(signed, ensure_ascii=False, indent=1).encode()
    name = f"{day.isoformat()}.json"
    write_files(folder, [(name, data)])
    removed = _prune(folder, day)
    return CheckpointResult(day, folder / name, len(heads), highest, key.id, removed=removed)


def _prune(folder: Path, day: date) -> list[Path]:
    """Remove checkpoints older than ``KEEP_DAYS`` but the first of each month."""
    removed = []
    for path in _files(folder)[1:]:
        written = _day(path)
        if written is not None and written < day - timedelta(days=KEEP_DAYS) and written.day != 1:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
