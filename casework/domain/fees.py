"""The information-processing fee (信息处理费) the 办法 allows: pure arithmetic, no I/O.

《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）. Status of each rule in
docs/legal-basis.md A5 (◑ = read in third-party reprints of the full text; ❌ = not found in any
text read):

* Art. 3 ◑: a fee is charged per application (按件) **or** per page (按量), excess-progressive
  (超额累进) either way; one basis per application, never both for the same application.
* Art. 4 ◑: per application, counted over the same applicant's applications in one natural
  month: up to 10 free (一); the part from 11 to 30, 100元 each (二); from 31, bands of 10
  applications, each band 100元 per application more than the one before (三): 31–40 → 200,
  41–50 → 300, … "The part" (的部分) makes it excess-progressive: each application pays the
  rate of its own band. One application with several items may be split "一事一申请"; casework
  counts registered applications, so a split is registered as separate applications.
* Art. 5 ◑: per page (paper, e-mail, copied data): up to 30 pages free; the part from 31 to
  100, 10元/页; 101–200, 20元/页; from 201, 40元/页.
* The payment period (20 working days from the day after the notice is received; unpaid =
  abandoned) is in states/rules/2019.toml; its article inside the 办法 is ❌ (only a provincial
  restatement was read).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from casework.errors import InvalidInput, RuleViolation

RULES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
PER_APPLICATION = "per_application"
PER_PAGE = "per_page"
# basis code -> (label, article)
BASES: dict[str, tuple[str, str]] = {
    PER_APPLICATION: ("按件计收", "第四条"),
    PER_PAGE: ("按量计收", "第五条"),
}
ART3 = (
    "国办函〔2020〕109号第三条：每件申请按件计收或按量计收，只能选择其中一种，"
    "不得同时按两种标准计算"
)
AMOUNT_RULE = "国办函〔2020〕109号第三条至第五条：收费金额按所选标准超额累进计算"
MAX_PAGES = 1_000_000


@dataclass(frozen=True)
class Band:
    """Units ``low``..``high`` (None: no upper end) pay ``rate`` yuan each."""

    low: int
    high: int | None
    rate: int


# Art. 5 (◑): pages.
PAGE_BANDS: tuple[Band, ...] = (
    Band(1, 30, 0),
    Band(31, 100, 10),
    Band(101, 200, 20),
    Band(201, None, 40),
)
# Art. 4 (◑): the n-th application of the applicant in the month.
FREE_APPLICATIONS = 10  # Art. 4(一)
FIRST_PAID_HIGH = 30  # Art. 4(二): the 11th to the 30th application
FIRST_PAID_BAND = Band(FREE_APPLICATIONS + 1, FIRST_PAID_HIGH, 100)  # Art. 4(二)
BAND_WIDTH = 10  # Art. 4(三): 以10件为一档
BAND_STEP = 100  # Art. 4(三): 每增加一档，收费标准提高100元/件


def application_band(n: int) -> Band:
    """The Art. 4 band of the ``n``-th application of an applicant in a natural month."""
    if n <= FREE_APPLICATIONS:
        return Band(1, FREE_APPLICATIONS, 0)
    if n <= FIRST_PAID_HIGH:
        return FIRST_PAID_BAND
    step = (n - FIRST_PAID_HIGH - 1) // BAND_WIDTH + 1
    low = FIRST_PAID_HIGH + (step - 1) * BAND_WIDTH + 1
    return Band(low, low + BAND_WIDTH - 1, FIRST_PAID_BAND.rate + step * BAND_STEP)


@dataclass(frozen=True)
class Part:
    """Units ``low``..``high`` of the quantity, charged ``rate`` each."""

    low: int
    high: int
    rate: int

    @property
    def count(self) -> int:
        return self.high - self.low + 1

    @property
    def subtotal(self) -> int:
        return self.count * self.rate


def _pages(p: Part) -> str:
    return f"第{p.low}页" if p.low == p.high else f"第{p.low}—{p.high}页"


@dataclass(frozen=True)
class Fee:
    """A computed fee: the basis, the quantity (the application's rank in the month, or the
    pages), the parts of the quantity in each band, and the amount in yuan."""

    basis: str
    quantity: int
    parts: tuple[Part, ...]

    @property
    def amount(self) -> Decimal:
        return Decimal(sum(p.subtotal for p in self.parts)).quantize(Decimal("0.01"))

    @property
    def label(self) -> str:
        return BASES[self.basis][0]

    @property
    def article(self) -> str:
        return BASES[self.basis][1]

    def explanation(self) -> str:
        """The computation in words, as the fee notice prints it."""
        law = f"《办法》{self.article}"
        if self.basis == PER_APPLICATION:
            band = application_band(self.quantity)
            if band.rate == 0:
                where = f"属{FREE_APPLICATIONS}件以下（含{FREE_APPLICATIONS}件）部分，不收费"
            else:
                where = f"属{band.low}—{band.high}件部分，{band.rate}元/件"
            return (
                f"{self.label}（{law}），本申请为您本自然月内向本机关提出的第{self.quantity}件"
                f"政府信息公开申请，{where}，计{self.amount:.2f}元。"
            )
        pieces = [
            f"{_pages(p)}{p.count}页×{p.rate}元/页={p.subtotal}元"
            if p.rate
            else f"{_pages(p)}不收费"
            for p in self.parts
        ]
        return (
            f"{self.label}（{law}，超额累进），共{self.quantity}页，其中"
            f"{'；'.join(pieces)}；合计{self.amount:.2f}元。"
        )

    def as_record(self) -> dict[str, Any]:
        """JSON-safe, for the event payload (so the letter can be re-derived without queries)."""
        return {
            "basis": self.basis,
            "quantity": self.quantity,
            "parts": [asdict(p) for p in self.parts],
            "amount": f"{self.amount:.2f}",
            "explanation": self.explanation(),
        }


def per_application(n: int) -> Fee:
    """The fee of the ``n``-th application (1-based) of an applicant in a natural month."""
    if n < 1:
        raise ValueError("the rank of an application starts at 1")
    band = application_band(n)
    return Fee(PER_APPLICATION, n, (Part(n, n, band.rate),))


def per_page(pages: int) -> Fee:
    """The fee for ``pages`` pages, each part of the count at its band's rate."""
    if pages < 1:
        raise ValueError("at least one page")
    parts = tuple(
        Part(b.low, min(pages, b.high if b.high is not None else pages), b.rate)
        for b in PAGE_BANDS
        if b.low <= pages
    )
    return Fee(PER_PAGE, pages, parts)


