"""API keys of the systems that call the HTTP service (``casework apikey``, ``casework serve``).

A key is ``cwk_<prefix>_<secret>``: the prefix finds its row, the secret (32 random bytes) is
checked against the SHA-256 stored with it; the plain key is shown once, when an administrator
creates it, and is never stored. A fast hash is enough because the secret is random, not a
password: nobody can try 2^256 secrets. Each key is bound to a person of the directory
(``people``): a request acts with that person's role and unit, exactly as the CLI does for
``CASEWORK_USER``, and stops working when the person is deactivated or the key revoked.

Audit: every move made with a key records the actor as ``<person>（API密钥<id>）`` in the
event (like ``（…代录）`` for ``--as``), and the service's request log names the key's id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine as DbEngine

from casework.domain.roles import ROLES, Actor
from casework.errors import CaseworkError, InvalidInput, NotFound, Unauthenticated
from casework.identity import Identity, Person, resolve
from casework.store import service_queries as q
from casework.store.unit_of_work import unit_of_work

KEY_PREFIX = "cwk"
_NAME_LENGTH = 50  # events.actor_name
_LABEL_LENGTH = 100
_TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often per key


@dataclass(frozen=True)
class ApiKey:
    """What ``casework apikey list`` shows (never the key itself)."""

    id: int
    prefix: str
    person: str
    person_name: str
    role: str
    unit: str | None
    label: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    revoked_by: str | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class Credential:
    """The key a request presented and the identity it acts with."""

    key_id: int
    identity: Identity

    @property
    def actor(self) -> Actor:
        person = self.identity.person
        name = f"{person.name}（API密钥{self.key_id}）"[:_NAME_LENGTH]
        return Actor(name, person.role, person.unit)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    db: DbEngine, admin: Person, person_code: str, label: str, now: datetime
) -> tuple[ApiKey, str]:
    """A new key for ``person_code`` (an active person of the directory); returns the key's
    record and the plain key, which is shown once and never stored."""
    label = label.strip()
    if not label or len(label) > _LABEL_LENGTH or not label.isprintable():
        raise InvalidInput(
            f"label：密钥用途说明不能为空，最长 {_LABEL_LENGTH} 字，且为一行文字",
            field="label",
            rule="one line of text",
        )
    person = resolve(db, person_code).person  # refuses an unknown or deactivated person
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    row = {
        "prefix": prefix,
        "secret_hash": _digest(secret),
        "person_code": person.code,
        "label": label,
        "created_at": now,
        "created_by": admin.code,
    }
    with unit_of_work(db) as uow:
        key_id = q.insert_key(uow.conn, row)
    key = ApiKey(
        key_id,
        prefix,
        person.code,
        person.name,
        person.role,
        person.unit,
        label,
        now,
        admin.code,
        None,
        None,
        None,
    )
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


def list_keys(db: DbEngine) -> list[ApiKey]:
    with db.connect() as conn:
        rows = q.select_keys(conn)
    return [
        ApiKey(
            r.id,
            r.prefix,
            r.person_code,
            r.name,
            r.role,
            r.unit_code,
            r.label,
            r.created_at,
            r.created_by,
            r.revoked_at,
            r.revoked_by,
            r.last_used_at,
        )
        for r in rows
    ]


def revoke_key(db: DbEngine, admin: Person, key_id: int, now: datetime) -> bool:
    """Revoke a key; False when it was already revoked (``NotFound`` when there is none)."""
    with unit_of_work(db) as uow:
        if q.key_by_id(uow.conn, key_id) is None:
            raise NotFound(f"没有编号为 {key_id} 的API密钥", field="key", rule="existing keys")
        return q.revoke_key(uow.conn, key_id, admin.code, now)


def _refused(reason: str) -> Unauthenticated:
    return Unauthenticated(
        f"未认证：{reason}（请在请求头 Authorization: Bearer 中提供有效的API密钥，"
        "由管理员用 casework apikey create 签发）",
        field="authorization",
        rule="a valid API key",
    )


class KeyChecker:
    """Checks the keys of requests against the database (one indexed read per request; a
    revoked key or a deactivated person is refused from the next request on)."""

    def __init__(self, db: DbEngine) -> None:
        self.db = db
        self._touched: dict[int, datetime] = {}
        self._lock = threading.Lock()

    def check(self, presented: str | None, now: datetime) -> Credential:
        if not presented:
            raise _refused("请求未携带API密钥")
        parts = presented.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
            raise _refused("API密钥格式不对")
        with self.db.connect() as conn:
            row = q.key_by_prefix(conn, parts[1])
        if row is None or not hmac.compare_digest(row.secret_hash, _digest(parts[2])):
            raise _refused("API密钥无效")
        if row.revoked_at is not None:
            raise _refused(f"API密钥 {row.id} 已被吊销")
        try:
            identity = resolve(self.db, row.person_code)
        except CaseworkError as err:  # deactivated, or no longer in the directory
            raise _refused(f"API密钥 {row.id} 所属人员不可用：{err.message}") from None
        self._touch(row.id, now)
        return Credential(row.id, identity)

    def _touch(self, key_id: int, now: datetime) -> None:
        with self._lock:
            last = self._touched.get(key_id)
            if last is not None and now - last < _TOUCH_EVERY:
                return
            self._touched[key_id] = now
        with unit_of_work(self.db) as uow:
            q.touch_key(uow.conn, key_id, now)


def role_label(role: str) -> str:
    return ROLES[role].label if role in ROLES else role
