"""Timeliness per unit and line over a period, for the supervision office (督查室).

The counting rules are in ``counting``'s module doc. Counts come from grouped queries over the
clocks of application cases; only the lateness of late replies needs the working-day calendar,
and it is computed once per distinct (due date, reply date) pair of the grouped rows.

A year whose holiday notice is not registered yet is counted provisionally (docs/concepts.md):
a reply made on or after its first day may turn out on time or late by other figures, and a
breach whose due date lies in it may move, once the notice is registered. Each row counts
those clocks (``provisional``) and a note gives the reason; only clocks stopped or due on or
after the calendar's first provisional day are looked at one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, func, inspect, select

from casework.domain.clocks import OPEN_STATUSES
from casework.reports.counting import APPLICATION, Period
from casework.reports.scope import Scope, directory, line_of, resolve_scope, unit_names
from casework.store.tables import CASES, CLOCKS, EVENTS

if TYPE_CHECKING:
    from casework.domain.calendar import WorkCalendar
    from casework.engine import Engine

REPLY = "reply"
FiguresOf = Callable[[str | None], "Figures"]  # the figures of a unit code (None: not forwarded)
UNFORWARDED = "（尚未转办）"


@dataclass
class Figures:
    """The figures of one unit, line or the whole scope."""

    replied: int = 0
    on_time: int = 0
    late: int = 0
    late_days_total: int = 0
    late_days_max: int = 0
    extended: int = 0
    breached: dict[str, int] = field(default_factory=dict)  # duty clock kind -> count
    escalations: int | None = None  # None: no escalations table in this database
    provisional: int = 0  # clocks above whose verdict rests on a provisional year

    @classmethod
    def empty(cls, with_escalations: bool) -> Figures:
        return cls(escalations=0 if with_escalations else None)

    def add(self, other: Figures) -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name == "late_days_max":
                self.late_days_max = max(mine, theirs)
            elif f.name == "breached":
                for kind, n in theirs.items():
                    mine[kind] = mine.get(kind, 0) + n
            elif f.name == "escalations":
                if theirs is not None:
                    self.escalations = (mine or 0) + theirs
            else:
                setattr(self, f.name, mine + theirs)


@dataclass(frozen=True)
class Row:
    key: str | None  # unit code, line code, or None for the total
    label: str
    figures: Figures


@dataclass(frozen=True)
class TimelinessReport:
    period: Period
    scope: Scope
    duty_clocks: dict[str, str]  # kind -> label, the "breached" columns
    units: list[Row]
    lines: list[Row]
    total: Row
    escalations_available: bool
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        def row(r: Row) -> dict[str, Any]:
            return {"key": r.key, "label": r.label, **asdict(r.figures)}

        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "scope": self.scope.to_dict(),
            "duty_clocks": dict(self.duty_clocks),
            "escalations_available": self.escalations_available,
            "units": [row(r) for r in self.units],
            "lines": [row(r) for r in self.lines],
            "total": row(self.total),
            "notes": list(self.notes),
        }


def duty_clocks(engine: Engine) -> dict[str, str]:
    """Clock kinds the agency must meet (nature "duty") in any application rule set."""
    found: dict[str, str] = {}
    for rule_set in engine.workflow.rules[APPLICATION].rule_sets:
        for kind, spec in rule_set.clocks.items():
            if spec.nature == "duty":
                found.setdefault(kind, spec.label)
    return found


def _escalations_table(engine: Engine) -> Any | None:
    """The escalations table when this database has it (the escalation feature's migration),
    else None: the column is then shown as unavailable."""
    from casework.store.tables import ESCALATIONS

    return ESCALATIONS if inspect(engine.db).has_table(ESCALATIONS.name) else None


def timeliness(
    engine: Engine,
    start: date,
    end: date,
    *,
    unit: str | None = None,
    line: str | None = None,
) -> TimelinessReport:
    """Timeliness per unit (and per line, for the district) over [start, end]."""
    scope = resolve_scope(engine, unit=unit, line=line)
    period = Period.between(start, end)
    kinds = duty_clocks(engine)
    escalations = _escalations_table(engine)
    by_unit: dict[str | None, Figures] = {}

    def figures(code: str | None) -> Figures:
        return by_unit.setdefault(code, Figures.empty(escalations is not None))

    calendar = engine.workflow.calendar
    with engine.db.connect() as conn:
        _replies(conn, scope, period, figures, calendar)
        _breaches(conn, scope, period, kinds, figures)
        if escalations is not None:
            _escalations(conn, scope, period, escalations, figures)
        bases = _provisional(conn, scope, period, kinds, figures, calendar)
    names = unit_names(engine)
    units = [
        Row(code, names.get(code, code) if code else UNFORWARDED, by_unit[code])
        for code in sorted(by_unit, key=lambda c: (c is None, c or ""))
    ]
    total = Figures.empty(escalations is not None)
    for r in units:
        total.add(r.figures)
    lines, notes = _lines(engine, scope, units, escalations is not None)
    if escalations is None:
        notes.append("本数据库没有督办记录表（escalations），“督办”一栏无法统计，显示为“—”。")
    if total.provisional:
        notes.append(
            f"“暂定”：{total.provisional}个期限的按期、逾期或超期判断用到暂定日历"
            f"（{'；'.join(bases)}），放假通知登记后重新计算，结果可能改变。"
        )
    return TimelinessReport(
        period,
        scope,
        kinds,
        units,
        lines,
        Row(None, f"{scope.label}合计", total),
        escalations is not None,
        notes,
    )


def _scoped(query: Any, scope: Scope) -> Any:
    query = query.where(CASES.c.flow == APPLICATION)
    return query if scope.units is None else query.where(CASES.c.unit.in_(scope.units))


def _reply_source(period: Period) -> tuple[Any, list[Any]]:
    """Reply events of the period joined to the reply clock each one stopped (a reopening also
    stops a reply clock: only a reply counts as one): the FROM clause and the conditions."""
    source = EVENTS.join(CASES, CASES.c.id == EVENTS.c.case_id).join(
        CLOCKS,
        and_(
            CLOCKS.c.case_id == EVENTS.c.case_id,
            CLOCKS.c.kind == REPLY,
            CLOCKS.c.stopped_on == EVENTS.c.occurred_on,
            CLOCKS.c.status.in_(("met", "breached")),
        ),
    )
    return source, [EVENTS.c.move == REPLY, period.contains(EVENTS.c.occurred_on)]


def _breach_source(period: Period, kinds: dict[str, str]) -> tuple[Any, list[Any]]:
    """Duty clocks that breached in the period: the FROM clause and the conditions."""
    # A clock breaches on the day after its due date; it counts when that day is in the period
    # and the clock was not met: recorded as breached, or still open (running) then.
    window = CLOCKS.c.due_on.between(
        period.start - timedelta(days=1), period.end - timedelta(days=1)
    )
    not_met = (CLOCKS.c.status == "breached") | CLOCKS.c.status.in_(tuple(OPEN_STATUSES))
    source = CLOCKS.join(CASES, CASES.c.id == CLOCKS.c.case_id)
    return source, [CLOCKS.c.kind.in_(list(kinds)), window, not_met]


def _replies(
    conn: Connection, scope: Scope, period: Period, figures: FiguresOf, calendar: WorkCalendar
) -> None:
    """Replies made in the period: on time or late (by how many working days), extended."""
    extended = CLOCKS.c.extension_days > 0
    source, where = _reply_source(period)
    query = _scoped(
        select(
            CASES.c.unit,
            CLOCKS.c.status,
            extended.label("extended"),
            CLOCKS.c.due_on,
            CLOCKS.c.stopped_on,
            func.count(),
        )
        .select_from(source)
        .where(*where)
        .group_by(CASES.c.unit, CLOCKS.c.status, extended, CLOCKS.c.due_on, CLOCKS.c.stopped_on),
        scope,
    )
    for code, status, was_extended, due, stopped, n in conn.execute(query):
        f = figures(code)
        f.replied += n
        f.extended += n if was_extended else 0
        if status == "met":
            f.on_time += n
            continue
        days = calendar.working_days_between(due, stopped)
        f.late += n
        f.late_days_total += days * n
        f.late_days_max = max(f.late_days_max, days)


def _breaches(
    conn: Connection, scope: Scope, period: Period, kinds: dict[str, str], figures: FiguresOf
) -> None:
    source, where = _breach_source(period, kinds)
    query = _scoped(
        select(CASES.c.unit, CLOCKS.c.kind, func.count())
        .select_from(source)
        .where(*where)
        .group_by(CASES.c.unit, CLOCKS.c.kind),
        scope,
    )
    for code, kind, n in conn.execute(query):
        breached = figures(code).breached
        breached[kind] = breached.get(kind, 0) + n


def _provisional(
    conn: Connection,
    scope: Scope,
    period: Period,
    kinds: dict[str, str],
    figures: FiguresOf,
    calendar: WorkCalendar,
) -> list[str]:
    """Count, per unit, the clocks of the replies and breaches above whose verdict depends on
    a provisional day; the reasons, once each.

    A reply's verdict and days late depend on the working days from the clock's start to the
    reply (a reply made before the first provisional day is on time or late for sure); a
    breach depends on the working days from the start to the due date.
    """
    first = calendar.first_provisional_day
    if first is None:
        return []
    reply_source, reply_where = _reply_source(period)
    breach_source, breach_where = _breach_source(period, kinds)
    sources = (
        (reply_source, [*reply_where, CLOCKS.c.stopped_on >= first], CLOCKS.c.stopped_on),
        (breach_source, [*breach_where, CLOCKS.c.due_on >= first], CLOCKS.c.due_on),
    )
    found: dict[int, tuple[str | None, date, date]] = {}  # clock id -> unit, start, last day
    for source, where, until in sources:
        columns = (CLOCKS.c.id, CASES.c.unit, CLOCKS.c.started_on, until.label("until"))
        for r in conn.execute(_scoped(select(*columns).select_from(source), scope).where(*where)):
            last = max(r.until, found[r.id][2]) if r.id in found else r.until
            found[r.id] = (r.unit, r.started_on, last)
    bases: list[str] = []
    for unit, started, last in found.values():
        basis = calendar.provisional_basis(started, last)
        if basis is not None:
            figures(unit).provisional += 1
            bases.append(basis)
    return list(dict.fromkeys(bases))


def _escalations(
    conn: Connection, scope: Scope, period: Period, table: Any, figures: FiguresOf
) -> None:
    query = _scoped(
        select(CASES.c.unit, func.count())
        .select_from(table.join(CASES, CASES.c.id == table.c.case_id))
        .where(period.contains(table.c.fire_on))
        .group_by(CASES.c.unit),
        scope,
    )
    for code, n in conn.execute(query):
        figures(code).escalations = n


def _lines(
    engine: Engine, scope: Scope, units: list[Row], with_escalations: bool
) -> tuple[list[Row], list[str]]:
    """Subtotals per line (战线) of the directory, for a district report."""
    if scope.kind != "district":
        return [], []
    found = directory(engine)
    if found is None:
        return [], ["组织名录中没有战线，未按战线汇总。"]
    lines: dict[str, Row] = {}
    for r in units:
        line = line_of(found, r.key) if r.key else None
        if line is None:
            continue
        row = lines.setdefault(
            line.code,
            Row(line.code, line.name, Figures.empty(with_escalations)),
        )
        row.figures.add(r.figures)
    return [lines[k] for k in sorted(lines)], []
