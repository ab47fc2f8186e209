"""Golden files: the HTML of each letter kind as committed under tests/data/golden/.

After a deliberate change of wording, rewrite the files with
``CASEWORK_UPDATE_GOLDEN=1 python -m pytest tests/letters/test_golden.py`` (and
tests/letters/test_provisional_letters.py, tests/engine/test_fee_notice.py for theirs) and
review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
UPDATE = os.environ.get("CASEWORK_UPDATE_GOLDEN") == "1"


def compare(kind: str, html: str, folder: Path = GOLDEN) -> None:
    path = folder / f"{kind}.html"
    if UPDATE:
        path.write_text(html, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with CASEWORK_UPDATE_GOLDEN=1"
    assert html == path.read_text(encoding="utf-8"), f"{kind} differs from {path}"
