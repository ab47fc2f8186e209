"""Letters issued by the moves that require them, in the move's transaction (SQLite and
PostgreSQL): numbered, archived, verified; a letter that cannot be made fails the move whole."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

import casework
from casework.errors import CaseworkError, DefinitionError, InvalidInput
from casework.letters.issuing import service_of
from casework.letters.kinds import KINDS
from casework.resources import bundled_dir
from casework.store.tables import CASES, EVENTS, LETTER_SEQUENCES
from tests.support.actors import APPLICANT, CLERK, DUTY, GENERAL, OTHER_CLERK
from tests.support.letters import NOW, REASONS, every_kind, files, letters, move, register


def count(engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.db.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)))


def test_every_kind_is_issued_numbered_and_archived(full, archive: Path) -> None:
    rows = every_kind(full)
    assert set(rows) == set(KINDS) - {"escalation_memo"}
    # A separate series per kind, per unit and year; reply letters of every outcome share one.
    assert {kind: row.number for kind, row in rows.items()} == {
        "receipt": "硚财政依申登〔2026〕1号",
        "reply_disclosed": "硚财政依申〔2026〕1号",
        "forwarding_slip": "硚政办依申转〔2026〕1号",
        "correction_notice": "硚财政依申补〔2026〕1号",
        "correction_lapsed_notice": "硚财政依申补终〔2026〕1号",
        "consultation_third_party": "硚财政依申征〔2026〕1号",
        "consultation_agency": "硚财政依申征〔2026〕2号",
        "extension_notice": "硚财政依申延〔2026〕1号",
        "fee_notice": "硚财政依申费〔2026〕1号",
        "fee_lapsed_notice": "硚财政依申费终〔2026〕1号",
        "reply_partial": "硚财政依申〔2026〕2号",
        "reply_withheld": "硚财政依申〔2026〕3号",
        "reply_unable": "硚财政依申〔2026〕4号",
        "reply_not_responsible": "硚财政依申〔2026〕5号",
        "reply_not_processed": "硚财政依申〔2026〕6号",
        "reply_other": "硚财政依申〔2026〕7号",
        "review_answer": "硚财政复答〔2026〕1号",
        "defence_statement": "硚财政诉答〔2026〕1号",
    }
    withheld = rows["reply_withheld"]
    folder = archive / "2026" / str(withheld.case_id)
    assert (folder / "reply_withheld-czj-3.html").read_text(encoding="utf-8") == withheld.html
    manifest = json.loads((folder / "reply_withheld-czj-3.json").read_text(encoding="utf-8"))
    assert manifest["number"] == "硚财政依申〔2026〕3号"
    assert manifest["kind"] == "reply_withheld"
    assert manifest["template"] == "reply_withheld.html.j2"
    assert manifest["issued_by"] == {"name": "李娜", "role": "unit_clerk", "unit": "czj"}
    assert manifest["issued_on"] == "2026-03-20"
    assert manifest["files"]["pdf"] is None  # HTML only in this test
    assert full.verify() == []


def test_an_online_application_gets_its_receipt_and_slip_from_the_office(engine) -> None:
    view = engine.register(DUTY, on="2026-03-06", now=NOW, channel="online", **APPLICANT)
    move(engine, view.id, "forward", "2026-03-09", DUTY, unit="czj")
    rows = letters(engine, view.id)
    assert [(r.kind, r.unit, r.number) for r in rows] == [
        ("receipt", "zfb", "硚政办依申登〔2026〕1号"),
        ("forwarding_slip", "zfb", "硚政办依申转〔2026〕1号"),
    ]
    # The slip is addressed to the unit and keeps the reply date of the receipt: 20 working
    # days after Friday 03-06 is 04-03 (no holiday in March).
    assert "武汉市硚口区财政局：" in rows[1].html
    assert "2026年4月3日前" in rows[1].html


def test_numbers_run_per_unit_per_year(engine) -> None:
    register(engine)
    register(engine)
    register(engine, unit="jyj")
    register(engine, on="2025-12-30")  # received in 2025, registered now: the letter's date
    numbers = [r.number for r in letters(engine)]
    assert numbers == [
        "硚财政依申登〔2026〕1号",
        "硚财政依申登〔2026〕2号",
        "硚教育依申登〔2026〕1号",
        "硚财政依申登〔2025〕1号",
    ]


def test_a_refusal_without_reasons_fails_whole_and_takes_no_number(engine) -> None:
    case = register(engine).id
    with pytest.raises(InvalidInput) as info:
        move(engine, case, "reply", "2026-03-20", outcome="withheld_process")
    assert info.value.field == "reasons"
    assert "理由" in str(info.value)
    view = engine.case(case, actor=GENERAL)
    assert view.state == "in_progress"
    assert [e.move for e in view.events] == ["register"]
    assert [r.kind for r in letters(engine, case)] == ["receipt"]
    move(engine, case, "reply", "2026-03-20", outcome="withheld_process", reasons=REASONS)
    assert letters(engine, case)[-1].number == "硚财政依申〔2026〕1号"


def test_a_referral_must_name_the_responsible_agency(engine) -> None:
    case = register(engine).id
    with pytest.raises(InvalidInput) as info:
        move(engine, case, "reply", "2026-03-20", outcome="unable_not_responsible")
    assert info.value.field == "responsible_agency"


def _edited_templates(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(bundled_dir("templates"), folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_a_template_error_fails_the_move_and_consumes_no_number(
    db_url: str, tmp_path: Path, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _edited_templates(
        tmp_path, "reply_disclosed.html.j2", "<p>特此告知。</p>", "<p>{{ case.fax_number }}</p>"
    )
    monkeypatch.setenv("CASEWORK_TEMPLATES_DIR", str(folder))
    engine = casework.open(db_url, upgrade=True)
    try:
        case = register(engine).id
        before = files(archive)
        with pytest.raises(DefinitionError) as info:
            move(engine, case, "reply", "2026-03-20", outcome="disclosed")
        assert "reply_disclosed.html.j2" in str(info.value)
        assert "case.fax_number" in str(info.value)
        assert engine.case(case, actor=GENERAL).state == "in_progress"
        assert count(engine, EVENTS) == 1
        assert [r.kind for r in letters(engine)] == ["receipt"]
        with engine.db.connect() as conn:
            series = set(conn.scalars(select(LETTER_SEQUENCES.c.series)))
        assert series == {"receipt"}  # the reply series was rolled back with the move
        assert files(archive) == before
        # Repaired by the administrator: the same move now issues number 1.
        shutil.copy(bundled_dir("templates") / "reply_disclosed.html.j2", folder)
        move(engine, case, "reply", "2026-03-20", outcome="disclosed")
        assert letters(engine)[-1].number == "硚财政依申〔2026〕1号"
    finally:
        engine.db.dispose()


def test_a_sandbox_escape_in_an_edited_template_is_refused(
    db_url: str, tmp_path: Path, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _edited_templates(
        tmp_path,
        "receipt.html.j2",
        "<p>特此告知。</p>",
        "<p>{{ case.request.__class__.__mro__[1].__subclasses__() }}</p>",
    )
    monkeypatch.setenv("CASEWORK_TEMPLATES_DIR", str(folder))
    engine = casework.open(db_url, upgrade=True)
    try:
        with pytest.raises(DefinitionError) as info:
            register(engine)
        assert "不安全" in str(info.value)
        assert (count(engine, CASES), count(engine, LETTER_SEQUENCES)) == (0, 0)
        assert files(archive) == []
    finally:
        engine.db.dispose()


def test_an_unwritable_archive_is_refused_before_anything_is_written(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("CASEWORK_LETTERS_DIR", str(blocker / "letters"))
    engine = casework.open(db_url, upgrade=True)
    try:
        with pytest.raises(CaseworkError) as info:
            register(engine)
        assert info.value.field == "archive_root"
        assert "不可写" in str(info.value)
        assert (count(engine, CASES), count(engine, LETTER_SEQUENCES)) == (0, 0)
    finally:
        engine.db.dispose()


def test_a_move_rolled_back_after_its_letter_leaves_no_file(engine, archive: Path) -> None:
    def later_hook(record) -> None:  # type: ignore[no-untyped-def]
        raise InvalidInput("后续环节失败", field="later")

    engine.hooks.append(later_hook)
    with pytest.raises(InvalidInput):
        register(engine)
    engine.hooks.remove(later_hook)
    assert files(archive) == []
    assert (count(engine, CASES), count(engine, LETTER_SEQUENCES)) == (0, 0)


def test_issuing_by_hand_is_an_event_with_a_new_number(full) -> None:
    case = register(full).id
    move(full, case, "reply", "2026-03-20", outcome="withheld_process", reasons=REASONS)
    move(full, case, "issue_letter", "2026-03-23", kind="reply", reason="邮寄退回，重新出具")
    rows = letters(full, case)
    assert [(r.kind, r.number, r.move) for r in rows] == [
        ("receipt", "硚财政依申登〔2026〕1号", "register"),
        ("reply_withheld", "硚财政依申〔2026〕1号", "reply"),
        ("reply_withheld", "硚财政依申〔2026〕2号", "issue_letter"),
    ]
    # The new letter restates the reply (its reasons) under its own date and number.
    assert REASONS in rows[2].html and "2026年3月23日" in rows[2].html
    assert [e.move for e in full.case(case, actor=GENERAL).events][-1] == "issue_letter"
    assert full.verify() == []


@pytest.mark.parametrize(
    ("kind", "field"),
    [("certificate", "kind"), ("correction_notice", "kind"), ("reply_disclosed", "kind")],
)
def test_bad_kinds_by_hand_are_refused_and_write_nothing(full, kind: str, field: str) -> None:
    case = register(full).id
    move(full, case, "reply", "2026-03-20", outcome="withheld_process", reasons=REASONS)
    with pytest.raises(InvalidInput) as info:
        move(full, case, "issue_letter", "2026-03-23", kind=kind)
    assert info.value.field == field
    assert len(letters(full, case)) == 2
    assert [e.move for e in full.case(case, actor=GENERAL).events] == ["register", "reply"]


def test_a_draft_is_unnumbered_and_leaves_no_trace(full, archive: Path) -> None:
    case = register(full).id
    move(full, case, "reply", "2026-03-20", outcome="withheld_process", reasons=REASONS)
    before = (files(archive), len(letters(full)))
    draft = service_of(full).draft(case, None, NOW.date())
    assert draft.template == "reply_withheld.html.j2"
    assert "草稿" in draft.html and "（草稿，未编号）" in draft.html
    assert (files(archive), len(letters(full))) == before


def test_a_unit_clerk_cannot_reply_for_another_unit_and_no_letter_is_issued(engine) -> None:
    case = register(engine).id
    with pytest.raises(CaseworkError):
        move(engine, case, "reply", "2026-03-20", OTHER_CLERK, outcome="disclosed")
    assert [r.kind for r in letters(engine, case)] == ["receipt"]


def test_verify_finds_every_kind_of_tampering(engine, archive: Path) -> None:
    case = register(engine).id
    move(engine, case, "reply", "2026-03-20", CLERK, outcome="disclosed")
    assert engine.verify() == []
    folder = archive / "2026" / str(case)
    html = folder / "reply_disclosed-czj-1.html"
    html.write_text(html.read_text(encoding="utf-8").replace("张三", "李四"), encoding="utf-8")
    receipt = folder / "receipt-czj-1.json"
    manifest = json.loads(receipt.read_text(encoding="utf-8"))
    receipt.write_text(
        json.dumps({**manifest, "number": "硚财政依申登〔2026〕9号"}, ensure_ascii=False),
        encoding="utf-8",
    )
    (folder / "stray.pdf").write_bytes(b"%PDF")
    ghost = {**manifest, "letter_id": 999, "number": "硚财政依申登〔2026〕99号"}
    (folder / "ghost.json").write_text(json.dumps(ghost, ensure_ascii=False), encoding="utf-8")
    foreign = {**manifest, "database_id": "another-database", "letter_id": 998}
    (folder / "foreign.json").write_text(json.dumps(foreign), encoding="utf-8")
    found = {d.what: d for d in engine.verify()}
    assert set(found) == {
        "文书 2（硚财政依申〔2026〕1号） HTML 文件 SHA-256",
        "文书 1（硚财政依申登〔2026〕1号） 清单 number",
        "归档中有不属于任何清单的文件",
        "归档中有数据库没有的文书 硚财政依申登〔2026〕99号",
    }
    assert all(d.case_id == case for d in found.values())
    assert (
        found["文书 1（硚财政依申登〔2026〕1号） 清单 number"].stored == "硚财政依申登〔2026〕9号"
    )
    html.unlink()
    missing = [d for d in engine.verify() if "HTML" in d.what]
    assert missing and missing[0].stored == "文件缺失"


def test_a_number_format_that_could_collide_stops_every_letter(
    db_url: str, states: Path, archive: Path
) -> None:
    path = states / "letters.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + '\n[units.czj]\nformat = "硚财〔{year}〕{n}号"\n', encoding="utf-8")
    engine = casework.open(db_url, upgrade=True, states_dir=states)
    try:
        with pytest.raises(DefinitionError) as info:
            register(engine)
        assert info.value.path == str(path)
        assert "文号会重复" in str(info.value)
        assert (count(engine, CASES), count(engine, LETTER_SEQUENCES)) == (0, 0)
        assert files(archive) == []
    finally:
        engine.db.dispose()
