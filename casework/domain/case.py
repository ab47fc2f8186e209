"""A case as the workflow sees it: a frozen snapshot that each move turns into the next."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from casework.domain.clocks import Clock

# Columns of a case that moves may set, and their kind ("date" values are ISO strings in
# events). Every flow shares them; a flow declares its other fields under [details].
CASE_FIELDS: dict[str, str] = {
    "channel": "text",
    "reference": "text",
    "received_on": "date",
    "applicant_name": "text",
    "applicant_kind": "text",
    "applicant_id_number": "text",
    "applicant_phone": "text",
    "applicant_contact": "text",
    "request": "text",
    "unit": "text",
    "handler": "text",
    "outcome": "text",
    "replied_on": "date",
    "delivered_on": "date",
    "closed_on": "date",
}


@dataclass(frozen=True)
class CaseSnapshot:
    """A dossier of one flow. ``fields`` holds the case columns and the flow's own details."""

    flow: str = "application"
    state: str = "new"
    rule_set: str | None = None
    parent_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    clocks: tuple[Clock, ...] = ()
    last_on: date | None = None  # date of the latest act: a move may not go back before it

    def get(self, name: str) -> Any:
        return self.fields.get(name)

    @property
    def unit(self) -> str | None:
        return self.fields.get("unit")

    def open_clock(self, kind: str) -> tuple[int, Clock] | None:
        """The latest open clock of a kind, with its index."""
        for i in range(len(self.clocks) - 1, -1, -1):
            c = self.clocks[i]
            if c.kind == kind and c.is_open:
                return i, c
        return None

    def nth_clock(self, kind: str, n: int) -> tuple[int, Clock] | None:
        """The n-th clock of a kind (1-based, in the order they were started), with its index:
        how a case names one of several consultations."""
        found = [(i, c) for i, c in enumerate(self.clocks) if c.kind == kind]
        return found[n - 1] if isinstance(n, int) and 1 <= n <= len(found) else None

    def open_count(self, kind: str) -> int:
        return sum(1 for c in self.clocks if c.kind == kind and c.is_open)

    def latest_clock(self, kind: str) -> Clock | None:
        for c in reversed(self.clocks):
            if c.kind == kind:
                return c
        return None

    def with_clock(self, index: int | None, clock: Clock) -> CaseSnapshot:
        clocks = list(self.clocks)
        if index is None:
            clocks.append(clock)
        else:
            clocks[index] = clock
        return replace(self, clocks=tuple(clocks))
