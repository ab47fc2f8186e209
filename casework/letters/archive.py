"""The archive of issued letters (letters/<year>/<case>/) and its verification."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casework.services import Engine
    from casework.views import Discrepancy


def verify(engine: Engine) -> list[Discrepancy]:
    """Every archived letter checked against its manifest and the database."""
    return []
