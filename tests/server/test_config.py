"""The service's settings, and CORS: off unless origins are configured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from casework.errors import InvalidInput
from casework.server.config import ServerSettings
from tests.support.service import Service, running_service


def test_settings_are_parsed_from_a_mapping() -> None:
    assert ServerSettings.from_env({}) == ServerSettings()
    found = ServerSettings.from_env(
        {
            "CASEWORK_HTTP_MAX_BODY": "2048",
            "CASEWORK_HTTP_CORS_ORIGINS": "https://a.example, https://b.example",
            "CASEWORK_STATUS_RATE": "5/30",
        }
    )
    assert found == ServerSettings(2048, ("https://a.example", "https://b.example"), 5, 30)
    for bad in ({"CASEWORK_HTTP_MAX_BODY": "10"}, {"CASEWORK_STATUS_RATE": "often"}):
        with pytest.raises(InvalidInput):
            ServerSettings.from_env(bad)


@pytest.fixture
def cors(tmp_path, pinned_today: datetime) -> Iterator[Service]:  # type: ignore[no-untyped-def]
    settings = ServerSettings(cors_origins=("https://platform.example",))
    with running_service(f"sqlite:///{tmp_path / 'cors.db'}", settings) as live:
        yield live


PREFLIGHT = {
    "Origin": "https://platform.example",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type",
}


def test_cors_is_off_by_default(service: Service) -> None:
    with service.client("lina") as client:
        answer = client.get("/worklist", headers={"Origin": "https://platform.example"})
        assert "access-control-allow-origin" not in answer.headers
        assert client.options("/applications", headers=PREFLIGHT).status_code == 405


def test_cors_allows_the_configured_origins_only(cors: Service) -> None:
    with cors.client("lina") as client:
        answer = client.get("/worklist", headers={"Origin": "https://platform.example"})
        assert answer.headers["access-control-allow-origin"] == "https://platform.example"
        assert client.options("/applications", headers=PREFLIGHT).status_code == 200
        other = client.get("/worklist", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
