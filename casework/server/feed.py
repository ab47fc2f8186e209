"""``GET /events?after=<cursor>``: the events feed, so that the platform can mirror each case's
state without polling every case (casework/service_reads.py reads it)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from casework.engine import Engine
from casework.server.auth import authenticate
from casework.server.params import only, whole
from casework.service_reads import MAX_PAGE, events_after


async def events(request: Request) -> Response:
    credential = await authenticate(request)
    query = only(request, ("after", "limit"))
    limit = whole(query["limit"], "limit", 1, MAX_PAGE) if "limit" in query else 100
    engine: Engine = request.app.state.engine
    page = await run_in_threadpool(
        lambda: events_after(engine, actor=credential.actor, after=query.get("after"), limit=limit)
    )
    return JSONResponse({"events": [e.to_dict() for e in page.events], "next": page.next})
