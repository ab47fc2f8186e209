"""Letters whose due date falls in 2027, a year whose holiday notice is not registered.

2027 is counted from the 放假办法: 元旦 (Friday 2027-01-01) is a rest day, no 调休. Each kind
that prints a due date is issued twice through the real engine, "today" pinned to the move's
day: once with its due date on Thursday 2026-12-31, the last day of the known year (printed as
is), once on Monday 2027-01-04, the first provisional working day. Counted by hand from the
2026 notice (December has no holiday): 20 working days after 2026-12-03 end on 12-31, after
2026-12-04 (or Saturday 12-05) on 2027-01-04; 10 after 12-17 on 12-31, after 12-18 on 01-04.

Provisional variants are compared with tests/data/golden/provisional/ (see test_golden.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document

import casework
from casework.calendar_sources import load_calendar
from casework.letters.listing import plain_text
from casework.letters.memo import render_escalation_memo
from casework.letters.samples import memo_samples
from casework.resources import bundled_dir
from tests.support.actors import APPLICANT, CENTRE, CLERK, DUTY
from tests.support.databases import DATABASES
from tests.support.dates import at
from tests.support.golden import GOLDEN, compare
from tests.support.letters import letters, module_engine

PROVISIONAL = GOLDEN / "provisional"
KNOWN_DUE, PROVISIONAL_DUE = "2026年12月31日", "2027年1月4日"
NOTE = (
    "因国务院办公厅2027年部分节假日安排尚未公布，上述日期按《全国年节及纪念日放假办法》暂定，"
    "如有变化另行告知。"
)
# Kinds that print a due date with the mark and the note.
MARKED = ("extension_notice", "correction_notice", "fee_notice", "forwarding_slip")
FEE = {"basis": "per_page", "pages": 40}


@pytest.fixture(autouse=True, scope="module")
def _2027_is_not_known() -> None:
    first = load_calendar(bundled_dir("states")).first_provisional_day
    assert first == date(2027, 1, 1), (
        "the holiday sources now know 2027: move these dates to the first unknown year"
    )


def _register(engine: Any, on: str, actor: Any = CENTRE, channel: str = "window") -> int:
    unit = {"unit": "czj"} if channel == "window" else {}
    view = engine.register(actor, on=on, now=at(on), channel=channel, **unit, **APPLICANT)
    return int(view.id)


def _move(engine: Any, case: int, name: str, on: str, actor: Any = CLERK, **inputs: Any) -> None:
    engine.move(case, name, actor, on=on, now=at(on), **inputs)


def _letter(engine: Any, case: int, kind: str) -> str:
    return str(next(r.html for r in letters(engine, case) if r.kind == kind))


def pair(engine: Any, kind: str) -> tuple[str, str]:
    """(letter due on 2026-12-31, letter due on 2027-01-04) of ``kind``."""
    out = []
    for known in (True, False):
        if kind == "receipt":
            case = _register(engine, "2026-12-03" if known else "2026-12-05")
        elif kind == "forwarding_slip":
            on = "2026-12-03" if known else "2026-12-04"
            case = _register(engine, on, DUTY, "online")
            _move(engine, case, "forward", on, DUTY, unit="czj")
        elif kind == "extension_notice":
            # Received 11-05 (due 12-03) or 11-06 (due 12-04), extended by 20 working days.
            case = _register(engine, "2026-11-05" if known else "2026-11-06")
            _move(engine, case, "extend", "2026-12-02", approver="周主任", reason="需调取档案")
        elif kind.startswith("correction_"):
            case = _register(engine, "2026-12-10")
            on = "2026-12-17" if known else "2026-12-18"
            _move(engine, case, "request_correction", on, items=["信息名称"], days=10)
            if kind == "correction_lapsed_notice":
                _move(engine, case, "correction_lapsed", "2027-01-04" if known else "2027-01-05")
        else:
            case = _register(engine, "2026-12-01")
            _move(engine, case, "fee_notice", "2026-12-03" if known else "2026-12-04", **FEE)
            if kind == "fee_lapsed_notice":
                _move(engine, case, "fee_lapsed", "2027-01-04" if known else "2027-01-05")
        out.append(_letter(engine, case, kind))
    return out[0], out[1]


KINDS = (*MARKED, "receipt", "correction_lapsed_notice", "fee_lapsed_notice")


@pytest.fixture(scope="module", params=DATABASES)
def pairs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with module_engine(request, tmp_path_factory) as engine:
        yield {kind: pair(engine, kind) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_provisional_letters_match_their_golden_file(pairs: Any, kind: str) -> None:
    compare(kind, pairs[kind][1], PROVISIONAL)


def test_the_provisional_escalation_memo_matches_its_golden_file() -> None:
    memo = render_escalation_memo(memo_samples()[1], bundled_dir("templates"))
    compare("escalation_memo", memo, PROVISIONAL)


def test_every_provisional_golden_file_belongs_to_a_kind() -> None:
    assert {p.stem for p in PROVISIONAL.glob("*.html")} == {*KINDS, "escalation_memo"}


@pytest.mark.parametrize("kind", MARKED)
def test_a_due_date_in_2027_is_marked_and_explained(pairs: Any, kind: str) -> None:
    known, provisional = (plain_text(html) for html in pairs[kind])
    assert f"{KNOWN_DUE}；" in known or f"{KNOWN_DUE}前" in known
    assert "暂定" not in known and "节假日安排" not in known
    assert f"{PROVISIONAL_DUE}（暂定）" in provisional
    assert provisional.count(NOTE) == 1
    assert provisional.splitlines().index(NOTE) > 0  # its own paragraph, after the date's


def test_the_receipt_of_2026_12_05_gives_the_period_not_a_date(pairs: Any) -> None:
    known, provisional = (plain_text(html) for html in pairs["receipt"])
    assert "自收到申请之日起20个工作日内，即2026年12月31日前作出答复" in known
    assert "暂定" not in known and "节假日安排" not in known
    assert "本机关于2026年12月5日收到您的政府信息公开申请" in provisional
    assert (
        "自收到申请之日起20个工作日内作出答复（国务院办公厅2027年部分节假日安排尚未公布，"
        "截止日期按公布后的安排计算）；需要延长答复期限的，将另行书面告知。"
    ) in provisional
    assert "2027年" not in provisional.replace("2027年部分节假日安排", "")


@pytest.mark.parametrize(
    ("kind", "ended"),
    [("correction_lapsed_notice", "补正期限届满之日"), ("fee_lapsed_notice", "缴费期限届满之日")],
)
def test_a_closing_notice_says_the_period_ended_without_a_provisional_date(
    pairs: Any, kind: str, ended: str
) -> None:
    known, provisional = (plain_text(html) for html in pairs[kind])
    assert f"截至{KNOWN_DUE}，" in known and "暂定" not in known
    assert f"截至{ended}，" in provisional
    assert PROVISIONAL_DUE not in provisional and "暂定" not in provisional


def test_a_letter_of_mid_2026_says_nothing_provisional(full: Any) -> None:
    case = _register(full, "2026-06-15")
    _move(full, case, "extend", "2026-07-01", approver="周主任", reason="需调取档案")
    # Received Monday 06-15 (端午 06-19 off): due 07-14, extended to 08-11.
    for kind, due in (("receipt", "2026年7月14日前"), ("extension_notice", "2026年8月11日前")):
        text = plain_text(_letter(full, case, kind))
        assert due in text and "暂定" not in text and "节假日安排" not in text


def test_docx_carries_the_provisional_text(
    db_url: str, states: Path, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEWORK_LETTER_FORMATS", "html,docx")
    engine = casework.open(db_url, upgrade=True, states_dir=states)
    try:
        case = _register(engine, "2026-11-06")
        _move(engine, case, "extend", "2026-12-02", approver="周主任", reason="需调取档案")
        row = next(r for r in letters(engine, case) if r.kind == "extension_notice")
    finally:
        engine.db.dispose()
    docx = archive / "2026" / str(case) / f"{row.stem}.docx"
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs if p.text)
    html = plain_text(row.html).splitlines()
    seal = html.index("（印章）")  # in Word the marker holds the line above the issuing unit
    html.insert(seal - 2, html.pop(seal))
    assert text.splitlines() == html
    assert f"{PROVISIONAL_DUE}（暂定）" in text and NOTE in text
