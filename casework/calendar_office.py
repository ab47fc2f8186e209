"""The office's calendar acts: registering a holiday notice and recomputing the due dates that a
newly known year moves (docs/concepts.md, Working-day calendar).

A year becomes known when the office registers its notice (``register_notice``), when a file is
added under states/calendar/, or when a newer holiday library knows it. Whichever happened, the
stored due dates were counted on the provisional year; ``recompute`` finds the changed years by
comparing the calendar in force with the basis stored at the last recompute, replays every case
whose clocks can have moved (one transaction per case, so a busy case never blocks the others),
and writes an event per changed case that ``verify`` replays. The handling unit is told through
the outbox when an open due date moved. Running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, update

from casework.calendar_sources import parse_schedule_file
from casework.domain import clocks as clk
from casework.domain.calendar import ORIGINS, WEEKDAY_NAMES, WorkCalendar, YearSchedule
from casework.domain.holiday_law import revision_for, statutory_days
from casework.domain.roles import ADMIN_ROLES, Actor
from casework.errors import CaseworkError, InvalidInput, PermissionDenied, StaleCase
from casework.organisation import Directory, directory_in_force
from casework.replay import RECOMPUTED, load_events, replay_events
from casework.store.calendar_store import (
    affected_case_ids,
    all_notices,
    insert_notice,
    notice_in_force,
    queue_notice,
    read_basis,
    schedule_digest,
    write_basis,
)
from casework.store.repository import load_case, save_move
from casework.store.tables import CLOCKS
from casework.store.unit_of_work import unit_of_work
from casework.views import jsonable, jsonable_dict

if TYPE_CHECKING:
    from casework.engine import Engine

__all__ = [
    "RECOMPUTE_ACTOR",
    "NoticeResult",
    "RecomputeSummary",
    "check_notice",
    "recompute",
    "register_notice",
]

RECOMPUTE_ACTOR = Actor("工作日历重算", "system")
_SET_DUE = update(CLOCKS).where(CLOCKS.c.id == bindparam("b_id")).values(due_on=bindparam("due"))


@dataclass
class RecomputeSummary:
    """What a recompute did: the changed years, each changed case, the problems met."""

    years: list[int] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    notices: int = 0
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return jsonable_dict(
            {
                "years": self.years,
                "cases": self.cases,
                "notices": self.notices,
                "problems": self.problems,
            }
        )


@dataclass
class NoticeResult:
    year: int
    number: str
    status: str  # registered / replaced / unchanged
    recompute: RecomputeSummary

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "number": self.number,
            "status": self.status,
            "recompute": self.recompute.to_dict(),
        }


# ---------------------------------------------------------------- registering a notice


def check_notice(schedule: YearSchedule, issued_on: date | None, calendar: WorkCalendar) -> None:
    """The rules a notice must meet beyond its file format (which ``parse_schedule_file``
    checks: makeup days on weekends, dates in the year or the December before)."""
    year = schedule.year
    if issued_on is None:
        raise InvalidInput(
            "通知文件缺少 issued_on（通知的发布日期，如 issued_on = 2026-11-10）",
            field="issued_on",
            rule="a notice has a date",
        )
    first = calendar.known_years[0] if calendar.known_years else year
    if year < first or revision_for(year) is None:
        raise InvalidInput(
            f"{year}年早于工作日历的第一个已知年份（{first}年），不能登记该年的放假通知",
            field="year",
            rule="years before the first known year stay unknown",
        )
    for day, name in statutory_days(year):
        if day not in schedule.rest_days:
            rev = revision_for(year)
            assert rev is not None
            raise InvalidInput(
                f"{day}（{WEEKDAY_NAMES[day.weekday()]}，{name}）是《全国年节及纪念日放假办法》"
                f"（{rev.name}）第二条规定的法定假日，通知中却不是放假日",
                field="rest",
                rule="every statutory day is a rest day (放假办法 Art. 2)",
            )


def registered_notices(engine: Engine) -> list[dict[str, Any]]:
    """Every holiday notice registered in the database, replaced ones included."""
    with engine.db.connect() as conn:
        return all_notices(conn)


def _require_admin(actor: Actor, what: str) -> None:
    if actor.role not in ADMIN_ROLES:
        raise PermissionDenied(
            f"{what}是管理员的职责（区政府办综合科、政府信息公开工作机构负责人）",
            field="role",
            rule="administrators only",
        )


def register_notice(
    engine: Engine, actor: Actor, path: Path, *, replace: bool = False, now: datetime
) -> NoticeResult:
    """Register a year's holiday notice from a file in the states/calendar/<year>.toml format
    (plus ``issued_on``), then recompute the due dates it moves.

    A year already registered, or known from the library or a file with other days, is only
    replaced with ``replace=True``; the same notice registered again changes nothing."""
    _require_admin(actor, "登记放假通知")
    schedule, issued_on = parse_schedule_file(Path(path), origin="notice", named_by_year=False)
    calendar = engine.refresh_calendar()
    before = _basis_years(calendar)
    check_notice(schedule, issued_on, calendar)
    assert issued_on is not None
    year = schedule.year
    in_force = calendar.schedule(year)
    with unit_of_work(engine.db) as uow:
        conn = uow.conn
        existing = notice_in_force(conn, year)
        if (
            existing is not None
            and existing.digest == schedule_digest(schedule)
            and existing.number == schedule.source
            and existing.issued_on == issued_on
        ):
            return NoticeResult(year, schedule.source, "unchanged", RecomputeSummary())
        differs = existing is not None or not (in_force.provisional or in_force.same_days(schedule))
        if differs and not replace:
            where = "已登记通知 " + existing.number if existing is not None else in_force.source
            raise InvalidInput(
                f"{year}年的放假安排已有来源（{where}），与本通知不同：确需更正请加 --replace",
                field="replace",
                rule="a registered year is replaced only on purpose",
            )
        insert_notice(
            conn,
            schedule,
            issued_on,
            by=actor.name,
            role=actor.role,
            now=now,
            replacing=existing.id if existing is not None else None,
        )
    engine.refresh_calendar()
    status = "replaced" if existing is not None else "registered"
    return NoticeResult(year, schedule.source, status, recompute(engine, now=now, previous=before))


# ---------------------------------------------------------------- recomputing due dates


def _basis_years(calendar: WorkCalendar) -> dict[str, str]:
    return {str(y): schedule_digest(calendar.schedule(y)) for y in calendar.known_years}


def _describe(calendar: WorkCalendar, years: list[int]) -> str:
    parts = []
    for y in years:
        s = calendar.schedule(y)
        parts.append(f"{y}年：{s.source}（{ORIGINS[s.origin]}）")
    return "工作日历更新——" + "；".join(parts)


def recompute(
    engine: Engine,
    *,
    now: datetime,
    everything: bool = False,
    previous: dict[str, str] | None = None,
) -> RecomputeSummary:
    """Bring the stored clocks in line with the calendar in force (see the module doc).

    ``everything`` replays every case with a clock, whatever changed (``clocks recompute``).
    ``previous`` is the basis the caller knows the clocks were computed on, for a database
    that has none stored yet; without either, the calendar in force is taken as the basis
    (a database whose clocks were all computed before any basis was kept: nothing to redo)."""
    calendar = engine.refresh_calendar()
    current = _basis_years(calendar)
    with engine.db.connect() as conn:
        stored = read_basis(conn)
    stored = stored if stored is not None else previous
    out = RecomputeSummary()
    if everything:
        since = date.min
    elif stored is None:
        with unit_of_work(engine.db) as uow:
            conn = uow.conn
            write_basis(conn, current, now)
        return out
    else:
        out.years = sorted(
            int(y) for y in current.keys() | stored.keys() if current.get(y) != stored.get(y)
        )
        if not out.years:
            return out
        # A notice for Y may also fix days of December of Y-1.
        since = date(min(out.years) - 1, 12, 1)
    with engine.db.connect() as conn:
        case_ids = affected_case_ids(conn, since)
    basis = _describe(calendar, out.years or [y for y in calendar.known_years if y >= since.year])
    directory: Directory | None = None
    finished = True
    for case_id in case_ids:
        try:
            with unit_of_work(engine.db) as uow:
                conn = uow.conn
                changed = _recompute_case(engine, conn, case_id, basis, now)
                for c in changed["early"] if changed is not None else []:
                    out.problems.append(
                        f"案件 {case_id} 的{c['label']}已于 {c['lapsed_on']} 按暂定届满日期满处理，"
                        f"重新计算后届满日为 {c['due_after']}：请核查是否应恢复办理"
                    )
                if changed is not None and (changed["moved"] or changed["early"]):
                    directory = directory or directory_in_force(
                        engine.db, engine.settings.states_dir
                    )
                    out.notices += _tell_unit(conn, directory, changed, basis, now)
        except StaleCase:
            finished = False  # a clerk moved it meanwhile: the next sweep does it again
            out.problems.append(f"案件 {case_id} 正被办理，未能重新计算期限，下次督办时再算")
            continue
        except CaseworkError as err:
            out.problems.append(f"案件 {case_id} 无法重放，期限未重新计算：{err}")
            continue
        if changed is not None:
            out.cases.append(changed)
    if finished:
        with unit_of_work(engine.db) as uow:
            conn = uow.conn
            write_basis(conn, current, now)
    return out


def _recompute_case(
    engine: Engine, conn: Connection, case_id: int, basis: str, now: datetime
) -> dict[str, Any] | None:
    """Replay one case with the calendar in force; write its clocks and an event if they
    differ from the stored ones. Returns what changed, or None."""
    wf = engine.workflow
    loaded = load_case(conn, case_id)
    stored = loaded.snapshot
    steps = list(
        replay_events(wf, case_id, stored.flow, stored.parent_id, load_events(conn, case_id))
    )
    if not steps or steps[-1].after is None:
        error = steps[-1].error if steps else "无事件"
        raise CaseworkError(f"重放失败：{error}", case=case_id)
    replayed = steps[-1].after
    if replayed.state != stored.state or len(replayed.clocks) != len(stored.clocks):
        raise CaseworkError(
            "重放得到的状态或期限个数与库中不同（请运行 casework verify）", case=case_id
        )
    changes: list[dict[str, Any]] = []
    due_rows: list[dict[str, Any]] = []
    for seq, (old, new) in enumerate(zip(stored.clocks, replayed.clocks, strict=True)):
        due = clk.due_date(new, wf.calendar)
        if old == new and loaded.due_on[seq] == due:
            continue
        rules = wf.rules[stored.flow].named(stored.rule_set) if stored.rule_set else None
        spec = rules.clocks.get(new.kind) if rules else None
        changes.append(
            {
                "clock": new.kind,
                "label": spec.label if spec else new.kind,
                "seq": seq,
                "open": new.is_open,
                "due_before": loaded.due_on[seq],
                "due_after": due,
                "status_before": old.status,
                "status_after": new.status,
            }
        )
        due_rows.append({"b_id": loaded.clocks[seq].id, "due": due})
    if not changes:
        return None
    payload = jsonable({"reason": basis, "changes": changes})
    save_move(
        conn,
        loaded,
        replace(stored, clocks=replayed.clocks),
        move=RECOMPUTED,
        actor=RECOMPUTE_ACTOR,
        payload=payload,
        now=now,
        calendar=wf.calendar,
        key=engine.keys.signing_key(conn),
    )
    conn.execute(_SET_DUE, due_rows)  # a clock may differ only in its due date
    return {
        "case": case_id,
        "unit": stored.fields.get("unit"),
        "state": stored.state,
        "flow": stored.flow,
        "event": loaded.event_count + 1,
        "changes": changes,
        "moved": [c for c in changes if c["open"] and c["due_before"] != c["due_after"]],
        # An applicant's period closed as lapsed on its provisional due date that now ends
        # later: the lapse came too early and stands until a person decides.
        "early": [
            {**c, "lapsed_on": new.stopped_on}
            for c, new in ((c, replayed.clocks[c["seq"]]) for c in changes)
            if new.status == "lapsed"
            and new.stopped_on is not None
            and c["due_after"] is not None
            and new.stopped_on <= c["due_after"]
        ],
    }


def _tell_unit(
    conn: Connection, directory: Directory, changed: dict[str, Any], basis: str, now: datetime
) -> int:
    """One outbox notice to the handling unit (the general section before forwarding)."""
    unit = changed["unit"]
    recipient = (
        directory.body(unit) if unit in directory.units else directory.position("general_section")
    )
    lines = [
        f"案件 {changed['case']} 的{c['label']}届满日由 {c['due_before'] or '（暂停中）'} "
        f"调整为 {c['due_after'] or '（暂停中）'}。"
        for c in changed["moved"]
    ]
    lines += [
        f"案件 {changed['case']} 的{c['label']}已于 {c['lapsed_on']} 按暂定届满日期满处理，"
        f"按调整后的日历届满日为 {c['due_after']}：请核查是否应恢复办理。"
        for c in changed["early"]
    ]
    body = (
        f"{recipient.name}：\n\n"
        + "\n".join(lines)
        + f"\n\n原因：{basis}。请按调整后的日期办理；已向申请人告知暂定日期的（延期告知书、"
        "补正通知书、缴费通知书等），请另行告知调整后的日期。"
        "\n\n（casework 工作日历重算自动发出）\n"
    )
    subject = f"【期限调整】案件 {changed['case']} 的届满日因节假日安排更新而调整"
    return int(
        queue_notice(
            conn,
            recipient,
            key=f"due-moved:{changed['case']}:{changed['event']}",
            subject=subject,
            body=body,
            now=now,
            case_id=changed["case"],
        )
    )
