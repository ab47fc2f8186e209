"""The HTTP service in tests: the status-code key pinned (so printed receipts are stable), API
keys made for the people of tests/support/cli.py, and a live uvicorn server on 127.0.0.1 in a
thread of the test process (so the pinned "today" applies to it too)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func, select

from casework.store.service_queries import set_secret
from casework.store.tables import CASES, EVENTS
from casework.store.unit_of_work import unit_of_work

PINNED_STATUS_KEY = "0" * 64  # tests only: a real installation's key is random (migration 0009)


def pin_status_secret(engine: Any) -> None:
    """Give the database a known status-code key, so that letters printing codes are stable."""
    with unit_of_work(engine.db) as uow:
        set_secret(uow.conn, "status_code", PINNED_STATUS_KEY, datetime.now(UTC))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """uvicorn serving ``app`` on a free port of 127.0.0.1; yields its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)


# The people of tests/support/cli.py who get a key, by code.
KEYED = ("wangmin", "zonghe", "lina", "zhou", "chenjing", "sun", "liu", "xiong")
BODY = {
    "channel": "window",
    "unit": "czj",
    "applicant_name": "张三",
    "applicant_kind": "natural_person",
    "request": "2025年区财政局部门预算",
    "applicant_phone": "13912345678",
}


@dataclass
class Service:
    """A live service over an engine whose directory holds the people of tests/support/cli.py,
    each of KEYED with an API key."""

    url: str
    engine: Any
    keys: dict[str, str]
    key_ids: dict[str, int]

    def client(self, person: str | None = None, **options: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys[person]}"} if person else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **options)

    def register(self, person: str = "wangmin", **fields: Any) -> httpx.Response:
        with self.client(person) as client:
            return client.post("/applications", json={"on": "2026-03-02", **BODY, **fields})

    def events(self) -> int:
        with self.engine.db.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(EVENTS)) or 0)

    def cases(self) -> int:
        with self.engine.db.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(CASES)) or 0)


def make_keys(
    engine: Any, people: tuple[str, ...] = KEYED
) -> tuple[dict[str, str], dict[str, int]]:
    from casework.apikeys import create_key
    from casework.identity import resolve

    admin = resolve(engine.db, "zonghe").person
    keys, ids = {}, {}
    for code in people:
        key, plain = create_key(engine.db, admin, code, f"{code} 的测试系统", datetime.now(UTC))
        keys[code], ids[code] = plain, key.id
    return keys, ids


@contextmanager
def running_service(url: str, settings: Any = None) -> Iterator[Service]:
    """The service on a migrated database at ``url`` with the people and their keys."""
    import casework
    from casework.server.app import create_app
    from tests.support.cli import with_people

    with_people(url)
    engine = casework.open(url)
    pin_status_secret(engine)
    keys, ids = make_keys(engine)
    try:
        with live_server(create_app(engine, settings)) as base:
            yield Service(base, engine, keys, ids)
    finally:
        engine.db.dispose()


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The problem+json body of a refusal with ``status``."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/problem+json", response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "instance", "error", "message", "rule", "field"} <= set(body)
    return body
