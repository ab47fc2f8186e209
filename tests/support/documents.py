"""Reading the project's Markdown: which documents there are, their fenced blocks, inline code,
links and headings. Shared by the documentation tests (a support module, not a test module)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def documents() -> list[Path]:
    """README.md and every Markdown file under docs/, the manual whose examples must run."""
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@dataclass(frozen=True)
class Block:
    """A fenced code block: its language (the word after the fence) and its text."""

    path: Path
    line: int  # line of the opening fence, from 1
    language: str
    text: str

    @property
    def where(self) -> str:
        return f"{name(self.path)}:{self.line}"


FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)")


def blocks(path: Path) -> list[Block]:
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence, language = opening.groups()
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
            j += 1
        found.append(Block(path, i + 1, language.lower(), "\n".join(body) + "\n"))
        i = j + 1
    return found


def prose(path: Path) -> list[tuple[int, str]]:
    """The lines outside fenced blocks, with their line numbers."""
    inside: set[int] = set()
    for block in blocks(path):
        inside.update(range(block.line, block.line + block.text.count("\n") + 2))
    text = path.read_text(encoding="utf-8").splitlines()
    return [(n, line) for n, line in enumerate(text, 1) if n not in inside]


INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")


def inline_code(path: Path) -> list[tuple[int, str]]:
    """Every inline code span outside fenced blocks."""
    return [(n, m.group(1)) for n, line in prose(path) for m in INLINE.finditer(line)]


LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")


def links(path: Path) -> list[tuple[int, str]]:
    """The targets of Markdown links outside fenced blocks (external ones included)."""
    return [(n, m.group(1)) for n, line in prose(path) for m in LINK.finditer(line)]


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file."""
    seen: dict[str, int] = {}
    out: set[str] = set()
    for _, line in prose(path):
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        out.add(slug if count == 0 else f"{slug}-{count}")
    return out
