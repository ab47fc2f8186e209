"""Tables of the nightly escalation (migration 0003): escalations, outbox, runs, directory."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class EscalationRow(SQLModel, table=True):
    """One level of the ladder reached by one clock: recorded once, whatever reruns happen."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("clock_id", "level", name="uq_escalations_clock_level"),)

    id: int | None = Field(default=None, primary_key=True)
    clock_id: int = Field(foreign_key="clocks.id")
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str = Field(max_length=32)
    level: str = Field(max_length=32)
    offset_days: int  # working days from the due date (negative: before it)
    due_on: date  # the clock's due date when the level was reached
    fire_on: date  # the working day on which the level became due
    as_of: date  # the sweep that recorded it
    created_at: datetime


class OutboxRow(SQLModel, table=True):
    """A notice waiting for (or done with) delivery; written in the transaction that decided it.

    Most notices belong to an escalation. Calendar notices (migration 0005) do not: the
    general section's warning that due dates are provisional names no case, and a unit's
    notice that a recomputed due date moved names its case; each carries a ``notice_key``
    that makes it unique, so a rerun sends nothing twice.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("escalation_id", "recipient", name="uq_outbox_escalation_recipient"),
        UniqueConstraint("notice_key", "recipient", name="uq_outbox_notice_key_recipient"),
        # The dispatcher picks rows by status and the time of their next attempt.
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int | None = Field(default=None, foreign_key="escalations.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    notice_key: str | None = Field(default=None, max_length=120)
    channel: str = Field(max_length=16)  # email / file
    recipient: str = Field(max_length=64)  # person:CODE / unit:CODE / office:CODE
    recipient_name: str = Field(max_length=100)
    address: str = Field(max_length=200)
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=16)  # pending / sending / sent
    attempts: int = 0
    next_attempt_at: datetime
    lease_until: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime
    sent_at: datetime | None = None


class SweepRunRow(SQLModel, table=True):
    """A sweep: scheduler runs carry a unique run key so that one night runs once."""

    __tablename__ = "sweep_runs"
    __table_args__ = (UniqueConstraint("run_key", name="uq_sweep_runs_run_key"),)

    id: int | None = Field(default=None, primary_key=True)
    run_key: str | None = Field(default=None, max_length=64)
    as_of: date
    started_by: str = Field(max_length=16)  # cli / api / scheduler
    started_at: datetime
    finished_at: datetime | None = None
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DirectoryVersionRow(SQLModel, table=True):
    """Each directory put in force by ``casework directory load``; the newest is in force."""

    __tablename__ = "directory_versions"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64)
    source: str = Field(max_length=500)
    text: str = Field(sa_column=Column(Text, nullable=False))
    loaded_at: datetime
    loaded_by: str = Field(max_length=100)
