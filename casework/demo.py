"""A realistic, deterministic stream of applications run through the real engine.

Every case gets a script of moves dated from its receipt; all moves of all cases are then made
in date order with a simulated clock, exactly as clerks would make them. Nothing is written
around the engine: the demo database passes ``casework verify``.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from casework.domain.outcomes import REPLY_OUTCOMES
from casework.domain.roles import Actor
from casework.domain.vocabulary import APPLICANT_KINDS
from casework.errors import CaseworkError, InvalidInput
from casework.letters.config import ENV_FORMATS
from casework.organisation import sample_directory, store_directory_text
from casework.services import Engine, open_engine
from casework.settings import TIMEZONE

DEMO_SUFFIX = "（演示）"
# How often each reply outcome occurs in the demo (others: 2), roughly as in published reports.
OUTCOME_WEIGHTS = {
    "disclosed": 40,
    "already_public": 15,
    "partially_disclosed": 10,
    "withheld_process": 5,
    "withheld_third_party": 5,
    "unable_not_held": 6,
}
# What a lawful reply letter must say for these outcomes (Arts. 36, 37): the clerk's text.
REPLY_TEXT = {
    "partially_disclosed": {"reasons": "其中涉及第三方商业秘密的部分不予公开（《条例》第十五条）"},
    "unable_not_held": {"reasons": "经检索本机关2024年以来的文书档案与业务系统，未找到该信息"},
    "unable_not_responsible": {"responsible_agency": "武汉市自然资源和规划局（电话 027-12345678）"},
    "rejected_repeat": {"reasons": "申请人已于2026年就同一内容提出申请，本机关已作出答复"},
    "other": {"reasons": "所提事项属于咨询，已告知申请人向有关部门咨询的渠道"},
    **{
        code: {"reasons": "经审查，所申请信息属于该条款规定的不予公开情形"}
        for code in REPLY_OUTCOMES
        if code.startswith("withheld")
    },
}
PROCEEDING_KEYS = 100_000  # script keys of proceedings: this plus their case's key
DEMO_READER = "xugang"  # the office director of the bundled directory: reads every case
START = date(2026, 1, 5)
END = date(2026, 9, 30)  # the demo's "today": every due date stays inside the known 2026 calendar

DUTY = Actor("熊芳俐" + DEMO_SUFFIX, "duty_office")
CENTRE = Actor("政务中心窗口" + DEMO_SUFFIX, "service_centre")
GENERAL = Actor("综合科" + DEMO_SUFFIX, "general_section")
LEGAL = Actor("法制办" + DEMO_SUFFIX, "legal_office")

CHANNELS = ["window", "online", "online", "registered_mail", "ordinary_mail", "fax", "email"]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"]
ORGS = {
    "business": ["汉正商贸有限公司", "宗关置业有限公司", "古田物流有限公司"],
    "research": ["江城城市规划研究院"],
    "public_interest": ["绿色江城环保志愿者协会"],
    "legal_services": ["硚口明理律师事务所"],
    "other_org": ["长丰社区居民委员会"],
}
REQUESTS = [
    "{unit}2025年部门预算及“三公”经费预算",
    "{unit}2025年度政府信息公开工作年度报告中依申请公开的统计口径",
    "{unit}关于古田片区房屋征收补偿方案的批复文件",
    "{unit}2025年度重点审计项目的审计结果",
    "{unit}汉正街改造项目的环境影响评价报告",
    "{unit}2025年保障性住房分配名单及分配程序",
    "{unit}对本人所在小区违法建设的查处记录",
    "{unit}2025年政府集中采购项目目录及中标结果",
    "{unit}辖区内食品生产经营许可清单",
    "{unit}2025年社会救助资金的使用和分配情况",
]


@dataclass(order=True)
class Step:
    on: date
    order: int
    case_key: int = field(compare=False)
    move: str = field(compare=False)
    actor: Actor = field(compare=False)
    inputs: dict[str, Any] = field(compare=False, default_factory=dict)
    flow: str = field(compare=False, default="application")
    parent_key: int | None = field(compare=False, default=None)  # opens a proceeding on it


@dataclass
class DemoResult:
    path: Path
    cases: int
    moves: int
    as_of: date
    refused: list[str]
    sweep: Any = None  # the night's SweepSummary at the end of the simulated period
    reader: str = DEMO_READER


def clerk(unit: str) -> Actor:
    return Actor(f"{unit}经办人{DEMO_SUFFIX}", "unit_clerk", unit)


class _Planner:
    """Writes each case's script; dates come from the real working-day calendar."""

    def __init__(self, engine: Engine, rng: random.Random) -> None:
        self.cal = engine.workflow.calendar
        self.units = sorted(engine.workflow.units)
        self.rng = rng
        self.order = 0

    def wd(self, start: date, n: int) -> date:
        return self.cal.add_working_days(start, n)

    def step(self, key: int, on: date, move: str, actor: Actor, **inputs: Any) -> Step:
        self.order += 1
        return Step(on, self.order, key, move, actor, inputs)

    def proceeding(self, key: int, delivered: date, who: Actor) -> list[Step]:
        """A refusal challenged: a reconsideration that reopens the case, or a lawsuit."""
        rng, filed = self.rng, self.wd(delivered, self.rng.randint(10, 25))
        pkey = PROCEEDING_KEYS + key
        if rng.random() < 0.6:
            review = {
                "ground": "against_reply",
                "body": "硚口区人民政府",
                "body_case_number": f"硚政复〔2026〕{key}号",
                "procedure": "ordinary",
                "request": "撤销被申请人作出的不予公开答复",
                "accepted_on": filed,
            }
            open_ = self.step(pkey, filed, "copy_received", LEGAL, **review)
            decided = self.wd(filed, rng.randint(20, 35))
            steps = [
                replace(open_, flow="review", parent_key=key),
                self.step(
                    pkey,
                    self.wd(filed, rng.randint(5, 9)),
                    "answered",
                    LEGAL,
                    answer_number=f"答复〔2026〕{key}号",
                ),
            ]
            if rng.random() < 0.5:  # corrected: the unit must reply again within 20 days
                steps.append(
                    self.step(
                        pkey,
                        decided,
                        "decide",
                        LEGAL,
                        result="revoked",
                        decision_number=f"硚政复决〔2026〕{key}号",
                        deadline_days=20,
                        deadline_unit="working_days",
                    )
                )
                again = self.wd(decided, rng.randint(5, 18))
                steps.append(self.step(key, again, "reply", who, outcome="disclosed"))
                steps.append(self.step(key, self.wd(again, 2), "deliver", who, method="post"))
            else:
                steps.append(
                    self.step(
                        pkey,
                        decided,
                        "decide",
                        LEGAL,
                        result="upheld",
                        decision_number=f"硚政复决〔2026〕{key}号",
                    )
                )
            return steps
        suit = {
            "ground": "against_reply",
            "route": "direct",
            "court": "武汉市中级人民法院",
            "court_case_number": f"（2026）鄂01行初{key}号",
            "request": "撤销被告的答复",
        }
        judged = self.wd(filed, rng.randint(30, 50))
        return [
            replace(
                self.step(pkey, filed, "complaint_served", LEGAL, **suit),
                flow="lawsuit",
                parent_key=key,
            ),
            self.step(pkey, self.wd(filed, 8), "defended", LEGAL),
            self.step(
                pkey,
                judged,
                "judged",
                LEGAL,
                result="claims_rejected",
                decision_kind="judgment",
                judgment_number=f"（2026）鄂01行初{key}号",
            ),
            self.step(pkey, self.wd(judged, 15), "final", LEGAL),
        ]

    def applicant(self) -> dict[str, Any]:
        kind = self.rng.choices(list(APPLICANT_KINDS), weights=[70, 12, 3, 4, 6, 5])[0]
        if kind == "natural_person":
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + self.rng.choice(GIVEN)
            return {
                "applicant_name": name,
                "applicant_kind": kind,
                "applicant_id_number": f"4201{self.rng.randrange(10**13, 10**14)}",
                "applicant_phone": f"139{self.rng.randrange(10**7, 10**8)}",
            }
        return {
            "applicant_name": self.rng.choice(ORGS[kind]),
            "applicant_kind": kind,
            "applicant_phone": f"027-8{self.rng.randrange(10**6, 10**7)}",
        }

    def plan(self, key: int, received: date) -> list[Step]:
        rng, unit = self.rng, self.rng.choice(self.units)
        channel = rng.choice(CHANNELS)
        who = clerk(unit)
        base = {
            "channel": channel,
            **self.applicant(),
            "request": rng.choice(REQUESTS).format(unit=""),
        }
        steps: list[Step] = []
        if channel == "online":
            steps.append(self.step(key, received, "register", DUTY, **base))
            late = rng.random() < 0.1
            steps.append(
                self.step(key, self.wd(received, 2 if late else 1), "forward", DUTY, unit=unit)
            )
            day = self.wd(received, 2 if late else 1)
        else:
            steps.append(self.step(key, received, "register", CENTRE, unit=unit, **base))
            day = received
        roll = rng.random()
        if roll < 0.06:  # transferred to the unit that holds the information
            other = rng.choice([u for u in self.units if u != unit])
            day = self.wd(day, 2)
            steps.append(
                self.step(key, day, "transfer", who, unit=other, reason="信息由其他单位制作保存")
            )
            who = clerk(other)
        elif roll < 0.16:  # correction notice
            day = self.wd(day, rng.randint(1, 4))
            steps.append(
                self.step(
                    key,
                    day,
                    "request_correction",
                    who,
                    items=["所需信息的名称或文号", "获取信息的方式"],
                    days=10,
                )
            )
            if rng.random() < 0.35:
                steps.append(self.step(key, self.wd(day, 11), "correction_lapsed", who))
                return steps
            day = self.wd(day, rng.randint(2, 8))
            steps.append(self.step(key, day, "correction_received", who))
        elif roll < 0.28:  # consultation
            party = rng.choice(["third_party", "third_party", "other_agency"])
            day = self.wd(day, rng.randint(2, 6))
            steps.append(
                self.step(
                    key,
                    day,
                    "consult",
                    who,
                    party=party,
                    party_name="相关企业" if party == "third_party" else "区相关部门",
                    matter="拟公开信息涉及其权益或由其共同制作",
                )
            )
            if rng.random() < 0.3:
                day = self.wd(day, 16)
                steps.append(self.step(key, day, "consultation_lapsed", who))
            else:
                day = self.wd(day, rng.randint(3, 12))
                steps.append(
                    self.step(key, day, "consultation_answered", who, opinion="书面意见已收到")
                )
        elif roll < 0.33:  # information processing fee
            day = self.wd(day, rng.randint(2, 5))
            steps.append(
                self.step(
                    key,
                    day,
                    "fee_notice",
                    who,
                    basis="per_page",
                    pages=60,
                )
            )
            if rng.random() < 0.4:
                steps.append(self.step(key, self.wd(day, 21), "fee_lapsed", who))
                return steps
            day = self.wd(day, rng.randint(3, 10))
            steps.append(self.step(key, day, "fee_paid", who))
        elif roll < 0.37:  # withdrawn by the applicant
            steps.append(
                self.step(
                    key, self.wd(day, rng.randint(1, 5)), "withdraw", who, reason="申请人书面撤回"
                )
            )
            return steps
        if rng.random() < 0.08:
            day = self.wd(day, 3)
            steps.append(
                self.step(
                    key,
                    day,
                    "conference",
                    who,
                    topic="是否属于过程性信息",
                    participants="综合科、法制办",
                )
            )
        reply_day = self.wd(received, rng.randint(5, 19))
        if rng.random() < 0.15:  # a hard case: extended
            steps.append(
                self.step(
                    key,
                    max(day, self.wd(received, 15)),
                    "extend",
                    who,
                    approver="政府信息公开工作机构负责人",
                    reason="需调取档案，数量较大",
                )
            )
            reply_day = self.wd(received, rng.randint(22, 36))
        if rng.random() < 0.05:  # never answered: overdue at the end, the nightly job's business
            return steps
        if rng.random() < 0.08:  # answered late: the reply clock is recorded as breached
            reply_day = self.wd(received, rng.randint(21, 30))
        reply_day = max(reply_day, self.wd(day, 1))
        outcome = rng.choices(
            REPLY_OUTCOMES, weights=[OUTCOME_WEIGHTS.get(o, 2) for o in REPLY_OUTCOMES]
        )[0]
        steps.append(
            self.step(key, reply_day, "reply", who, outcome=outcome, **REPLY_TEXT.get(outcome, {}))
        )
        delivered = self.wd(reply_day, rng.randint(1, 3))
        steps.append(
            self.step(
                key, delivered, "deliver", who, method=rng.choice(["post", "in_person", "email"])
            )
        )
        steps.append(self.step(key, self.wd(delivered, 2), "close", who))
        if outcome.startswith("withheld") and rng.random() < 0.5:
            steps.extend(self.proceeding(key, delivered, who))
        return steps


