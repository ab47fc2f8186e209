"""The hash chain of a case's events: each event's hash covers its content and the previous
event's hash, from ``GENESIS`` (keyed with a chain key kept outside the database since migration
0008: casework/store/chain_keys.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime
from typing import Any

from casework.domain.roles import Actor

GENESIS = "0" * 64


def event_hash(
    *,
    case_id: int,
    seq: int,
    move: str,
    from_state: str,
    to_state: str,
    actor: Actor,
    on: date,
    recorded_at: datetime,
    payload: dict[str, Any],
    prev_hash: str,
    key: bytes | None = None,
) -> str:
    """The hash of an event: over its content and the previous event's hash (a per-case chain).

    With ``key`` (every event since migration 0008) an HMAC-SHA256 keyed with a chain key kept
    outside the database (``chain_keys``), which no one can recompute without that key; without,
    the plain SHA-256 of the events written before the database had a key."""
    body = json.dumps(
        {
            "case": case_id,
            "seq": seq,
            "move": move,
            "from": from_state,
            "to": to_state,
            "actor": [actor.name, actor.role, actor.unit],
            "on": on.isoformat(),
            # Databases hand datetimes back in UTC: hash the instant, not its rendering.
            "at": recorded_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "payload": payload,
            "prev": prev_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    if key is None:
        return hashlib.sha256(body).hexdigest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()
