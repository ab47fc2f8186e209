"""``GET /healthz``: the database answers, its schema is at the newest migration, and which
years the working-day calendar knows (from when due dates are counted provisionally). 200 when
healthy, 503 otherwise; no key needed and nothing personal in it."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from casework.engine import Engine
from casework.service_reads import health


async def healthz(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    found = await run_in_threadpool(health, engine)
    body = {
        "status": "ok" if found.ok else "failing",
        "database": found.database,
        "schema": found.schema,
        "calendar": {
            "known_to": found.calendar_known_to,
            "provisional_from": (
                found.provisional_from.isoformat() if found.provisional_from else None
            ),
        },
        "detail": found.detail,
    }
    return JSONResponse(body, status_code=200 if found.ok else 503)
