"""Comments, docstrings and documents point to files that exist in the repository.

Every mention of a Markdown file (``something.md``) or of a path under ``docs/`` in the package,
the rule files, the templates, the benchmarks and the documents must name a file of this
repository (relative to its root, or to the mentioning file's folder). Links between documents
must also name a heading that exists (GitHub's anchors).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.documents import ROOT, anchors, documents, links, name

SCANNED = ["casework", "states", "templates", "bench", "docs", "README.md", "letters/README.md"]
SUFFIXES = {".py", ".toml", ".md", ".j2", ".txt", ".mako", ".ini", ".cfg"}

PATH_CHARS = "A-Za-z0-9_.-"
MARKDOWN = re.compile(rf"(?<![{PATH_CHARS}/])((?:[{PATH_CHARS}]+/)*[{PATH_CHARS}]+\.md)(?![\w])")
DOCS_PATH = re.compile(rf"(?<![{PATH_CHARS}/])(docs/(?:[{PATH_CHARS}]+/?)*)")


def scanned_files() -> list[Path]:
    files: list[Path] = []
    for entry in SCANNED:
        path = ROOT / entry
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix in SUFFIXES and "__pycache__" not in p.parts
            ]
    return files


def _exists(reference: str, mentioned_in: Path) -> bool:
    reference = reference.rstrip("/.")
    return any((base / reference).exists() for base in (ROOT, mentioned_in.parent))


def test_mentioned_files_exist() -> None:
    files = scanned_files()
    assert any(p.suffix == ".py" for p in files) and any(p.suffix == ".md" for p in files)
    missing = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern in (MARKDOWN, DOCS_PATH):
                for found in pattern.finditer(line):
                    if not _exists(found.group(1), path):
                        missing.append(f"{name(path)}:{number}: {found.group(1)}")
    assert not missing, "References to files that are not in the repository:\n" + "\n".join(missing)


def test_links_between_documents_reach_their_target_and_heading() -> None:
    broken = []
    for path in [*documents(), ROOT / "letters" / "README.md"]:
        for number, target in links(path):
            if re.match(r"^[a-z]+:", target):
                continue  # an address outside the repository
            file, _, anchor = target.partition("#")
            goal = (path.parent / file).resolve() if file else path
            if not goal.exists():
                broken.append(f"{name(path)}:{number}: {target} (no such file)")
            elif anchor and goal.suffix == ".md" and anchor not in anchors(goal):
                broken.append(f"{name(path)}:{number}: {target} (no such heading)")
    assert not broken, "Broken links:\n" + "\n".join(broken)
