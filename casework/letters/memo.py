"""The escalation memo (督办通知), rendered for the nightly escalation from its own context.

``render_escalation_memo(context)`` returns the memo's HTML (templates/escalation_memo.html.j2,
same sandbox and layout as every letter). The context, all keys required:

=============  ==========  ==================================================================
key            type        meaning
=============  ==========  ==================================================================
case_id        int         the case whose clock is late or close to its end
unit_name      str         the unit that must act (full name)
clock_label    str         the clock, as clerks know it (答复期限, 转办期限…)
due_on         date        its due date
days_overdue   int         working days past the due date (0 or less: not yet overdue)
level          str         the escalation level as printed (e.g. 提醒, 催办, 督办, 通报)
recipients     list[str]   to whom the memo goes (names of people, units or offices)
issued_on      date        the memo's date (time is a parameter: pass the sweep's date)
issuer         str         who issues it (e.g. 武汉市硚口区人民政府办公室)
number         str         its document number, or "" for none
=============  ==========  ==================================================================

Optional: ``provisional_basis`` (str or None, default None): why ``due_on`` is provisional
(``calendar.provisional_basis(started_on, due_on)``); when given, the memo prints the date as
"（暂定）" and says why.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from casework.errors import InvalidInput
from casework.letters.kinds import KINDS
from casework.letters.rendering import Renderer, template_name

FIELDS: dict[str, type | tuple[type, ...]] = {
    "case_id": int,
    "unit_name": str,
    "clock_label": str,
    "due_on": date,
    "days_overdue": int,
    "level": str,
    "recipients": (list, tuple),
    "issued_on": date,
    "issuer": str,
    "number": str,
}


@functools.cache
def _renderer(templates_dir: Path) -> Renderer:
    return Renderer(templates_dir)


def render_escalation_memo(context: Mapping[str, Any], templates_dir: Path) -> str:
    """HTML of a 督办通知 (see the module docstring for the context)."""
    for key, kind in FIELDS.items():
        if not isinstance(context.get(key), kind):
            raise InvalidInput(
                f"督办通知缺少或填错了 {key}（应为 {getattr(kind, '__name__', kind)}）",
                field=key,
                rule="escalation memo context",
            )
    memo = KINDS["escalation_memo"]
    basis = context.get("provisional_basis")
    if basis is not None and not isinstance(basis, str):
        raise InvalidInput(
            "督办通知的 provisional_basis 应为文字或 None",
            field="provisional_basis",
            rule="escalation memo context",
        )
    facts: dict[str, Any] = {
        k: context[k] for k in FIELDS if k not in ("issued_on", "issuer", "number")
    }
    facts["provisional_basis"] = basis
    facts["letter"] = {
        "kind": memo.code,
        "title": memo.title,
        "number": context["number"],
        "issued_on": context["issued_on"],
        "draft": False,
    }
    facts["issuer"] = {"name": context["issuer"]}
    return _renderer(Path(templates_dir)).render(template_name(memo.code), memo.roots, facts).html
