"""API keys: a request without a valid key is refused (401) and writes nothing; a revoked key
or a deactivated person stops working at once; the key's person's role and unit judge it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from casework.apikeys import list_keys, revoke_key
from casework.identity import resolve
from casework.store.tables import API_KEYS
from casework.store.tables import PEOPLE as PEOPLE_TABLE
from tests.support.service import BODY, Service, problem

pytestmark = pytest.mark.usefixtures("pinned_today")


def test_requests_without_a_valid_key_are_refused(service: Service) -> None:
    case = service.register().json()["id"]
    events = service.events()
    with service.client() as anonymous:
        for headers in (
            {},
            {"Authorization": "Bearer"},
            {"Authorization": "Basic dXNlcjpwYXNz"},
            {"Authorization": "Bearer cwk_nope_nope"},
            {"Authorization": "Bearer " + service.keys["lina"][:-2] + "xx"},
            {"Authorization": "Bearer garbage"},
        ):
            response = anonymous.get(f"/cases/{case}", headers=headers)
            body = problem(response, 401)
            assert body["error"] == "Unauthenticated" and body["field"] == "authorization"
            assert response.headers["www-authenticate"].startswith("Bearer")
        problem(anonymous.post("/applications", json=BODY), 401)
        problem(anonymous.get("/events"), 401)
    assert service.events() == events


def test_a_revoked_key_and_a_deactivated_person_stop_working(service: Service) -> None:
    admin = resolve(service.engine.db, "zonghe").person
    with service.client("lina") as clerk:
        assert clerk.get("/worklist").status_code == 200
        assert revoke_key(service.engine.db, admin, service.key_ids["lina"], datetime.now(UTC))
        body = problem(clerk.get("/worklist"), 401)
        assert "吊销" in body["message"]
    with service.engine.db.begin() as conn:
        conn.execute(update(PEOPLE_TABLE).where(PEOPLE_TABLE.c.code == "zhou").values(active=False))
    with service.client("zhou") as head:
        assert "停用" in problem(head.get("/worklist"), 401)["message"]


def test_keys_are_stored_hashed_and_record_their_use(service: Service) -> None:
    with service.client("lina") as clerk:
        clerk.get("/worklist")
    with service.engine.db.connect() as conn:
        stored = [tuple(r) for r in conn.execute(select(API_KEYS))]
    for plain in service.keys.values():
        assert not any(plain.split("_", 2)[2] in str(row) for row in stored)
    used = {k.person: k.last_used_at for k in list_keys(service.engine.db)}
    assert used["lina"] is not None and used["liu"] is None
