"""The nightly sweep: lapse the applicant's periods, escalate the agency's along the ladder.

The ladder (states/escalation.toml) says, per clock kind, at which working-day offset from the
due date whom to notify. The sweep:

1. makes the lapse move (correction_lapsed, fee_lapsed, consultation_lapsed) of every running
   applicant clock whose due date has passed — each through ``engine.move`` as the system, in
   its own transaction. Nothing records "to do" first: the clock itself is the to-do (it stays
   running until its lapse move commits), so a crash between two moves loses nothing and a
   rerun does the rest;
2. in ONE transaction, under the sweep lock (PostgreSQL ``pg_try_advisory_xact_lock``; SQLite's
   write lock, taken at BEGIN IMMEDIATE), records each ladder level reached by a running clock
   as an escalation (unique per clock and level) and writes its notices to the outbox.

Due clocks are found by an indexed range query on ``clocks(status, due_on)``
(ix_clocks_status_due), never by loading cases; so the cost follows the due clocks. A level is
reached when its day (``fire_on``) is on or before the sweep's date, so a sweep after missed
nights sends every level whose day has come, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, exists, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from casework.calendar_office import recompute
from casework.domain import clocks as clk
from casework.domain.calendar import WorkCalendar
from casework.domain.holiday_law import PROVISIONAL_LAW
from casework.domain.roles import Actor
from casework.errors import CaseworkError, DefinitionError, InvalidInput, UnknownCalendarYear
from casework.organisation import Directory, Recipient, directory_in_force, load_directory
from casework.store.calendar_store import queue_notice
from casework.store.db import WRITE
from casework.store.escalation_tables import ESCALATIONS, OUTBOX, SWEEP_RUNS
from casework.store.repository import CASES, CLOCKS
from casework.workflow.loader import Problems, read_toml

SYSTEM_ACTOR = Actor("夜间期限督办", "system")
LADDER_FILE = "escalation.toml"
# Kinds of the review and lawsuit rule books (states/rules/review/, states/rules/lawsuit/),
# accepted in a states directory that lacks those flows; once a flow is loaded its kinds
# are checked like the rest.
PENDING_KINDS = {
    "answer": "review",
    "answer_simplified": "review",
    "decision": "review",
    "decision_simplified": "review",
    "defence": "lawsuit",
    "appeal": "lawsuit",
    "appeal_ruling": "lawsuit",
}
TARGETS = {
    "handler": "承办人",
    "unit_head": "承办单位负责人",
    "line": "战线副主任（单位的督办路线）",
    "director": "区政府办主任",
    "supervision_office": "督查室",
    "duty_office_head": "总值班室主任",
    "service_centre_head": "区政务中心负责人",
    "legal_office": "法制办",
    "general_section": "综合科",
}
# Natures whose clocks must have a ladder: "window" reminders are optional and "body" clocks
# bind another authority (the review body's decision) and escalate to no one unless asked.
NEED_LADDER = frozenset({"duty", "applicant"})
# One sweep at a time on PostgreSQL (pg_try_advisory_xact_lock); the key names this lock only.
SWEEP_LOCK_KEY = 7_263_827_001
BATCH = 500
STALE_RUN = timedelta(hours=2)  # a claimed night never finished (crashed) may be taken over
# A month's warning before reply periods start to be counted over a year whose holiday notice
# is not registered (they are then provisional).
CALENDAR_WARNING_DAYS = 30


# ---------------------------------------------------------------- the ladder


@dataclass(frozen=True)
class Level:
    name: str
    label: str
    offset: int  # working days from the due date
    notify: tuple[str, ...]


@dataclass(frozen=True)
class Rung:
    """What the ladder does with one clock kind: levels to escalate, or a lapse move."""

    kind: str
    nature: str
    levels: tuple[Level, ...] = ()
    lapse: str | None = None


@dataclass(frozen=True)
class Ladder:
    rungs: dict[str, Rung]
    source: str

    def escalating(self) -> list[Rung]:
        return [r for r in self.rungs.values() if r.levels]

    def lapsing(self) -> list[Rung]:
        return [r for r in self.rungs.values() if r.lapse]


def _kinds(workflow: Any) -> dict[str, tuple[str, str, str]]:
    """Clock kind -> (flow, nature, label) over every rule set of every loaded flow."""
    found: dict[str, tuple[str, str, str]] = {}
    for flow, book in workflow.rules.items():
        for rs in book.rule_sets:
            for kind, spec in rs.clocks.items():
                found.setdefault(kind, (flow, spec.nature, spec.label))
    return found


def _parse_level(raw: Any, where: str, problems: Problems) -> Level | None:
    if not isinstance(raw, dict):
        problems.add(where, "级别应为表：level、offset、notify")
        return None
    for key in set(raw) - {"level", "label", "offset", "notify"}:
        problems.add(where, f"未知的键 {key!r}")
    name, offset, notify = raw.get("level"), raw.get("offset"), raw.get("notify")
    if not isinstance(name, str) or not name:
        problems.add(where, "缺少 level（级别代码）")
        return None
    if isinstance(offset, bool) or not isinstance(offset, int):
        problems.add(
            where, f"级别 {name} 的 offset 应为整数（相对届满日的工作日数），收到 {offset!r}"
        )
        return None
    if not isinstance(notify, list) or not notify:
        problems.add(where, f"级别 {name} 缺少 notify（通知对象）")
        return None
    for target in notify:
        if target not in TARGETS:
            problems.add(
                where, f"级别 {name} 的通知对象 {target!r} 未知（可选：{'、'.join(TARGETS)}）"
            )
    return Level(name, str(raw.get("label", name)), offset, tuple(notify))


def _parse_rung(
    kind: str,
    raw: Any,
    known: dict[str, tuple[str, str, str]],
    workflow: Any,
    where: str,
    problems: Problems,
) -> Rung | None:
    if kind in known:
        flow, nature, _ = known[kind]
    elif kind in PENDING_KINDS and PENDING_KINDS[kind] not in workflow.rules:
        flow, nature = PENDING_KINDS[kind], "duty"
    else:
        problems.add(
            where,
            f"未知的期限种类 {kind!r}：规则文件中没有这种期限（已有：{'、'.join(sorted(known))}）",
        )
        return None
    if not isinstance(raw, dict):
        problems.add(where, "应为表：levels 或 lapse")
        return None
    levels = []
    for i, lv in enumerate(raw.get("levels", [])):
        parsed = _parse_level(lv, f"{where} levels[{i}]", problems)
        if parsed is not None:
            levels.append(parsed)
    lapse = raw.get("lapse")
    names = [lv.name for lv in levels]
    if len(set(names)) != len(names):
        problems.add(where, "级别代码重复")
    if [lv.offset for lv in levels] != sorted({lv.offset for lv in levels}):
        problems.add(where, "各级别的 offset 应严格递增（先提醒、后督办、再通报）")
    if nature == "applicant":
        if levels or not isinstance(lapse, str):
            problems.add(where, f'{kind} 是申请人一方的期限：只能写 lapse = "期满动作"，不能督办')
        elif lapse not in {m.name for m in workflow.flows[flow].flow.moves}:
            problems.add(where, f"lapse 动作 {lapse!r} 不在流程 {flow} 中")
        elif not any(
            m.name == lapse and "system" in m.roles for m in workflow.flows[flow].flow.moves
        ):
            problems.add(where, f"流程 {flow} 的动作 {lapse} 不允许 system 角色（夜间任务）办理")
        return Rung(kind, nature, (), lapse if isinstance(lapse, str) else None)
    if lapse is not None:
        problems.add(where, f"{kind} 是机关一方的期限（{nature}）：不能写 lapse")
    if not levels:
        problems.add(where, f"{kind} 没有任何督办级别")
    if nature == "window" and any(lv.offset > 0 for lv in levels):
        problems.add(where, f"{kind} 是告知窗口：窗口关闭后提醒已无意义，offset 不能大于 0")
    return Rung(kind, nature, tuple(levels))


def ladder_problems(states_dir: Path, workflow: Any) -> tuple[Ladder, Problems]:
    """Parse states/escalation.toml against the loaded rule books; collect every problem."""
    path = states_dir / LADDER_FILE
    problems = Problems()
    raw = read_toml(path)
    clocks = raw.get("clocks", {})
    known = _kinds(workflow)
    rungs = {}
    for kind, entry in clocks.items():
        rung = _parse_rung(kind, entry, known, workflow, f"{path} [clocks.{kind}]", problems)
        if rung is not None:
            rungs[kind] = rung
    for key in set(raw) - {"clocks"}:
        problems.add(str(path), f"未知的键 {key!r}（督办阶梯写在 [clocks.种类] 下）")
    for kind, (_, nature, label) in known.items():
        if kind not in rungs and nature in NEED_LADDER:
            problems.add(str(path), f"期限 {kind}（{label}）没有督办阶梯：逾期将无人知晓")
    return Ladder(rungs, str(path)), problems


def load_ladder(states_dir: Path, workflow: Any) -> Ladder:
    ladder, problems = ladder_problems(states_dir, workflow)
    problems.raise_if_any(states_dir / LADDER_FILE)
    return ladder


def fire_on(due: date, offset: int, calendar: WorkCalendar) -> date:
    """The working day ``offset`` working days from ``due`` (0: the due date itself)."""
    if offset > 0:
        return calendar.add_working_days(due, offset)
    day, left = due, -offset
    while left:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day


def horizon(as_of: date, rung: Rung, calendar: WorkCalendar) -> date:
    """The latest due date whose first level is reached by ``as_of``."""
    lead = -min(lv.offset for lv in rung.levels)
    return calendar.add_working_days(as_of, lead) if lead > 0 else as_of


# ---------------------------------------------------------------- notices


CONTEXT = frozenset(
    {
        "recipient_name",
        "level_label",
        "case_id",
        "flow_label",
        "state_label",
        "unit_name",
        "handler",
        "clock_label",
        "basis",
        "due_on",
        "days_overdue",
        "route",
        "as_of",
    }
)
SAMPLE = {
    "recipient_name": "测试",
    "level_label": "到期提醒",
    "case_id": 1,
    "flow_label": "依申请公开申请",
    "state_label": "办理中",
    "unit_name": "区财政局",
    "handler": "李娜",
    "clock_label": "答复期限",
    "basis": "《条例》第三十三条第二款",
    "due_on": "2026-03-30",
    "days_overdue": 1,
    "route": "督查室",
    "as_of": "2026-03-31",
}
MAX_SUBJECT, MAX_BODY = 300, 20_000


class NoticeTemplates:
    """The Chinese subject and body of a notice (templates/escalation/subject.txt, body.txt),
    in Jinja2's sandbox with StrictUndefined; checked when loaded, not at 01:00."""

    def __init__(self, templates_dir: Path) -> None:
        from jinja2 import StrictUndefined, TemplateSyntaxError, meta
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        self._templates = {}
        for name in ("subject", "body"):
            path = templates_dir / "escalation" / f"{name}.txt"
            try:
                source = path.read_text(encoding="utf-8")
                unknown = meta.find_undeclared_variables(env.parse(source)) - CONTEXT
                self._templates[name] = env.from_string(source)
            except (OSError, TemplateSyntaxError) as err:
                raise DefinitionError(f"督办通知模板无法读取：{err}", path=str(path)) from None
            if unknown:
                raise DefinitionError(
                    f"督办通知模板使用了未知的变量 {sorted(unknown)}（可用：{sorted(CONTEXT)}）",
                    path=str(path),
                )
        self.render(SAMPLE)

    def render(self, context: dict[str, Any]) -> tuple[str, str]:
        subject = " ".join(self._templates["subject"].render(context).split())
        body = self._templates["body"].render(context)
        return subject[:MAX_SUBJECT], body[:MAX_BODY]


