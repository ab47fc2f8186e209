"""A sample case for every letter kind, built with the real context builders.

``casework templates check`` renders each template with these so that an edited template fails
there, not in front of a clerk; ``bench/letters.py`` renders them for its figures.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from casework.domain import clocks as clk
from casework.domain import fees
from casework.domain.case import CaseSnapshot
from casework.domain.outcomes import OUTCOMES, REPLY_OUTCOMES
from casework.domain.rules import RuleSet
from casework.letters import context
from casework.letters.config import LetterSettings
from casework.letters.kinds import REQUIRED_TEXT, LetterKind, reply_kind
from casework.workflow.apply import Workflow

RECEIVED = date(2026, 3, 2)
ISSUED = date(2026, 3, 20)
UNIT = "czj"
APPLICANT = {
    "applicant_name": "张三",
    "applicant_kind": "natural_person",
    "applicant_contact": "武汉市硚口区解放大道1号",
    "request": "2025年区财政局部门预算及“三公”经费预算",
    "channel": "window",
    "received_on": RECEIVED,
    "unit": UNIT,
}
# kind -> (case outcome, inputs of the move that issues it)
PARAMS: dict[str, tuple[str | None, dict[str, Any]]] = {
    "receipt": (None, {}),
    "forwarding_slip": (None, {"unit": UNIT, "note": "请按时答复"}),
    "correction_notice": (None, {"items": ["所需信息的名称或文号", "获取信息的方式"], "days": 10}),
    "consultation_third_party": (
        None,
        {"party": "third_party", "party_name": "汉正商贸有限公司", "matter": "该公司的投标报价"},
    ),
    "consultation_agency": (
        None,
        {
            "party": "other_agency",
            "party_name": "武汉市硚口区审计局",
            "matter": "共同制作的审计报告",
        },
    ),
    "extension_notice": (None, {"approver": "周主任", "reason": "需调取档案，数量较大"}),
    "fee_notice": (
        None,
        {
            "basis": fees.PER_PAGE,
            "pages": 120,
            "amount": "1100.00",
            "fee_computation": fees.per_page(120).as_record(),
        },
    ),
    "reply_disclosed": ("disclosed", {}),
    "reply_partial": (
        "partially_disclosed",
        {"reasons": "其中涉及第三方商业秘密的报价部分", "withheld_ground": "withheld_third_party"},
    ),
    "reply_withheld": ("withheld_process", {"reasons": "属于内部讨论记录"}),
    "reply_unable": ("unable_not_held", {"reasons": "本局文书档案及财务档案，未发现"}),
    "reply_not_responsible": (
        "unable_not_responsible",
        {"responsible_agency": "武汉市硚口区审计局（电话：027-00000000）"},
    ),
    "reply_not_processed": ("rejected_petition", {}),
    "reply_other": ("other", {"reasons": "申请人已通过其他途径获取"}),
    "correction_lapsed_notice": ("other_no_correction", {}),
    "fee_lapsed_notice": ("other_fee_unpaid", {}),
}


def _clocks(kind: str, rules: RuleSet, received: date) -> tuple[clk.Clock, ...]:
    """The clocks a case of this rule set can have (2008 has no consultation or fee clock)."""
    reply = clk.start("reply", "working_days", rules.clocks["reply"].length or 20, received)
    if kind == "extension_notice":
        reply = clk.extend(reply, rules.clocks["reply"].extension or 0)
    started = received + timedelta(days=3)
    others = (
        clk.start("correction_period", "working_days", 10, started),
        clk.start("consultation", "working_days", 15, started),
        clk.start("fee_payment", "working_days", 20, started),
    )
    return (reply, *(c for c in others if c.kind in rules.clocks))


def application_sample(
    kind: LetterKind,
    wf: Workflow,
    settings: LetterSettings,
    outcome: str | None = None,
    on: date = ISSUED,
    rule_set: str = "2019",
    received: date = RECEIVED,
) -> dict[str, Any]:
    """The sample of a kind (a reply kind: with ``outcome``, one of its family), received on
    ``received``."""
    default, params = PARAMS[kind.code]
    outcome = outcome or default
    if outcome in REQUIRED_TEXT:
        field, _ = REQUIRED_TEXT[outcome]
        params = {field: f"（示例：{OUTCOMES[outcome].label}的具体理由）", **params}
    snap = CaseSnapshot(
        state="in_progress",
        rule_set=rule_set,
        fields={**APPLICANT, "received_on": received, "outcome": outcome},
        clocks=_clocks(kind.code, wf.rules["application"].named(rule_set), received),
    )
    subject = context.Subject(
        kind,
        1,
        snap,
        on,
        f"硚财政依申〔{on.year}〕1号",
        settings.issuer(UNIT),
        settings,
        wf,
    )
    return context.application_context(subject, None, params)


def proceeding_sample(kind: LetterKind, wf: Workflow, settings: LetterSettings) -> dict[str, Any]:
    parent = CaseSnapshot(
        state="delivered",
        rule_set="2019",
        fields={**APPLICANT, "outcome": "withheld_process", "replied_on": ISSUED},
    )
    case = context.case_facts(1, parent, wf, settings)
    proceeding = {
        "id": 2,
        "flow": kind.flow,
        "received_on": date(2026, 5, 6),
        "body": "武汉市硚口区人民政府",
        "body_case_number": "硚政复〔2026〕8号",
        "procedure": "simplified",
        "court": "武汉市硚口区人民法院",
        "court_case_number": "（2026）鄂0104行初12号",
        "clocks": {},
    }
    return {
        "letter": context.letter_facts(kind, "硚财政复答〔2026〕1号", date(2026, 5, 12), False),
        "issuer": context.issuer_facts(settings.issuer(UNIT), settings),
        "proceeding": proceeding,
        "case": case,
        "applicant": context.applicant_facts(parent),
        "outcome": context.outcome_facts("withheld_process"),
        "reply": {
            "number": "硚财政依申〔2026〕1号",
            "issued_on": ISSUED,
            "reasons": "属于内部讨论记录",
            "responsible_agency": None,
        },
        "timeline": [
            {
                "on": RECEIVED,
                "label": "登记",
                "number": "硚财政依申登〔2026〕1号",
                "title": "政府信息公开申请登记回执",
            },
            {
                "on": ISSUED,
                "label": "答复",
                "number": "硚财政依申〔2026〕1号",
                "title": "政府信息公开申请答复书",
            },
            {"on": date(2026, 3, 23), "label": "送达", "number": None, "title": None},
        ],
        "law": context.law_facts(parent),
    }


def provisional_received(wf: Workflow) -> date | None:
    """A receipt date whose periods end in the first year no holiday notice covers (None when
    the calendar counts no year provisionally)."""
    first = wf.calendar.first_provisional_day
    return None if first is None else first - timedelta(days=10)


def memo_sample() -> dict[str, Any]:
    return {
        "case_id": 1,
        "unit_name": "武汉市硚口区财政局",
        "clock_label": "答复期限",
        "due_on": date(2026, 3, 30),
        "days_overdue": 2,
        "level": "督办",
        "recipients": ["武汉市硚口区财政局", "区政府办督查室"],
        "issued_on": date(2026, 4, 1),
        "issuer": "武汉市硚口区人民政府办公室",
        "number": "硚政办督〔2026〕3号",
    }


def memo_samples() -> list[dict[str, Any]]:
    """The memo as it is printed for a known and for a provisional due date."""
    basis = "2027年的国务院办公厅放假通知尚未登记，按《全国年节及纪念日放假办法》暂定"
    provisional = {
        "due_on": date(2027, 1, 4),
        "issued_on": date(2027, 1, 6),
        "number": "硚政办督〔2027〕1号",
        "provisional_basis": basis,
    }
    return [memo_sample(), {**memo_sample(), **provisional}]


def samples(kind: LetterKind, wf: Workflow, settings: LetterSettings) -> list[dict[str, Any]]:
    """Contexts for a kind: one per outcome its template handles (reply kinds), else one."""
    if kind.flow != "application":
        return [proceeding_sample(kind, wf, settings)]
    outcomes: list[str | None] = [None]
    if kind.series == "reply":
        outcomes = [o for o in REPLY_OUTCOMES if reply_kind(o) == kind.code]
    found = [
        application_sample(kind, wf, settings, outcome, rule_set=rules.name)
        for rules in wf.rules["application"].rule_sets
        # A processing fee exists only where the rule set allows one (not in 2008).
        if rules.processing_fee_allowed or not kind.code.startswith("fee_")
        for outcome in outcomes
    ]
    # Due dates in a year without a holiday notice take the templates' provisional branches.
    late = provisional_received(wf)
    if late is not None:
        rule_sets = wf.rules["application"].rule_sets
        latest = max(rule_sets, key=lambda r: r.effective_from).name
        found += [
            application_sample(kind, wf, settings, outcome, late, latest, late)
            for outcome in outcomes
        ]
    return found
