"""Chinese renderings used by the letter templates: dates and amounts of money. Pure functions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from casework.errors import InvalidInput

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")  # within a group of four digits
GROUP_UNITS = ("", "万", "亿", "万亿")
MAX_AMOUNT = Decimal("9999999999999999.99")


def cn_date(value: date | str) -> str:
    """2026-03-02 → 2026年3月2日 (GB/T 9704: year in full, month and day without padding)."""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日"


def _group(n: int) -> str:
    """0 < n < 10000 as capital numerals, with 零 for inner gaps (1005 → 壹仟零伍)."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + SMALL_UNITS[pos]
    return out


def _integer(n: int) -> str:
    if n == 0:
        return ""
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        # A group below 1000 after a higher non-zero group reads with a leading 零.
        if out and g < 1000:
            out += "零"
        out += _group(g) + GROUP_UNITS[i]
    return out


def amount_in_words(value: Decimal | str) -> str:
    """Capital-numeral amount as written on Chinese receipts: 1005.50 → 壹仟零伍元伍角."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(f"金额格式错误：{value!r}", field="amount", rule="amount") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise InvalidInput(f"金额超出范围：{value}", field="amount", rule="amount")
    cents = int((amount * 100).quantize(Decimal("1")))
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = _integer(yuan)
    if yuan:
        words += "元"
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    return words


def cn_amount(value: Decimal | str) -> str:
    """100 → 100.00元（人民币壹佰元整）."""
    amount = Decimal(str(value))
    return f"{amount:.2f}元（人民币{amount_in_words(amount)}）"


def cn_numeral(n: int) -> str:
    """Small counting numbers for headings and lists: 1 → 一, 10 → 十, 23 → 二十三."""
    small = "零一二三四五六七八九"
    if not 0 < n < 100:
        raise InvalidInput(f"序号应在 1 至 99 之间：{n}", field="n", rule="numbering")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else small[tens] + "十")
    return head + (small[ones] if ones else "")


def sentence(text: str) -> str:
    """Text typed by a clerk, closed as a sentence: 属于过程性信息 → 属于过程性信息。"""
    text = str(text).strip().rstrip("，、；：,;:")
    return text if not text or text[-1] in "。！？…" else text + "。"


def clause(text: str) -> str:
    """Text typed by a clerk, set inside a sentence: its closing punctuation is dropped."""
    return str(text).strip().rstrip("。！？；，、：.,;:")
