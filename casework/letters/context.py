"""The facts a letter template sees, built from a case snapshot, the move's inputs and settings.

Templates get plain values (str, int, date, tuples, records), never ``Markup``: whatever a clerk
or an applicant typed is escaped by autoescape. The applicant's ID number and phone are never
put in a context; letters to third parties get no applicant record at all.

Context names (each template may use only those of its kind, see kinds.py):
- ``letter``: kind, title, number, issued_on (date), draft (bool)
- ``issuer``: unit, name (full name above the seal), code (机关代字), contact, website
- ``case``: id, flow, state, received_on, channel, channel_receipt, channel_basis, request,
  unit, unit_name, outcome, replied_on, delivered_on, closed_on, rule_set, status_code (the
  receipt's: the code of the progress lookup; None in other letters), and a flow's details
- ``applicant``: name, kind, contact
- ``move``: name, label, on, and every input the move declares (None when not given), plus
  reasons, responsible_agency, provision, attachments, withheld_ground (None unless given)
- ``clocks``: per clock kind: label, basis, unit, unit_label, length, started_on, due_on
  (None while paused), provisional (the count to due_on goes over a year whose holiday notice
  is not registered: due_on is counted from the 放假办法 and may change), provisional_years
  (those years, e.g. [2027]), status, extension_days, extension_basis
- ``outcome``: code, label, summary, article, family, row (table 三 row label), ground (the
  withholding outcome of a partial disclosure's withheld part, or None); None before a reply
- ``remedies``: see remedies.py; None for letters that carry no remedies paragraph
- ``law``: rule_set (2019 / 2008), fee_rules
- proceedings: ``proceeding`` (like ``case``, with its details and ``clocks``), ``reply``
  (number, issued_on, reasons, responsible_agency of the reply letter, or None) and
  ``timeline`` (on, label, and number and title of the letter it issued, of every step)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from casework.domain import clocks as clk
from casework.domain.case import CaseSnapshot
from casework.domain.outcomes import OUTCOMES, ROWS_BY_KEY
from casework.domain.vocabulary import APPLICANT_KINDS, CLOCK_UNITS
from casework.errors import InvalidInput
from casework.letters.config import Issuer, LetterSettings
from casework.letters.kinds import KINDS, LetterKind
from casework.letters.remedies import remedies_on
from casework.store.repository import load_case
from casework.store.tables import EVENTS, LETTERS
from casework.workflow.apply import Workflow
from casework.workflow.definition import STAY, MoveDef

FEE_RULES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
DRAFT_NUMBER = "（草稿，未编号）"
LETTER_INPUTS = ("reasons", "responsible_agency", "provision", "attachments", "withheld_ground")


def letter_facts(kind: LetterKind, number: str, on: date, draft: bool) -> dict[str, Any]:
    return {
        "kind": kind.code,
        "title": kind.title,
        "number": number,
        "issued_on": on,
        "draft": draft,
    }


def issuer_facts(issuer: Issuer, settings: LetterSettings) -> dict[str, Any]:
    return {
        "unit": issuer.unit,
        "name": issuer.name,
        "code": issuer.code,
        "contact": issuer.contact,
        "website": settings.website,
    }


def clock_facts(snap: CaseSnapshot, wf: Workflow) -> dict[str, Any]:
    """The latest clock of each kind."""
    rules = wf.rules[snap.flow].named(snap.rule_set) if snap.rule_set else None
    cal = wf.calendar
    out: dict[str, Any] = {}
    for c in snap.clocks:
        spec = rules.clocks.get(c.kind) if rules else None
        due = clk.due_date(c, cal)
        # Years without a registered holiday notice that the count from start to due goes over.
        provisional = (
            [y for y in range(c.started_on.year, due.year + 1) if cal.is_provisional_year(y)]
            if due is not None
            else []
        )
        out[c.kind] = {
            "label": spec.label if spec else c.kind,
            "basis": spec.basis if spec else "",
            "unit": c.unit,
            "unit_label": CLOCK_UNITS.get(c.unit, c.unit),
            "length": c.length,
            "started_on": c.started_on,
            "due_on": due,
            "provisional": bool(provisional),
            "provisional_years": provisional,
            "status": c.status,
            "extension_days": c.extension_days,
            "extension_basis": spec.extension_basis if spec else None,
        }
    return out


def case_facts(
    case_id: int, snap: CaseSnapshot, wf: Workflow, settings: LetterSettings
) -> dict[str, Any]:
    f = snap.fields
    rules = wf.rules[snap.flow].named(snap.rule_set) if snap.rule_set else None
    channel = rules.channels.get(f.get("channel") or "") if rules else None
    unit = f.get("unit")
    facts = {
        "id": case_id,
        "flow": snap.flow,
        "state": snap.state,
        "rule_set": snap.rule_set,
        "received_on": f.get("received_on"),
        "channel": channel.label if channel else f.get("channel"),
        "channel_receipt": channel.receipt if channel else None,
        "channel_basis": channel.basis if channel else None,
        "request": f.get("request"),
        "unit": unit,
        "unit_name": settings.issuer(unit).name if unit in settings.issuers else None,
        "outcome": f.get("outcome"),
        "replied_on": f.get("replied_on"),
        "delivered_on": f.get("delivered_on"),
        "closed_on": f.get("closed_on"),
        # The code of the applicant's progress lookup: the receipt's only (status_codes.py).
        "status_code": None,
    }
    details = wf.flows[snap.flow].flow.details
    # Every declared detail is present (None when not yet set), so a skeleton can leave a blank.
    facts.update({name: f.get(name) for name in details})
    return facts


def applicant_facts(snap: CaseSnapshot) -> dict[str, Any]:
    f = snap.fields
    return {
        "name": f.get("applicant_name"),
        "kind": APPLICANT_KINDS.get(f.get("applicant_kind") or "", f.get("applicant_kind")),
        "contact": f.get("applicant_contact"),
    }


def outcome_facts(code: str | None, ground: str | None = None) -> dict[str, Any] | None:
    """The outcome; ``ground`` is the withholding outcome of a partial disclosure's other part."""
    if code not in OUTCOMES:
        return None
    o = OUTCOMES[code]
    return {
        "code": o.code,
        "label": o.label,
        "summary": o.label.partition("：")[2] or o.label,  # 不予公开：属于国家秘密 → 属于国家秘密
        "article": o.article,
        "family": o.family,
        "row": ROWS_BY_KEY[o.row].label,
        "ground": outcome_facts(ground) if ground in OUTCOMES and ground != code else None,
    }