def prepare_database(path: Path) -> str:
    """A fresh demo database; refuse to touch a file that is not an earlier demo."""
    if path.exists():
        import sqlite3

        try:
            with sqlite3.connect(path) as conn:
                actors = {r[0] for r in conn.execute("SELECT DISTINCT actor_name FROM events")}
        except sqlite3.Error:
            actors = {"?"}
        if any(not a.endswith(DEMO_SUFFIX) for a in actors):
            raise InvalidInput(
                f"{path} 不是演示数据库（含非演示人员办理的记录），不会覆盖；"
                "请用 --db 指定其他文件",
                field="db",
                rule="the demo never overwrites real data",
            )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(letters_dir(path), ignore_errors=True)
    return f"sqlite:///{path.resolve()}"


def letters_dir(path: Path) -> Path:
    """Where the demo's letters are archived (the default for a SQLite file, see letters)."""
    return path.resolve().parent / f"{path.stem}-letters"


DEMO_LETTER_FORMATS = ("html", "docx")  # PDF costs 0.15–0.3 s a letter: a minute is the budget


@contextmanager
def _letter_formats(formats: tuple[str, ...]) -> Iterator[None]:
    """Issue the demo's letters in these formats unless the user chose some already."""
    chosen = os.environ.get(ENV_FORMATS)
    os.environ[ENV_FORMATS] = chosen or ",".join(formats)
    try:
        yield
    finally:
        if chosen is None:
            del os.environ[ENV_FORMATS]


