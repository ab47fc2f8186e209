"""The ASGI application: routes, middleware (request log, CORS when configured) and the
problem handlers, over one engine obtained from the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from casework.apikeys import KeyChecker
from casework.engine import Engine
from casework.errors import CaseworkError
from casework.server import problems
from casework.server.bodies import BodySchema
from casework.server.config import ServerSettings
from casework.server.feed import events
from casework.server.health import healthz
from casework.server.letter_writer import LetterWriter
from casework.server.logs import RequestLog
from casework.server.openapi import document
from casework.server.resources import (
    case_letters,
    letter_file,
    make_move,
    read_case,
    register,
    worklist,
)
from casework.server.schemas import move_schema, registration_schema
from casework.server.status import RateLimiter, status


def _version() -> str:
    try:
        return package_version("casework")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


async def openapi(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)


def create_app(engine: Engine, settings: ServerSettings | None = None) -> Starlette:
    """The service over ``engine`` (from ``casework.bootstrap.open_engine``)."""
    settings = settings or ServerSettings()
    routes = [
        Route("/applications", register, methods=["POST"], name="applications"),
        Route("/cases/{case_id}", read_case, methods=["GET"], name="case"),
        Route("/cases/{case_id}/moves/{move}", make_move, methods=["POST"], name="move"),
        Route("/cases/{case_id}/letters", case_letters, methods=["GET"], name="case_letters"),
        Route("/worklist", worklist, methods=["GET"], name="worklist"),
        Route("/letters/{letter_id}.{format}", letter_file, methods=["GET"], name="letter"),
        Route("/events", events, methods=["GET"], name="events"),
        Route("/status/{receipt_number}", status, methods=["GET"], name="status"),
        Route("/healthz", healthz, methods=["GET"], name="healthz"),
        Route("/openapi.json", openapi, methods=["GET"], name="openapi"),
    ]
    middleware = [Middleware(RequestLog)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "If-Match"],
                expose_headers=["ETag", "Location"],
            )
        )
    writer = LetterWriter(engine)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        writer.start()
        try:
            yield
        finally:
            writer.stop()

    app = Starlette(
        lifespan=lifespan,
        routes=routes,
        middleware=middleware,
        exception_handlers={
            CaseworkError: problems.casework_error,
            HTTPException: problems.http_error,
            Exception: problems.server_error,
        },
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.letter_writer = writer
    app.state.keys = KeyChecker(engine.db)
    app.state.status_limiter = RateLimiter(settings.status_rate, settings.status_window)
    app.state.registration = BodySchema(registration_schema(engine.workflow), "登记申请")
    app.state.move_inputs = BodySchema(move_schema(), "办理动作")
    app.state.openapi = document(engine.workflow, version=_version())
    return app
