"""The counting rules of every report, in one place, as SQL over the ``cases`` table.

Table 三 (docs/legal-basis.md B2; docs/statistics.md). Only dossiers of the application
flow count. For a calendar year Y (1 January to 31 December):

* **Conclusion date** of a case: its reply date (``replied_on``) when the outcome came with a
  reply; for the outcomes recorded by a closing move without a reply (correction lapsed, fee
  unpaid, withdrawn) its closing date (``closed_on``). Never the delivery date. A case without
  an outcome is not concluded.
* **Row 一** (new): cases whose legal receipt date (2019 Art. 31, ``received_on``) is in Y.
* **Row 二** (carried over from last year): received before 1 January of Y and not concluded
  before it.
* **Rows 3–23** (the year's results): cases concluded in Y, in the row of their outcome
  (``casework.domain.outcomes``; a partial disclosure counts once, as 部分公开).
* **Row 24** (（七）总计): every case concluded in Y, counted on its own, not summed from the
  rows above, so that a case whose outcome no row covers makes the cross-check fail.
* **Row 25** (carried to next year): received on or before 31 December of Y and not concluded
  by then.
* **Columns**: the applicant kind recorded at registration; 总计 counts every case, whatever
  its kind, again on its own.
* **Reopened cases** (a review decision or judgment corrected the reply): a case counts in
  table 三 once, with its *first* conclusion, in the year of that conclusion. The reply redone
  after reopening is not counted again, and a reopened case is never carried over again. So a
  report once published gives the same figures when it is produced again later, and the printed
  balance (一 + 二 = 总计 + 结转) holds in every year. The redone handling shows in table 四
  (结果纠正) and in the timeliness report; the annual report notes how many cases were reopened
  in the year. The first conclusion is read from the event log (the first ``reply`` or closing
  event), because reopening clears the case's outcome and dates.
* **Scope**: a unit's report counts the cases that unit holds now (after any transfer), a
  line's report the cases of its units, the district report every case, including
  applications the duty office has not yet forwarded to a unit.

Table 四 (reconsideration and litigation; contract with the proceedings flows): dossiers of the
``review`` and ``lawsuit`` flows, ``received_on`` = the day the copy of the application or the
complaint was received. A proceeding counts in Y if it was received in Y or was still pending
on 1 January of Y (received earlier, not closed before 1 January). Its result counts if it was
closed in Y (``closed_on``) with an ``outcome`` of ``upheld`` / ``corrected`` / ``other``;
otherwise it is 尚未审结. Lawsuits go to 未经复议直接起诉 or 复议后起诉 by
``details.after_review``. The unit is the proceeding's own ``unit`` (the unit whose reply was
challenged), else its case's.

Timeliness (for the supervision office), over a period [from, to], per unit:

* **replied** / **on time** / **late**: replies (``reply`` events) made in the period, judged
  by the status of the reply clock each one stopped (``met`` / ``breached``). Each reply
  counts, so a reply redone after reopening counts again; a reopening that stops an overdue
  reply clock is no reply (it shows under *breached*).
* **late by**: working days d with due date < d <= reply date (``engine.workflow.calendar``).
* **extended**: of those replies, the ones whose clock had an extension.
* **breached**: duty clocks (``nature = "duty"`` in the rule set: the reply clock, the duty
  office's forwarding clock) that breached in the period: the day after the due date lies in
  the period and the clock was not met by its due date (recorded as breached, or still open).
  A clock counts under the unit its case is with; forwarding clocks of applications not yet
  forwarded show under （尚未转办）.
* **escalations**: levels of the escalation ladder reached in the period (rows of the
  ``escalations`` table whose ``fire_on`` lies in it), when that table exists; otherwise
  the column is shown as unavailable, never as zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Subquery, and_, case, func, literal, or_, select, union_all

from casework.errors import DefinitionError, InvalidInput
from casework.store.tables import CASES, EVENTS

if TYPE_CHECKING:
    from casework.workflow.definition import FlowDef

APPLICATION = "application"
REVIEW = "review"
LAWSUIT = "lawsuit"
PROCEEDING_RESULTS = ("upheld", "corrected", "other")
REOPEN_MOVE = "reopen"


@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        """The days from ``start`` to ``end``; a period running backwards is refused."""
        if end < start:
            raise InvalidInput(
                f"截止日期 {end} 早于起始日期 {start}", field="to", rule="from <= to"
            )
        return cls(start, end)

    def contains(self, column: ColumnElement[date]) -> ColumnElement[bool]:
        return column.between(self.start, self.end)


def conclusion_moves(flow: FlowDef) -> dict[str, str]:
    """Moves of the application flow that record an outcome: move -> "$input" or literal code.

    Read from the flow definition (``set = { outcome = ... }``), so a new closing move counts
    without touching the reports.
    """
    found: dict[str, str] = {}
    for move in flow.moves:
        value = move.sets.get("outcome")
        if not value:
            continue  # absent, or "" (reopen clears it)
        if ":" in value or "$" in value[1:]:
            raise DefinitionError(
                f"动作 {move.name} 以 {value!r} 设置办理结果，年报统计无法解读",
                path=flow.path,
                field="outcome",
                rule="outcome is an input ($name) or a literal code",
            )
        found[move.name] = value
    return found


def _event_outcome(moves: dict[str, str]) -> ColumnElement[Any]:
    whens = []
    for name, value in moves.items():
        outcome = (
            EVENTS.c.payload[value[1:]].as_string() if value.startswith("$") else literal(value)
        )
        whens.append((EVENTS.c.move == name, outcome))
    return case(*whens, else_=None)


def application_facts(flow: FlowDef, units: Iterable[str] | None) -> Subquery:
    """One row per application case: id, applicant_kind, unit, received_on, outcome,
    concluded_on — with a reopened case's *first* conclusion (see the module doc).

    Two branches, each planned on its own: the few reopened cases with a conclusion, from
    their first concluding event (looked up by primary key), and every other case from its
    own columns. A LEFT JOIN of all cases to the reopened ones instead left the choice of a
    lookup index to the planner: with an index on ``events.move`` SQLite scanned the reopened
    list once per case (minutes at a million cases).
    """
    moves = conclusion_moves(flow)
    reopened = select(EVENTS.c.case_id).where(EVENTS.c.move == REOPEN_MOVE)
    ranked = (
        select(
            EVENTS.c.case_id,
            EVENTS.c.occurred_on,
            _event_outcome(moves).label("outcome"),
            func.row_number()
            .over(partition_by=EVENTS.c.case_id, order_by=EVENTS.c.seq)
            .label("rank"),
        )
        .where(EVENTS.c.move.in_(list(moves)), EVENTS.c.case_id.in_(reopened))
        .subquery("ranked")
    )
    first = (
        select(ranked.c.case_id, ranked.c.occurred_on, ranked.c.outcome)
        .where(ranked.c.rank == 1)
        .cte("first_conclusion")
    )
    own_date = case(
        (CASES.c.outcome.is_not(None), func.coalesce(CASES.c.replied_on, CASES.c.closed_on)),
        else_=None,
    )
    case_columns = (CASES.c.id, CASES.c.applicant_kind, CASES.c.unit, CASES.c.received_on)
    own = select(
        *case_columns, CASES.c.outcome.label("outcome"), own_date.label("concluded_on")
    ).where(CASES.c.flow == APPLICATION, CASES.c.id.not_in(select(first.c.case_id)))
    redone = (
        select(*case_columns, first.c.outcome, first.c.occurred_on.label("concluded_on"))
        .select_from(first.join(CASES, CASES.c.id == first.c.case_id))
        .where(CASES.c.flow == APPLICATION)
    )
    if units is not None:
        own = own.where(CASES.c.unit.in_(list(units)))
        redone = redone.where(CASES.c.unit.in_(list(units)))
    return union_all(own, redone).subquery("facts")


def table3_measures(facts: Subquery, year: Period) -> dict[str, ColumnElement[bool]]:
    """When a fact counts in row 一, 二, （七）总计 and 结转 of ``year``."""
    f = facts.c
    not_concluded_before = or_(f.concluded_on.is_(None), f.concluded_on >= year.start)
    return {
        "new": year.contains(f.received_on),
        "carried_in": and_(f.received_on < year.start, not_concluded_before),
        "total": year.contains(f.concluded_on),
        "carried_out": and_(
            f.received_on <= year.end, or_(f.concluded_on.is_(None), f.concluded_on > year.end)
        ),
    }


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), the portable conditional count."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def proceeding_facts(units: Iterable[str] | None) -> Subquery:
    """One row per review or lawsuit: id, flow, after_review, received_on, outcome, closed_on."""
    parent = CASES.alias("parent")
    unit = func.coalesce(CASES.c.unit, parent.c.unit)
    query = (
        select(
            CASES.c.id,
            CASES.c.flow,
            CASES.c.details["after_review"].as_boolean().label("after_review"),
            CASES.c.received_on,
            CASES.c.outcome,
            CASES.c.closed_on,
        )
        .select_from(CASES.outerjoin(parent, parent.c.id == CASES.c.parent_id))
        .where(CASES.c.flow.in_((REVIEW, LAWSUIT)))
    )
    if units is not None:
        query = query.where(unit.in_(list(units)))
    return query.subquery("proceedings")


def table4_measures(facts: Subquery, year: Period) -> dict[str, ColumnElement[bool]]:
    """When a proceeding counts in ``year`` and when its result does."""
    f = facts.c
    counted = or_(
        year.contains(f.received_on),
        and_(f.received_on < year.start, or_(f.closed_on.is_(None), f.closed_on >= year.start)),
    )
    return {"counted": counted, "decided": and_(counted, year.contains(f.closed_on))}
