"""Letters through the real engine: a copy of states/ a test may edit, an engine for a
module-scoped fixture, helpers, and one case per letter kind made with fixed dates (2026,
checked by hand against the holiday notice: 清明 4/4–4/6, so Monday 4/6 is a rest day)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import casework
from casework.proceedings import open_lawsuit, open_review
from casework.resources import bundled_dir
from casework.store.tables import LETTERS
from tests.support.actors import APPLICANT, CENTRE, CLERK, DUTY, LEGAL
from tests.support.databases import PG_ENV, PG_SKIP, pg_schema_url
from tests.support.dates import at
from tests.support.proceedings import REVIEW, SUIT
from tests.support.service import pin_status_secret

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


def extended_states(folder: Path) -> Path:
    """A copy of the shipped states/ that a test may edit (it carries the issue_letter move,
    the reply inputs letters use, and the letters of the review answer and defence statement)."""
    target = folder / "states"
    shutil.copytree(bundled_dir("states"), target)
    return target


@contextmanager
def module_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """An engine on the extended states/ for a module-scoped fixture whose param is one of
    DATABASES (tests/support/databases.py), with its own archive (HTML only)."""
    folder = tmp_path_factory.mktemp("checklist")
    urls: Iterator[str] = iter([f"sqlite:///{folder / 'casework.db'}"])
    if request.param == "postgres":
        base = os.environ.get(PG_ENV)
        if not base:
            pytest.skip(PG_SKIP)
        urls = pg_schema_url(base)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CASEWORK_LETTERS_DIR", str(folder / "archive"))
        env.setenv("CASEWORK_CHAIN_KEY_FILE", str(folder / "chain.key"))
        env.setenv("CASEWORK_LETTER_FORMATS", "html")
        engine = casework.open(next(urls), upgrade=True, states_dir=extended_states(folder))
        pin_status_secret(engine)  # receipts print the status code (golden files)
        try:
            yield engine
        finally:
            engine.db.dispose()
            next(urls, None)  # drops the PostgreSQL schema
