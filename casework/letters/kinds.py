"""The letter kinds: one template each (templates/<code>.html.j2), their number series and audience.

A move names a letter *key* in its flow file (``letter = "reply"``); the key resolves to one
concrete kind from the move's inputs and the case (a reply letter per outcome family, a
consultation letter per consulted party). ``letter = "$kind"`` takes the key from an input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from casework.domain.outcomes import OUTCOMES
from casework.errors import InvalidInput

# What a template may use, by the kind of addressee (checked when a template is loaded).
APPLICANT_ROOTS = frozenset(
    {"letter", "issuer", "case", "applicant", "move", "clocks", "outcome", "remedies", "law"}
)
# Letters to a third party or another agency carry no applicant data (docs/letters.md).
PARTY_ROOTS = frozenset({"letter", "issuer", "case", "move", "clocks", "law"})
UNIT_ROOTS = frozenset({"letter", "issuer", "case", "applicant", "move", "clocks", "law"})
PROCEEDING_ROOTS = frozenset(
    {"letter", "issuer", "proceeding", "case", "applicant", "outcome", "reply", "timeline", "law"}
)
MEMO_ROOTS = frozenset(
    {
        "letter",
        "issuer",
        "case_id",
        "unit_name",
        "clock_label",
        "due_on",
        "days_overdue",
        "level",
        "recipients",
        "provisional_basis",
    }
)


@dataclass(frozen=True)
class LetterKind:
    code: str  # template file stem
    title: str  # printed title (文书标题)
    series: str  # number series: a separate sequence per unit, year and series
    roots: frozenset[str]  # context names the template may use
    issuer: str  # "case_unit" (the unit handling the case), "office" (区政府办), "parent_unit"
    remedies: str = "none"  # none / general / reply (reconsideration first for some families)
    flow: str = "application"  # the flow of the dossier the letter is about


def _k(code: str, title: str, series: str, roots: frozenset[str], **kw: Any) -> LetterKind:
    return LetterKind(code, title, series, roots, **kw)


KINDS: dict[str, LetterKind] = {
    k.code: k
    for k in (
        _k("receipt", "政府信息公开申请登记回执", "receipt", APPLICANT_ROOTS, issuer="case_unit"),
        _k(
            "forwarding_slip",
            "政府信息公开申请转办单",
            "forwarding_slip",
            UNIT_ROOTS,
            issuer="office",
        ),
        _k(
            "correction_notice",
            "政府信息公开申请补正告知书",
            "correction_notice",
            APPLICANT_ROOTS,
            issuer="case_unit",
        ),
        _k(
            "consultation_third_party",
            "政府信息公开第三方意见征询函",
            "consultation",
            PARTY_ROOTS,
            issuer="case_unit",
        ),
        _k(
            "consultation_agency",
            "政府信息公开征求意见函",
            "consultation",
            PARTY_ROOTS,
            issuer="case_unit",
        ),
        _k(
            "extension_notice",
            "政府信息公开申请延期答复告知书",
            "extension_notice",
            APPLICANT_ROOTS,
            issuer="case_unit",
        ),
        _k(
            "fee_notice",
            "政府信息公开信息处理费收费通知书",
            "fee_notice",
            APPLICANT_ROOTS,
            issuer="case_unit",
            remedies="general",
        ),
        *(
            _k(
                f"reply_{family}",
                "政府信息公开申请答复书",
                "reply",
                APPLICANT_ROOTS,
                issuer="case_unit",
                remedies="reply",
            )
            for family in (
                "disclosed",
                "partial",
                "withheld",
                "unable",
                "not_responsible",
                "not_processed",
                "other",
            )
        ),
        _k(
            "correction_lapsed_notice",
            "政府信息公开申请终止处理告知书",
            "correction_lapsed_notice",
            APPLICANT_ROOTS,
            issuer="case_unit",
            remedies="general",
        ),
        _k(
            "fee_lapsed_notice",
            "政府信息公开申请终止处理告知书",
            "fee_lapsed_notice",
            APPLICANT_ROOTS,
            issuer="case_unit",
            remedies="general",
        ),
        _k(
            "review_answer",
            "行政复议答复书",
            "review_answer",
            PROCEEDING_ROOTS,
            issuer="parent_unit",
            flow="review",
        ),
        _k(
            "defence_statement",
            "行政诉讼答辩状",
            "defence_statement",
            PROCEEDING_ROOTS,
            issuer="parent_unit",
            flow="lawsuit",
        ),
        _k("escalation_memo", "督办通知", "escalation_memo", MEMO_ROOTS, issuer="office", flow=""),
    )
}

# Keys a flow file may name that stand for several kinds.
CHOOSING_KEYS = frozenset({"reply", "consultation"})
# Reply outcomes whose letter cannot be lawful without the clerk's text (Art. 36(三), 37, 36(四),
# 36(五), 36(六)): the letter refuses to issue, and so the move fails, when it is missing.
REQUIRED_TEXT: dict[str, tuple[str, str]] = {
    **{
        code: ("reasons", "《条例》第三十六条第（三）项：不予公开应当说明理由")
        for code, o in OUTCOMES.items()
        if o.family == "withheld"
    },
    "partially_disclosed": ("reasons", "《条例》第三十七条：对不予公开的部分说明理由"),
    "unable_not_held": ("reasons", "《条例》第三十六条第（四）项：说明检索的范围和结果"),
    "unable_not_responsible": (
        "responsible_agency",
        "《条例》第三十六条第（五）项：告知负责公开的机关名称和联系方式",
    ),
    "rejected_repeat": ("reasons", "《条例》第三十六条第（六）项：写明此前答复的文号和日期"),
    "other": ("reasons", "其他处理：写明处理情况和理由"),
}


def keys() -> frozenset[str]:
    """Every name a flow's ``letter`` may take: a kind or a choosing key."""
    return frozenset(KINDS) | CHOOSING_KEYS


def kinds_of_key(key: str) -> tuple[str, ...]:
    """The concrete kinds a key may resolve to (to check that each has a template)."""
    if key == "reply":
        return tuple(k for k in KINDS if k.startswith("reply_"))
    if key == "consultation":
        return ("consultation_third_party", "consultation_agency")
    return (key,) if key in KINDS else ()


def reply_kind(outcome: str) -> str:
    if outcome == "unable_not_responsible":
        return "reply_not_responsible"
    return f"reply_{OUTCOMES[outcome].family}"


def resolve(key: str, params: Mapping[str, Any], fields: Mapping[str, Any]) -> LetterKind:
    """The kind a key stands for on this case with these inputs."""
    if key == "reply":
        outcome = fields.get("outcome")
        if outcome not in OUTCOMES:
            raise InvalidInput(
                "案件尚无答复结果，无法出具答复书", field="outcome", rule="reply letter by outcome"
            )
        return KINDS[reply_kind(outcome)]
    if key == "consultation":
        party = params.get("party")
        if party not in ("third_party", "other_agency"):
            raise InvalidInput(
                "征求意见函需要征求意见对象（party）", field="party", rule="consultation letter"
            )
        return KINDS[
            "consultation_third_party" if party == "third_party" else "consultation_agency"
        ]
    return KINDS[check_key(key)]


def check_key(key: str) -> str:
    """A letter key a flow or a clerk named, refused with the list of kinds if unknown."""
    if key not in keys():
        raise InvalidInput(
            f"未知的文书种类 {key!r}；可选：{'、'.join(sorted(keys()))}",
            field="kind",
            rule="letter kinds (templates/)",
        )
    return key