def move_facts(move: MoveDef | None, params: dict[str, Any], on: date) -> dict[str, Any]:
    # Inputs a reply letter reads when the flow offers them (None otherwise).
    facts: dict[str, Any] = {"name": None, "label": None, "on": on}
    facts.update(dict.fromkeys(LETTER_INPUTS))
    if move is not None:
        facts.update(name=move.name, label=move.label)
        facts.update({name: None for name in move.inputs})
    facts.update(params)
    # Art. 30: each defect is listed once, in one notice.
    if isinstance(facts.get("items"), list | tuple):
        facts["items"] = list(dict.fromkeys(facts["items"]))
    return facts


def law_facts(snap: CaseSnapshot) -> dict[str, Any]:
    return {"rule_set": snap.rule_set, "fee_rules": FEE_RULES}


def remedies_facts(
    kind: LetterKind, outcome: dict[str, Any] | None, on: date, issuer: Issuer, s: LetterSettings
) -> dict[str, Any] | None:
    if kind.remedies == "none":
        return None
    refusal = (
        kind.remedies == "reply"
        and outcome is not None
        and outcome["family"] in s.reconsideration_first
    )
    return remedies_on(
        on,
        refusal=refusal,
        body=issuer.reconsideration_body,
        government=s.government,
        higher_department=issuer.higher_department,
    ).as_dict()


@dataclass(frozen=True)
class Subject:
    """What a letter is about and who issues it, with the settings to word it."""

    kind: LetterKind
    case_id: int
    snap: CaseSnapshot
    on: date  # the letter's date
    number: str
    issuer: Issuer
    settings: LetterSettings
    wf: Workflow
    draft: bool = False

    def common(self) -> dict[str, Any]:
        return {
            "letter": letter_facts(self.kind, self.number, self.on, self.draft),
            "issuer": issuer_facts(self.issuer, self.settings),
        }


