"""Errors as RFC 9457 problem details (``application/problem+json``).

Every answer that is not a success is a problem object: ``type``, ``title``, ``status``,
``detail`` and ``instance`` of the RFC, and the fields of ``CaseworkError.as_dict()`` as
extension members (``error``, ``message``, ``rule``, ``field``, ``case``, ``move``, ``state``),
so a calling system reacts to the same structured fields as a Python caller. A user's mistake
is a 4xx; a 500 is a defect of casework (its problem says nothing but that, and the log has the
traceback).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from casework.errors import (
    CaseworkError,
    DatabaseUnavailable,
    InvalidInput,
    MoveNotAllowed,
    NotFound,
    PermissionDenied,
    RuleViolation,
    StaleCase,
    Unauthenticated,
)

PROBLEM_TYPE = "application/problem+json"
log = logging.getLogger("casework.server")

# The most specific class first (Unauthenticated is a PermissionDenied).
STATUS_OF: tuple[tuple[type[CaseworkError], int], ...] = (
    (Unauthenticated, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (StaleCase, 412),
    (MoveNotAllowed, 409),
    (RuleViolation, 409),
    (InvalidInput, 422),
    (DatabaseUnavailable, 503),
)
TITLES = {
    400: "请求格式错误",
    401: "未认证",
    403: "无权办理",
    404: "未找到",
    405: "不支持的请求方法",
    409: "与案件当前状态冲突",
    412: "案件已被他人更新",
    413: "请求体过大",
    415: "不支持的内容类型",
    422: "输入无效",
    428: "缺少 If-Match",
    429: "请求过于频繁",
    500: "服务内部错误",
    503: "服务暂不可用",
}


class ServiceProblem(CaseworkError):
    """A refusal of the HTTP layer itself (body too large, not JSON, no If-Match, too many
    lookups...), with the status it is answered with."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        error: str,
        headers: Mapping[str, str] | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(message, **fields)
        self.status = status
        self.error = error
        self.headers = dict(headers or {})

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "error": self.error}


def status_of(err: CaseworkError) -> int:
    if isinstance(err, ServiceProblem):
        return err.status
    return next((status for cls, status in STATUS_OF if isinstance(err, cls)), 400)


def problem_response(
    status: int,
    fields: Mapping[str, Any],
    instance: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    error = str(fields.get("error") or "Error")
    body = {
        "type": f"urn:casework:problem:{error}",
        "title": TITLES.get(status, "请求未完成"),
        "status": status,
        "detail": fields.get("message"),
        "instance": instance,
        **{k: fields.get(k) for k in ("error", "message", "rule", "field", "case", "move")},
        "state": fields.get("state"),
    }
    content = json.dumps(body, ensure_ascii=False).encode()
    return Response(content, status_code=status, headers=headers, media_type=PROBLEM_TYPE)


def error_response(err: CaseworkError, request: Request) -> Response:
    status = status_of(err)
    headers = dict(err.headers) if isinstance(err, ServiceProblem) else {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="casework"'
    if status == 503:
        headers.setdefault("Retry-After", "5")
    return problem_response(status, err.as_dict(), request.url.path, headers)


async def casework_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CaseworkError)
    return error_response(exc, request)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals: no such route (404), method not allowed (405)."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        fields = {"error": "NotFound", "message": f"没有这个资源：{request.url.path}"}
    elif exc.status_code == 405:
        fields = {
            "error": "MethodNotAllowed",
            "message": f"{request.url.path} 不接受 {request.method} 请求",
        }
    else:
        fields = {"error": "HTTPError", "message": str(exc.detail)}
    return problem_response(exc.status_code, fields, request.url.path, exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("未处理的异常：%s %s", request.method, request.url.path, exc_info=exc)
    fields = {
        "error": "InternalError",
        "message": "服务内部错误，已记入日志；请求未完成（如是办理动作，未写入任何内容）",
    }
    return problem_response(500, fields, request.url.path)
