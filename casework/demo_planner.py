"""The demo's planner: writes each case's script of moves, dated on the real working-day
calendar, from the simulated year of demo_scenario.py."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from casework.demo_scenario import (
    CENTRE,
    CHANNELS,
    DUTY,
    GIVEN,
    LEGAL,
    ORGS,
    OUTCOME_WEIGHTS,
    PROCEEDING_KEYS,
    REPLY_TEXT,
    REQUESTS,
    SURNAMES,
    Step,
    clerk,
)
from casework.domain.outcomes import REPLY_OUTCOMES
from casework.domain.roles import Actor
from casework.domain.vocabulary import APPLICANT_KINDS

if TYPE_CHECKING:
    from casework.engine import Engine


class Planner:
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
