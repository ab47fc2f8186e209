"""What the reports hand back: plain values with a stable JSON shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from casework.domain.outcomes import TABLE3_ROWS
from casework.domain.vocabulary import APPLICANT_KINDS
from casework.reports.fees import FeeSection
from casework.reports.scope import Scope

TOTAL = "total"
# The 7 data columns of table 三, in order: the six applicant kinds, then 总计.
TABLE3_COLUMNS: tuple[str, ...] = (*APPLICANT_KINDS, TOTAL)
TABLE3_COLUMN_LABELS: dict[str, str] = {**APPLICANT_KINDS, TOTAL: "总计"}

# Table 四: three blocks of five columns each.
TABLE4_BLOCKS: dict[str, str] = {
    "review": "行政复议",
    "lawsuit_direct": "行政诉讼：未经复议直接起诉",
    "lawsuit_after_review": "行政诉讼：复议后起诉",
}
TABLE4_RESULTS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    TOTAL: "总计",
}


@dataclass(frozen=True)
class CaseProblem:
    """A case a cross-check names, and what is wrong with it."""

    case_id: int
    problem: str


@dataclass(frozen=True)
class Check:
    """One built-in cross-check: whether it holds, the cells that break it, the cases why."""

    key: str
    label: str
    passed: bool
    mismatches: list[str] = field(default_factory=list)
    cases: list[CaseProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Table3:
    """Cell values by row key (``TABLE3_ROWS``), each a list in ``TABLE3_COLUMNS`` order."""

    cells: dict[str, list[int]]

    @classmethod
    def empty(cls) -> Table3:
        return cls({row.key: [0] * len(TABLE3_COLUMNS) for row in TABLE3_ROWS})


@dataclass(frozen=True)
class Table4:
    """Cell values by block (``TABLE4_BLOCKS``) and result column (``TABLE4_RESULTS``)."""

    cells: dict[str, dict[str, int]]

    @classmethod
    def empty(cls) -> Table4:
        return cls({block: dict.fromkeys(TABLE4_RESULTS, 0) for block in TABLE4_BLOCKS})

    def row(self) -> list[int]:
        """The 15 numbers of the printed data row, in the official order."""
        return [self.cells[b][r] for b in TABLE4_BLOCKS for r in TABLE4_RESULTS]


@dataclass(frozen=True)
class AnnualReport:
    year: int
    scope: Scope
    table3: Table3
    table4: Table4
    checks: list[Check]
    notes: list[str]
    fees: FeeSection = field(default_factory=FeeSection)  # section 六: processing fees

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "scope": self.scope.to_dict(),
            "table3": {
                "columns": [{"key": k, "label": TABLE3_COLUMN_LABELS[k]} for k in TABLE3_COLUMNS],
                "rows": [
                    {
                        "number": row.number,
                        "key": row.key,
                        "group": row.group,
                        "label": row.label,
                        "values": dict(
                            zip(TABLE3_COLUMNS, self.table3.cells[row.key], strict=True)
                        ),
                    }
                    for row in TABLE3_ROWS
                ],
            },
            "table4": {
                block: {"label": label, "values": dict(self.table4.cells[block])}
                for block, label in TABLE4_BLOCKS.items()
            },
            "fees": self.fees.to_dict(),
            "checks": [asdict(c) for c in self.checks],
            "passed": self.passed,
            "notes": list(self.notes),
        }
