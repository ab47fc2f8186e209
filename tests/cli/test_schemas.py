"""Every reading command's --json output against its documented JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from casework.cli.main import app
from casework.cli.schemas import SCHEMAS
from tests.support.cli import ID_NUMBER, Cli

# The commands run on the suite's "today" (tests/conftest.py: pinned_today).
pytestmark = pytest.mark.usefixtures("pinned_today")

FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def valid(name: str, data: Any) -> None:
    jsonschema.validate(data, SCHEMAS[name], format_checker=FORMATS)


def invalid(name: str, data: Any) -> None:
    with pytest.raises(jsonschema.ValidationError):
        valid(name, data)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_schemas_are_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMAS[name])


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_command_prints_each(name: str) -> None:
    result = CliRunner().invoke(app, ["schema", name])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == SCHEMAS[name]


def test_schema_command_refuses_an_unknown_name() -> None:
    result = CliRunner().invoke(app, ["schema", "cases"])
    assert result.exit_code == 2
    assert "name：未知的输出 'cases'；可选：case、worklist、find、import" in result.stderr


def test_case_schema(cli: Cli, case: int) -> None:
    cli.ok(
        "lina",
        "correction",
        "request",
        str(case),
        "--items",
        "文号",
        "--days",
        "5",
        "--on",
        "2026-03-03",
    )
    shown = cli.ok("lina", "case", "show", str(case), "--json").json
    valid("case", shown)
    assert shown["clocks"][0]["pauses"]  # the paused reply clock is covered too
    action = cli.ok("lina", "correction", "received", str(case), "--json").json
    valid("case", action)
    revealed = cli.ok(
        "lina", "case", "show", str(case), "--reveal", "--purpose", "核对身份", "--json"
    ).json
    valid("case", revealed)
    # The schema is strict: an unmasked number while "masked" is true, or a new key, fails.
    invalid("case", {**shown, "fields": {**shown["fields"], "applicant_id_number": ID_NUMBER}})
    invalid("case", {**shown, "extra": 1})
    invalid("case", {**shown, "clocks": [{**shown["clocks"][0], "status": "sleeping"}]})


def test_worklist_schema(cli: Cli, case: int) -> None:
    data = cli.ok("zonghe", "worklist", "--as-of", "2026-03-31", "--json").json
    assert data["count"] == 1
    valid("worklist", data)
    invalid("worklist", {**data, "items": [{**data["items"][0], "urgency": "panic"}]})


def test_find_schema(cli: Cli, case: int) -> None:
    data = cli.ok("zonghe", "find", "--applicant", "张三", "--from", "2026-01-01", "--json").json
    assert data["count"] == 1
    valid("find", data)
    invalid("find", {**data, "cases": [{**data["cases"][0], "applicant_phone": "13912345678"}]})


def test_import_schema(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "received_on,channel,applicant_name,applicant_kind,request,unit\n"
        "2026-03-02,window,张三,natural_person,部门预算,czj\n"
        "2026-03-02,window,李四,natural_person,招生方案,\n",
        encoding="utf-8",
    )
    data = cli("zonghe", "import", str(path), "--json").json
    assert len(data["registered"]) == 1 and len(data["rejected"]) == 1
    valid("import", data)
    invalid("import", {**data, "format": "xls"})
    invalid("import", {**data, "results": [{**data["results"][0], "outcome": "skipped"}]})
