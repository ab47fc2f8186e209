"""Request bodies: JSON objects only, within the size limit, checked against the schema the
OpenAPI document publishes (unknown fields refused) before the engine sees them."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from starlette.requests import Request

from casework.server.problems import ServiceProblem

JSON_TYPE = "application/json"


def _too_large(limit: int) -> ServiceProblem:
    return ServiceProblem(
        413,
        f"请求体超过 {limit} 字节的上限",
        error="PayloadTooLarge",
        field="body",
        rule=f"a body of at most {limit} bytes",
    )


def _malformed(message: str) -> ServiceProblem:
    return ServiceProblem(
        400, f"请求体不是合法的 JSON：{message}", error="MalformedJson", field="body", rule="JSON"
    )


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} 不是 JSON 数值")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"字段 {key!r} 重复")
        found[key] = value
    return found


def check_content_type(request: Request) -> None:
    raw = request.headers.get("content-type")
    kind, _, params = (raw or "").partition(";")
    charset = params.strip().lower().removeprefix("charset=").strip('"') if params else "utf-8"
    if kind.strip().lower() != JSON_TYPE or charset not in ("utf-8", "utf8"):
        raise ServiceProblem(
            415,
            f"请求体应为 {JSON_TYPE}（UTF-8），收到 {raw or '（未注明 Content-Type）'}",
            error="UnsupportedMediaType",
            field="content-type",
            rule=f"{JSON_TYPE} bodies",
        )


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    if not raw.strip():
        raise _malformed("请求体为空")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed("不是 UTF-8 编码") from None
    try:
        return json.loads(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise _malformed("嵌套层次过深") from None
    except ValueError as err:
        raise _malformed(str(err)[:200]) from None


class BodySchema:
    """A JSON Schema (2020-12, as in OpenAPI 3.1) of an object body."""

    def __init__(self, schema: dict[str, Any], what: str) -> None:
        Draft202012Validator.check_schema(schema)
        self.schema = schema
        self.what = what
        self._validator = Draft202012Validator(schema)

    def check(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ServiceProblem(
                422,
                f"{self.what}的请求体应为 JSON 对象，收到 {type(value).__name__}",
                error="InvalidInput",
                field="body",
                rule="a JSON object",
            )
        known = self.schema.get("properties", {})
        if self.schema.get("additionalProperties") is False:
            unknown = sorted(set(value) - set(known))
            if unknown:
                raise ServiceProblem(
                    422,
                    f"{self.what}不接受字段 {'、'.join(unknown)[:200]}；可用：{'、'.join(known)}",
                    error="InvalidInput",
                    field=unknown[0][:100],
                    rule="declared fields only",
                )
        missing = [name for name in self.schema.get("required", ()) if name not in value]
        if missing:
            raise ServiceProblem(
                422,
                f"{self.what}缺少必填字段 {'、'.join(missing)}",
                error="InvalidInput",
                field=missing[0],
                rule="required fields",
            )
        errors = sorted(self._validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            where = ".".join(str(p) for p in first.absolute_path) or "body"
            raise ServiceProblem(
                422,
                f"{where}：{first.message[:300]}",
                error="InvalidInput",
                field=where[:100],
                rule=f"schema: {first.validator}",
            )
        return value


async def json_object(request: Request, limit: int, schema: BodySchema) -> dict[str, Any]:
    """The request's JSON object, or a problem (415, 413, 400, 422)."""
    check_content_type(request)
    return schema.check(parse_json(await read_body(request, limit)))