# ---------------------------------------------------------------- recipients


def _unit_box(d: Directory, unit: str | None) -> Recipient:
    return d.body(unit) if unit in d.units else d.position("general_section")


def recipients(d: Directory, target: str, unit: str | None, handler: str | None) -> list[Recipient]:
    """The addressees of one ladder target for a case of ``unit`` handled by ``handler``."""
    if target == "handler":
        for p in d.people.values():
            if unit and p.unit == unit and handler in (p.code, p.name):
                return [d.person(p.code)]
        return [_unit_box(d, unit)]
    if target == "unit_head":
        heads = [
            d.person(p.code) for p in d.people.values() if p.role == "unit_head" and p.unit == unit
        ]
        return heads or [_unit_box(d, unit)]
    if target == "line":
        route = d.routes.get(unit) if unit else None
        if route is None:  # not forwarded yet: the general section handles it
            return [d.position("general_section")]
        out = [d.person(d.lines[route.line].deputy)] if route.line else []
        return out + [d.position(o) for o in route.offices]
    return [d.position(target)]


def describe_route(d: Directory, unit: str | None) -> str:
    route = d.routes.get(unit) if unit else None
    if route is None:
        return "综合科（尚未转办到承办单位）"
    parts = []
    if route.line:
        ln = d.lines[route.line]
        parts.append(f"{ln.name}（战线副主任 {d.people[ln.deputy].name}）")
    parts += [d.position(o).name for o in route.offices]
    note = "" if route.from_seed else "（非通知原文，待确认）"
    return "、".join(parts) + note


