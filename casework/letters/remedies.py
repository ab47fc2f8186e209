"""Which remedies a letter must state on its date (docs/letters.md; docs/legal-basis.md A5).

- Since 2024-01-01 (行政复议法 2023): a district department's act is reviewed by the district
  government only (Art. 24; vertically managed agencies go to the next level up, Art. 27). A
  refusal to disclose must go to reconsideration first (Art. 23(1)④) and the letter must say so
  (Art. 23(2)); a suit is then possible within 15 days of the decision (行政诉讼法 Art. 45).
  Other acts: reconsideration within 60 days (Art. 20) or a suit within 6 months (行政诉讼法
  Art. 46), as the applicant chooses.
- 2015-05-01 – 2023-12-31: 60 days, the higher department or the same-level government; 6 months.
- Before 2015-05-01: 60 days; 3 months for a suit.
Pure: the letter's date and the unit's bodies are parameters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

REVIEW_LAW_2023_IN_FORCE = date(2024, 1, 1)
LITIGATION_LAW_2014_IN_FORCE = date(2015, 5, 1)


@dataclass(frozen=True)
class Remedies:
    regime: str  # "2024" / "2015" / "1999"
    reconsideration_first: bool
    body: str  # the single reconsideration body (since 2024)
    government: str  # before 2024: the same-level government, one of two bodies
    higher_department: str  # before 2024: the other body
    review_days: int
    suit_months: int
    suit_after_decision_days: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def remedies_on(
    on: date, *, refusal: bool, body: str, government: str, higher_department: str
) -> Remedies:
    """The remedies paragraph's facts for a letter dated ``on``."""
    if on >= REVIEW_LAW_2023_IN_FORCE:
        return Remedies("2024", refusal, body, government, higher_department, 60, 6, 15)
    months = 6 if on >= LITIGATION_LAW_2014_IN_FORCE else 3
    regime = "2015" if months == 6 else "1999"
    return Remedies(regime, False, body, government, higher_department, 60, months, 15)
