"""The wall clock: when the engine thinks it is (Asia/Shanghai).

Not to be confused with ``casework.domain.clocks.Clock``, a statutory deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from casework.boundary import check_now
from casework.settings import TIMEZONE


@dataclass(frozen=True)
class WallClock:
    """The moment a call happens; callers may pass their own ``now`` (tests, replays)."""

    now: datetime

    @classmethod
    def of(cls, now: datetime | None) -> WallClock:
        return cls((check_now(now) or datetime.now(TIMEZONE)).astimezone(TIMEZONE))

    @property
    def today(self) -> date:
        return self.now.date()
