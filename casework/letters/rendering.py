"""Rendering letter templates in a sandbox: HTML with autoescape, strict names, bounded work.

- ``ImmutableSandboxedEnvironment``: no ``__class__`` walks, no mutation of the context;
  ``StrictUndefined``: a missing field is an error naming the field, the template and the line.
- Applicant-supplied text is plain ``str`` in the context, so autoescape always escapes it;
  nothing in the context is ever ``Markup``.
- The sandbox bounds no CPU time or memory (docs/architecture.md), so templates are validated when
  loaded (syntax, only the names the letter kind provides, constant includes, loops nested at most
  two deep), ``range`` is capped, ``**`` is refused, ``*`` cannot build large values, and the
  output is cut off at ``MAX_OUTPUT`` characters.
"""

from __future__ import annotations

import hashlib
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    meta,
    nodes,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from casework.errors import DefinitionError, InvalidInput
from casework.letters.chinese import clause, cn_amount, cn_date, cn_numeral, sentence

SUFFIX = ".html.j2"
MAX_OUTPUT = 256_000  # characters of HTML; a letter is a few thousand
MAX_RANGE = 1000
MAX_PRODUCT = 10_000  # longest string or list that ``*`` may build
MAX_LOOP_DEPTH = 2


def template_name(kind: str) -> str:
    return f"{kind}{SUFFIX}"


class Record:
    """Read-only facts for a template: ``case.request`` reads a key (never a method: a key may
    be called ``items``). Lists are tuples, so nothing can be appended."""

    __slots__ = ("_data", "_path")

    def __init__(self, path: str, data: Mapping[str, Any]) -> None:
        self._path = path
        self._data = {k: freeze(f"{path}.{k}", v) for k, v in data.items()}

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __bool__(self) -> bool:
        return bool(self._data)

    def __repr__(self) -> str:
        return f"Record({self._path})"


def freeze(path: str, value: Any) -> Any:
    if isinstance(value, Record):
        return value
    if isinstance(value, Mapping):
        return Record(path, value)
    if isinstance(value, list | tuple):
        return tuple(freeze(f"{path}[{i}]", v) for i, v in enumerate(value))
    return value


