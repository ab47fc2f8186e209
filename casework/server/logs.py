"""The request log, through the standard logging module (logger ``casework.server.access``):
one line per request with the method, the path (never the query string: the status lookup's
code is in it), the status, the time taken, the API key's id and the client's address."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casework.server.auth import KEY_SCOPE

access = logging.getLogger("casework.server.access")


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client")
            access.info(
                "%s %s %s %.1fms key=%s client=%s",
                scope["method"],
                scope["path"],
                status["code"],
                (time.perf_counter() - started) * 1000,
                scope.get(KEY_SCOPE, "-"),
                client[0] if client else "-",
            )
