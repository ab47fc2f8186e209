"""Property-based fuzzing from the OpenAPI document (schemathesis) against the live server, on
SQLite and PostgreSQL: no response may be a 500, none may break the document (status codes,
content types, bodies against their schemas). Requests carry the key of the general section
(who may read and move everything), so the fuzzer reaches the engine, not only the key check.

The number of examples per operation is small by default; ``CASEWORK_FUZZ_EXAMPLES=500`` runs
more (each run prints nothing unless something fails)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.databases import DATABASES, PG_ENV, PG_SKIP, pg_schema_url
from tests.support.service import Service, running_service

EXAMPLES = int(os.environ.get("CASEWORK_FUZZ_EXAMPLES", "25"))
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


@pytest.fixture(scope="module", params=DATABASES)
def fuzzed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("fuzz")
    urls: Iterator[str] = iter([f"sqlite:///{folder / 'casework.db'}"])
    if request.param == "postgres":
        base = os.environ.get(PG_ENV)
        if not base:
            pytest.skip(PG_SKIP)
        urls = pg_schema_url(base)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CASEWORK_LETTERS_DIR", str(folder / "archive"))
        env.setenv("CASEWORK_LETTER_FORMATS", "html")
        env.setenv("CASEWORK_CHAIN_KEY_FILE", str(folder / "chain.key"))
        with running_service(next(urls)) as live:
            # A few cases to read, move and look up.
            for reference in ("F-1", "F-2"):
                assert live.register(reference=reference).status_code == 201
            yield live
    next(urls, None)


@pytest.fixture(scope="module")
def api(fuzzed: Service) -> Any:
    document = httpx.get(f"{fuzzed.url}/openapi.json").json()
    return schemathesis.openapi.from_dict(document)


schema = schemathesis.pytest.from_fixture("api")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=os.environ.get("CASEWORK_FUZZ_RANDOM") != "1",
)
def test_no_server_error_and_no_answer_outside_the_document(case: Any, fuzzed: Service) -> None:
    case.call_and_validate(
        base_url=fuzzed.url,
        headers={"Authorization": f"Bearer {fuzzed.keys['zonghe']}"},
        checks=list(CHECKS),
    )
