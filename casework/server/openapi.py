"""The OpenAPI 3.1 document of the service (``GET /openapi.json``): its paths, operations and
answers, built from the workflow in force (the moves and flows), over the components of
casework/server/schemas.py, which are the schemas the service checks request bodies with: the
document a caller reads is the one its bodies are judged by."""

from __future__ import annotations

from typing import Any

from casework.server.schemas import BOOL, FORMATS, ID, STRING, component_schemas, ref
from casework.workflow.apply import Workflow


def _json(schema: str, description: str, **headers: str) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": ref(schema)}},
    }
    if headers:
        answer["headers"] = {
            name: {"description": text, "schema": STRING} for name, text in headers.items()
        }
    return answer


def _problems(*statuses: int) -> dict[str, Any]:
    from casework.server.problems import PROBLEM_TYPE, TITLES

    return {
        str(status): {
            "description": TITLES.get(status, "problem"),
            "content": {PROBLEM_TYPE: {"schema": ref("Problem")}},
        }
        for status in sorted({*statuses, 500, 503})
    }


AUTH = (401, 403)


def _case_id(name: str = "case_id") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID}


def _query(name: str, schema: dict[str, Any], text: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": text,
    }


def document(workflow: Workflow, *, version: str = "0.1.0") -> dict[str, Any]:
    moves = sorted({m.name for fm in workflow.flows.values() for m in fm.flow.moves})
    flows = sorted(workflow.flows)
    json_body = {"application/json": {"schema": ref("Registration")}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "casework",
            "version": version,
            "summary": "依申请公开办理引擎的HTTP服务",
            "description": "Register applications, make moves, read cases, worklists, letters and "
            "the events feed with an API key; applicants look up their progress with the code "
            "printed on their receipt. Errors are RFC 9457 problem details. See docs/http.md.",
        },
        "components": {
            "schemas": component_schemas(workflow),
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an API key of `casework apikey create`",
                }
            },
        },
        "security": [{"apiKey": []}],
        "paths": {
            "/applications": {
                "post": {
                    "operationId": "register",
                    "summary": "登记申请（以 reference 幂等）",
                    "requestBody": {"required": True, "content": json_body},
                    "responses": {
                        "201": _json("Case", "registered", Location="the case", ETag="its version"),
                        "200": _json(
                            "Case",
                            "already registered under this reference",
                            Location="the case",
                            ETag="its version",
                        ),
                        **_problems(*AUTH, 400, 409, 413, 415, 422),
                    },
                }
            },
            "/cases/{case_id}": {
                "get": {
                    "operationId": "readCase",
                    "summary": "案件（脱敏）",
                    "parameters": [_case_id()],
                    "responses": {
                        "200": _json("Case", "the case", ETag="its version (If-Match)"),
                        **_problems(*AUTH, 404, 422),
                    },
                }
            },
            "/cases/{case_id}/moves/{move}": {
                "post": {
                    "operationId": "move",
                    "summary": "办理一个动作",
                    "parameters": [
                        _case_id(),
                        {
                            "name": "move",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": moves},
                        },
                        {
                            "name": "If-Match",
                            "in": "header",
                            "required": True,
                            "description": "the version of the case you read (its ETag)",
                            "schema": {"type": "string", "maxLength": 40},
                        },
                    ],
                    "requestBody": {
                        "required": False,
                        "content": {"application/json": {"schema": ref("MoveInputs")}},
                    },
                    "responses": {
                        "200": _json("Case", "the case after the move", ETag="its version"),
                        **_problems(*AUTH, 400, 404, 409, 412, 413, 415, 422, 428),
                    },
                }
            },
            "/worklist": {
                "get": {
                    "operationId": "worklist",
                    "summary": "待办清单，按最紧迫的期限排序",
                    "parameters": [
                        _query("unit", {"type": "string", "maxLength": 32}, "a unit's cases"),
                        _query("overdue", BOOL, "only overdue"),
                        _query(
                            "due_within",
                            {"type": "integer", "minimum": 0, "maximum": 400},
                            "due within so many working days",
                        ),
                        _query("flow", {"type": "string", "enum": flows}, "one flow"),
                        _query(
                            "limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "at most"
                        ),
                    ],
                    "responses": {
                        "200": _json("Worklist", "open dossiers"),
                        **_problems(*AUTH, 422),
                    },
                }
            },
            "/cases/{case_id}/letters": {
                "get": {
                    "operationId": "caseLetters",
                    "summary": "案件的文书",
                    "parameters": [_case_id()],
                    "responses": {
                        "200": _json("LetterList", "the letters issued on the case"),
                        **_problems(*AUTH, 404, 422),
                    },
                }
            },
            "/letters/{letter_id}.{format}": {
                "get": {
                    "operationId": "letterFile",
                    "summary": "一份文书（HTML、PDF 或 DOCX）",
                    "parameters": [
                        _case_id("letter_id"),
                        {
                            "name": "format",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": list(FORMATS)},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "the letter",
                            "content": {
                                media: {"schema": {"type": "string"}} for media in FORMATS.values()
                            },
                        },
                        **_problems(*AUTH, 404, 422),
                    },
                }
            },
            "/events": {
                "get": {
                    "operationId": "events",
                    "summary": "事件流：按提交顺序的办理记录",
                    "parameters": [
                        _query(
                            "after",
                            {"type": "string", "pattern": "^[0-9]{1,10}$"},
                            "the `next` of the previous page (default: from the start)",
                        ),
                        _query(
                            "limit", {"type": "integer", "minimum": 1, "maximum": 500}, "at most"
                        ),
                    ],
                    "responses": {
                        "200": _json("FeedPage", "events after the cursor"),
                        **_problems(*AUTH, 422),
                    },
                }
            },
            "/status/{receipt_number}": {
                "get": {
                    "operationId": "status",
                    "summary": "申请人查询办理进度（凭回执上的查询码）",
                    "security": [],
                    "parameters": [
                        _case_id("receipt_number"),
                        _query(
                            "code",
                            {"type": "string", "minLength": 1, "maxLength": 20},
                            "the code printed on the receipt",
                            required=True,
                        ),
                    ],
                    "responses": {
                        "200": _json("Status", "the progress"),
                        **_problems(404, 422, 429),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "健康检查：数据库、结构版本、工作日历",
                    "security": [],
                    "responses": {
                        "200": _json("Health", "healthy"),
                        "503": _json("Health", "not healthy"),
                    },
                }
            },
        },
    }