# ---------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class SweepPlan:
    """Everything a sweep needs, loaded and validated before it touches the database."""

    directory: Directory
    ladder: Ladder
    notices: NoticeTemplates


def prepare(engine: Any) -> SweepPlan:
    """Load and check the directory in force, the ladder and the notice templates."""
    settings = engine.settings
    return SweepPlan(
        directory_in_force(engine.db, settings.states_dir),
        load_ladder(settings.states_dir, engine.workflow),
        NoticeTemplates(settings.templates_dir),
    )


@dataclass
class SweepSummary:
    as_of: date
    run_id: int | None = None
    skipped: str | None = None  # why nothing was done (the night ran elsewhere, lock busy)
    escalations: list[dict[str, Any]] = field(default_factory=list)
    notices: int = 0
    lapses: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Cases whose due dates the night's calendar recompute changed (a year became known).
    recomputed: list[dict[str, Any]] = field(default_factory=list)
    # Said to the general section through the outbox too (due dates counted provisionally).
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from casework.views import jsonable

        return jsonable(asdict(self))

    def counts(self) -> dict[str, Any]:
        by_level: dict[str, int] = {}
        for e in self.escalations:
            key = f"{e['kind']}/{e['level']}"
            by_level[key] = by_level.get(key, 0) + 1
        return {
            "escalations": by_level,
            "notices": self.notices,
            "lapses": len([x for x in self.lapses if x["result"] == "done"]),
            "recomputed": len(self.recomputed),
            "warnings": len(self.warnings),
            "problems": len(self.problems),
            "skipped": self.skipped,
        }