def compute(basis: str | None, *, rank: int | None = None, pages: int | None = None) -> Fee:
    """The fee of one application on one basis; refuses a missing or second basis (Art. 3)."""
    if basis not in BASES:
        raise InvalidInput(
            f"basis：计收方式 {basis!r} 不是《办法》规定的标准，可选："
            + "、".join(f"{code}（{label}）" for code, (label, _) in BASES.items()),
            field="basis",
            rule=ART3,
        )
    if basis == PER_PAGE:
        if pages is None:
            raise InvalidInput(
                "按量计收须填写页数（pages）", field="pages", rule="国办函〔2020〕109号第五条"
            )
        return per_page(pages)
    if pages is not None:
        raise RuleViolation("按件计收的申请不能再按页数计费：" + ART3, field="pages", rule=ART3)
    if rank is None:
        raise ValueError("per application needs the application's rank in the month")
    return per_application(rank)


def settle(fee: Fee, amount: str | None, deviation_reason: str | None) -> str:
    """The amount the notice states: the computed one, or a different one only with a reason.

    Returns the amount as "0.00"; refuses a notice of a fee the 办法 does not allow (a free
    application or page count) unless a different amount and its reason are given."""
    computed = fee.amount
    if amount is None:
        if computed == 0:
            raise RuleViolation(
                f"{fee.explanation()}不应发出收费通知（如确需收费，填写 amount 并说明理由"
                " deviation_reason）",
                field="amount",
                rule=f"国办函〔2020〕109号{fee.article}",
            )
        return f"{computed:.2f}"
    if Decimal(amount) != computed and not deviation_reason:
        raise RuleViolation(
            f"收费金额 {amount} 元与按《办法》计算的 {computed:.2f} 元不符（{fee.explanation()}）"
            "；确需不同金额的，须在 deviation_reason 中说明理由",
            field="amount",
            rule=AMOUNT_RULE,
        )
    return f"{Decimal(amount):.2f}"
