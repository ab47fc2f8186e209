"""Table 四 (政府信息公开行政复议、行政诉讼情况): one GROUP BY, then the checks."""

from __future__ import annotations

from sqlalchemy import Case, Connection, Subquery, and_, case, false, func, or_, select, true

from casework.reports.checks import check, offending_cases
from casework.reports.counting import (
    LAWSUIT,
    PROCEEDING_RESULTS,
    REVIEW,
    Period,
    table4_measures,
)
from casework.reports.model import TABLE4_BLOCKS, TABLE4_RESULTS, TOTAL, Check, Table4

PARTS = tuple(r for r in TABLE4_RESULTS if r != TOTAL)  # 维持 / 纠正 / 其他 / 尚未审结
FLOW_LABELS = {REVIEW: "行政复议", LAWSUIT: "行政诉讼"}


def _block(facts: Subquery) -> Case[str]:
    f = facts.c
    return case(
        (f.flow == REVIEW, "review"),
        (and_(f.flow == LAWSUIT, f.after_review == true()), "lawsuit_after_review"),
        (and_(f.flow == LAWSUIT, f.after_review == false()), "lawsuit_direct"),
        else_=None,
    )


def count(conn: Connection, facts: Subquery, year: Period) -> Table4:
    m = table4_measures(facts, year)
    block = _block(facts)
    result = case((m["decided"], facts.c.outcome), else_="pending")
    query = (
        select(block.label("block"), result.label("result"), func.count())
        .where(m["counted"])
        .group_by(block, result)
    )
    table = Table4.empty()
    for block_key, result_key, n in conn.execute(query):
        if block_key is None:
            continue  # a lawsuit that does not say how it came: listed by the checks
        table.cells[block_key][TOTAL] += n
        if result_key in PARTS:
            table.cells[block_key][result_key] += n
    return table


def checks(conn: Connection, facts: Subquery, year: Period, table: Table4) -> list[Check]:
    m = table4_measures(facts, year)
    f = facts.c
    sums = [
        f"{label}：总计={table.cells[b][TOTAL]}，"
        f"维持+纠正+其他+尚未审结={sum(table.cells[b][p] for p in PARTS)}"
        for b, label in TABLE4_BLOCKS.items()
        if table.cells[b][TOTAL] != sum(table.cells[b][p] for p in PARTS)
    ]
    return [
        check(
            "table4_blocks",
            "表四：每栏总计等于结果维持、结果纠正、其他结果、尚未审结之和",
            sums,
            offending_cases(
                conn,
                facts,
                and_(
                    m["decided"],
                    or_(f.outcome.is_(None), f.outcome.not_in(list(PROCEEDING_RESULTS))),
                ),
                lambda r: (
                    f"{FLOW_LABELS[r.flow]}于 {r.closed_on} 审结，但结果 {r.outcome!r} "
                    "不是维持、纠正或其他"
                ),
            ),
        ),
        check(
            "table4_routes",
            "表四：每件行政诉讼都注明是否经过复议",
            [],
            offending_cases(
                conn,
                facts,
                and_(m["counted"], _block(facts).is_(None)),
                lambda r: (
                    "行政诉讼未注明是直接起诉还是复议后起诉（details.after_review），未计入表四"
                ),
            ),
        ),
        check(
            "table4_dates",
            "表四：审结日期与收到日期、审结结果一致",
            [],
            offending_cases(
                conn,
                facts,
                and_(
                    m["counted"],
                    or_(
                        f.closed_on < f.received_on,
                        and_(f.outcome.is_not(None), f.closed_on.is_(None)),
                    ),
                ),
                lambda r: (
                    f"{FLOW_LABELS[r.flow]}审结日期 {r.closed_on} 早于收到日期 {r.received_on}"
                    if r.closed_on is not None
                    else f"{FLOW_LABELS[r.flow]}有结果 {r.outcome!r} 但没有审结日期，按尚未审结计"
                ),
            ),
        ),
    ]
