"""The JSON Schemas (draft 2020-12) of every ``--json`` output of the clerk's commands.

They are the contract for scripts: a change of shape must change the schema here (and the
docs/clerk-cli.md), and tests validate real output against them; ``casework schema NAME``
prints one.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from casework.domain.case import CASE_FIELDS

STR: dict[str, Any] = {"type": "string"}
NSTR: dict[str, Any] = {"type": ["string", "null"]}
INT: dict[str, Any] = {"type": "integer"}
NINT: dict[str, Any] = {"type": ["integer", "null"]}
BOOL: dict[str, Any] = {"type": "boolean"}
DATE: dict[str, Any] = {"type": "string", "format": "date"}
NDATE: dict[str, Any] = {"type": ["string", "null"], "format": "date"}
URGENCY: dict[str, Any] = {"enum": ["overdue", "due_soon", "running", "paused"]}
# A masked number keeps at most four characters at each end: 4201**********1234, 139****5678.
MASKED: dict[str, Any] = {"type": ["string", "null"], "pattern": r"^[^*]{0,4}\*+[^*]{0,4}$"}


def _object(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An object with exactly these properties, all present."""
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
        **extra,
    }


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _document(title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
        **body,
    }


CLOCK = _object(
    {
        "kind": STR,
        "label": STR,
        "basis": STR,
        "nature": STR,
        "unit": {"enum": ["working_days", "calendar_days"]},
        "length": INT,
        "started_on": DATE,
        "extension_days": INT,
        "status": {"enum": ["running", "paused", "met", "breached", "lapsed", "cancelled"]},
        "due_on": NDATE,
        "days_left": NINT,
        "pauses": _array(_object({"reason": STR, "since": DATE, "until": NDATE})),
        "days_used": NINT,
        "days_remaining": NINT,
        "due_error": NSTR,
        "provisional": BOOL,
        "provisional_basis": NSTR,
    },
    # A due date counted over a year whose holiday notice is not registered says why.
    **{
        "if": {"properties": {"provisional": {"const": True}}},
        "then": {"properties": {"provisional_basis": STR}},
        "else": {"properties": {"provisional_basis": {"type": "null"}}},
    },
)
EVENT = _object(
    {
        "seq": INT,
        "move": STR,
        "from_state": STR,
        "to_state": STR,
        "actor_name": STR,
        "actor_role": STR,
        "actor_unit": NSTR,
        "occurred_on": DATE,
        "recorded_at": {"type": "string", "format": "date-time"},
        "payload": {"type": "object"},
    }
)
_DATE_FIELDS = {name for name, kind in CASE_FIELDS.items() if kind == "date"}
FIELDS = _object({name: NDATE if name in _DATE_FIELDS else NSTR for name in CASE_FIELDS})

