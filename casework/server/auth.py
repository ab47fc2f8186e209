"""Who is calling: the API key of the ``Authorization: Bearer`` header, checked against the
``api_keys`` table (casework/apikeys.py). A request acts with the key's person's role and unit,
with the same scoping as the CLI; its log line and the events it writes name the key's id."""

from __future__ import annotations

from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from casework.apikeys import Credential, KeyChecker
from casework.settings import TIMEZONE

KEY_SCOPE = "casework.key"  # the key id, for the request log


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


async def authenticate(request: Request) -> Credential:
    checker: KeyChecker = request.app.state.keys
    credential = await run_in_threadpool(
        checker.check, presented_key(request), datetime.now(TIMEZONE)
    )
    request.scope[KEY_SCOPE] = credential.key_id
    return credential
