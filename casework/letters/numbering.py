"""Document numbers (文号): per unit, year and series, taken inside the caller's transaction.

The sequence row is taken with one upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING) on the
move's own connection: PostgreSQL holds the row lock until the move commits or rolls back, and
SQLite's write lock is held from BEGIN IMMEDIATE. A move that fails after taking a number rolls
the number back with everything else, so numbers are neither reused nor skipped.

Formats are checked to be collision-free before any number is printed: two different
(unit, series, year, n) can never produce the same text.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from casework.errors import DefinitionError
from casework.store.tables import LETTER_SEQUENCES

if TYPE_CHECKING:
    from casework.letters.config import LetterSettings

FIELDS = frozenset({"code", "series", "year", "n"})
PADDING = re.compile(r"0[1-9]d")  # {n:03d}: zero padding, as some offices write
SAMPLE_YEARS = (2026, 2027)


def _parts(fmt: str) -> list[tuple[str, str | None, str]]:
    try:
        return [(lit, name, spec or "") for lit, name, spec, _ in string.Formatter().parse(fmt)]
    except ValueError as err:
        raise DefinitionError(f"文号格式 {fmt!r} 无法解析：{err}", field="format") from None


def check_format(fmt: str) -> list[str]:
    """Problems of one format on its own (the cross-unit check is ``check_collisions``)."""
    problems = []
    parts = _parts(fmt)
    names = [name for _, name, _ in parts if name is not None]
    for placeholder in names:
        if placeholder not in FIELDS:
            problems.append(
                f"文号格式 {fmt!r} 含未知占位符 {{{placeholder}}}（可用：code、series、year、n）"
            )
    for needed in ("year", "n"):
        if names.count(needed) != 1:
            problems.append(f"文号格式 {fmt!r} 必须恰好含一个 {{{needed}}}")
    for i, (lit, name, spec) in enumerate(parts):
        if name is None:
            continue
        if spec and not (name == "n" and PADDING.fullmatch(spec)):
            problems.append(
                f"文号格式 {fmt!r} 中 {{{name}:{spec}}} 不允许（只有 {{n:03d}} 这类补零）"
            )
        if name != "n":
            continue
        # The sequence number must stand between non-digit text, else 1 + "2号" reads as 12号.
        before = lit[-1:] if lit else ("" if i == 0 else "{}")
        after_lit = parts[i + 1][0] if i + 1 < len(parts) else ""
        after = after_lit[:1] if after_lit else ("" if i + 1 >= len(parts) else "{}")
        if before == "{}" or before.isdigit() or after == "{}" or after.isdigit():
            problems.append(
                f"文号格式 {fmt!r} 中 {{n}} 的前后必须是固定的非数字文字（如 〕 和 号）"
            )
    return problems


def format_number(fmt: str, code: str, series: str, year: int, n: int) -> str:
    return fmt.format(code=code, series=series, year=year, n=n)


def _split(fmt: str, code: str, series: str, year: int) -> tuple[str, str]:
    """(text before n, text after n) of one series' numbers in one year."""
    values = {"code": code, "series": series, "year": year}
    before, after, seen_n = "", "", False
    for lit, name, spec in _parts(fmt):
        text = lit + ("" if name in (None, "n") else format(values[name], spec))
        if seen_n:
            after += text
        else:
            before += text
        seen_n = seen_n or name == "n"
    return before, after


@dataclass(frozen=True)
class _Series:
    """The numbers of one (unit, series, year): prefix + digits + suffix."""

    owner: tuple[str, str, int]
    before: str
    after: str
    width: int  # zero padding ({n:03d} → 3)

    def prints(self, digits: str) -> bool:
        """Whether this series can print these digits as its n (n ≥ 1)."""
        if int(digits) == 0 or len(digits) < self.width:
            return False
        return len(digits) == self.width or not digits.startswith("0")


def _series(settings: LetterSettings) -> list[_Series]:
    out = []
    for issuer in settings.issuers.values():
        spec = next((s for _, name, s in _parts(issuer.number_format) if name == "n"), "")
        width = int(spec[1:-1]) if spec else 1
        for series, code in settings.series.items():
            for year in SAMPLE_YEARS:
                before, after = _split(issuer.number_format, issuer.code, code, year)
                out.append(_Series((issuer.unit, series, year), before, after, width))
    return out


def _collision(a: _Series, b: _Series) -> str | None:
    """A text both series can print, when a's prefix is a proper prefix of b's.

    With n between non-digit text, a text a·Da·a' = b·Db·b' forces b = a·Da·U with U starting
    with a non-digit, then a' = U·Db·b'.
    """
    rest = re.fullmatch(r"(\d+)(\D.*)", b.before[len(a.before) :], re.S)
    if rest is None or not a.prints(rest.group(1)):
        return None
    between = rest.group(2)
    if not a.after.startswith(between):
        return None
    number = re.fullmatch(r"(\d+)(.*)", a.after[len(between) :], re.S)
    if number is None or number.group(2) != b.after or not b.prints(number.group(1)):
        return None
    return b.before + number.group(1) + b.after


def check_collisions(settings: LetterSettings) -> list[str]:
    """Every pair of (unit, series, year) that could print the same number (exact check)."""
    every = _series(settings)
    by_before: dict[str, list[_Series]] = {}
    for s in every:
        by_before.setdefault(s.before, []).append(s)
    problems: list[str] = []
    seen: dict[tuple[str, str], tuple[str, str, int]] = {}
    for s in every:
        other = seen.setdefault((s.before, s.after), s.owner)
        if other != s.owner:
            problems.append(
                f"文号会重复：{s.owner[0]} 的 {s.owner[1]} 与 {other[0]} 的 {other[1]} "
                f"都编为 {s.before}N{s.after}（请修改 states/letters.toml 的代字或格式）"
            )
    for b in every:
        for i in range(len(b.before)):
            for a in by_before.get(b.before[:i], ()):
                text = _collision(a, b)
                if text is not None:
                    problems.append(
                        f"文号 {text} 既可能是 {a.owner[0]} 的 {a.owner[1]}，也可能是 "
                        f"{b.owner[0]} 的 {b.owner[1]}（请修改 states/letters.toml 的代字或格式）"
                    )
    return list(dict.fromkeys(problems))


def validate(settings: LetterSettings) -> None:
    """Refuse formats that could collide (DefinitionError naming every problem)."""
    problems = [
        p for fmt in {i.number_format for i in settings.issuers.values()} for p in check_format(fmt)
    ]
    problems = problems or check_collisions(settings)
    if problems:
        raise DefinitionError(
            "；".join(problems[:5])
            + (f"；另有 {len(problems) - 5} 处" if len(problems) > 5 else ""),
            path=str(settings.path),
            field="format",
            rule="document numbers never collide",
        )


def allocate(conn: Connection, unit: str, year: int, series: str) -> int:
    """The next number of a series, taken inside the caller's transaction."""
    # Only the dialect in use is imported: PostgreSQL's costs ~20 ms at start-up on SQLite.
    insert: Any
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = (
        insert(LETTER_SEQUENCES)
        .values(unit=unit, year=year, series=series, last=1)
        .on_conflict_do_update(
            index_elements=[
                LETTER_SEQUENCES.c.unit,
                LETTER_SEQUENCES.c.year,
                LETTER_SEQUENCES.c.series,
            ],
            set_={"last": LETTER_SEQUENCES.c.last + 1},
        )
        .returning(LETTER_SEQUENCES.c.last)
    )
    return int(conn.execute(stmt).scalar_one())