CASE = _document(
    "case",
    "casework case show --json, and every action command's --json (the case after the move). "
    "days_left is in working days (negative once overdue, null when paused or closed). "
    "days_used and days_remaining: while a clock is paused, the days of its budget counted "
    "before the pause and the days still to run (in the clock's unit), else null. "
    "A clock whose due date is counted over a year with no registered holiday notice has "
    "provisional true and provisional_basis (why, in Chinese). "
    "While masked is true, applicant_id_number and applicant_phone are masked.",
    _object(
        {
            "id": INT,
            "version": INT,
            "flow": STR,
            "parent_id": NINT,
            "state": STR,
            "state_label": STR,
            "rule_set": STR,
            "fields": FIELDS,
            "details": {"type": "object"},
            "clocks": _array(CLOCK),
            "events": _array(EVENT),
            "allowed_moves": _array(STR),
            "masked": BOOL,
        },
        **{
            "if": {"properties": {"masked": {"const": True}}},
            "then": {
                "properties": {
                    "fields": {
                        "properties": {"applicant_id_number": MASKED, "applicant_phone": MASKED}
                    }
                }
            },
        },
    ),
)
# What every list of cases shows of each case.
CASE_ROW: dict[str, Any] = {
    "case_id": INT,
    "flow": STR,
    "state": STR,
    "state_label": STR,
    "unit": NSTR,
    "applicant_name": STR,
    "received_on": DATE,
}
WORKLIST = _document(
    "worklist",
    "casework worklist --json: open dossiers, most urgent first (paused clocks last); "
    "provisional: the due date is counted over a year with no registered holiday notice.",
    _object(
        {
            "as_of": DATE,
            "scope": _object(
                {
                    "unit": NSTR,
                    "line": NSTR,
                    "my_line": BOOL,
                    "mine": BOOL,
                    "state": NSTR,
                    "overdue": BOOL,
                    "due_within": NINT,
                }
            ),
            "count": INT,
            "items": _array(
                _object(
                    {
                        **CASE_ROW,
                        "clock": STR,
                        "due_on": NDATE,
                        "days_left": NINT,
                        "provisional": BOOL,
                        "urgency": URGENCY,
                    }
                )
            ),
        }
    ),
)
FIND = _document(
    "find",
    "casework find --json: matching cases, newest receipt first; numbers masked.",
    _object(
        {
            "criteria": _object(
                {
                    "applicant": NSTR,
                    "text": NSTR,
                    "from": NDATE,
                    "to": NDATE,
                    "unit": NSTR,
                    "limit": INT,
                }
            ),
            "count": INT,
            "cases": _array(
                _object(
                    {
                        **CASE_ROW,
                        "handler": NSTR,
                        "applicant_kind": STR,
                        "applicant_id_number": MASKED,
                        "applicant_phone": MASKED,
                        "request": STR,
                        "outcome": NSTR,
                    }
                )
            ),
        }
    ),
)
IMPORT = _document(
    "import",
    "casework import FILE --json: the encoding the file was read in (CSV, JSON) or its "
    "worksheet (XLSX), and row by row (results) which became which case, which were registered "
    "before under their reference (already), and why the others were refused (row: line of the "
    "CSV file or row of the worksheet, header = 1; or position in the JSON list, from 1); "
    "registered, already and rejected list the same rows by outcome.",
    _object(
        {
            "file": STR,
            "format": {"enum": ["csv", "json", "xlsx"]},
            "encoding": {"enum": ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "gb18030", None]},
            "sheet": NSTR,
            "rows": INT,
            "results": _array(
                _object(
                    {
                        "row": INT,
                        "outcome": {"enum": ["registered", "already", "refused"]},
                        "case": NINT,
                        "reference": NSTR,
                        "applicant_name": NSTR,
                        "field": NSTR,
                        "rule": NSTR,
                        "message": NSTR,
                    }
                )
            ),
            "registered": _array(_object({"row": INT, "case": INT})),
            "already": _array(_object({"row": INT, "reference": STR, "case": INT})),
            "rejected": _array(
                _object(
                    {
                        "row": INT,
                        "reference": NSTR,
                        "applicant_name": NSTR,
                        "field": NSTR,
                        "rule": NSTR,
                        "message": STR,
                    }
                )
            ),
        }
    ),
)

SCHEMAS: dict[str, dict[str, Any]] = {
    "case": CASE,
    "worklist": WORKLIST,
    "find": FIND,
    "import": IMPORT,
}


def schema(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help=f"输出的名称：{'、'.join(SCHEMAS)}。")
    ],
) -> None:
    """打印某个 --json 输出的 JSON Schema（draft 2020-12），供编写脚本时对照。

    case 用于 case show 和各办理命令，worklist、find、import 用于同名命令。

    示例：casework schema worklist > worklist.schema.json
    """
    from casework.cli.common import print_json
    from casework.errors import InvalidInput

    if name not in SCHEMAS:
        raise InvalidInput(
            f"name：未知的输出 {name!r}；可选：{'、'.join(SCHEMAS)}",
            field="name",
            rule="documented outputs",
        )
    print_json(SCHEMAS[name])
