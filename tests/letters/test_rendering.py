"""The sandbox: edited templates cannot escape, cannot run away, and fail with the field's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casework.errors import DefinitionError
from casework.letters.rendering import MAX_OUTPUT, Renderer
from casework.resources import bundled_dir

ROOTS = {"case", "letter"}
FACTS = {"case": {"request": "<script>alert(1)</script> & “三公”", "id": 7}, "letter": {}}


def render(tmp_path: Path, source: str, facts: dict | None = None) -> str:
    (tmp_path / "t.html.j2").write_text(source, encoding="utf-8")
    return Renderer(tmp_path).render("t.html.j2", ROOTS, FACTS if facts is None else facts).html


def refused(tmp_path: Path, source: str, facts: dict | None = None) -> str:
    with pytest.raises(DefinitionError) as info:
        render(tmp_path, source, facts)
    assert info.value.path == str(tmp_path / "t.html.j2")
    return str(info.value)


@pytest.mark.parametrize(
    "source",
    [
        "{{ case.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ case.request.__class__.__base__.__subclasses__() }}",
        "{{ range.__globals__ }}",
        "{{ range.__init__.__globals__['os'] }}",
        "{{ '{0.__class__}'.format(case) }}",
        "{{ case._data }}",
        "{% set xs = [1] %}{{ xs.append(2) }}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ 'x' * 1000000 }}",
        "{% for i in range(100000) %}{% endfor %}",
    ],
)
def test_escape_and_runaway_attempts_are_refused(tmp_path: Path, source: str) -> None:
    assert "不安全" in refused(tmp_path, source)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("{{ lipsum() }}", "lipsum"),  # Jinja's default globals are gone
        ("{{ cycler }}", "cycler"),
        ("{% include name %}", "固定文字"),
        (
            "{% for a in range(2) %}{% for b in range(2) %}{% for c in range(2) %}"
            "{% endfor %}{% endfor %}{% endfor %}",
            "嵌套",
        ),
        ("{{ proceeding.body }}", "proceeding"),
    ],
)
def test_templates_are_validated_before_they_run(tmp_path: Path, source: str, why: str) -> None:
    assert why in refused(tmp_path, source)


def test_output_is_bounded(tmp_path: Path) -> None:
    source = (
        "{% for i in range(1000) %}{% for j in range(1000) %}0123456789{% endfor %}{% endfor %}"
    )
    assert str(MAX_OUTPUT) in refused(tmp_path, source)


def test_a_missing_field_names_the_field_the_template_and_the_line(tmp_path: Path) -> None:
    message = refused(tmp_path, "<p>{{ case.id }}</p>\n<p>{{ case.applicant_age }}</p>\n")
    assert "t.html.j2" in message
    assert "第 2 行" in message
    assert "case.applicant_age" in message


def test_printing_an_empty_value_is_an_error(tmp_path: Path) -> None:
    message = refused(tmp_path, "<p>{{ case.reasons }}</p>", {"case": {"reasons": None}})
    assert "空值" in message


def test_syntax_errors_and_missing_templates(tmp_path: Path) -> None:
    assert "语法错误" in refused(tmp_path, "{% if %}")
    with pytest.raises(DefinitionError) as info:
        Renderer(tmp_path).render("absent.html.j2", ROOTS, FACTS)
    assert "不存在" in str(info.value)


def test_applicant_text_is_escaped(tmp_path: Path) -> None:
    html = render(tmp_path, "<p>{{ case.request }}</p>")
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; “三公”</p>"


def test_a_record_key_named_like_a_dict_method_reads_the_key(tmp_path: Path) -> None:
    source = "{% for i in case.items %}{{ i }};{% endfor %}"
    html = render(tmp_path, source, {"case": {"items": ["a", "b"]}})
    assert html == "a;b;"


def test_wrapped_text_is_joined_but_blocks_stay_on_their_lines(tmp_path: Path) -> None:
    html = render(tmp_path, "<p>本机关\n    于{{ case.id }}日</p>\n<p>二</p>\n")
    assert html == "<p>本机关于7日</p>\n<p>二</p>"


def test_no_shipped_template_marks_anything_safe() -> None:
    for path in bundled_dir("templates").glob("*.j2"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe|Markup|autoescape\s+false", text), path.name


def test_an_edited_template_is_checked_again_by_the_same_renderer(tmp_path: Path) -> None:
    """Parsed templates are kept, keyed by their text: an edit is never missed."""
    renderer = Renderer(tmp_path)
    (tmp_path / "t.html.j2").write_text("{{ case.id }}", encoding="utf-8")
    assert renderer.render("t.html.j2", ROOTS, FACTS).html.strip() == "7"
    (tmp_path / "t.html.j2").write_text("{{ applicant.name }}", encoding="utf-8")
    with pytest.raises(DefinitionError, match="applicant"):
        renderer.render("t.html.j2", ROOTS, FACTS)
