"""Registering applications from an export of the service platform (CSV or JSON file).

Each row is one application and one ``engine.register`` call, hence one transaction: a row is
registered whole or not at all, and a rejected row (with the field and rule that refused it)
does not stop the others.

Columns (a CSV header or the keys of JSON objects) are the register inputs, by code or by their
Chinese name: received_on 收到申请日期 (YYYY-MM-DD, the 2019 Art. 31 receipt date), channel
申请渠道, applicant_name 申请人, applicant_kind 申请人类型, request 申请内容 (all required);
applicant_id_number 证件号码, applicant_phone 联系电话, applicant_contact 通信地址, unit 承办单位
(required unless the channel is online), handler 承办人, reference 平台编号. Channel, applicant
kind and unit accept their code or their Chinese name.

A row with a reference is registered once: the reference is stored with the case (unique per
channel), so importing the same file again registers nothing and lists each such row as already
registered, with its case; a row whose reference is registered with other contents is rejected.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from casework.domain.roles import Actor
from casework.domain.vocabulary import APPLICANT_KINDS
from casework.engine import APPLICATION, Engine
from casework.errors import CaseworkError, InvalidInput
from casework.glossary import LABELS
from casework.search import find_duplicate, unit_names
from casework.workflow.fields import parse_date

REQUIRED = ("received_on", "channel", "applicant_name", "applicant_kind", "request")
OPTIONAL = (
    "applicant_id_number",
    "applicant_phone",
    "applicant_contact",
    "unit",
    "handler",
    "reference",
)
REFERENCE_LABEL = "平台编号"
HEADERS: dict[str, str] = {
    **{code: code for code in (*REQUIRED, *OPTIONAL)},
    **{LABELS[code]: code for code in (*REQUIRED, *OPTIONAL) if code in LABELS},
    REFERENCE_LABEL: "reference",
}
FILE_RULE = "service-platform export format"


@dataclass(frozen=True)
class Row:
    number: int  # line of the CSV file (header = 1), or position in the JSON list (from 1)
    values: dict[str, str]  # by column code; empty cells left out
    problem: str | None = None  # a value that is not text (JSON)


@dataclass(frozen=True)
class Rejection:
    row: int
    reference: str | None
    applicant_name: str | None
    field: str | None
    rule: str | None
    message: str


@dataclass
class ImportReport:
    file: str
    format: str
    rows: int
    registered: list[dict[str, Any]] = field(default_factory=list)  # {"row": n, "case": id}
    # Rows whose reference was registered before (by an earlier import or the intake system).
    already: list[dict[str, Any]] = field(default_factory=list)  # {"row", "reference", "case"}
    rejected: list[Rejection] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "rows": self.rows,
            "registered": self.registered,
            "already": self.already,
            "rejected": [asdict(r) for r in self.rejected],
        }


def _bad_file(path: Path, message: str) -> InvalidInput:
    return InvalidInput(f"文件 {path}：{message}", field="file", rule=FILE_RULE)


def _columns(path: Path, headers: Iterable[str]) -> dict[str, str]:
    """Header → column code; unknown headers and missing required columns refuse the file."""
    mapping, unknown = {}, []
    for header in headers:
        code = HEADERS.get(header.strip())
        if code is None:
            unknown.append(header)
        else:
            mapping[header] = code
    if unknown:
        known = "、".join(
            f"{c}（{LABELS.get(c, REFERENCE_LABEL)}）" for c in (*REQUIRED, *OPTIONAL)
        )
        raise _bad_file(path, f"未知的列 {'、'.join(map(repr, unknown))}；可用的列：{known}")
    missing = [c for c in REQUIRED if c not in mapping.values()]
    if missing:
        names = "、".join(f"{c}（{LABELS[c]}）" for c in missing)
        raise _bad_file(path, f"缺少必填列 {names}")
    return mapping


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Exports opened and saved in Excel on a Chinese Windows are GB18030 (GBK).
        return data.decode("gb18030")


def _csv_rows(path: Path, text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text))
    mapping = _columns(path, reader.fieldnames or [])
    rows = []
    for record in reader:
        if None in record:
            raise _bad_file(path, f"第 {reader.line_num} 行的列数多于表头")
        values = {mapping[h]: (v or "").strip() for h, v in record.items()}
        values = {k: v for k, v in values.items() if v}
        if values:  # spreadsheets leave empty lines at the end
            rows.append(Row(reader.line_num, values))
    return rows


def _json_rows(path: Path, text: str) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise _bad_file(path, f"不是有效的 JSON（第 {err.lineno} 行：{err.msg}）") from None
    if isinstance(data, dict):
        data = data.get("applications")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise _bad_file(path, "JSON 应为申请对象的数组，或含 applications 数组的对象")
    mapping = _columns(path, dict.fromkeys(k for item in data for k in item))
    rows = []
    for number, item in enumerate(data, start=1):
        values, problem = {}, None
        for key, value in item.items():
            if value is None or value == "":
                continue
            if isinstance(value, bool) or not isinstance(value, str | int):
                problem = f"{mapping[key]}：值应为文字，收到 {value!r}"
            values[mapping[key]] = str(value).strip()
        rows.append(Row(number, values, problem))
    return rows


def read_rows(path: Path) -> tuple[str, list[Row]]:
    """The format and the rows of an export file; a file that cannot be read writes nothing."""
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("csv", "json"):
        raise _bad_file(path, "只能导入 .csv 或 .json 文件")
    if not path.is_file():
        raise _bad_file(path, "文件不存在")
    text = _decode(path)
    rows = _csv_rows(path, text) if kind == "csv" else _json_rows(path, text)
    if not rows:
        raise _bad_file(path, "没有任何申请")
    return kind, rows


@dataclass(frozen=True)
class Names:
    """Chinese names a platform export may use instead of codes."""

    channels: dict[str, str]
    applicant_kinds: dict[str, str]
    units: dict[str, str]

    @classmethod
    def of(cls, engine: Engine) -> Names:
        channels = {
            spec.label: code
            for rules in engine.workflow.rules[APPLICATION].rule_sets
            for code, spec in rules.channels.items()
        }
        kinds = {label: code for code, label in APPLICANT_KINDS.items()}
        units = {name: code for code, name in unit_names(engine.db).items()}
        return cls(channels, kinds, units)

    def code(self, column: str, value: str) -> str:
        table = {
            "channel": self.channels,
            "applicant_kind": self.applicant_kinds,
            "unit": self.units,
        }.get(column, {})
        return table.get(value, value)


def register_row(
    engine: Engine, actor: Actor, row: Row, names: Names, now: datetime | None
) -> tuple[int, bool]:
    """Register one row (one transaction); returns the case id and whether it is new (a row
    whose reference is already registered with the same contents gives its case back)."""
    if row.problem:
        raise InvalidInput(row.problem, field=row.problem.split("：")[0], rule=FILE_RULE)
    inputs = {k: names.code(k, v) for k, v in row.values.items()}
    raw_on = inputs.pop("received_on", None)
    if raw_on is None:
        raise InvalidInput(
            "received_on：缺少收到申请日期", field="received_on", rule="required input"
        )
    on = parse_date("received_on", raw_on)
    if "reference" in inputs:
        known = engine.case_by_reference(inputs.get("channel"), inputs["reference"])
        if known is not None:
            return engine.register(actor, on=on, now=now, **inputs).id, False
    duplicate = find_duplicate(
        engine.db,
        received_on=on,
        applicant_name=inputs.get("applicant_name", ""),
        request=inputs.get("request", ""),
    )
    if duplicate is not None:
        raise InvalidInput(
            f"与已登记的案件 {duplicate} 重复（收到日期、申请人、申请内容相同）",
            field="request",
            case=duplicate,
            rule="an application is registered once",
        )
    return engine.register(actor, on=on, now=now, **inputs).id, True


def import_rows(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    now: datetime | None = None,
    progress: Callable[[Iterator[Row], int], Iterable[Row]] | None = None,
) -> ImportReport:
    """Register every row of an export; the report says which rows became which cases and why
    the others were rejected."""
    kind, rows = read_rows(path)
    names = Names.of(engine)
    report = ImportReport(str(path), kind, len(rows))
    stream: Iterable[Row] = iter(rows)
    if progress is not None:
        stream = progress(iter(rows), len(rows))
    for row in stream:
        try:
            case_id, new = register_row(engine, actor, row, names, now)
        except CaseworkError as err:
            report.rejected.append(
                Rejection(
                    row.number,
                    row.values.get("reference"),
                    row.values.get("applicant_name"),
                    err.field,
                    err.rule,
                    err.message,
                )
            )
        else:
            if new:
                report.registered.append({"row": row.number, "case": case_id})
            else:
                reference = row.values["reference"]
                report.already.append({"row": row.number, "reference": reference, "case": case_id})
    return report
