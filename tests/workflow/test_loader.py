"""Loading and checking states/: the real files, and copies of them with one defect each.

Each broken copy is built in tmp_path from the shipped states/ by one textual edit, so the
defect under test is the only thing that differs from files known to be valid.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from casework.bootstrap import check_states
from casework.errors import DefinitionError, InvalidInput
from casework.resources import bundled_dir
from casework.tomlfiles import Problems, read_toml
from casework.workflow.build import build_workflow
from casework.workflow.loader import load_flows, load_rule_book, load_rule_books

REAL = bundled_dir("states")


def broken_copy(tmp_path: Path, file: str, old: str, new: str, occurrence: int = 1) -> Path:
    """A copy of states/ in which the ``occurrence``-th ``old`` of ``file`` becomes ``new``."""
    states = tmp_path / "states"
    shutil.copytree(REAL, states)
    path = states / file
    text = path.read_text(encoding="utf-8")
    parts = text.split(old)
    assert len(parts) > occurrence, f"{old!r} occurs fewer than {occurrence} times in {file}"
    edited = old.join(parts[:occurrence]) + new + old.join(parts[occurrence:])
    path.write_text(edited, encoding="utf-8")
    return states


# -- the real files ------------------------------------------------------------------------


def test_real_states_have_no_problems() -> None:
    assert check_states(REAL) == []


def test_rule_sets_2019_and_2008() -> None:
    book = load_rule_book(REAL)
    new, old = book.named("2019"), book.named("2008")
    assert (new.clocks["reply"].length, new.clocks["reply"].extension) == (20, 20)
    assert (old.clocks["reply"].length, old.clocks["reply"].extension) == (15, 15)
    assert new.clocks["reply"].unit == old.clocks["reply"].unit == "working_days"
    assert {"third_party", "other_agency"} <= new.pausing_reasons
    assert "third_party" in old.pausing_reasons
    assert "other_agency" not in old.pausing_reasons
    assert new.effective_from == date(2019, 5, 15)
    assert old.effective_from == date(2008, 5, 1)
    assert new.restart_on_correction and not old.restart_on_correction
    # The district's forwarding clock (states/local.toml) is added to every rule set.
    assert new.clocks["forwarding"].length == old.clocks["forwarding"].length == 1


@pytest.mark.parametrize(
    ("on", "name"),
    [
        (date(2008, 5, 1), "2008"),
        (date(2019, 5, 14), "2008"),
        (date(2019, 5, 15), "2019"),
        (date(2026, 1, 5), "2019"),
    ],
)
def test_rule_set_in_force_on(on: date, name: str) -> None:
    assert load_rule_book(REAL).in_force_on(on).name == name


def test_no_rule_set_before_2008_05_01() -> None:
    with pytest.raises(InvalidInput) as err:
        load_rule_book(REAL).in_force_on(date(2008, 4, 30))
    assert "2008-05-01" in str(err.value)


def test_application_flow_loads() -> None:
    flows = load_flows(REAL, load_rule_books(REAL))
    flow = flows["application"]
    assert flow.initial == "new"
    assert {"register", "forward", "reply", "extend", "consult"} <= set(flow.move_names)
    # online (duty office), received at the service centre without a unit, with a unit
    assert [m.when for m in flow.variants("register")] == [
        ("online_channel",),
        ("received_at_centre",),
        (),
    ]


# -- one defect each -----------------------------------------------------------------------

APP = "application.toml"
DELIVER = 'name = "deliver"\nlabel = "送达"\nfrom = ["replied"]\nto = "delivered"\n'

DEFECTS = {
    "unknown destination state": (
        APP,
        'from = ["delivered"]\nto = "closed"',
        'from = ["delivered"]\nto = "archived"',
        ["archived", "close"],
    ),
    "unknown source state": (
        APP,
        DELIVER,
        DELIVER.replace('["replied"]', '["answered"]'),
        ["answered", "deliver"],
    ),
    "unknown guard": (
        APP,
        'requires = ["other_unit"]',
        'requires = ["different_unit"]',
        ["different_unit", "transfer"],
    ),
    "unknown role": (
        APP,
        DELIVER + 'roles = ["unit_clerk", "unit_head"]',
        DELIVER + 'roles = ["unit_clerk", "courier"]',
        ["courier", "deliver"],
    ),
    "unknown clock kind in a clock op": (
        APP,
        '{ op = "stop", clock = "forwarding" }',
        '{ op = "stop", clock = "postage" }',
        ["postage", "forward"],
    ),
    "unknown clock operation": (
        APP,
        '{ op = "stop", clock = "forwarding" }',
        '{ op = "freeze", clock = "forwarding" }',
        ["freeze", "forward"],
    ),
    "clock op without op": (
        APP,
        '{ op = "stop", clock = "forwarding" }',
        '{ clock = "forwarding" }',
        ["op", "forward"],
    ),
    "unknown input type": (
        APP,
        'fields = { method = "delivery_method" }',
        'fields = { method = "carrier_pigeon" }',
        ["carrier_pigeon", "method", "deliver"],
    ),
    "set references an undeclared input": (
        APP,
        'set = { delivered_on = "$on" }',
        'set = { delivered_on = "$delivery_day" }',
        ["$delivery_day", "deliver"],
    ),
    "unreachable state": (
        APP,
        'closed = { label = "已办结", final = true }',
        'closed = { label = "已办结", final = true }\nlimbo = { label = "搁置" }',
        ["limbo"],
    ),
    "unknown initial state": (
        APP,
        'initial = "new"',
        'initial = "fresh"',
        ["fresh"],
    ),
    "clock nature sometimes": (
        "rules/2019.toml",
        'nature = "duty"',
        'nature = "sometimes"',
        ["sometimes", "2019.toml", "clocks.reply"],
    ),
    "unknown clock unit": (
        "rules/2008.toml",
        'unit = "working_days"\nlength = 15',
        'unit = "weeks"\nlength = 15',
        ["weeks", "2008.toml", "clocks.reply"],
    ),
    "rule set without effective_from": (
        "rules/2008.toml",
        "effective_from = 2008-05-01\n",
        "",
        ["effective_from", "2008.toml"],
    ),
    "rule set with a text effective_from": (
        "rules/2019.toml",
        "effective_from = 2019-05-15",
        'effective_from = "2019年5月15日"',
        ["effective_from", "2019.toml"],
    ),
    "two rule sets with one name": (
        "rules/2008.toml",
        'name = "2008"',
        'name = "2019"',
        ["2019", "重复"],
    ),
    # Misspelt keys: every table is strict, and the problem names the file, table and key.
    "misspelt key in a rule set's clock": (
        "rules/2019.toml",
        "length = 20 ",
        "lenght = 20 ",
        ["2019.toml", "[clocks.reply]", '未知的键 "lenght"'],
    ),
    "misspelt key at the top of a rule set": (
        "rules/2008.toml",
        'name = "2008"',
        'name = "2008"\neffective = 2008-05-01',
        ["2008.toml", '未知的键 "effective"'],
    ),
    "misspelt key in a channel": (
        "rules/2019.toml",
        'receipt = "行政机关签收之日"',
        'reciept = "行政机关签收之日"',
        ["2019.toml", "[channels.", '未知的键 "reciept"'],
    ),
    "misspelt key in local.toml": (
        "local.toml",
        "length = 1",
        "lenght = 1",
        ["local.toml", "[clocks.", '未知的键 "lenght"'],
    ),
    "misspelt key in [flow]": (
        APP,
        'initial = "new"',
        'initial = "new"\ninital = "new"',
        ["application.toml", "[flow]", '未知的键 "inital"'],
    ),
    "misspelt key in a state": (
        APP,
        'closed = { label = "已办结", final = true }',
        'closed = { label = "已办结", final = true, lable = "办结" }',
        ["application.toml", "[states.closed]", '未知的键 "lable"'],
    ),
    "misspelt key in a move": (
        APP,
        DELIVER,
        DELIVER + 'lable = "送达"\n',
        ["application.toml", "moves[", "deliver", '未知的键 "lable"'],
    ),
    "misspelt key in a clock op": (
        APP,
        '{ op = "start", clock = "correction_period", length = "$days" }',
        '{ op = "start", clock = "correction_period", lenght = "$days" }',
        ["application.toml", "request_correction clocks[2]", '未知的键 "lenght"'],
    ),
    "a value of the wrong type": (
        APP,
        'closed = { label = "已办结", final = true }',
        'closed = { label = "已办结", final = "yes" }',
        ["application.toml", "[states.closed]", "final 应为布尔值"],
    ),
}


@pytest.mark.parametrize(("file", "old", "new", "names"), DEFECTS.values(), ids=list(DEFECTS))
def test_one_defect_is_reported_by_name(
    tmp_path: Path, file: str, old: str, new: str, names: list[str]
) -> None:
    states = broken_copy(tmp_path, file, old, new)
    problems = check_states(states)
    assert problems, f"no problem found for {new!r}"
    hits = [p for p in problems if all(name in p for name in names)]
    assert hits, f"no problem names {names}: {problems}"
    assert all(str(states) in p for p in problems), problems  # every problem names its file


def test_unknown_destination_is_the_only_problem(tmp_path: Path) -> None:
    states = broken_copy(
        tmp_path,
        APP,
        'from = ["delivered"]\nto = "closed"',
        'from = ["delivered"]\nto = "archived"',
    )
    # `closed` stays reachable through other moves, so this is the one problem.
    problems = check_states(states)
    assert len(problems) == 1, problems
    assert "archived" in problems[0]


def test_load_flows_raises_with_every_problem(tmp_path: Path) -> None:
    states = broken_copy(
        tmp_path, APP, 'requires = ["other_unit"]', 'requires = ["different_unit"]'
    )
    with pytest.raises(DefinitionError) as err:
        load_flows(states, load_rule_books(states))
    assert "different_unit" in str(err.value)


def test_load_rule_book_raises_on_a_bad_nature(tmp_path: Path) -> None:
    states = broken_copy(tmp_path, "rules/2019.toml", 'nature = "duty"', 'nature = "sometimes"')
    with pytest.raises(DefinitionError) as err:
        load_rule_book(states)
    assert "sometimes" in str(err.value)


def test_variants_of_one_move_must_share_inputs(tmp_path: Path) -> None:
    # The second `register` (the non-online branch) gains an input the first one lacks.
    states = broken_copy(
        tmp_path,
        APP,
        'handler = "text", reference = "text" }',
        'handler = "text", reference = "text", priority = "text" }',
        2,
    )
    problems = check_states(states)
    assert len(problems) == 1, problems
    assert "register" in problems[0]
    assert "同名动作的各分支必须声明相同的输入" in problems[0]


def test_a_misspelt_length_is_refused_before_any_case_needs_it(tmp_path: Path) -> None:
    # `lenght = 20` used to pass the check and leave the reply clock without a length, so that
    # the first registration crashed; now the check, the loader and the workflow refuse it.
    states = broken_copy(tmp_path, "rules/2019.toml", "length = 20 ", "lenght = 20 ")
    path = states / "rules" / "2019.toml"
    problems = check_states(states)
    assert problems == [
        f'{path} [clocks.reply]: 未知的键 "lenght"（可选：label、unit、length、basis、nature、'
        "extension、extension_basis）"
    ]
    with pytest.raises(DefinitionError) as err:
        load_rule_book(states)
    assert '[clocks.reply]: 未知的键 "lenght"' in str(err.value)
    with pytest.raises(DefinitionError) as err:
        build_workflow(states, frozenset())
    assert str(path) in str(err.value)


# -- TOML syntax errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        (APP, '[flow]\nname = "application"', '[flow\nname = "application"'),
        ("rules/2019.toml", 'name = "2019"', 'name = 2019"'),
        ("local.toml", "length = 1", "length = = 1"),
    ],
)
def test_toml_syntax_error_names_the_file(tmp_path: Path, file: str, old: str, new: str) -> None:
    states = broken_copy(tmp_path, file, old, new)
    path = states / file
    with pytest.raises(DefinitionError) as err:
        read_toml(path)
    assert err.value.path == str(path)
    assert str(path) in str(err.value)
    assert "TOML" in str(err.value)
    with pytest.raises(DefinitionError) as err:
        load_flows(states, load_rule_books(states))
    assert str(path) in str(err.value)
    problems = check_states(states)
    assert len(problems) == 1
    assert str(path) in problems[0]


def test_problems_collect_instead_of_stopping(tmp_path: Path) -> None:
    states = broken_copy(tmp_path, APP, 'requires = ["other_unit"]', 'requires = ["nosuch"]')
    path = states / APP
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'fields = { method = "delivery_method" }', 'fields = { method = "carrier_pigeon" }'
        ),
        encoding="utf-8",
    )
    problems = Problems()
    load_flows(states, load_rule_books(states), problems)
    assert len(problems) == 2
    assert any("nosuch" in p for p in problems)
    assert any("carrier_pigeon" in p for p in problems)
