"""Section 六 (其他需要报告的事项) of the annual report: the information-processing fees.

Published reports in the 30号 format report the fees charged under 国办函〔2020〕109号 in
section 六; the figures asked for are the number of fee notices issued, their total amount and
the total actually collected. (The exact wording of the 30号 notice on this point was not found
in the sources read: docs/legal-basis.md B, unverified.)

Counting, for a calendar year Y and the cases of the scope (the unit that holds the case now,
as for table 三):

* **notices**: ``fee_notice`` events dated in Y; **notified**: the sum of their amounts;
* **collected**: for each ``fee_paid`` event dated in Y, the amount of the case's latest fee
  notice before it (a payment pays the notice it answers, even one issued the year before);
  a lapsed notice (``fee_lapsed``) collects nothing.

Fees are few: the events are selected in SQL and the amounts summed here exactly, as decimals
(SQLite has no decimal arithmetic).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from casework.reports.counting import APPLICATION, Period
from casework.reports.scope import Scope
from casework.store.tables import CASES, EVENTS

SECTION_TITLE = "六、其他需要报告的事项"
NOTICE, PAID = "fee_notice", "fee_paid"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FeeFigures:
    """One unit's (or the scope's) fee figures for the year."""

    notices: int = 0
    notified: Decimal = ZERO
    collected: Decimal = ZERO

    def add(self, notices: int, notified: Decimal, collected: Decimal) -> FeeFigures:
        return FeeFigures(
            self.notices + notices, self.notified + notified, self.collected + collected
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "notices": self.notices,
            "notified": f"{self.notified:.2f}",
            "collected": f"{self.collected:.2f}",
        }


@dataclass(frozen=True)
class FeeSection:
    """The scope's figures and, per unit (code -> name, figures), where any fee moved."""

    total: FeeFigures = field(default_factory=FeeFigures)
    units: tuple[tuple[str, str, FeeFigures], ...] = ()

    def sentence(self, label: str, year: int) -> str:
        """The figures in words, as section 六 prints them."""
        t = self.total
        if not t.notices and not t.collected:
            return f"{year}年度{label}未发出信息处理费收费通知，未收取信息处理费。"
        return (
            f"{year}年度{label}依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），"
            f"发出收费通知{t.notices}件，总金额{t.notified:.2f}元；"
            f"实际收取信息处理费总金额{t.collected:.2f}元。"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": SECTION_TITLE,
            **self.total.to_dict(),
            "units": [
                {"unit": code, "name": name, **figures.to_dict()}
                for code, name, figures in self.units
            ],
        }


def _amount(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def count(conn: Connection, scope: Scope, period: Period, names: dict[str, str]) -> FeeSection:
    notice = EVENTS.alias("notice")
    paid_amount = (
        select(notice.c.payload["amount"].as_string())
        .where(
            notice.c.case_id == EVENTS.c.case_id,
            notice.c.move == NOTICE,
            notice.c.seq < EVENTS.c.seq,
        )
        .order_by(notice.c.seq.desc())
        .limit(1)
        .scalar_subquery()
    )
    amount = EVENTS.c.payload["amount"].as_string()
    query = (
        select(CASES.c.unit, EVENTS.c.move, amount, paid_amount)
        .select_from(EVENTS.join(CASES, CASES.c.id == EVENTS.c.case_id))
        .where(
            CASES.c.flow == APPLICATION,
            EVENTS.c.move.in_((NOTICE, PAID)),
            period.contains(EVENTS.c.occurred_on),
        )
    )
    if scope.units is not None:
        query = query.where(CASES.c.unit.in_(scope.units))
    per_unit: dict[str, FeeFigures] = defaultdict(FeeFigures)
    for unit, move, notified, paid in conn.execute(query):
        if move == NOTICE:
            per_unit[unit] = per_unit[unit].add(1, _amount(notified), ZERO)
        else:
            per_unit[unit] = per_unit[unit].add(0, ZERO, _amount(paid))
    total = FeeFigures()
    for figures in per_unit.values():
        total = total.add(figures.notices, figures.notified, figures.collected)
    units = tuple(
        (code, names.get(code, code), per_unit[code]) for code in sorted(per_unit, key=str)
    )
    return FeeSection(total, units)
