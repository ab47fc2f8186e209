"""The ladder (states/escalation.toml): per clock kind, at which working-day offset from the due
date whom to notify, or (applicant clocks) which move lapses the period.

The file is checked against the loaded rule books: every kind must exist, every duty and
applicant clock must have a ladder, offsets rise, and a lapse move must be one the nightly task
(role ``system``) may make.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casework.tomlfiles import Key, Problems, read_toml, table

if TYPE_CHECKING:
    from casework.domain.calendar import WorkCalendar
    from casework.workflow.apply import Workflow

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

# The keys of each table of the file (the parser checks the values it types as None).
FILE_KEYS = {"clocks": Key(dict)}
RUNG_KEYS = {"levels": Key(list), "lapse": Key()}
LEVEL_KEYS = {"level": Key(), "label": Key(str), "offset": Key(), "notify": Key()}


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


def _kinds(workflow: Workflow) -> dict[str, tuple[str, str, str]]:
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
    raw = table(raw, LEVEL_KEYS, where, problems)
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
    workflow: Workflow,
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
    raw = table(raw, RUNG_KEYS, where, problems)
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


def ladder_problems(states_dir: Path, workflow: Workflow) -> tuple[Ladder, Problems]:
    """Parse states/escalation.toml against the loaded rule books; collect every problem."""
    path = states_dir / LADDER_FILE
    problems = Problems()
    raw = table(read_toml(path), FILE_KEYS, str(path), problems)
    clocks = raw.get("clocks", {})
    known = _kinds(workflow)
    rungs = {}
    for kind, entry in clocks.items():
        rung = _parse_rung(kind, entry, known, workflow, f"{path} [clocks.{kind}]", problems)
        if rung is not None:
            rungs[kind] = rung
    for kind, (_, nature, label) in known.items():
        if kind not in rungs and nature in NEED_LADDER:
            problems.add(str(path), f"期限 {kind}（{label}）没有督办阶梯：逾期将无人知晓")
    return Ladder(rungs, str(path)), problems


def load_ladder(states_dir: Path, workflow: Workflow) -> Ladder:
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