def application_context(s: Subject, move: MoveDef | None, params: dict[str, Any]) -> dict[str, Any]:
    snap = s.snap
    outcome = outcome_facts(snap.fields.get("outcome"), params.get("withheld_ground"))
    context = {
        **s.common(),
        "case": case_facts(s.case_id, snap, s.wf, s.settings),
        "applicant": applicant_facts(snap),
        "move": move_facts(move, params, s.on),
        "clocks": clock_facts(snap, s.wf),
        "outcome": outcome,
        "remedies": remedies_facts(s.kind, outcome, s.on, s.issuer, s.settings),
        "law": law_facts(snap),
    }
    return {k: v for k, v in context.items() if k in s.kind.roots}


def _timeline(conn: Connection, case_id: int, wf: Workflow, flow: str) -> list[dict[str, Any]]:
    """Every step of a case with the letter it issued (the latest, if it was issued again)."""
    issued = {
        r.event_seq: r
        for r in conn.execute(
            select(LETTERS.c.event_seq, LETTERS.c.number, LETTERS.c.kind)
            .where(LETTERS.c.case_id == case_id)
            .order_by(LETTERS.c.id)
        )
    }
    steps = []
    definition = wf.flows[flow].flow
    for e in conn.execute(
        select(EVENTS.c.seq, EVENTS.c.move, EVENTS.c.to_state, EVENTS.c.occurred_on)
        .where(EVENTS.c.case_id == case_id)
        .order_by(EVENTS.c.seq)
    ):
        # The branch taken is the one that leads where the event went (登记 vs 网上登记).
        variants = definition.variants(e.move)
        chosen = next((m for m in variants if m.dest in (e.to_state, STAY)), None)
        letter = issued.get(e.seq)
        steps.append(
            {
                "on": e.occurred_on,
                "label": (chosen or variants[0]).label if variants else e.move,
                "number": letter.number if letter else None,
                "title": KINDS[letter.kind].title if letter and letter.kind in KINDS else None,
            }
        )
    return steps


def _reply(conn: Connection, case_id: int) -> dict[str, Any] | None:
    """The latest reply letter of a case, with the grounds the reply gave (a defence adds none)."""
    letter = conn.execute(
        select(LETTERS.c.number, LETTERS.c.issued_on, LETTERS.c.event_seq)
        .where(LETTERS.c.case_id == case_id, LETTERS.c.series == "reply")
        .order_by(LETTERS.c.id.desc())
        .limit(1)
    ).first()
    event = conn.execute(
        select(EVENTS.c.payload, EVENTS.c.occurred_on)
        .where(EVENTS.c.case_id == case_id, EVENTS.c.move == "reply")
        .order_by(EVENTS.c.seq.desc())
        .limit(1)
    ).first()
    if event is None:
        return None
    payload = dict(event.payload)
    return {
        "number": letter.number if letter else None,
        "issued_on": letter.issued_on if letter else event.occurred_on,
        "reasons": payload.get("reasons"),
        "responsible_agency": payload.get("responsible_agency"),
    }


def proceeding_context(conn: Connection, s: Subject) -> dict[str, Any]:
    """A review answer or defence statement: the proceeding and the case it is about."""
    if s.snap.parent_id is None:
        raise InvalidInput(
            f"案件 {s.case_id} 没有所针对的申请案件", field="parent", case=s.case_id, rule="parent"
        )
    parent = load_case(conn, s.snap.parent_id)
    proceeding = case_facts(s.case_id, s.snap, s.wf, s.settings)
    psnap = parent.snapshot
    return {
        **s.common(),
        "proceeding": proceeding | {"clocks": clock_facts(s.snap, s.wf)},
        "case": case_facts(parent.id, psnap, s.wf, s.settings),
        "applicant": applicant_facts(psnap),
        "outcome": outcome_facts(psnap.fields.get("outcome")),
        "reply": _reply(conn, parent.id),
        "timeline": _timeline(conn, parent.id, s.wf, psnap.flow),
        "law": law_facts(psnap),
    }
