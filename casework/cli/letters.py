"""Commands of this feature; register adds them to the root command (see cli/main.py)."""

from __future__ import annotations

import typer


def register(root: typer.Typer) -> None:
    """Add this feature's commands to the root command."""