class LetterUndefined(StrictUndefined):
    """Names the missing field as the template wrote it (``case.foo``), in the error."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        owner = self._undefined_obj
        if isinstance(owner, Record):
            return f"字段 {owner._path}.{self._undefined_name} 不存在"
        return f"字段 {self._undefined_name} 不存在"


def _bounded_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range 最多 {MAX_RANGE} 项")
    return rng


def _no_none(value: Any) -> Any:
    if value is None:
        raise UndefinedError("输出了空值（该字段未填写，请用 {% if %} 判断）")
    return value


class LetterEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            raise SecurityError("模板中不允许乘方运算")
        result_size = 0
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | tuple | list) and isinstance(times, int):
                result_size = len(seq) * times
        if result_size > MAX_PRODUCT:
            raise SecurityError(f"乘法生成的内容超过 {MAX_PRODUCT} 项")
        return operator.mul(left, right)


def make_environment(templates_dir: Path) -> LetterEnvironment:
    env = LetterEnvironment(
        loader=FileSystemLoader(str(templates_dir)),
        undefined=LetterUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_no_none,
    )
    # Only what letters need: no lipsum, cycler, joiner or namespace.
    env.globals = {"range": _bounded_range}
    env.filters["cn_date"] = cn_date
    env.filters["cn_amount"] = cn_amount
    env.filters["cn_numeral"] = cn_numeral
    env.filters["sentence"] = sentence
    env.filters["clause"] = clause
    return env


@dataclass(frozen=True)
class Rendered:
    html: str
    template: str
    template_hash: str


_LINE_BREAK = re.compile(r"\s*\n\s*")


def join_lines(html: str) -> str:
    """Drop line breaks inside text: a template may wrap a long paragraph, and in Chinese a
    break must not become a space (WeasyPrint prints one). Breaks between tags stay."""

    def keep(m: re.Match[str]) -> str:
        before = html[m.start() - 1] if m.start() else ">"
        after = html[m.end()] if m.end() < len(html) else "<"
        return "\n" if before == ">" and after == "<" else ""

    return _LINE_BREAK.sub(keep, html)


def _line_in_template(tb: TracebackType | None) -> tuple[str, int] | None:
    """The template file and line where rendering failed (Jinja rewrites tracebacks so)."""
    found = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            found = (Path(name).name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _own_names(ast: nodes.Template) -> set[str]:
    """Names a template defines for its blocks: imports and macros."""
    names = {n.target for n in ast.find_all(nodes.Import)}
    for n in ast.find_all(nodes.FromImport):
        names.update(alias if isinstance(alias, str) else alias[1] for alias in n.names)
    names.update(n.name for n in ast.find_all(nodes.Macro))
    return names


def _loop_depth(node: nodes.Node, depth: int = 0) -> int:
    here = depth + isinstance(node, nodes.For)
    return max([here, *(_loop_depth(child, here) for child in node.iter_child_nodes())])


class Renderer:
    """One sandboxed environment over a templates directory; templates are validated once per
    version of their source."""

    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = Path(templates_dir)
        self.env = make_environment(self.templates_dir)
        self._checked: dict[tuple[str, str, frozenset[str]], None] = {}
        # Parsing is most of a letter's rendering time: a source is parsed once, and again only
        # when its text changes (sources are re-read for every letter).
        self._parsed: dict[tuple[str, str], tuple[nodes.Template, list[str | None]]] = {}

    def _error(self, name: str, message: str, line: int | None = None) -> DefinitionError:
        where = f"第 {line} 行" if line else ""
        return DefinitionError(
            f"文书模板 {name} {where}{message}",
            path=str(self.templates_dir / name),
            field=name,
            rule="letter templates",
        )

    def source(self, name: str) -> str:
        try:
            src, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]  # __init__ always gives the env a loader
        except TemplateNotFound:
            raise self._error(name, f"不存在（模板目录 {self.templates_dir}）") from None
        return src

    def _tree(self, name: str) -> list[tuple[str, str, nodes.Template]]:
        """The template and every template it extends, includes or imports, with sources."""
        out, todo, seen = [], [name], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            src = self.source(current)
            if (current, src) not in self._parsed:
                try:
                    parsed = self.env.parse(src, current)
                except TemplateSyntaxError as err:
                    raise self._error(current, f"语法错误：{err.message}", err.lineno) from None
                refs = list(meta.find_referenced_templates(parsed))
                self._parsed[(current, src)] = (parsed, refs)
            ast, refs = self._parsed[(current, src)]
            out.append((current, src, ast))
            for ref in refs:
                if ref is None:
                    raise self._error(current, "引用的模板名必须是固定文字（不能由变量决定）")
                todo.append(ref)
        return sorted(out, key=lambda t: t[0])

    def validate(self, name: str, roots: Iterable[str]) -> str:
        """Check a template and what it references; returns the hash of their sources."""
        allowed = frozenset(roots)
        tree = self._tree(name)
        digest = hashlib.sha256()
        for current, src, _ in tree:
            digest.update(current.encode() + b"\x00" + src.encode() + b"\x00")
        template_hash = digest.hexdigest()
        if (name, template_hash, allowed) in self._checked:
            return template_hash
        for current, _, ast in tree:
            unknown = sorted(
                meta.find_undeclared_variables(ast)
                - allowed
                - _own_names(ast)
                - set(self.env.globals)
            )
            if unknown:
                raise self._error(
                    current,
                    f"引用了不存在的字段 {'、'.join(unknown)}"
                    f"（{name} 可用：{'、'.join(sorted(allowed))}）",
                )
            if _loop_depth(ast) > MAX_LOOP_DEPTH:
                raise self._error(current, f"循环嵌套超过 {MAX_LOOP_DEPTH} 层")
        self._checked[(name, template_hash, allowed)] = None
        return template_hash

    def render(self, name: str, roots: Iterable[str], context: Mapping[str, Any]) -> Rendered:
        """Render a validated template; any failure is one DefinitionError naming the place."""
        template_hash = self.validate(name, roots)
        facts = {k: freeze(k, v) for k, v in context.items()}
        try:
            template = self.env.get_template(name)
            chunks, size = [], 0
            for chunk in template.generate(facts):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise self._error(name, f"输出超过 {MAX_OUTPUT} 字符，已停止")
                chunks.append(chunk)
        except SecurityError as err:
            place = _line_in_template(err.__traceback__) or (name, None)
            raise self._error(place[0], f"执行了不安全的操作，已拒绝：{err}", place[1]) from None
        except (UndefinedError, TemplateError, InvalidInput, TypeError, ValueError) as err:
            place = _line_in_template(err.__traceback__) or (name, None)
            raise self._error(place[0], f"渲染失败：{err}", place[1]) from None
        return Rendered(join_lines("".join(chunks)), name, template_hash)
