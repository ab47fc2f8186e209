"""Delivering the outbox: SMTP e-mail and a file channel, with retries and backoff.

The sweep writes notices to the ``outbox`` table in its own transaction; this dispatcher
delivers them later. A row is *claimed* in a short transaction (status ``sending`` with a lease;
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, SQLite's write lock otherwise), delivered outside any
transaction, then marked ``sent`` — or put back to ``pending`` with its error and the time of
its next attempt (exponential backoff). A row stays in the outbox until it is delivered: when
the mail server is down nothing is lost, the rows wait. A dispatcher that dies between the
server's acceptance and the mark leaves a row whose lease expires and that is sent again: the
delivery is at least once, and every message carries a Message-ID made from its outbox id so
that a duplicate is recognisable.

Settings come from the environment (validated when the dispatcher is built, i.e. at start):

=============================  ==========================================================
CASEWORK_SMTP_HOST             mail server; unset: e-mail notices wait in the outbox
CASEWORK_SMTP_PORT             default 25 (465 with ssl, 587 usual with starttls)
CASEWORK_SMTP_SECURITY         none | starttls | ssl (default none)
CASEWORK_SMTP_USER             login (optional); CASEWORK_SMTP_PASSWORD with it
CASEWORK_SMTP_FROM             sender address (required with a host)
CASEWORK_SMTP_TIMEOUT          seconds, default 30
CASEWORK_NOTICE_FILE           file of the file channel (default casework-notices.log)
CASEWORK_RETRY_SECONDS         first retry delay, default 60; doubles per attempt
CASEWORK_RETRY_MAX_SECONDS     longest delay between attempts, default 21600 (6 h)
=============================  ==========================================================
"""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import and_, func, or_, select, update

from casework.errors import InvalidInput
from casework.organisation import is_email
from casework.store.tables import OUTBOX
from casework.store.unit_of_work import unit_of_work

log = logging.getLogger("casework.notify")

SECURITY = ("none", "starttls", "ssl")
LEASE = timedelta(minutes=10)
BATCH = 100


def _bad(var: str, message: str) -> InvalidInput:
    return InvalidInput(f"{var}：{message}", field=var, rule="notification settings")


def _int(env: Mapping[str, str], var: str, default: int, low: int, high: int) -> int:
    raw = env.get(var)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(var, f"应为整数，收到 {raw!r}") from None
    if not low <= value <= high:
        raise _bad(var, f"应在 {low}–{high} 之间，收到 {value}")
    return value


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: int = 30


@dataclass(frozen=True)
class NotifySettings:
    smtp: SmtpSettings | None
    notice_file: Path
    retry_seconds: int = 60
    retry_max_seconds: int = 21_600

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> NotifySettings:
        """Read and check every setting; a bad one is a clear error now, not at 01:00."""
        host = env.get("CASEWORK_SMTP_HOST") or None
        smtp = None
        if host is not None:
            security = env.get("CASEWORK_SMTP_SECURITY", "none") or "none"
            if security not in SECURITY:
                raise _bad(
                    "CASEWORK_SMTP_SECURITY", f"应为 {'、'.join(SECURITY)}，收到 {security!r}"
                )
            default_port = 465 if security == "ssl" else 25
            sender = env.get("CASEWORK_SMTP_FROM", "")
            if not is_email(sender):
                raise _bad(
                    "CASEWORK_SMTP_FROM",
                    f"设置了邮件服务器时必须给出有效的发件地址，收到 {sender!r}",
                )
            user = env.get("CASEWORK_SMTP_USER") or None
            password = env.get("CASEWORK_SMTP_PASSWORD") or None
            if (user is None) != (password is None):
                raise _bad(
                    "CASEWORK_SMTP_USER", "CASEWORK_SMTP_USER 与 CASEWORK_SMTP_PASSWORD 须同时设置"
                )
            smtp = SmtpSettings(
                host=host,
                port=_int(env, "CASEWORK_SMTP_PORT", default_port, 1, 65535),
                security=security,
                sender=sender,
                user=user,
                password=password,
                timeout=_int(env, "CASEWORK_SMTP_TIMEOUT", 30, 1, 600),
            )
        retry = _int(env, "CASEWORK_RETRY_SECONDS", 60, 1, 86_400)
        retry_max = _int(env, "CASEWORK_RETRY_MAX_SECONDS", 21_600, 1, 7 * 86_400)
        if retry_max < retry:
            raise _bad("CASEWORK_RETRY_MAX_SECONDS", f"不能小于 CASEWORK_RETRY_SECONDS（{retry}）")
        return cls(
            smtp=smtp,
            notice_file=Path(env.get("CASEWORK_NOTICE_FILE") or "casework-notices.log"),
            retry_seconds=retry,
            retry_max_seconds=retry_max,
        )

    def backoff(self, attempts: int) -> timedelta:
        """Delay before the next attempt after ``attempts`` failed ones: 1×, 2×, 4×… capped."""
        seconds = self.retry_seconds * 2 ** min(attempts - 1, 20)
        return timedelta(seconds=min(seconds, self.retry_max_seconds))


class DeliveryError(Exception):
    """A channel could not deliver (the row is retried later)."""


