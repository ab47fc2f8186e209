"""The HTML of every letter kind, as issued by real moves, against tests/data/golden/.

After a deliberate change of wording, rewrite the files with
``CASEWORK_UPDATE_GOLDEN=1 python -m pytest tests/letters/test_golden.py`` and review the diff.
"""

from __future__ import annotations

from typing import Any

import pytest

from casework.letters.kinds import KINDS
from casework.letters.memo import render_escalation_memo
from casework.letters.samples import memo_sample
from casework.resources import bundled_dir
from tests.support.golden import GOLDEN, compare


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"escalation_memo"}))
def test_issued_letters_match_their_golden_file(issued: dict[str, Any], kind: str) -> None:
    compare(kind, issued[kind].html)


def test_the_escalation_memo_matches_its_golden_file() -> None:
    compare("escalation_memo", render_escalation_memo(memo_sample(), bundled_dir("templates")))


def test_every_golden_file_belongs_to_a_kind() -> None:
    assert {p.stem for p in GOLDEN.glob("*.html")} == set(KINDS)