def sweep(
    engine: Any,
    as_of: date,
    *,
    now: datetime | None = None,
    run_key: str | None = None,
    started_by: str = "api",
    plan: SweepPlan | None = None,
) -> SweepSummary:
    """Sweep the clocks as of ``as_of`` (a date not after today). With a ``run_key`` (the
    scheduler's night), a key already claimed by another run makes this one do nothing."""
    from casework.services import Clock

    moment = Clock.of(now)
    if as_of > moment.today:
        raise InvalidInput(
            f"督办日期 {as_of} 晚于今天 {moment.today}：不能提前督办",
            field="as_of",
            rule="a sweep looks at days that have come",
        )
    plan = plan or prepare(engine)
    summary = SweepSummary(as_of)
    summary.run_id = _claim(engine.db, as_of, run_key, started_by, moment.now)
    if summary.run_id is None:
        summary.skipped = f"本次夜间督办（{run_key}）已由其他实例运行"
        return summary
    # First the due dates a newly known year moved, so that lapses and levels use them.
    recomputed = recompute(engine, now=moment.now)
    summary.recomputed, summary.problems = recomputed.cases, [*recomputed.problems]
    summary.notices += recomputed.notices
    _lapse(engine, plan, as_of, moment.now, summary)
    _escalate(engine, plan, as_of, moment.now, summary)
    _warn_provisional(engine, plan, as_of, moment.now, summary)
    with engine.db.execution_options(**WRITE).begin() as conn:
        conn.execute(
            update(SWEEP_RUNS)
            .where(SWEEP_RUNS.c.id == summary.run_id)
            .values(finished_at=moment.now, summary=summary.counts())
        )
    return summary


