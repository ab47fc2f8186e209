"""The declared tables of units, people, cases, their events, clocks and pauses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

# Optimistic locking: the version column must be one Column object shared by the field and the
# mapper args (docs/architecture.md); a lost update then raises StaleDataError on both databases.
_case_version = Column("version", Integer, nullable=False, default=1)


class UnitRow(SQLModel, table=True):
    __tablename__ = "units"

    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=100)
    group: str = Field(max_length=32)  # key / related / street / zone / office
    seed_number: str | None = Field(default=None, max_length=8)
    from_seed: bool = True
    # Contact of the unit's disclosure office (organisation directory, migration 0003).
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=64)


class PersonRow(SQLModel, table=True):
    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=50, unique=True)  # login name: CASEWORK_USER or --as
    name: str = Field(max_length=50)
    role: str = Field(max_length=32)
    unit_code: str | None = Field(default=None, foreign_key="units.code", max_length=32)
    email: str | None = Field(default=None, max_length=200)
    active: bool = True
    # Post and phone from the organisation directory (migration 0003).
    title: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=64)


class CaseRow(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_unit_state", "unit", "state"),
        # A platform reference names one application per channel (migration 0006).
        Index("uq_cases_channel_reference", "channel", "reference", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    # A row is a dossier of one flow: an application, or a review or lawsuit about one
    # (parent_id). Columns common to all flows; flow-specific fields live in `details`.
    flow: str = Field(default="application", max_length=32, index=True)
    parent_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    state: str = Field(max_length=32, index=True)
    rule_set: str = Field(max_length=16)
    channel: str | None = Field(default=None, max_length=32)
    reference: str | None = Field(default=None, max_length=64)  # 平台编号 of the intake system
    received_on: date = Field(index=True)
    applicant_name: str = Field(max_length=200)
    applicant_kind: str = Field(max_length=32)
    applicant_id_number: str | None = Field(default=None, max_length=64)
    applicant_phone: str | None = Field(default=None, max_length=64)
    applicant_contact: str | None = Field(default=None, max_length=400)
    request: str
    unit: str | None = Field(default=None, foreign_key="units.code", max_length=32)
    handler: str | None = Field(default=None, max_length=50)
    outcome: str | None = Field(default=None, max_length=48)
    replied_on: date | None = None
    delivered_on: date | None = None
    closed_on: date | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    last_on: date
    last_event_hash: str = Field(max_length=64)
    event_count: int = 0
    version: int = Field(default=1, sa_column=_case_version)
    updated_at: datetime

    __mapper_args__ = {"version_id_col": _case_version}


class EventRow(SQLModel, table=True):
    """Append-only audit trail; each row carries the hash of the case's previous event."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    seq: int
    move: str = Field(max_length=48)
    from_state: str = Field(max_length=32)
    to_state: str = Field(max_length=32)
    actor_name: str = Field(max_length=50)
    actor_role: str = Field(max_length=32)
    actor_unit: str | None = Field(default=None, max_length=32)
    occurred_on: date
    recorded_at: datetime
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # The chain key that signed the event (HMAC-SHA256, migration 0008); NULL: the plain SHA-256
    # of an event written before the database had a key (casework/store/chain_keys.py).
    key_id: str | None = Field(default=None, max_length=16)


class ClockRow(SQLModel, table=True):
    __tablename__ = "clocks"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_clocks_case_seq"),
        # The nightly sweep finds due clocks by status and due date, never by scanning cases.
        Index("ix_clocks_status_due", "status", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    seq: int  # order of creation within the case
    kind: str = Field(max_length=32)
    unit: str = Field(max_length=16)
    length: int
    started_on: date
    extension_days: int = 0
    status: str = Field(max_length=16)
    due_on: date | None = None  # derived from the history; rebuilt by `clocks recompute`
    stopped_on: date | None = None


class ClockPauseRow(SQLModel, table=True):
    __tablename__ = "clock_pauses"
    __table_args__ = (UniqueConstraint("clock_id", "seq", name="uq_clock_pauses_clock_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    clock_id: int = Field(foreign_key="clocks.id", index=True)
    seq: int
    reason: str = Field(max_length=32)
    paused_on: date
    resumed_on: date | None = None
