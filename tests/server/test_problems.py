"""Refusals of the HTTP layer are RFC 9457 problems with a 4xx status, and write nothing:
oversized bodies, malformed JSON, unknown fields, wrong content types, unknown routes."""

from __future__ import annotations

import json

import pytest

from casework.server.config import ServerSettings
from tests.support.service import BODY, Service, problem

pytestmark = pytest.mark.usefixtures("pinned_today")


def _post(
    service: Service, content: bytes, content_type: str | None = "application/json"
) -> object:
    headers = {"Content-Type": content_type} if content_type else {}
    with service.client("wangmin") as client:
        return client.post("/applications", content=content, headers=headers)


def test_bad_bodies_are_refused_with_a_clear_problem(service: Service) -> None:
    good = json.dumps({"on": "2026-03-02", **BODY}, ensure_ascii=False).encode()
    cases = [
        (_post(service, b"x" * (ServerSettings().max_body + 1)), 413, "PayloadTooLarge"),
        (_post(service, b'{"channel": "window",'), 400, "MalformedJson"),
        (_post(service, b"\xff\xfe"), 400, "MalformedJson"),
        (_post(service, b""), 400, "MalformedJson"),
        (_post(service, b'{"a": NaN}'), 400, "MalformedJson"),
        (_post(service, b'{"channel": "window", "channel": "online"}'), 400, "MalformedJson"),
        (_post(service, b"[" * 5000 + b"]" * 5000), 400, "MalformedJson"),
        (_post(service, b"[1, 2]"), 422, "InvalidInput"),
        (_post(service, good, "text/plain"), 415, "UnsupportedMediaType"),
        (_post(service, good, None), 415, "UnsupportedMediaType"),
        (_post(service, good, "application/json; charset=latin-1"), 415, "UnsupportedMediaType"),
    ]
    for response, status, error in cases:
        assert problem(response, status)["error"] == error  # type: ignore[arg-type]
    unknown = problem(service.register(colour="red"), 422)
    assert (unknown["field"], unknown["rule"]) == ("colour", "declared fields only")
    wrong_type = problem(service.register(applicant_name=7), 422)
    assert wrong_type["field"] == "applicant_name"
    missing = dict(BODY)
    del missing["request"]
    with service.client("wangmin") as client:
        body = problem(client.post("/applications", json=missing), 422)
        assert body["field"] == "request"
        assert (
            problem(client.post("/applications", json={**BODY, "unit": "nowhere"}), 422)["field"]
            == "unit"
        )
        assert (
            problem(client.post("/applications", json={**BODY, "on": "2026-13-01"}), 422)["field"]
            == "on"
        )
        assert problem(client.post("/applications", json={**BODY, "on": "2099-01-01"}), 422)
    assert service.events() == 0 and service.cases() == 0


def test_unknown_routes_and_methods_are_problems(service: Service) -> None:
    with service.client("wangmin") as client:
        assert problem(client.get("/nowhere"), 404)["error"] == "NotFound"
        assert problem(client.delete("/cases/1"), 405)["error"] == "MethodNotAllowed"
        assert problem(client.get("/applications"), 405)["error"] == "MethodNotAllowed"


def test_the_body_limit_is_checked_while_reading_too(service: Service) -> None:
    """A body sent in chunks without a Content-Length is cut off at the limit."""

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(100):
            yield b" " * 1024

    with service.client("wangmin") as client:
        response = client.post(
            "/applications", content=chunks(), headers={"Content-Type": "application/json"}
        )
    assert problem(response, 413)["field"] == "body"
