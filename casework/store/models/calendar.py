"""Tables of the working-day calendar (migration 0005): registered notices and the basis the
stored due dates were computed on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel


class CalendarNoticeRow(SQLModel, table=True):
    """A State Council holiday notice registered by the office (``calendar notice add``).

    Rows are never deleted: a replaced notice keeps its row with ``replaced_at`` and
    ``replaced_by``, so the register is its own audit trail. At most one row per year is in
    force (``replaced_at`` is null), enforced by a partial unique index.
    """

    __tablename__ = "calendar_notices"
    __table_args__ = (
        Index(
            "uq_calendar_notices_year_in_force",
            "year",
            unique=True,
            sqlite_where=text("replaced_at IS NULL"),
            postgresql_where=text("replaced_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    number: str = Field(max_length=100)  # 文号, e.g. 国办发明电〔2026〕N号
    issued_on: date
    # [[date, holiday name], ...] and [date, ...], ISO dates.
    rest_days: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    makeup_workdays: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    digest: str = Field(max_length=64)  # of the days, to tell a repeat from a replacement
    registered_at: datetime
    registered_by: str = Field(max_length=50)
    registered_role: str = Field(max_length=32)
    replaced_at: datetime | None = None
    replaced_by: int | None = Field(default=None, foreign_key="calendar_notices.id")


class CalendarBasisRow(SQLModel, table=True):
    """The calendar the stored due dates were last recomputed on: one row, ``id`` 1.

    ``years`` maps each known year to the digest of its schedule; a sweep that finds the
    calendar in force different recomputes the clocks that counted over the changed years.
    """

    __tablename__ = "calendar_basis"

    id: int = Field(primary_key=True)
    years: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime
