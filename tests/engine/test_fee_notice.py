"""The fee notice under 国办函〔2020〕109号: one basis per application (Art. 3), the applicant's
monthly count from the database (Art. 4), the computed amount and the letter that states it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from casework.domain.roles import Actor
from casework.errors import CaseworkError, InvalidInput, RuleViolation
from casework.store.repository import load_case, save_move
from casework.store.tables import EVENTS, LETTERS
from casework.workflow.apply import evolve, prepare
from tests.support.actors import CENTRE, CLERK, GENERAL
from tests.support.dates import at
from tests.support.golden import GOLDEN, compare

NOW = at("2026-04-30")
ID = {"applicant_id_number": "420104199001011234"}
POST = {"applicant_contact": "武汉市硚口区中山大道100号"}
JYJ = Actor("陈静", "unit_clerk", "jyj")


def register(engine: Any, on: str, name: str = "张三", unit: str = "czj", **who: Any) -> int:
    return engine.register(
        CENTRE,
        on=on,
        now=NOW,
        channel="window",
        unit=unit,
        applicant_name=name,
        applicant_kind="natural_person",
        request="某项政府信息",
        **who,
    ).id


def notice(engine: Any, case_id: int, on: str = "2026-04-20", **inputs: Any) -> Any:
    inputs.setdefault("basis", "per_application")
    return engine.move(case_id, "fee_notice", CLERK, on=on, now=NOW, **inputs)


def payload(engine: Any, view: Any) -> dict[str, Any]:
    """What the fee notice recorded in its event."""
    return engine.case(view.id, actor=GENERAL, now=NOW).events[-1].payload


def computation(engine: Any, view: Any) -> dict[str, Any]:
    return payload(engine, view)["fee_computation"]


def counts(engine: Any) -> tuple[int, int]:
    with engine.db.connect() as conn:
        return conn.scalar(select(func.count()).select_from(EVENTS)), conn.scalar(
            select(func.count()).select_from(LETTERS)
        )


def fee_letter(engine: Any, case_id: int) -> str:
    with engine.db.connect() as conn:
        return conn.scalar(
            select(LETTERS.c.html).where(
                LETTERS.c.case_id == case_id, LETTERS.c.kind == "fee_notice"
            )
        )


def many(engine: Any, n: int, on: str, **who: Any) -> list[int]:
    return [register(engine, on, **who) for _ in range(n)]


def test_art4_the_eleventh_application_of_the_month_by_id_number_pays_100(engine) -> None:
    # Ten earlier applications in April under the same ID number (one under another name),
    # then the eleventh.
    many(engine, 8, "2026-04-01", **ID)
    register(engine, "2026-04-02", name="张叁", applicant_id_number=ID["applicant_id_number"])
    register(engine, "2026-04-02", applicant_id_number=" 420104199001011234")
    eleventh = register(engine, "2026-04-03", **ID)
    # Not counted: March, another person, another unit (each unit charges in its own name).
    register(engine, "2026-03-31", **ID)
    register(engine, "2026-04-03", name="李四", applicant_id_number="420104198505050000")
    register(engine, "2026-04-03", unit="jyj", **ID)
    view = notice(engine, eleventh)
    assert view.state == "awaiting_fee"
    assert payload(engine, view)["amount"] == "100.00"
    found = computation(engine, view)
    assert found["rank"] == 11 and found["month"] == "2026-04"
    assert found["matched_by"] == "id_number"
    assert engine.verify() == []


def test_art4_without_id_number_the_same_name_and_address_count(engine) -> None:
    many(engine, 30, "2026-04-01", **POST)
    register(engine, "2026-04-01", name="张三", applicant_contact="另一个地址")
    register(engine, "2026-04-01", name="王五", **POST)
    thirty_first = register(engine, "2026-04-02", **POST)
    view = notice(engine, thirty_first)
    assert computation(engine, view)["matched_by"] == "name_contact"
    assert computation(engine, view)["rank"] == 31
    assert payload(engine, view)["amount"] == "200.00"  # Art. 4(三): 31–40 → 200元/件


def test_art4_the_count_runs_in_receipt_order_within_the_month(engine) -> None:
    ids = many(engine, 12, "2026-04-01", **ID)
    # The 5th application is free even when its notice comes after the 12th's.
    with pytest.raises(RuleViolation) as free:
        notice(engine, ids[4])
    assert free.value.rule == "国办函〔2020〕109号第四条"
    assert computation(engine, notice(engine, ids[11]))["rank"] == 12


def test_art5_per_page_amount_is_computed_and_the_letter_states_it(engine) -> None:
    case = register(engine, "2026-04-01")
    view = notice(engine, case, basis="per_page", pages=120)
    assert payload(engine, view)["amount"] == "1100.00"
    html = fee_letter(engine, case)
    assert "第31—100页70页×10元/页=700元" in html and "第101—120页20页×20元/页=400元" in html
    assert "1100.00元（人民币壹仟壹佰元整）" in html


def test_art4_the_fee_notice_letter_states_basis_and_computation(engine) -> None:
    ids = many(engine, 11, "2026-04-01", **POST)
    view = notice(engine, ids[-1], basis="per_application")
    html = fee_letter(engine, view.id)
    compare("fee_notice", html.replace(f"第{view.id}号", "第N号"), GOLDEN / "per_application")


def test_a_stated_reason_allows_another_amount_and_the_letter_gives_it(engine) -> None:
    case = register(engine, "2026-04-01")
    reason = "申请人书面申请减免，经政府信息公开工作机构负责人同意"
    view = notice(engine, case, basis="per_page", pages=40, amount="50", deviation_reason=reason)
    assert payload(engine, view)["amount"] == "50.00"
    assert computation(engine, view)["amount"] == "100.00"
    html = fee_letter(engine, case)
    assert "本机关核定收取50.00元" in html and reason in html


@pytest.mark.parametrize(
    ("inputs", "error", "rule"),
    [
        ({"basis": "per_hour", "pages": 40}, InvalidInput, "第三条"),
        ({"basis": ["per_application", "per_page"], "pages": 40}, InvalidInput, "第三条"),
        ({"basis": "per_application", "pages": 40}, RuleViolation, "不得同时按两种标准"),
        ({"basis": "per_page", "pages": 40, "amount": "150"}, RuleViolation, "超额累进"),
        ({"basis": "per_page"}, InvalidInput, "第五条"),
    ],
)
def test_bad_fee_input_is_refused_naming_the_rule_and_writes_nothing(
    engine, inputs: dict[str, Any], error: type[CaseworkError], rule: str
) -> None:
    case = register(engine, "2026-04-01", **ID)
    before = counts(engine)
    with pytest.raises(error) as info:
        notice(engine, case, **inputs)
    assert rule in (info.value.rule or "")
    assert counts(engine) == before
    assert engine.case(case, actor=GENERAL, now=NOW).state == "in_progress"


def test_an_old_fee_notice_with_free_text_basis_still_replays(engine) -> None:
    """Events recorded before the 办法 was coded carry amount and a free-text basis."""
    case = register(engine, "2026-04-01")
    with engine.db.begin() as conn:
        loaded = load_case(conn, case)
        raw = {"amount": "100.00", "basis": "国办函〔2020〕109号：按件计收"}
        on = at("2026-04-02").date()
        prepared = prepare(engine.workflow, loaded.snapshot, "fee_notice", CLERK, raw, on, None)
        after = evolve(engine.workflow, loaded.snapshot, prepared)
        save_move(
            conn,
            loaded,
            after,
            move="fee_notice",
            actor=CLERK,
            payload=prepared.params,
            now=NOW,
            calendar=engine.workflow.calendar,
            key=engine.keys.signing_key(conn),
        )
    assert engine.verify() == []
    paid = engine.move(case, "fee_paid", CLERK, on="2026-04-10", now=NOW)
    assert paid.state == "in_progress" and engine.verify() == []


def test_the_docx_fee_notice_states_the_computation(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    import casework

    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html,docx")
    monkeypatch.setenv("CASEWORK_LETTERS_DIR", str(tmp_path / "archive"))
    engine = casework.open(f"sqlite:///{tmp_path / 'c.db'}", upgrade=True)
    case = register(engine, "2026-04-01")
    notice(engine, case, basis="per_page", pages=250)
    (path,) = (tmp_path / "archive").rglob("fee_notice-*.docx")
    text = "".join(p.text for p in Document(str(path)).paragraphs)
    assert "按量计收（《办法》第五条，超额累进），共250页" in text
    assert "第201—250页50页×40元/页=2000元；合计4700.00元" in text
    engine.db.dispose()
