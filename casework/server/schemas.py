"""The JSON Schemas of the service, built from the workflow in force: the bodies it checks
requests with (``registration_schema``: the inputs of ``register``; ``move_schema``), and the
components of its OpenAPI document (casework/server/openapi.py), so that the document a caller
reads is the one its bodies are judged by."""

from __future__ import annotations

from typing import Any

from casework.boundary import MAX_ID
from casework.domain.vocabulary import APPLICANT_KINDS
from casework.workflow.apply import Workflow
from casework.workflow.fields import MAX_TEXT
from casework.workflow.inputs import COLUMN_LIMITS

APPLICATION = "application"
REFERENCE_LENGTH = 64  # cases.reference
FORMATS = {
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
STRING = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]} if isinstance(kind, str) else schema


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": list(required),
    }


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _input_schema(name: str, kind: str, workflow: Workflow) -> dict[str, Any]:
    if kind == "channel":
        channels = sorted({c for rs in workflow.rules[APPLICATION].rule_sets for c in rs.channels})
        return {"type": "string", "enum": channels}
    if kind == "applicant_kind":
        return {"type": "string", "enum": list(APPLICANT_KINDS)}
    if kind == "unit":
        return {"type": "string", "minLength": 1, "maxLength": 32}
    limit = REFERENCE_LENGTH if name == "reference" else COLUMN_LIMITS.get(name, MAX_TEXT)
    return {"type": "string", "minLength": 1, "maxLength": limit}


def registration_schema(workflow: Workflow) -> dict[str, Any]:
    """The body of ``POST /applications``: the inputs of every variant of ``register``, the
    fields every variant requires, and ``on`` (the legal receipt date; default today)."""
    variants = workflow.flows[APPLICATION].flow.variants("register")
    properties: dict[str, Any] = {
        "on": {**DATE, "description": "收到申请之日（默认今天）"},
    }
    required: list[str] | None = None
    for move in variants:
        for name, kind in move.inputs.items():
            properties.setdefault(name, _input_schema(name, kind, workflow))
        needed = [name for name in move.fields]
        required = needed if required is None else [n for n in required if n in needed]
    return {
        "type": "object",
        "properties": properties,
        "required": required or [],
        "additionalProperties": False,
    }


MOVE_VALUE = {
    "type": ["string", "integer", "number", "boolean", "array"],
    "items": {"type": ["string", "integer"]},
}


def move_schema() -> dict[str, Any]:
    """The body of a move: ``on`` and the move's inputs (names and types are those of the
    flow file; the engine refuses undeclared ones, naming the field)."""
    return {
        "type": "object",
        "properties": {"on": {**DATE, "description": "办理之日（默认今天）"}},
        "additionalProperties": MOVE_VALUE,
    }


def component_schemas(workflow: Workflow) -> dict[str, Any]:
    states = sorted({s for fm in workflow.flows.values() for s in fm.flow.states})
    pause = _object({"reason": STRING, "since": DATE, "until": _nullable(DATE)})
    clock = _object(
        {
            "kind": STRING,
            "label": STRING,
            "basis": STRING,
            "nature": STRING,
            "unit": STRING,
            "length": INT,
            "started_on": DATE,
            "extension_days": INT,
            "status": STRING,
            "due_on": _nullable(DATE),
            "days_left": _nullable(INT),
            "pauses": {"type": "array", "items": ref("Pause")},
            "provisional": BOOL,
        },
        {
            "days_used": _nullable(INT),
            "days_remaining": _nullable(INT),
            "due_error": _nullable(STRING),
            "provisional_basis": _nullable(STRING),
        },
    )
    event = _object(
        {
            "seq": INT,
            "move": STRING,
            "from_state": STRING,
            "to_state": STRING,
            "actor_name": STRING,
            "actor_role": STRING,
            "actor_unit": _nullable(STRING),
            "occurred_on": DATE,
            "recorded_at": DATETIME,
            "payload": {"type": "object"},
        }
    )
    case = _object(
        {
            "id": ID,
            "version": INT,
            "flow": STRING,
            "parent_id": _nullable(INT),
            "state": {"type": "string", "enum": states},
            "state_label": STRING,
            "rule_set": STRING,
            "fields": {"type": "object"},
            "details": {"type": "object"},
            "clocks": {"type": "array", "items": ref("Clock")},
            "events": {"type": "array", "items": ref("Event")},
            "allowed_moves": {"type": "array", "items": STRING},
        }
    )
    work_item = _object(
        {
            "case_id": ID,
            "flow": STRING,
            "state": STRING,
            "unit": _nullable(STRING),
            "applicant_name": STRING,
            "received_on": DATE,
            "clock": STRING,
            "due_on": _nullable(DATE),
            "days_left": _nullable(INT),
            "provisional": BOOL,
        }
    )
    letter = _object(
        {
            "id": ID,
            "case_id": ID,
            "kind": STRING,
            "title": STRING,
            "number": STRING,
            "unit": STRING,
            "issued_on": DATE,
            "issued_at": DATETIME,
            "move": STRING,
            "render_status": STRING,
            "files": {
                "type": "object",
                "description": "each format's address, null when not produced (yet)",
                "properties": {fmt: _nullable(STRING) for fmt in FORMATS},
            },
        }
    )
    feed_event = _object(
        {
            "cursor": STRING,
            "case_id": ID,
            "flow": STRING,
            "seq": INT,
            "move": STRING,
            "from_state": STRING,
            "to_state": STRING,
            "state_label": STRING,
            "occurred_on": DATE,
            "recorded_at": DATETIME,
        }
    )
    status = _object(
        {
            "receipt_number": ID,
            "received_on": DATE,
            "state": STRING,
            "finished": BOOL,
            "due_on": _nullable(DATE),
            "due_provisional": BOOL,
            "due_text": _nullable(STRING),
            "letters": {
                "type": "array",
                "items": _object({"title": STRING, "number": STRING, "issued_on": DATE}),
            },
        }
    )
    health = _object(
        {
            "status": {"type": "string", "enum": ["ok", "failing"]},
            "database": STRING,
            "schema": STRING,
            "calendar": _object({"known_to": _nullable(INT), "provisional_from": _nullable(DATE)}),
        },
        {"detail": _nullable(STRING)},
    )
    problem = _object(
        {
            "type": STRING,
            "title": STRING,
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": _nullable(STRING),
            "instance": STRING,
            "error": STRING,
            "message": _nullable(STRING),
            "rule": _nullable(STRING),
            "field": _nullable(STRING),
            "case": _nullable(INT),
            "move": _nullable(STRING),
            "state": _nullable(STRING),
        }
    )
    return {
        "Problem": problem,
        "Registration": registration_schema(workflow),
        "MoveInputs": move_schema(),
        "Case": case,
        "Clock": clock,
        "Pause": pause,
        "Event": event,
        "WorkItem": work_item,
        "Worklist": _object({"items": {"type": "array", "items": ref("WorkItem")}}),
        "Letter": letter,
        "LetterList": _object({"letters": {"type": "array", "items": ref("Letter")}}),
        "FeedEvent": feed_event,
        "FeedPage": _object(
            {"events": {"type": "array", "items": ref("FeedEvent")}, "next": STRING}
        ),
        "Status": status,
        "Health": health,
    }