def _warn_provisional(
    engine: Any, plan: SweepPlan, as_of: date, now: datetime, out: SweepSummary
) -> None:
    """Every night from a month before the first receipt date whose reply period is counted
    provisionally, and every night while open due dates are provisional, tell the general
    section (outbox, once a night) from which receipt date that is and how many open clocks
    are provisional."""
    from casework.services import APPLICATION

    calendar = engine.workflow.calendar
    edge = calendar.first_provisional_day
    if out.skipped or edge is None:
        return
    with engine.db.connect() as conn:
        pending = conn.scalar(
            select(func.count(CLOCKS.c.case_id.distinct())).where(
                CLOCKS.c.status.in_(clk.OPEN_STATUSES), CLOCKS.c.due_on >= edge
            )
        )
    reply = engine.workflow.rules[APPLICATION].in_force_on(as_of).clocks.get("reply")
    first = (
        clk.first_provisional_start(reply.unit, reply.length, edge, calendar)
        if reply is not None and reply.length is not None
        else edge
    )
    if (first - as_of).days > CALENDAR_WARNING_DAYS and not pending:
        return
    message = (
        f"{edge.year}年的国务院办公厅放假通知尚未登记：自 {first} 起收到的申请，答复期限跨入"
        f"{edge.year}年，按{PROVISIONAL_LAW}暂定计算（届满日标注“暂定”）；目前有 {pending} 件"
        "案件的未结期限为暂定。通知发布后请管理员运行 casework calendar notice add 登记，"
        "系统将重新计算受影响的期限并通知承办单位。"
    )
    out.warnings.append(message)
    recipient = plan.directory.position("general_section")
    with engine.db.execution_options(**WRITE).begin() as conn:
        if queue_notice(
            conn,
            recipient,
            key=f"calendar-provisional:{as_of.isoformat()}",
            subject=f"【工作日历】{edge.year}年放假通知尚未登记，期限暂定计算",
            body=f"{recipient.name}：\n\n{message}\n\n（casework 夜间督办 {as_of} 自动发出）\n",
            now=now,
        ):
            out.notices += 1


def _claim(db: Any, as_of: date, key: str | None, by: str, now: datetime) -> int | None:
    """Record the run; a run key that another run holds (and finished, or is still running
    recently) means this one must not run."""
    row = {"run_key": key, "as_of": as_of, "started_by": by, "started_at": now, "summary": {}}
    try:
        with db.execution_options(**WRITE).begin() as conn:
            return conn.execute(
                insert(SWEEP_RUNS).values(row).returning(SWEEP_RUNS.c.id)
            ).scalar_one()
    except IntegrityError:
        if key is None:
            raise
    with db.execution_options(**WRITE).begin() as conn:  # take over a run that crashed
        return conn.execute(
            update(SWEEP_RUNS)
            .where(
                SWEEP_RUNS.c.run_key == key,
                SWEEP_RUNS.c.finished_at.is_(None),
                SWEEP_RUNS.c.started_at < now - STALE_RUN,
            )
            .values(started_at=now, started_by=by)
            .returning(SWEEP_RUNS.c.id)
        ).scalar_one_or_none()


def due_query(
    kind: str, where: list[Any], columns: list[Any], after: tuple[date, int] | None
) -> Any:
    """One batch of running clocks of ``kind`` matching ``where``, keyset-paged on (due_on, id):
    an index range scan on ix_clocks_status_due (status, due_on), joined to their cases by key."""
    query = (
        select(CLOCKS.c.id, CLOCKS.c.case_id, CLOCKS.c.due_on, *columns)
        .select_from(CLOCKS.join(CASES, CASES.c.id == CLOCKS.c.case_id))
        .where(CLOCKS.c.status == "running", CLOCKS.c.kind == kind, *where)
        .order_by(CLOCKS.c.due_on, CLOCKS.c.id)
        .limit(BATCH)
    )
    if after is not None:
        query = query.where(
            or_(
                CLOCKS.c.due_on > after[0],
                and_(CLOCKS.c.due_on == after[0], CLOCKS.c.id > after[1]),
            )
        )
    return query


def _due_clocks(
    conn: Connection, kind: str, where: list[Any], columns: list[Any]
) -> Iterator[list[Any]]:
    after: tuple[date, int] | None = None
    while True:
        rows = conn.execute(due_query(kind, where, columns, after)).all()
        if not rows:
            return
        yield rows
        after = (rows[-1].due_on, rows[-1].id)


def _numbered(engine: Any, rung: Rung) -> bool:
    """Whether the lapse move names which clock of its kind it closes (an input named after
    the kind: ``consultation_lapsed`` takes ``consultation``, the clock's number in its case)."""
    return any(
        rung.kind in m.inputs
        for machine in engine.workflow.flows.values()
        for m in machine.flow.variants(rung.lapse)
    )


