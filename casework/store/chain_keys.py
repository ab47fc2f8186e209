"""The keys of the event chain: HMAC-SHA256 keys kept outside the database, in a key file.

Every event carries the hash of the case's previous event; since migration 0008 that hash is an
HMAC-SHA256 keyed with the current key of the key file, and the event records the key's id
(``events.key_id``; NULL: an event written before the database had a key, hashed with plain
SHA-256). Someone who can edit the database but cannot read the key file can no longer re-hash
an edited chain (docs/operations.md, "The event-chain key and checkpoints").

The key file (TOML, mode 0600)::

    current = "k2"            # signs new events and checkpoints
    legacy_cases_upto = 152   # written when the file was made: later cases have no unkeyed event

    [keys]
    k1 = "9f2c…"              # 64 hex digits; older keys stay, to verify what they signed
    k2 = "41d0…"

Its path is ``Settings.chain_key_file`` (``CASEWORK_CHAIN_KEY_FILE``), else ``<name>.key`` beside
a SQLite database file ``<name>.db``, else ``casework-chain.key`` in the working directory. The
engine creates it the first time it signs something and none exists (``KeyFile.signing_key``);
reading (``KeyFile.ring``, verify) never creates it. ``KeyFile.rotate`` adds a new current key.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, func, select
from sqlalchemy.engine import make_url

from casework.errors import CaseworkError
from casework.store.files import fsync_dir
from casework.store.tables import CASES as _CASES

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")  # events.key_id is 16 characters
KEY_BYTES = 32  # a new key: 256 bits
MIN_KEY_BYTES = 16
DEFAULT_NAME = "casework-chain.key"


def default_key_file(database_url: str) -> Path:
    """``<name>.key`` beside a SQLite database file ``<name>.db``, else ``casework-chain.key`` in
    the working directory (as the letter archive's default, one key file per database)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database).resolve()
        return database.parent / f"{database.stem}.key"
    return Path(DEFAULT_NAME).resolve()


@dataclass(frozen=True)
class ChainKey:
    """One key: its id (recorded with what it signs) and its secret."""

    id: str
    secret: bytes = field(repr=False)


@dataclass(frozen=True)
class KeyRing:
    """The keys of a key file: ``current`` signs, every key verifies what it signed."""

    path: Path
    keys: Mapping[str, bytes] = field(repr=False)
    current: str
    # The highest case id when the file was made (None: not recorded, e.g. a file written by
    # hand): every event of a later case must be keyed.
    legacy_cases_upto: int | None = None

    def signing(self) -> ChainKey:
        return ChainKey(self.current, self.keys[self.current])

    def get(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)


def _problem(path: Path, why: str) -> CaseworkError:
    return CaseworkError(
        f"事件链密钥文件 {path} 有误：{why}"
        "（见 docs/operations.md 的 The event-chain key and checkpoints 一节）",
        field="chain_key_file",
        rule="a readable chain key file",
    )


def parse_key_file(path: Path, data: bytes) -> KeyRing:
    """The keys of a key file's bytes; ``CaseworkError`` naming the problem otherwise."""
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise _problem(path, f"不是 UTF-8 的 TOML 文件（{err}）") from None
    raw_keys = doc.get("keys")
    if not isinstance(raw_keys, dict) or not raw_keys:
        raise _problem(path, "缺少 [keys] 一节或其中没有密钥")
    keys: dict[str, bytes] = {}
    for key_id, value in raw_keys.items():
        if not KEY_ID.match(key_id):
            raise _problem(path, f"密钥编号 {key_id!r} 应为 1–16 个字母、数字、- 或 _")
        try:
            secret = bytes.fromhex(value) if isinstance(value, str) else b""
        except ValueError:
            secret = b""
        if len(secret) < MIN_KEY_BYTES:
            raise _problem(
                path, f"密钥 {key_id} 应为至少 {MIN_KEY_BYTES * 2} 位十六进制数（建议 64 位）"
            )
        keys[key_id] = secret
    current = doc.get("current")
    if not isinstance(current, str) or current not in keys:
        raise _problem(path, f"current = {current!r} 不是 [keys] 中的密钥编号")
    legacy = doc.get("legacy_cases_upto")
    if legacy is not None and (not isinstance(legacy, int) or isinstance(legacy, bool)):
        raise _problem(path, "legacy_cases_upto 应为整数")
    return KeyRing(path, keys, current, legacy)


def render_key_file(ring: KeyRing) -> bytes:
    lines = [
        "# casework 事件链密钥（HMAC-SHA256）。妥善保管并单独备份；不要删除旧密钥：",
        "# 它们用于校验自己签过的事件和检查点。轮换：casework key rotate。",
        f'current = "{ring.current}"',
    ]
    if ring.legacy_cases_upto is not None:
        lines.append(f"legacy_cases_upto = {ring.legacy_cases_upto}")
    lines += ["", "[keys]"]
    lines += [f'{key_id} = "{secret.hex()}"' for key_id, secret in ring.keys.items()]
    return ("\n".join(lines) + "\n").encode()


def _next_id(keys: Mapping[str, bytes]) -> str:
    numbers = [int(k[1:]) for k in keys if re.fullmatch(r"k\d+", k)]
    return f"k{max(numbers, default=0) + 1}"


class KeyFile:
    """The key file at ``path``: read when needed (again when it changes), created when the
    engine first signs something and there is none."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._cached: tuple[tuple[int, int, int], KeyRing] | None = None

    def ring(self) -> KeyRing | None:
        """The keys; None when there is no key file (nothing is created). A file that cannot be
        read or parsed raises ``CaseworkError``."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise _problem(self.path, f"无法读取（{err.strerror or err}）") from None
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        cached = self._cached
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            data = self.path.read_bytes()
        except OSError as err:
            raise _problem(self.path, f"无法读取（{err.strerror or err}）") from None
        ring = parse_key_file(self.path, data)
        self._cached = (stamp, ring)
        return ring

    def signing_key(self, conn: Connection) -> ChainKey:
        """The current key; creates the key file (one new key, mode 0600) when there is none.
        ``conn`` is the caller's: the highest case id it sees is recorded in a new file."""
        ring = self.ring()
        if ring is None:
            with self._lock:
                ring = self.ring()
                if ring is None:
                    highest = conn.scalar(select(func.max(_CASES.c.id))) or 0
                    first = KeyRing(
                        self.path, {"k1": secrets.token_bytes(KEY_BYTES)}, "k1", highest
                    )
                    ring = self._create(first)
        return ring.signing()

    def rotate(self) -> KeyRing:
        """Add a new key and make it current (the old ones stay, to verify what they signed).
        Returns the keys now in force. With no key file yet there is nothing to rotate: the
        first event or checkpoint makes it."""
        with self._lock:
            ring = self.ring()
            if ring is None:
                raise CaseworkError(
                    f"事件链密钥文件 {self.path} 尚不存在：第一次办理或 casework checkpoint 时"
                    "自动生成，无需轮换",
                    field="chain_key_file",
                    rule="rotate an existing key file",
                )
            key_id = _next_id(ring.keys)
            rotated = KeyRing(
                self.path,
                {**ring.keys, key_id: secrets.token_bytes(KEY_BYTES)},
                key_id,
                ring.legacy_cases_upto,
            )
            tmp = self._temp(render_key_file(rotated))
            os.replace(tmp, self.path)
            fsync_dir(self.path.parent)
            self._cached = None
            found = self.ring()
            assert found is not None
            return found

    def _temp(self, data: bytes) -> Path:
        folder = self.path.parent
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.")  # mode 0600
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as err:
            raise _problem(self.path, f"无法写入（{err.strerror or err}）") from None
        return Path(name)

    def _create(self, ring: KeyRing) -> KeyRing:
        """Write a new key file unless another process made one first (then that one is used):
        the whole file appears at once (a hard link to a finished temporary file)."""
        tmp = self._temp(render_key_file(ring))
        try:
            os.link(tmp, self.path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(tmp.read_bytes())
                    fh.flush()
                    os.fsync(fh.fileno())
        finally:
            tmp.unlink(missing_ok=True)
        fsync_dir(self.path.parent)
        found = self.ring()
        if found is None:
            raise _problem(self.path, "写入后读不到")
        return found
