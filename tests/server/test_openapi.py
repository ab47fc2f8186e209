"""The OpenAPI 3.1 document served at /openapi.json is valid, and describes what is served."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from tests.support.service import Service

pytestmark = pytest.mark.usefixtures("pinned_today")


def test_the_served_document_is_valid_openapi_3_1(service: Service) -> None:
    with service.client() as anyone:
        document = anyone.get("/openapi.json").json()
    validate(document)  # raises on an invalid document
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/applications",
        "/cases/{case_id}",
        "/cases/{case_id}/moves/{move}",
        "/worklist",
        "/cases/{case_id}/letters",
        "/letters/{letter_id}.{format}",
        "/events",
        "/status/{receipt_number}",
        "/healthz",
    }
    registration = document["components"]["schemas"]["Registration"]
    assert registration["additionalProperties"] is False
    assert {"channel", "applicant_name", "applicant_kind", "request"} <= set(
        registration["required"]
    )
    assert "reference" in registration["properties"]
    moves = document["paths"]["/cases/{case_id}/moves/{move}"]["post"]["parameters"][1]
    assert {"register", "reply", "deliver", "close"} <= set(moves["schema"]["enum"])


def test_the_health_check_says_database_schema_and_calendar(service: Service) -> None:
    with service.client() as anyone:
        answer = anyone.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "database": "ok",
        "schema": "current",
        "calendar": {"known_to": 2026, "provisional_from": "2027-01-01"},
        "detail": None,
    }
