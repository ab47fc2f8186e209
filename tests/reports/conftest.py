"""Fixtures of the report tests (builders: tests/support/reports.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.reports import report_runner, without_hooks


@pytest.fixture
def engine(engine):  # type: ignore[no-untyped-def]
    """The shared engine fixture without its move hooks: the hooks only issue letters (PDF,
    about a second a move), which no report reads; the moves themselves are unchanged."""
    return without_hooks(engine)


@pytest.fixture
def cli() -> Any:
    """Run ``casework report ...`` through this feature's ``register`` on a CaseworkGroup root
    (the same error handling as the real ``casework`` command)."""
    return report_runner()