def run_demo(
    path: Path,
    seed: int = 2026,
    cases: int = 150,
    progress: Callable[[Iterator[Step], int], Iterator[Step]] | None = None,
) -> DemoResult:
    engine = open_engine(prepare_database(path), upgrade=True)
    rng = random.Random(seed)
    planner = _Planner(engine, rng)
    last_receipt = date(2026, 8, 31)  # later receipts would still be open at END
    days = [d for d in _days(START, last_receipt) if planner.cal.is_working_day(d)]
    steps: list[Step] = []
    for key in range(cases):
        steps.extend(planner.plan(key, rng.choice(days)))
    steps = sorted(s for s in steps if s.on <= END)
    ids: dict[int, int] = {}
    refused: list[str] = []
    stream: Iterator[Step] = iter(steps)
    if progress is not None:
        stream = progress(stream, len(steps))
    made = 0
    with _letter_formats(DEMO_LETTER_FORMATS):
        for step in stream:
            made += _make(engine, step, ids, refused)
    # The directory in force (people for CASEWORK_USER), then the night after the last day:
    # the sweep escalates the cases left overdue and lapses what the applicants let lapse.
    night = datetime.combine(END, time(23, 0), TIMEZONE)
    text, source = sample_directory(engine.settings.states_dir)  # with the sample staff
    store_directory_text(engine.db, text, source, loaded_by="casework demo", now=night)
    with _letter_formats(DEMO_LETTER_FORMATS):
        summary = engine.sweep(END, now=night)
    engine.db.dispose()
    cases_made = sum(1 for key in ids if key < PROCEEDING_KEYS)
    return DemoResult(path, cases_made, made, END, refused, summary)


def _make(engine: Engine, step: Step, ids: dict[int, int], refused: list[str]) -> int:
    """Make one scripted move as the clerk would; 1 if the engine took it."""
    now = datetime.combine(step.on, time(16, 30), TIMEZONE)
    try:
        if step.move == "register":
            ids[step.case_key] = engine.register(step.actor, on=step.on, now=now, **step.inputs).id
        elif step.parent_key is not None:
            ids[step.case_key] = engine.start(
                step.flow,
                step.move,
                step.actor,
                parent=ids[step.parent_key],
                on=step.on,
                now=now,
                **step.inputs,
            ).id
        elif step.case_key in ids:
            engine.move(
                ids[step.case_key], step.move, step.actor, on=step.on, now=now, **step.inputs
            )
        else:
            return 0
        return 1
    except CaseworkError as err:  # the engine refusing a scripted move is part of the show
        refused.append(f"案件 {ids.get(step.case_key, '?')} {step.move}：{err}")
        return 0


def _days(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)
