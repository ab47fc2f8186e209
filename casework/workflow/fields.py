"""Input types of moves: each turns a raw value into the normalized value stored in the event.

Normalized values are JSON-safe (dates as ISO strings) so that replaying an event gives exactly
the same result as the live move did.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from casework.domain.fees import ART3, BASES, MAX_PAGES
from casework.domain.outcomes import OUTCOMES, REPLY_OUTCOMES
from casework.domain.vocabulary import (
    APPLICANT_KINDS,
    CLOCK_UNITS,
    DECISION_KINDS,
    DELIVERY_METHODS,
    LAWSUIT_RESULTS,
    LAWSUIT_ROUTES,
    PARTY_KINDS,
    REVIEW_GROUNDS,
    REVIEW_PROCEDURES,
    REVIEW_RESULTS,
)
from casework.errors import InvalidInput

MAX_TEXT = 4000
MAX_DAYS = 366


@dataclass(frozen=True)
class Vocab:
    """What a parser may check names against (units and channels come from data)."""

    units: Collection[str]
    channels: Collection[str]


def _bad(name: str, message: str, rule: str) -> InvalidInput:
    return InvalidInput(f"{name}：{message}", field=name, rule=rule)


def _text(name: str, raw: Any, vocab: Vocab) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _bad(name, "不能为空", "required text")
    if len(raw) > MAX_TEXT:
        raise _bad(name, f"超过 {MAX_TEXT} 字", "text length")
    return raw.strip()


def _text_list(name: str, raw: Any, vocab: Vocab) -> list[str]:
    if isinstance(raw, str):
        raw = [p for p in raw.replace("；", ";").replace("\n", ";").split(";")]
    if not isinstance(raw, list | tuple):
        raise _bad(name, "应为一项或多项文字", "list of text")
    items = [_text(name, item, vocab) for item in raw if isinstance(item, str) and item.strip()]
    if not items:
        raise _bad(name, "至少列出一项", "list of text")
    return items


def _int(name: str, raw: Any, vocab: Vocab) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise _bad(name, f"应为正整数，收到 {raw!r}", "positive integer") from None
    if not 1 <= value <= MAX_DAYS:
        raise _bad(name, f"应在 1 至 {MAX_DAYS} 之间，收到 {value}", "positive integer")
    return value


def _count(name: str, raw: Any, vocab: Vocab) -> int:
    """A number of things (pages): a positive integer without the day-count limit."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise _bad(name, f"应为正整数，收到 {raw!r}", "positive integer") from None
    if not 1 <= value <= MAX_PAGES:
        raise _bad(name, f"应在 1 至 {MAX_PAGES} 之间，收到 {value}", "positive integer")
    return value


def _fee_basis(name: str, raw: Any, vocab: Vocab) -> str:
    """One basis of 国办函〔2020〕109号 (code or its Chinese label); two at once break Art. 3."""
    by_label = {label: code for code, (label, _) in BASES.items()}
    if isinstance(raw, list | tuple) or (isinstance(raw, str) and re.search(r"[,，、;；+]", raw)):
        raise _bad(name, "每件申请只能选择一种计收方式", ART3)
    value = by_label.get(str(raw).strip(), str(raw).strip())
    if value not in BASES:
        options = "、".join(f"{code}（{label}）" for code, (label, _) in BASES.items())
        raise _bad(name, f"计收方式 {raw!r} 不是《办法》规定的标准，可选：{options}", ART3)
    return value


def _money(name: str, raw: Any, vocab: Vocab) -> str:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _bad(name, f"应为金额（元），收到 {raw!r}", "amount in yuan") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise _bad(name, f"应为大于零、最多两位小数的金额，收到 {raw}", "amount in yuan")
    return f"{value:.2f}"


def _choice(options: Collection[str], what: str) -> Callable[[str, Any, Vocab], str]:
    def parse(name: str, raw: Any, vocab: Vocab) -> str:
        if raw not in options:
            raise _bad(name, f"未知的{what} {raw!r}，可选：{'、'.join(options)}", f"one of {what}")
        return str(raw)

    return parse


def _date(name: str, raw: Any, vocab: Vocab) -> str:
    return parse_date(name, raw).isoformat()


def _unit(name: str, raw: Any, vocab: Vocab) -> str:
    if raw not in vocab.units:
        raise _bad(
            name,
            f"未知的单位代码 {raw!r}（见 casework units 或 states/organisation.toml）",
            "known unit",
        )
    return str(raw)


def _channel(name: str, raw: Any, vocab: Vocab) -> str:
    return _choice(sorted(vocab.channels), "申请渠道")(name, raw, vocab)


PARSERS: dict[str, Callable[[str, Any, Vocab], Any]] = {
    "text": _text,
    "text_list": _text_list,
    "int": _int,
    "money": _money,
    "count": _count,
    "fee_basis": _fee_basis,
    "unit": _unit,
    "channel": _channel,
    "applicant_kind": _choice(APPLICANT_KINDS, "申请人类型"),
    "party_kind": _choice(PARTY_KINDS, "征求意见对象"),
    "reply_outcome": _choice(REPLY_OUTCOMES, "答复结果"),
    "outcome": _choice(OUTCOMES, "办理结果"),
    "clock_unit": _choice(CLOCK_UNITS, "期限单位"),
    "delivery_method": _choice(DELIVERY_METHODS, "送达方式"),
    "date": _date,
    "review_ground": _choice(REVIEW_GROUNDS, "复议事由"),
    "review_procedure": _choice(REVIEW_PROCEDURES, "复议程序"),
    "review_result": _choice(REVIEW_RESULTS, "复议决定结果"),
    "lawsuit_route": _choice(LAWSUIT_ROUTES, "起诉方式"),
    "lawsuit_result": _choice(LAWSUIT_RESULTS, "裁判结果"),
    "decision_kind": _choice(DECISION_KINDS, "裁判文书种类"),
}


def parse_date(name: str, raw: Any) -> date:
    """A date given by a user: a ``date`` or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(raw, datetime):  # a subclass of date, but a moment, not a day
        raise _bad(name, f"应为日期（date 或 YYYY-MM-DD），收到时间 {raw!r}", "date YYYY-MM-DD")
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise _bad(
            name, f"日期格式错误，应为 YYYY-MM-DD，收到 {raw!r}", "date YYYY-MM-DD"
        ) from None
