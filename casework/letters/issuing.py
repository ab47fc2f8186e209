"""Issuing the letter a move requires, inside the move's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casework.services import Engine


def install(engine: Engine) -> None:
    """Register the letter hook on an engine (called by ``open_engine``)."""
