"""Path and query parameters: whole numbers, flags and names, refused with a problem naming
the parameter (never a 500); unknown query parameters are refused like unknown body fields."""

from __future__ import annotations

from collections.abc import Collection

from starlette.requests import Request

from casework.boundary import MAX_ID
from casework.server.problems import ServiceProblem


def _bad(name: str, message: str, rule: str) -> ServiceProblem:
    return ServiceProblem(422, f"{name}：{message}", error="InvalidInput", field=name, rule=rule)


def whole(raw: str | None, name: str, low: int = 1, high: int = MAX_ID) -> int:
    text = raw or ""
    if not (text.isascii() and text.isdigit() and len(text) <= 12 and low <= int(text) <= high):
        raise _bad(name, f"应为 {low} 至 {high} 之间的整数，收到 {text[:40]!r}", "whole number")
    return int(text)


def path_id(request: Request, name: str) -> int:
    return whole(request.path_params.get(name), name)


def flag(raw: str, name: str) -> bool:
    value = raw.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise _bad(name, f"应为 true 或 false，收到 {raw[:40]!r}", "boolean")


def only(request: Request, allowed: Collection[str]) -> dict[str, str]:
    """The query parameters, each given at most once and all among ``allowed``."""
    params = request.query_params
    for name in params:
        if name not in allowed:
            known = "、".join(allowed) or "（无）"
            raise _bad(
                name[:100], f"不接受查询参数 {name[:100]!r}；可用：{known}", "declared parameters"
            )
        if len(params.getlist(name)) > 1:
            raise _bad(name, "只能给出一次", "one value per parameter")
    return dict(params)