class Channels:
    """The delivery channels of one dispatch run (one SMTP session for the whole batch)."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._down: str | None = None  # the server refused once: the batch's other mails wait

    def send(self, row: Any) -> None:
        if row.channel == "file":
            self._to_file(row)
        else:
            self._by_mail(row)

    def _to_file(self, row: Any) -> None:
        path = self.settings.notice_file
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(
                    f"===== 通知 {row.id}  收件：{row.recipient_name}  案件 {row.case_id}\n"
                    f"主题：{row.subject}\n\n{row.body}\n"
                )
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as err:
            raise DeliveryError(f"写入通知文件 {path} 失败：{err}") from None
        log.info("通知 %s 已写入 %s：%s", row.id, path, row.subject)

    def _session(self) -> smtplib.SMTP:
        s = self.settings.smtp
        if s is None:
            raise DeliveryError("未设置 CASEWORK_SMTP_HOST：电子邮件通知留在发件箱中等待")
        if self._down is not None:
            raise DeliveryError(self._down)
        if self._smtp is None:
            try:
                if s.security == "ssl":
                    context = ssl.create_default_context()
                    conn: smtplib.SMTP = smtplib.SMTP_SSL(
                        s.host, s.port, timeout=s.timeout, context=context
                    )
                else:
                    conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                    if s.security == "starttls":
                        conn.starttls(context=ssl.create_default_context())
                if s.user:
                    conn.login(s.user, s.password or "")
            except (OSError, smtplib.SMTPException) as err:
                self._down = f"无法连接邮件服务器 {s.host}:{s.port}：{err}"
                raise DeliveryError(self._down) from None
            self._smtp = conn
        return self._smtp

    def _by_mail(self, row: Any) -> None:
        s = self.settings.smtp
        conn = self._session()
        assert s is not None
        msg = EmailMessage()
        msg["Subject"] = row.subject
        msg["From"] = formataddr(("区政府信息公开期限督办", s.sender))
        msg["To"] = formataddr((row.recipient_name, row.address))
        msg["Date"] = format_datetime(row.created_at)
        # Stable per outbox row: a re-send after a crash is recognisable as the same notice.
        msg["Message-ID"] = f"<casework-outbox-{row.id}@{s.sender.rsplit('@', 1)[-1]}>"
        msg.set_content(row.body)
        try:
            conn.send_message(msg)
        except (OSError, smtplib.SMTPException) as err:
            self.close()
            raise DeliveryError(f"邮件服务器拒收或断开：{err}") from None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None


@dataclass
class DispatchSummary:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    # E-mail notices left waiting, untried, because no mail server is set (CASEWORK_SMTP_HOST).
    mail_waiting: int = 0


def _claim(db: DbEngine, now: datetime, limit: int, *, file_only: bool = False) -> list[Any]:
    ready = or_(
        and_(OUTBOX.c.status == "pending", OUTBOX.c.next_attempt_at <= now),
        and_(OUTBOX.c.status == "sending", OUTBOX.c.lease_until < now),  # a dispatcher died
    )
    if file_only:
        ready = and_(ready, OUTBOX.c.channel == "file")
    with unit_of_work(db) as uow:
        conn = uow.conn
        query = select(OUTBOX).where(ready).order_by(OUTBOX.c.id).limit(limit)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(conn.execute(query).all())
        if rows:
            conn.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_([r.id for r in rows]))
                .values(status="sending", lease_until=now + LEASE, attempts=OUTBOX.c.attempts + 1)
            )
    return rows


def dispatch(
    db: DbEngine, settings: NotifySettings, *, now: datetime, limit: int | None = None
) -> DispatchSummary:
    """Deliver every outbox row that is due now (all of them, in batches, unless ``limit``).

    With no mail server set, e-mail rows are not tried (no attempt is counted, no error): they
    wait in the outbox, counted in ``mail_waiting``; file-channel rows are delivered as usual."""
    out = DispatchSummary()
    channels = Channels(settings)
    file_only = settings.smtp is None
    try:
        while limit is None or out.sent + out.failed < limit:
            size = BATCH if limit is None else min(BATCH, limit - out.sent - out.failed)
            rows = _claim(db, now, size, file_only=file_only)
            if not rows:
                break
            for row in rows:
                _deliver(db, channels, settings, row, now, out)
    finally:
        channels.close()
    if file_only:
        waiting = (OUTBOX.c.status.in_(("pending", "sending"))) & (OUTBOX.c.channel != "file")
        with db.connect() as conn:
            out.mail_waiting = conn.scalar(select(func.count()).where(waiting)) or 0
    return out


def _deliver(
    db: DbEngine,
    channels: Channels,
    settings: NotifySettings,
    row: Any,
    now: datetime,
    out: DispatchSummary,
) -> None:
    try:
        channels.send(row)
    except DeliveryError as err:
        attempts = row.attempts + 1
        values: dict[str, Any] = {
            "status": "pending",
            "lease_until": None,
            "last_error": str(err)[:500],
            "next_attempt_at": now + settings.backoff(attempts),
        }
        out.failed += 1
        out.errors.append(f"通知 {row.id}：{err}")
        log.warning("通知 %s 第 %s 次发送失败：%s", row.id, attempts, err)
    else:
        values = {"status": "sent", "lease_until": None, "sent_at": now, "last_error": None}
        out.sent += 1
    with unit_of_work(db) as uow:
        uow.conn.execute(update(OUTBOX).where(OUTBOX.c.id == row.id).values(**values))


def retry_now(db: DbEngine, *, now: datetime, ids: list[int] | None = None) -> int:
    """Make waiting rows due now (all, or the given ids); returns how many."""
    query = update(OUTBOX).where(OUTBOX.c.status == "pending").values(next_attempt_at=now)
    if ids:
        query = query.where(OUTBOX.c.id.in_(ids))
    with unit_of_work(db) as uow:
        return uow.conn.execute(query).rowcount


def list_outbox(db: DbEngine, *, status: str | None = None, limit: int = 100) -> list[Any]:
    query = select(OUTBOX).order_by(OUTBOX.c.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OUTBOX.c.status == status)
    with db.connect() as conn:
        return list(conn.execute(query).all())
