"""Fixtures of the escalation tests: a real local SMTP server (aiosmtpd), helpers to sweep."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from casework.escalation import sweep
from casework.resources import bundled_dir
from casework.store.escalation_tables import ESCALATIONS, OUTBOX
from tests.conftest import APPLICANT, CENTRE, CLERK, at


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    """What the local SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 at a fixed free port, which a test may stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def env(self) -> dict[str, str]:
        return {
            "CASEWORK_SMTP_HOST": "127.0.0.1",
            "CASEWORK_SMTP_PORT": str(self.port),
            "CASEWORK_SMTP_FROM": "gkb@qiaokou.gov.example",
            "CASEWORK_SMTP_TIMEOUT": "5",
        }


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def register(engine: Any, on: str, unit: str | None = "czj", **extra: Any) -> int:
    inputs = {"channel": "window", "unit": unit, **APPLICANT, **extra}
    return engine.register(CENTRE, on=on, now=at(on), **inputs).id


def awaiting_correction(engine: Any) -> int:
    """A case received 3/2 whose applicant was asked on 3/3 to correct within 5 working days
    (period due 3/10: it lapses on the first sweep after that)."""
    case = register(engine, "2026-03-02")
    engine.move(
        case,
        "request_correction",
        CLERK,
        on="2026-03-03",
        now=at("2026-03-03"),
        items=["x"],
        days=5,
    )
    return case


def run(engine: Any, day: str, **options: Any) -> Any:
    return sweep(engine, date.fromisoformat(day), now=at(day, 1), **options)


def every_level_night(engine: Any) -> None:
    """Sweep on each night a level of a reply clock due 3/30 is reached (3/25, 3/30, 3/31), so
    that each level is notified (a single sweep on 3/31 notifies the breach only)."""
    for day in ("2026-03-25", "2026-03-30", "2026-03-31"):
        run(engine, day)


def levels(engine: Any, case_id: int | None = None) -> list[tuple[int, str, str, date]]:
    """(case, kind, level, as_of of the sweep that recorded it), in order."""
    query = select(
        ESCALATIONS.c.case_id, ESCALATIONS.c.kind, ESCALATIONS.c.level, ESCALATIONS.c.as_of
    )
    if case_id is not None:
        query = query.where(ESCALATIONS.c.case_id == case_id)
    with engine.db.connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(ESCALATIONS.c.id))]  # type: ignore[misc]


def outbox(engine: Any) -> list[Any]:
    with engine.db.connect() as conn:
        return conn.execute(select(OUTBOX).order_by(OUTBOX.c.id)).all()


def outbox_count(engine: Any) -> int:
    with engine.db.connect() as conn:
        return conn.scalar(select(func.count()).select_from(OUTBOX)) or 0


def replaced_deputy(tmp_path: Path) -> Path:
    """The default directory with 操俊峰 (line1's deputy) replaced by 王丽 (code wangli)."""
    text = (bundled_dir("states") / "organisation.toml").read_text(encoding="utf-8")
    new = text.replace('deputy = "caojunfeng"', 'deputy = "wangli"') + (
        '\n[[people]]\ncode = "wangli"\nname = "王丽"\nrole = "line_deputy"\n'
        'title = "区政府办副主任（战线副主任）"\nunit = "zfb"\n'
        'email = "wangli@qiaokou.gov.example"\n'
    )
    new = new.replace(
        '[[people]]\ncode = "caojunfeng"\nname = "操俊峰"\nrole = "line_deputy"\n'
        'title = "区政府办副主任（战线副主任）"\nunit = "zfb"\n'
        'email = "caojunfeng@qiaokou.gov.example"\n',
        "",
    )
    path = tmp_path / "org.toml"
    path.write_text(new, encoding="utf-8")
    return path
