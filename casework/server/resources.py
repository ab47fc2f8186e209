"""The case resources: register, move, read a case, the worklist, a case's letters and a
letter's file. Each handler authenticates, checks the request, calls the engine once in a
worker thread and answers JSON; every refusal is a ``CaseworkError`` answered as a problem."""

from __future__ import annotations

import threading
import weakref
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from casework.domain.roles import Actor
from casework.engine import Engine
from casework.engine.access import masked_view
from casework.letters.listing import LetterView, get_letter, list_letters
from casework.server.auth import authenticate
from casework.server.bodies import (
    BodySchema,
    check_content_type,
    json_object,
    parse_json,
    read_body,
)
from casework.server.params import flag, only, path_id, whole
from casework.server.problems import ServiceProblem
from casework.server.schemas import FORMATS
from casework.service_reads import first_recorded_at
from casework.settings import TIMEZONE
from casework.views import CaseView

_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, AbstractContextManager[Any]] = (
    weakref.WeakKeyDictionary()
)
# Keyword names of Engine.move itself: an input of that name would collide with them.
RESERVED_INPUTS = frozenset({"case_id", "move", "actor", "now", "expected_version"})


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _case_response(view: CaseView, status: int = 200, **headers: str) -> JSONResponse:
    return JSONResponse(
        view.to_dict(), status_code=status, headers={"ETag": f'"{view.version}"', **headers}
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def writing(engine: Engine) -> AbstractContextManager[Any]:
    """SQLite has one writer at a time: moves queue on a lock of this process, handed over at
    once, rather than in SQLite's busy handler, which sleeps and polls (long tails under load).
    PostgreSQL writers run side by side."""
    lock: AbstractContextManager[Any] = _WRITE_LOCKS.setdefault(
        engine, threading.Lock() if engine.db.dialect.name == "sqlite" else nullcontext()
    )
    return lock


def _register(engine: Engine, actor: Actor, body: dict[str, Any]) -> tuple[CaseView, bool]:
    now = datetime.now(TIMEZONE)
    inputs = dict(body)
    on = inputs.pop("on", None)
    with writing(engine):
        view = engine.register(actor, on=on, now=now, **inputs)
    created = True
    if inputs.get("reference"):
        # A repeat (or the loser of a race) gets the case registered earlier: its first event
        # was recorded at another moment than this call's.
        created = _utc(first_recorded_at(engine, view.id)) == _utc(now)
    return masked_view(view), created


async def register(request: Request) -> Response:
    credential = await authenticate(request)
    state = request.app.state
    body = await json_object(request, state.settings.max_body, state.registration)
    view, created = await run_in_threadpool(_register, _engine(request), credential.actor, body)
    state.letter_writer.wake()
    location = request.url_for("case", case_id=str(view.id)).path
    return _case_response(view, 201 if created else 200, Location=location)


def _version(request: Request) -> int:
    raw = request.headers.get("if-match")
    if raw is None:
        raise ServiceProblem(
            428,
            "办理动作须带 If-Match 请求头：你读到的案件版本（GET /cases/{id} 的 ETag）",
            error="PreconditionRequired",
            field="if-match",
            rule="moves name the version they were decided on",
        )
    text = raw.strip().removeprefix("W/").strip('"')
    try:
        return whole(text, "if-match")
    except ServiceProblem as err:
        err.status = 400
        raise


async def _move_body(request: Request, limit: int, schema: BodySchema) -> dict[str, Any]:
    if request.headers.get("content-type") is None:
        raw = await read_body(request, limit)
        if not raw.strip():
            return {}  # a move without inputs may be posted without a body
        check_content_type(request)
        return schema.check(parse_json(raw))
    return await json_object(request, limit, schema)


def _move(
    engine: Engine, case_id: int, move: str, actor: Actor, version: int, body: dict[str, Any]
) -> CaseView:
    inputs = dict(body)
    on = inputs.pop("on", None)
    reserved = sorted(RESERVED_INPUTS & set(inputs))
    if reserved:
        raise ServiceProblem(
            422,
            f"动作 {move} 不接受输入 {'、'.join(reserved)}",
            error="InvalidInput",
            field=reserved[0],
            move=move,
            case=case_id,
            rule="declared inputs of the move",
        )
    now = datetime.now(TIMEZONE)
    with writing(engine):
        view = engine.move(case_id, move, actor, on=on, now=now, expected_version=version, **inputs)
    return masked_view(view)


async def make_move(request: Request) -> Response:
    credential = await authenticate(request)
    case_id = path_id(request, "case_id")
    move = str(request.path_params["move"])
    version = _version(request)
    state = request.app.state
    body = await _move_body(request, state.settings.max_body, state.move_inputs)
    view = await run_in_threadpool(
        _move, _engine(request), case_id, move, credential.actor, version, body
    )
    state.letter_writer.wake()
    return _case_response(view)


async def read_case(request: Request) -> Response:
    credential = await authenticate(request)
    case_id = path_id(request, "case_id")
    only(request, ())
    engine = _engine(request)
    view = await run_in_threadpool(lambda: engine.case(case_id, actor=credential.actor))
    return _case_response(view)


async def worklist(request: Request) -> Response:
    credential = await authenticate(request)
    query = only(request, ("unit", "overdue", "due_within", "flow", "limit"))
    options: dict[str, Any] = {}
    if "unit" in query:
        options["unit"] = query["unit"]
    if "flow" in query:
        options["flow"] = query["flow"]
    if "overdue" in query:
        options["overdue"] = flag(query["overdue"], "overdue")
    if "due_within" in query:
        options["due_within"] = whole(query["due_within"], "due_within", 0, 400)
    if "limit" in query:
        options["limit"] = whole(query["limit"], "limit", 1, 1000)
    engine = _engine(request)
    items = await run_in_threadpool(
        lambda: engine.worklist(actor=credential.actor, now=datetime.now(TIMEZONE), **options)
    )
    return JSONResponse({"items": [item.to_dict() for item in items]})


def _letter_json(request: Request, letter: LetterView) -> dict[str, Any]:
    def address(fmt: str) -> str:
        return request.url_for("letter", letter_id=str(letter.id), format=fmt).path

    produced = {fmt for fmt, path in letter.files.items() if path}
    return {
        "id": letter.id,
        "case_id": letter.case_id,
        "kind": letter.kind,
        "title": letter.title,
        "number": letter.number,
        "unit": letter.unit,
        "issued_on": letter.issued_on.isoformat(),
        "issued_at": letter.issued_at.isoformat(),
        "move": letter.move,
        "render_status": letter.render_status,
        # The HTML is the letter as issued (kept in the database); PDF and DOCX once written.
        "files": {
            fmt: address(fmt) if fmt == "html" or fmt in produced else None for fmt in FORMATS
        },
    }


async def case_letters(request: Request) -> Response:
    credential = await authenticate(request)
    case_id = path_id(request, "case_id")
    only(request, ())
    engine = _engine(request)

    def read() -> list[LetterView]:
        engine.case(case_id, actor=credential.actor)  # 404 / 403 before listing
        return list_letters(engine, actor=credential.actor, case_id=case_id)

    letters = await run_in_threadpool(read)
    return JSONResponse({"letters": [_letter_json(request, letter) for letter in letters]})


async def letter_file(request: Request) -> Response:
    credential = await authenticate(request)
    letter_id = path_id(request, "letter_id")
    fmt = str(request.path_params["format"])
    only(request, ())
    if fmt not in FORMATS:
        raise ServiceProblem(
            404,
            f"文书格式 {fmt[:20]!r} 不存在；可选：{'、'.join(FORMATS)}",
            error="NotFound",
            field="format",
            rule="letter formats",
        )
    engine = _engine(request)
    letter, html = await run_in_threadpool(
        lambda: get_letter(engine, letter_id, actor=credential.actor)
    )
    if fmt == "html":
        return Response(html, media_type="text/html; charset=utf-8")
    path = letter.files.get(fmt)
    if not path or not Path(path).is_file():
        raise ServiceProblem(
            404,
            f"文书 {letter_id} 没有 {fmt.upper()} 文件（未生成，或尚待 casework letters render）",
            error="NotFound",
            field="format",
            rule="files written by the archive",
        )
    return FileResponse(path, media_type=FORMATS[fmt], filename=Path(path).name)