def _lapse(engine: Any, plan: SweepPlan, as_of: date, now: datetime, out: SweepSummary) -> None:
    for rung in plan.ladder.lapsing():
        numbered = _numbered(engine, rung)
        with engine.db.connect() as conn:
            due = []
            for batch in _due_clocks(conn, rung.kind, [CLOCKS.c.due_on < as_of], [CLOCKS.c.seq]):
                for r in batch:
                    number = None
                    if numbered:  # 1-based among the case's clocks of this kind
                        number = conn.scalar(
                            select(func.count()).where(
                                CLOCKS.c.case_id == r.case_id,
                                CLOCKS.c.kind == rung.kind,
                                CLOCKS.c.seq <= r.seq,
                            )
                        )
                    due.append((r, {rung.kind: number} if numbered else {}))
        for r, inputs in due:
            entry = {"case": r.case_id, "kind": rung.kind, "move": rung.lapse, "due_on": r.due_on}
            try:
                engine.move(r.case_id, rung.lapse, SYSTEM_ACTOR, on=as_of, now=now, **inputs)
                out.lapses.append({**entry, "result": "done"})
            except CaseworkError as err:
                with engine.db.connect() as conn:
                    status = conn.scalar(select(CLOCKS.c.status).where(CLOCKS.c.id == r.id))
                if status == "running":
                    out.problems.append(f"案件 {r.case_id} 的 {rung.lapse} 未能办理：{err}")
                    out.lapses.append({**entry, "result": "failed"})
                else:  # a clerk or another sweep closed the period first: nothing to do
                    out.lapses.append({**entry, "result": "already"})


