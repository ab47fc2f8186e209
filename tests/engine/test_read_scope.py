"""Reads are scoped and masked in the engine (issue 13 item 2): what a library caller gets is
what the CLI shows — a unit reads its own unit's cases, identity and phone numbers are masked,
and a reveal is an audited move."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from casework.errors import InvalidInput, MoveNotAllowed, PermissionDenied
from casework.letters.listing import draft_letter, get_letter, list_letters
from casework.search import Criteria
from casework.store.tables import EVENTS
from tests.support.actors import APPLICANT, AUDITOR, CENTRE, CLERK, GENERAL, OTHER_CLERK
from tests.support.dates import at

NOW = at("2026-03-03")
ID_NUMBER = "420106199001011234"
PHONE = "13912345678"


def register(engine: Any, unit: str = "czj") -> int:
    return engine.register(
        CENTRE,
        on="2026-03-02",
        now=at("2026-03-02"),
        channel="window",
        unit=unit,
        applicant_id_number=ID_NUMBER,
        applicant_phone=PHONE,
        applicant_contact=f"武汉市硚口区解放大道1号，电话 {PHONE}",
        **APPLICANT,
    ).id


def events(engine: Any, case_id: int) -> int:
    with engine.db.connect() as conn:
        query = select(func.count()).select_from(EVENTS).where(EVENTS.c.case_id == case_id)
        return int(conn.scalar(query) or 0)


def test_a_case_is_masked_for_every_reader(engine: Any) -> None:
    case = register(engine)
    for reader in (CLERK, GENERAL, AUDITOR):
        view = engine.case(case, actor=reader, now=NOW)
        assert view.fields["applicant_id_number"] == "4201**********1234"
        assert view.fields["applicant_phone"] == "139****5678"
        assert PHONE not in view.fields["applicant_contact"]
        assert ID_NUMBER not in str(view.events[0].payload)
        assert PHONE not in str(view.to_dict())


def test_a_unit_reads_its_own_unit_only(engine: Any) -> None:
    mine, theirs = register(engine, "czj"), register(engine, "jyj")
    assert engine.case(mine, actor=CLERK, now=NOW).id == mine
    with pytest.raises(PermissionDenied) as refused:
        engine.case(theirs, actor=CLERK, now=NOW)
    assert (refused.value.field, refused.value.rule) == ("unit", "own unit only")
    assert [i.case_id for i in engine.worklist(actor=CLERK, now=NOW)] == [mine]
    assert {i.case_id for i in engine.worklist(actor=GENERAL, now=NOW)} == {mine, theirs}
    with pytest.raises(PermissionDenied):
        engine.worklist(actor=CLERK, unit="jyj", now=NOW)
    assert [c.case_id for c in engine.find(Criteria(text="预算"), actor=OTHER_CLERK)] == [theirs]
    assert {c.case_id for c in engine.find(Criteria(text="预算"), actor=GENERAL)} == {
        mine,
        theirs,
    }


def test_find_masks_what_it_matched(engine: Any) -> None:
    case = register(engine)
    [found] = engine.find(Criteria(applicant=ID_NUMBER), actor=GENERAL)
    assert found.case_id == case
    assert found.applicant_id_number == "4201**********1234"
    assert found.applicant_phone == "139****5678"


def test_an_unknown_unit_is_refused_by_name(engine: Any) -> None:
    with pytest.raises(InvalidInput) as bad:
        engine.worklist(actor=GENERAL, unit="nosuch", now=NOW)
    assert bad.value.field == "unit"


@pytest.mark.parametrize(
    "read",
    [
        lambda e, c: e.case(c, now=NOW),
        lambda e, c: e.worklist(now=NOW),
        lambda e, c: e.find(Criteria(text="预算")),
        lambda e, c: list_letters(e, actor=None),
        lambda e, c: get_letter(e, 1, actor=None),
    ],
    ids=["case", "worklist", "find", "letters", "letter"],
)
def test_a_read_without_a_reader_is_refused(engine: Any, read: Any) -> None:
    case = register(engine)
    with pytest.raises(InvalidInput) as refused:
        read(engine, case)
    assert refused.value.field == "actor"


def test_a_reveal_is_recorded_before_the_case_is_shown_whole(engine: Any) -> None:
    case = register(engine)
    before = events(engine, case)
    view = engine.case(case, actor=CLERK, now=NOW, reveal="电话联系申请人补正")
    assert view.fields["applicant_id_number"] == ID_NUMBER
    assert view.fields["applicant_phone"] == PHONE
    assert events(engine, case) == before + 1
    last = view.events[-1]
    assert (last.move, last.actor_name, last.payload["purpose"]) == (
        "reveal",
        CLERK.name,
        "电话联系申请人补正",
    )


def test_a_reveal_without_purpose_or_by_the_auditor_writes_nothing(engine: Any) -> None:
    case = register(engine)
    before = events(engine, case)
    with pytest.raises(InvalidInput):
        engine.case(case, actor=CLERK, now=NOW, reveal="")
    with pytest.raises((PermissionDenied, MoveNotAllowed)):
        engine.case(case, actor=AUDITOR, now=NOW, reveal="审计抽查")
    with pytest.raises(PermissionDenied):  # another unit cannot reveal either
        engine.case(case, actor=OTHER_CLERK, now=NOW, reveal="好奇")
    assert events(engine, case) == before


def test_letters_are_read_by_the_case_s_unit_only(engine: Any) -> None:
    mine, theirs = register(engine, "czj"), register(engine, "jyj")
    seen = {v.case_id for v in list_letters(engine, actor=CLERK)}
    assert seen == {mine}
    assert {v.case_id for v in list_letters(engine, actor=GENERAL)} == {mine, theirs}
    theirs_letter = next(v for v in list_letters(engine, actor=GENERAL) if v.case_id == theirs)
    with pytest.raises(PermissionDenied):
        get_letter(engine, theirs_letter.id, actor=CLERK)
    view, html = get_letter(engine, theirs_letter.id, actor=OTHER_CLERK)
    assert view.case_id == theirs and html


def test_a_letter_s_text_is_masked_unless_revealed(engine: Any) -> None:
    case = engine.register(
        CENTRE,
        on="2026-03-02",
        now=at("2026-03-02"),
        channel="window",
        unit="czj",
        applicant_name="张三",
        applicant_kind="natural_person",
        request=f"2025年区财政局部门预算（联系电话 {PHONE}）",
    ).id
    [receipt] = list_letters(engine, actor=CLERK, case_id=case)
    _, html = get_letter(engine, receipt.id, actor=CLERK)
    assert PHONE not in html and "139****5678" in html
    draft = draft_letter(engine, case, "receipt", at("2026-03-03").date(), actor=CLERK)
    assert PHONE not in draft
    before = events(engine, case)
    _, whole = get_letter(engine, receipt.id, actor=CLERK, reveal="核对送达地址")
    assert PHONE in whole
    assert events(engine, case) == before + 1
    with pytest.raises(PermissionDenied):
        get_letter(engine, receipt.id, actor=OTHER_CLERK, reveal="好奇")
    assert events(engine, case) == before + 1


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        (Criteria(limit="50"), "limit"),  # type: ignore[arg-type]  # what a caller can get wrong
        (Criteria(limit=0), "limit"),
        (Criteria(text="a\x00b"), "text"),
        (Criteria(received_from=NOW), "from"),  # a moment, not a day
        (Criteria(received_from=NOW.date(), received_to=at("2026-03-01").date()), "from"),
        ("预算", "criteria"),
    ],
)
def test_find_refuses_bad_criteria_before_any_sql(engine: Any, criteria: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        engine.find(criteria, actor=GENERAL)
    assert refused.value.field == field
