"""Table 三 (收到和处理政府信息公开申请情况): one GROUP BY in the database, then the checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Subquery, and_, case, or_, select

from casework.domain.outcomes import OUTCOMES, TABLE3_ROWS
from casework.domain.vocabulary import APPLICANT_KINDS
from casework.reports.checks import check, offending_cases
from casework.reports.counting import Period, count_if, table3_measures
from casework.reports.model import (
    TABLE3_COLUMN_LABELS,
    TABLE3_COLUMNS,
    TOTAL,
    CaseProblem,
    Check,
    Table3,
)

COUNTED_ROWS = ("new", "carried_in", "total", "carried_out")  # counted on their own
OUTCOME_ROWS = tuple(row.key for row in TABLE3_ROWS if 3 <= row.number <= 23)
LABEL = {row.key: row.label for row in TABLE3_ROWS}


def _suspects(facts: Subquery, year: Period) -> dict[str, ColumnElement[bool]]:
    """Per check, the rows that would break it: counted in the main query, listed only when
    there are any (a clean year costs one query)."""
    m = table3_measures(facts, year)
    counted = or_(*m.values())
    f = facts.c
    return {
        "table3_balance": and_(counted, f.concluded_on < f.received_on),
        "table3_outcomes": and_(
            m["total"], or_(f.outcome.is_(None), f.outcome.not_in(list(OUTCOMES)))
        ),
        "table3_columns": and_(counted, f.applicant_kind.not_in(list(APPLICANT_KINDS))),
        "table3_dates": and_(counted, f.outcome.is_not(None), f.concluded_on.is_(None)),
    }


def count(conn: Connection, facts: Subquery, year: Period) -> tuple[Table3, dict[str, int]]:
    """Every cell of the table from one grouped query over the facts of the scope, with the
    number of rows that break each check."""
    m = table3_measures(facts, year)
    suspects = _suspects(facts, year)
    outcome_in_year = case((m["total"], facts.c.outcome), else_=None)
    query = (
        select(
            facts.c.applicant_kind,
            outcome_in_year.label("outcome"),
            *(count_if(m[key]).label(key) for key in COUNTED_ROWS),
            *(count_if(condition).label(key) for key, condition in suspects.items()),
        )
        .where(or_(*m.values()))
        .group_by(facts.c.applicant_kind, outcome_in_year)
    )
    table = Table3.empty()
    found = dict.fromkeys(suspects, 0)
    for r in conn.execute(query):
        columns = [TOTAL] + ([r.applicant_kind] if r.applicant_kind in APPLICANT_KINDS else [])
        outcome = OUTCOMES.get(r.outcome) if r.outcome is not None else None
        for column in columns:
            i = TABLE3_COLUMNS.index(column)
            for key in COUNTED_ROWS:
                table.cells[key][i] += getattr(r, key)
            if outcome is not None:
                table.cells[outcome.row][i] += r.total
        for key in found:
            found[key] += getattr(r, key)
    return table, found


def checks(
    conn: Connection, facts: Subquery, year: Period, table: Table3, found: dict[str, int]
) -> list[Check]:
    """The printed relations of the table, each with the cases that break it."""
    suspects = _suspects(facts, year)

    def cases(key: str, describe: Callable[[Any], str]) -> list[CaseProblem]:
        return offending_cases(conn, facts, suspects[key], describe) if found[key] else []

    cells = table.cells
    balance = [
        f"{TABLE3_COLUMN_LABELS[col]}：一+二={cells['new'][i] + cells['carried_in'][i]}，"
        f"（七）总计+四={cells['total'][i] + cells['carried_out'][i]}"
        for i, col in enumerate(TABLE3_COLUMNS)
        if cells["new"][i] + cells["carried_in"][i] != cells["total"][i] + cells["carried_out"][i]
    ]
    sums = [
        f"{TABLE3_COLUMN_LABELS[col]}：（七）总计={cells['total'][i]}，"
        f"各项结果之和={sum(cells[k][i] for k in OUTCOME_ROWS)}"
        for i, col in enumerate(TABLE3_COLUMNS)
        if cells["total"][i] != sum(cells[k][i] for k in OUTCOME_ROWS)
    ]
    columns = [
        f"{LABEL[row.key]}：总计={cells[row.key][-1]}，六列之和={sum(cells[row.key][:-1])}"
        for row in TABLE3_ROWS
        if cells[row.key][-1] != sum(cells[row.key][:-1])
    ]
    return [
        check(
            "table3_balance",
            "表三：第一项加第二项之和等于第三项（七）总计加第四项之和",
            balance,
            cases(
                "table3_balance",
                lambda r: f"办结日期 {r.concluded_on} 早于收到申请日期 {r.received_on}",
            ),
        ),
        check(
            "table3_outcomes",
            "表三：（七）总计等于本年度各项办理结果之和",
            sums,
            cases(
                "table3_outcomes",
                lambda r: (
                    f"办理结果 {r.outcome!r} 不对应表三的任何一行（{r.concluded_on} 办结）"
                    if r.outcome is not None
                    else f"{r.concluded_on} 办结但没有办理结果"
                ),
            ),
        ),
        check(
            "table3_columns",
            "表三：总计列等于自然人与法人或其他组织五列之和",
            columns,
            cases(
                "table3_columns",
                lambda r: f"申请人类型 {r.applicant_kind!r} 不在表三的六列之中",
            ),
        ),
        check(
            "table3_dates",
            "表三：有办理结果的申请都有答复日期或办结日期",
            [],
            cases(
                "table3_dates",
                lambda r: f"有办理结果 {r.outcome!r} 但没有答复或办结日期，按未办结计入结转",
            ),
        ),
    ]
