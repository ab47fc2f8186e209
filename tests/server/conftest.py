"""Fixtures of the HTTP service's tests: a live uvicorn server on 127.0.0.1 (a free port, in a
thread of the test process, so "today" is pinned for it too) over SQLite and PostgreSQL, with
an API key for each person of tests/support/cli.py (tests/support/service.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from tests.support.service import Service, running_service


@pytest.fixture
def service(db_url: str, pinned_today: datetime) -> Iterator[Service]:
    with running_service(db_url) as live:
        yield live
