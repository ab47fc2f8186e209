"""The organisation directory: the seed's units, lines and routes; validation; replacing people."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from casework.errors import DefinitionError, NotFound
from casework.organisation import (
    check_directory_text,
    load_directory,
    store_directory,
    units_of_line,
)
from casework.resources import bundled_dir
from casework.store.tables import PEOPLE as PEOPLE_TABLE
from casework.store.tables import UNITS
from tests.support.actors import GENERAL
from tests.support.dates import at
from tests.support.escalation import outbox, register, replaced_deputy, run

STATES = bundled_dir("states")
TEXT = (STATES / "organisation.toml").read_text(encoding="utf-8")
NOW = at("2026-03-31")


def problems_of(text: str) -> list[str]:
    d, problems = check_directory_text(text, "org.toml")
    assert d is None
    return problems


def test_every_unit_of_attachment_2_with_the_repeated_numbers() -> None:
    d = load_directory(STATES)
    assert len(d.units) == 56
    groups = [u.group for u in d.units.values()]
    assert (groups.count("key"), groups.count("related")) == (20, 24)
    assert (groups.count("street"), groups.count("zone")) == (11, 1)
    numbered = {u.seed_number: [] for u in d.units.values()}
    for u in d.units.values():
        numbered[u.seed_number].append(u.code)
    assert numbered["41"] == ["cgb", "jgswj"] and numbered["42"] == ["zwzx", "dfzb"]


def test_lines_follow_attachment_1_and_deputies_the_listed_order() -> None:
    d = load_directory(STATES)
    deputies = [(ln.vice_head, d.people[ln.deputy].name) for ln in d.lines.values()]
    assert deputies == [
        ("suhaifeng", "操俊峰"),
        ("zhangyongqiang", "高雷"),
        ("chenghonggang", "范宁"),
        ("liuchuanling", "张晋"),
        ("yintianbing", "李若飞"),
    ]
    assert not any(ln.deputy_from_seed for ln in d.lines.values())
    assert set(units_of_line(d, "line4")) == {"cgw", "wjw", "gsj", "kjj"}  # 刘传鸰
    assert set(units_of_line(d, "李若飞")) == {"ajj", "gafj", "jtj", "sfj"}  # by deputy name
    assert units_of_line(d, "尹天兵") == units_of_line(d, "liruofei")  # by vice head, code
    line1 = units_of_line(d, "line1")
    assert {"czj", "fzb", "zfb", "sbc", "jgswj", "kfq"} <= set(line1) and len(line1) == 16
    with pytest.raises(NotFound) as err:
        units_of_line(d, "line9")
    assert "line1（操俊峰）" in err.value.message


def test_routes_of_streets_zone_and_units_the_seed_leaves_unassigned() -> None:
    d = load_directory(STATES)
    assert len(d.routes) == 56
    streets = [r for c, r in d.routes.items() if d.units[c].group == "street"]
    assert {(r.line, r.offices, r.from_seed) for r in streets} == {
        (None, ("supervision_office",), True)
    }
    assert (d.routes["kfq"].line, d.routes["kfq"].offices) == ("line1", ("supervision_office",))
    unassigned = sorted(c for c, r in d.routes.items() if not r.from_seed)
    assert unassigned == ["bb", "cgb", "mtzx", "zwzx"]
    assert {d.routes[c].offices for c in unassigned} == {("director", "supervision_office")}
    # 广电 names no unit among the 56: kept in the file as an empty mapping.
    assert d.vice_heads["chenghonggang"].unmapped == ("广电",)
    assert d.position("legal_office").key == "unit:fzb"
    assert d.position("duty_office_head").name == "熊芳俐（区政府办副主任、总值班室主任）"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (  # a unit the seed leaves unassigned, without its escalate_to: no route
            'escalate_to = ["director", "supervision_office"]\nroute_from_seed = false\n'
            'note = "附件1未列编办',
            'note = "附件1未列编办',
            "单位 bb（区编办）没有督办路线",
        ),
        ('email = "xugang@qiaokou.gov.example"\n', "", "people[0] xugang: 缺少联系方式"),
        ('email = "dcs@qiaokou.gov.example"', 'email = "dcs at qiaokou"', "不是有效的电子邮件地址"),
        ('role = "duty_office"', 'role = "duty_head"', "角色 'duty_head' 未知"),
        (
            'deputy = "gaolei"',
            'deputy = "wanggang"',
            "战线 line2 的战线副主任 'wanggang' 不在人员名录中",
        ),
        ('"科技" = ["kjj"]', '"科技" = ["kjj", "czj"]', "单位 czj 同时由两位副区长分管"),
        ('"交通" = ["jtj"]', '"交通" = ["jtt"]', "“交通”对应的单位 'jtt' 不存在"),
        (
            'supervision_office = "dcs"',
            'supervision_office = "dcx"',
            "supervision_office = 'dcx' 不在名录中",
        ),
        ('code = "kfq"', 'code = "czj"', "单位代码 czj 重复"),
        # Misspelt keys name the file, the table (with the entry's code) and the key.
        ('seed_number = "1"', 'seed_numbr = "1"', 'org.toml units[0] zfb: 未知的键 "seed_numbr"'),
        ('role = "duty_office"', 'rol = "duty_office"', '未知的键 "rol"'),
        ("\n[positions]\n", "\n[position]\n", 'org.toml: 未知的键 "position"'),
        ('deputy = "gaolei"', 'depty = "gaolei"', 'org.toml lines[1] line2: 未知的键 "depty"'),
    ],
)
def test_a_bad_directory_is_refused_naming_the_problem(old, new, expected) -> None:
    assert old in TEXT
    problems = problems_of(TEXT.replace(old, new, 1))
    assert any(expected in p for p in problems), problems


def test_load_writes_units_and_people_and_refuses_a_bad_file_writing_nothing(
    engine, tmp_path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(TEXT.replace('email = "xugang@qiaokou.gov.example"\n', ""), encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        store_directory(engine.db, bad, loaded_by="t", now=NOW)
    assert "xugang" in err.value.message and "缺少联系方式" in err.value.message
    people = PEOPLE_TABLE
    with engine.db.connect() as conn:
        assert conn.execute(select(people)).all() == []
    store_directory(engine.db, STATES, loaded_by="t", now=NOW)
    units = UNITS
    with engine.db.connect() as conn:
        rows = {r.code: r for r in conn.execute(select(people))}
        czj = conn.execute(select(units).where(units.c.code == "czj")).one()
    assert set(rows) == {
        "xugang",
        "xiongfangli",
        "caojunfeng",
        "gaolei",
        "fanning",
        "zhangjin",
        "liruofei",
        "zwzx_head",
    }
    assert (rows["xugang"].role, rows["xugang"].title) == ("director", "区政府办主任")
    assert czj.email == "czj@qiaokou.gov.example"


def test_a_person_replaced_without_touching_cases(engine, tmp_path) -> None:
    store_directory(engine.db, STATES, loaded_by="t", now=NOW)
    first = register(engine, "2026-03-02")  # czj, line1 (操俊峰)
    run(engine, "2026-03-30")
    path = replaced_deputy(tmp_path)
    before = engine.case(first, actor=GENERAL, now=NOW)
    _, counts = store_directory(engine.db, path, loaded_by="t", now=NOW)
    assert counts["deactivated"] == 1
    second = register(engine, "2026-03-03")  # reply due 3/31
    run(engine, "2026-03-31")
    line = [(r.case_id, r.recipient) for r in outbox(engine) if "届满督办" in r.subject]
    assert line == [(first, "person:caojunfeng"), (second, "person:wangli")]
    after = engine.case(first, actor=GENERAL, now=NOW)
    assert (after.version, after.fields) == (before.version, before.fields)
    people = PEOPLE_TABLE
    with engine.db.connect() as conn:
        active = {r.code: r.active for r in conn.execute(select(people.c.code, people.c.active))}
    assert (active["caojunfeng"], active["wangli"]) == (False, True)


def test_a_unit_with_cases_may_not_disappear(engine, tmp_path) -> None:
    register(engine, "2026-03-02", unit="gutian")
    start = TEXT.index('[[units]]\ncode = "gutian"')
    end = TEXT.index("[[units]]", start + 5)
    path = tmp_path / "org.toml"
    path.write_text(TEXT[:start] + TEXT[end:], encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        store_directory(engine.db, path, loaded_by="t", now=NOW)
    assert "gutian（1 件）" in err.value.message


def test_load_units_still_serves_the_engine() -> None:
    from casework.organisation import load_units

    assert [u.code for u in load_units(Path(STATES))][:3] == ["zfb", "fgw", "czj"]
