"""The applicant's status code: printed on the registration receipt, asked by the progress
lookup (``GET /status/{receipt_number}?code=…`` of the HTTP service).

The code is derived, not stored: ``HMAC-SHA256(key, "status:<case id>")``, its first 40 bits
written as 8 characters of Crockford's base 32 (no I, L, O, U) in two groups, e.g. ``7KQ2-M9XD``.
The key is a random secret of the installation, made by migration 0009 (table
``service_secrets``, never shown), so the CLI that prints a receipt and the service that checks
a lookup agree without configuration, and nobody can compute a code from a receipt number.
A lookup accepts the code in either case, with or without the hyphen or spaces, and reads
``O``/``I``/``L`` as ``0``/``1``/``1``. Receipts issued before migration 0009 carry no code;
the code of such a case exists all the same (reissue the receipt to print it).
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import Connection
from sqlalchemy import Engine as DbEngine

from casework.errors import CaseworkError
from casework.store import service_queries as q

SECRET_NAME = "status_code"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
LENGTH = 8


def _key(conn: Connection) -> bytes:
    value = q.secret(conn, SECRET_NAME)
    if value is None:
        raise CaseworkError(
            "数据库中没有查询码密钥：请运行 casework db upgrade（迁移 0009 生成它）",
            rule="status code key made by migration 0009",
        )
    return value.encode()


def derive(key: bytes, case_id: int) -> str:
    digest = hmac.new(key, f"status:{case_id}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:5], "big")
    chars = "".join(_ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5))
    return f"{chars[:4]}-{chars[4:]}"


def status_code(conn: Connection, case_id: int) -> str:
    """The code of a case (on the caller's connection: the receipt is rendered in the move)."""
    return derive(_key(conn), case_id)


def normalize(code: str) -> str:
    return code.upper().translate(_READ_AS)


def code_matches(db: DbEngine, case_id: int, presented: str) -> bool:
    """Whether ``presented`` is the code of ``case_id`` (constant-time comparison; the case
    need not exist, so an unknown number and a wrong code take the same path)."""
    with db.connect() as conn:
        expected = status_code(conn, case_id).replace("-", "")
    return hmac.compare_digest(normalize(presented).encode(), expected.encode())
