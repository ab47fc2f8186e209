"""Registering applications from an export of the service platform (CSV, XLSX or JSON file).

Each row is one application and its own unit of work (one ``engine.register`` call, one
transaction): a row is registered whole or not at all, and a refused row (with the field and
rule that refused it) does not stop the others, on SQLite and PostgreSQL alike. Every value of a
row is checked before any SQL runs (casework/intake_checks.py: printable text, the length of its
case column, the receipt date), so no row reaches the database with a value it would refuse.

The file is read by casework/intake_files.py (formats and encodings) and
casework/intake_rows.py (the header's columns and the rows under it).

A row with a reference is registered once: the reference is stored with the case (unique per
channel), so importing the same file again registers nothing and lists each such row as already
registered, with its case; a row whose reference is registered with other contents is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DataError

from casework.domain.roles import Actor
from casework.domain.vocabulary import APPLICANT_KINDS
from casework.engine import APPLICATION, Engine
from casework.errors import CaseworkError, InvalidInput
from casework.intake_checks import check_row, receipt_date
from casework.intake_files import Export, read_export
from casework.intake_rows import Row
from casework.search import find_duplicate, unit_names

REGISTERED, ALREADY, REFUSED = "registered", "already", "refused"


@dataclass(frozen=True)
class RowResult:
    """What became of one row: registered as a new case, already registered under its
    reference (``case`` is that case), or refused (``field``, ``rule``, ``message``)."""

    row: int
    outcome: str
    case: int | None
    reference: str | None
    applicant_name: str | None
    field: str | None = None
    rule: str | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "outcome": self.outcome,
            "case": self.case,
            "reference": self.reference,
            "applicant_name": self.applicant_name,
            "field": self.field,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass
class ImportReport:
    file: str
    format: str
    rows: int
    encoding: str | None = None
    sheet: str | None = None
    results: list[RowResult] = field(default_factory=list)  # one per row, in file order

    @property
    def registered(self) -> list[RowResult]:
        return [r for r in self.results if r.outcome == REGISTERED]

    @property
    def already(self) -> list[RowResult]:
        """Rows whose reference was registered before (by an earlier import or the intake)."""
        return [r for r in self.results if r.outcome == ALREADY]

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.results if r.outcome == REFUSED]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "rows": self.rows,
            "results": [r.to_dict() for r in self.results],
            "registered": [{"row": r.row, "case": r.case} for r in self.registered],
            "already": [
                {"row": r.row, "reference": r.reference, "case": r.case} for r in self.already
            ],
            "rejected": [
                {
                    "row": r.row,
                    "reference": r.reference,
                    "applicant_name": r.applicant_name,
                    "field": r.field,
                    "rule": r.rule,
                    "message": r.message,
                }
                for r in self.rejected
            ],
        }


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
    check_row(row)
    inputs = {k: names.code(k, v) for k, v in row.values.items()}
    raw_on = inputs.pop("received_on", None)
    if raw_on is None:
        raise InvalidInput(
            "received_on：缺少收到申请日期", field="received_on", rule="required input"
        )
    on = receipt_date(raw_on)
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


def _refused(row: Row, field: str | None, rule: str | None, message: str) -> RowResult:
    return RowResult(
        row.number,
        REFUSED,
        None,
        row.values.get("reference"),
        row.values.get("applicant_name"),
        field,
        rule,
        message,
    )


def import_rows(
    engine: Engine,
    actor: Actor,
    source: Path | Export,
    *,
    now: datetime | None = None,
    progress: Callable[[Iterator[Row], int], Iterable[Row]] | None = None,
) -> ImportReport:
    """Register every row of an export (a path, or an export ``read_export`` read); the report
    says, row by row, which became which case, which were registered before under their
    reference, and why the others were refused."""
    export = source if isinstance(source, Export) else read_export(source)
    names = Names.of(engine)
    report = ImportReport(
        export.file, export.format, len(export.rows), export.encoding, export.sheet
    )
    stream: Iterable[Row] = iter(export.rows)
    if progress is not None:
        stream = progress(iter(export.rows), len(export.rows))
    for row in stream:
        try:
            case_id, new = register_row(engine, actor, row, names, now)
        except CaseworkError as err:
            report.results.append(_refused(row, err.field, err.rule, err.message))
        except DataError as err:
            # Every value is checked before SQL (check_row, the engine's inputs); should the
            # database still refuse one, that row is refused and the others go on.
            reason = str(err.orig).splitlines()[0] if err.orig else type(err).__name__
            report.results.append(
                _refused(row, None, "the database refused a value", f"数据库拒绝了该行：{reason}")
            )
        else:
            reference = row.values.get("reference")
            name = row.values.get("applicant_name")
            outcome = REGISTERED if new else ALREADY
            report.results.append(RowResult(row.number, outcome, case_id, reference, name))
    return report
