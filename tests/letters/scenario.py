"""Helpers, and one case per letter kind made through the real engine with fixed dates (2026,
checked by hand against the holiday notice: 清明 4/4–4/6, so Monday 4/6 is a rest day)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from casework.proceedings import open_lawsuit, open_review
from casework.store.letter_tables import LETTERS
from tests.conftest import APPLICANT, CENTRE, CLERK, DUTY, LEGAL, at
from tests.integration.test_proceedings import REVIEW, SUIT

NOW = at("2026-11-27")
REASONS = "该信息为本局内部讨论记录，属于过程性信息"
SEARCH = "本局文书档案、财务档案及办公系统，以“2019年”“采购”为关键词检索，未检索到"
AGENCY = "武汉市硚口区审计局（地址：武汉市硚口区解放大道1号，电话：027-00000000）"
NOTE = "内部备注：申请人曾多次来电"


def register(engine: Any, on: str = "2026-03-02", **extra: Any) -> Any:
    inputs = {"channel": "window", "unit": "czj", **APPLICANT, **extra}
    return engine.register(CENTRE, on=on, now=NOW, **inputs)


def letters(engine: Any, case_id: int | None = None) -> list[Any]:
    query = select(LETTERS).order_by(LETTERS.c.id)
    if case_id is not None:
        query = query.where(LETTERS.c.case_id == case_id)
    with engine.db.connect() as conn:
        return list(conn.execute(query))


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def move(engine: Any, case: int, name: str, on: str, actor: Any = CLERK, **inputs: Any) -> Any:
    return engine.move(case, name, actor, on=on, now=NOW, **inputs)


def reply(engine: Any, outcome: str, on: str = "2026-03-20", **inputs: Any) -> int:
    case = register(engine).id
    move(engine, case, "reply", on, outcome=outcome, note=NOTE, **inputs)
    return case


def every_kind(engine: Any) -> dict[str, Any]:
    """Issue one letter of every kind; returns kind -> letter row."""
    c = register(engine).id
    move(engine, c, "reply", "2026-03-20", outcome="disclosed", attachments=["2025年部门预算表"])
    online = engine.register(DUTY, on="2026-03-06", now=NOW, channel="online", **APPLICANT).id
    move(engine, online, "forward", "2026-03-09", DUTY, unit="czj", note="请按时答复")
    c = register(engine).id
    move(
        engine,
        c,
        "request_correction",
        "2026-03-04",
        items=["信息名称", "获取方式", "信息名称"],
        days=10,
    )
    move(engine, c, "correction_lapsed", "2026-03-19")
    for party, name, matter in (
        ("third_party", "汉正商贸有限公司", "该公司的投标报价"),
        ("other_agency", "武汉市硚口区审计局", "两局共同制作的审计整改报告"),
    ):
        c = register(engine).id
        move(engine, c, "consult", "2026-03-05", party=party, party_name=name, matter=matter)
    c = register(engine).id
    move(engine, c, "extend", "2026-03-20", approver="周主任", reason="需调取档案，数量较大")
    c = register(engine).id
    move(engine, c, "fee_notice", "2026-03-05", basis="per_page", pages=40)
    move(engine, c, "fee_lapsed", "2026-04-03")
    reply(
        engine,
        "partially_disclosed",
        reasons="其中投标报价部分涉及第三方商业秘密",
        withheld_ground="withheld_third_party",
    )
    withheld = reply(engine, "withheld_process", reasons=REASONS)
    reply(engine, "unable_not_held", reasons=SEARCH)
    reply(engine, "unable_not_responsible", responsible_agency=AGENCY)
    reply(engine, "rejected_petition")
    reply(engine, "other", reasons="申请人已通过档案查阅获取该信息")
    review = open_review(engine, withheld, LEGAL, on="2026-05-06", now=NOW, **REVIEW).id
    move(engine, review, "answered", "2026-05-12", LEGAL)
    suit = open_lawsuit(engine, withheld, LEGAL, on="2026-06-01", now=NOW, **SUIT).id
    move(engine, suit, "defended", "2026-06-10", LEGAL)
    first: dict[str, Any] = {}
    for row in letters(engine):
        first.setdefault(row.kind, row)
    return first