def _locked(conn: Connection) -> bool:
    """One sweep at a time: SQLite holds its write lock since BEGIN IMMEDIATE; PostgreSQL
    takes a transaction-scoped advisory lock, or reports that another sweep holds it."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(
        conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SWEEP_LOCK_KEY}).scalar()
    )


def _escalate(engine: Any, plan: SweepPlan, as_of: date, now: datetime, out: SweepSummary) -> None:
    cal = engine.workflow.calendar
    columns = [CASES.c.unit, CASES.c.handler, CASES.c.flow, CASES.c.state, CASES.c.rule_set]
    with engine.db.execution_options(**WRITE).begin() as conn:
        if not _locked(conn):
            out.skipped = "另一个督办任务正在运行（PostgreSQL 咨询锁被占用），本次未执行"
            return
        for rung in plan.ladder.escalating():
            try:
                where = [CLOCKS.c.due_on <= horizon(as_of, rung, cal)]
            except UnknownCalendarYear as err:
                out.problems.append(f"{rung.kind}：{err}")
                continue
            if rung.nature == "window":  # a closed window needs no reminder any more
                where.append(CLOCKS.c.due_on >= as_of)
            else:  # clocks that reached the last level are done with
                done = exists().where(
                    ESCALATIONS.c.clock_id == CLOCKS.c.id,
                    ESCALATIONS.c.level == rung.levels[-1].name,
                )
                where.append(~done)
            for batch in _due_clocks(conn, rung.kind, where, columns):
                _escalate_batch(conn, engine, plan, rung, batch, as_of, now, out)


def _escalate_batch(
    conn: Connection,
    engine: Any,
    plan: SweepPlan,
    rung: Rung,
    batch: list[Any],
    as_of: date,
    now: datetime,
    out: SweepSummary,
) -> None:
    cal = engine.workflow.calendar
    ids = [r.id for r in batch]
    query = select(ESCALATIONS.c.clock_id, ESCALATIONS.c.level)
    seen = {tuple(r) for r in conn.execute(query.where(ESCALATIONS.c.clock_id.in_(ids)))}
    new: list[tuple[Any, Level, date]] = []
    for r in batch:
        for lv in rung.levels:
            if (r.id, lv.name) in seen:
                continue
            try:
                day = fire_on(r.due_on, lv.offset, cal)
            except UnknownCalendarYear as err:
                out.problems.append(f"案件 {r.case_id} 的 {rung.kind}/{lv.name}：{err}")
                continue
            if day <= as_of:
                new.append((r, lv, day))
    if not new:
        return
    esc_ids = (
        conn.execute(
            insert(ESCALATIONS).returning(ESCALATIONS.c.id, sort_by_parameter_order=True),
            [
                {
                    "clock_id": r.id,
                    "case_id": r.case_id,
                    "kind": rung.kind,
                    "level": lv.name,
                    "offset_days": lv.offset,
                    "due_on": r.due_on,
                    "fire_on": day,
                    "as_of": as_of,
                    "created_at": now,
                }
                for r, lv, day in new
            ],
        )
        .scalars()
        .all()
    )
    # A catch-up sweep may reach several levels of one clock at once: each is recorded (so that
    # none is sent later), but only the highest reached is notified — an overdue clock gets the
    # breach notice, not a reminder that it is about to run out.
    highest: dict[int, int] = {}
    for r, lv, _ in new:
        highest[r.id] = max(highest.get(r.id, lv.offset), lv.offset)
    notices = []
    for esc_id, (r, lv, day) in zip(esc_ids, new, strict=True):
        notified = lv.offset == highest[r.id]
        rows = _notices(engine, plan, rung, lv, r, as_of, now) if notified else []
        notices.extend({**n, "escalation_id": esc_id} for n in rows)
        out.escalations.append(
            {
                "case": r.case_id,
                "clock": r.id,
                "kind": rung.kind,
                "level": lv.name,
                "unit": r.unit,
                "due_on": r.due_on,
                "fire_on": day,
                "notices": len(rows),
            }
        )
    if notices:
        conn.execute(insert(OUTBOX), notices)
    out.notices += len(notices)


def _notices(
    engine: Any, plan: SweepPlan, rung: Rung, lv: Level, r: Any, as_of: date, now: datetime
) -> list[dict[str, Any]]:
    d, wf = plan.directory, engine.workflow
    flow = wf.flows[r.flow].flow
    spec = wf.rules[r.flow].named(r.rule_set).clocks.get(rung.kind)
    overdue = -clk.working_days_left(r.due_on, as_of, wf.calendar)
    context = {
        "level_label": lv.label,
        "case_id": r.case_id,
        "flow_label": flow.title,
        "state_label": flow.states[r.state].label if r.state in flow.states else r.state,
        "unit_name": d.units[r.unit].name if r.unit in d.units else "（尚未转办）",
        "handler": r.handler or "（未指定）",
        "clock_label": spec.label if spec else rung.kind,
        "basis": spec.basis if spec else "",
        "due_on": r.due_on.isoformat(),
        "days_overdue": overdue,
        "route": describe_route(d, r.unit),
        "as_of": as_of.isoformat(),
    }
    rows: list[dict[str, Any]] = []
    keys: set[str] = set()
    addresses: set[tuple[str, str]] = set()
    for target in lv.notify:
        for rcp in recipients(d, target, r.unit, r.handler):
            # One notice per addressee: a handler and a head both falling back to the unit's
            # mailbox get one mail, not two.
            if rcp.key in keys or (rcp.channel, rcp.address) in addresses:
                continue
            keys.add(rcp.key)
            addresses.add((rcp.channel, rcp.address))
            subject, body = plan.notices.render({**context, "recipient_name": rcp.name})
            rows.append(
                {
                    "case_id": r.case_id,
                    "channel": rcp.channel,
                    "recipient": rcp.key,
                    "recipient_name": rcp.name[:100],
                    "address": rcp.address[:200],
                    "subject": subject,
                    "body": body,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
    return rows


def _ladder_and_templates(states_dir: Path, templates_dir: Path, workflow: Any) -> list[str]:
    try:
        problems = list(ladder_problems(states_dir, workflow)[1])
        NoticeTemplates(templates_dir)
    except CaseworkError as err:
        return [str(err)]
    return problems


def check_files(states_dir: Path, templates_dir: Path) -> list[str]:
    """The problems of the files alone — the states directory's organisation.toml, the ladder
    and the notice templates — with no database (a machine before ``casework db upgrade``)."""
    from casework.services import build_workflow

    try:
        load_directory(states_dir)
        workflow = build_workflow(states_dir, frozenset())
    except CaseworkError as err:
        return [str(err)]
    return _ladder_and_templates(states_dir, templates_dir, workflow)


def check_all(engine: Any) -> list[str]:
    """Every problem of the directory in force, the ladder and the notice templates, and every
    unit with cases that the directory does not route (for ``casework directory check``)."""
    problems: list[str] = []
    try:
        d = directory_in_force(engine.db, engine.settings.states_dir)
    except CaseworkError as err:
        problems.append(str(err))
        d = None
    settings = engine.settings
    problems += _ladder_and_templates(settings.states_dir, settings.templates_dir, engine.workflow)
    if d is not None:
        with engine.db.connect() as conn:
            used = set(
                conn.scalars(select(CASES.c.unit).where(CASES.c.unit.is_not(None)).distinct())
            )
        for unit in sorted(used - set(d.routes)):
            problems.append(f"数据库中有案件的单位 {unit} 不在名录中，没有督办路线")
    return problems
