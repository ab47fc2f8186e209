"""Tables of the letters feature (see casework/store/schema.py and migration 0004)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from casework.store.tables import table_of


class LetterRow(SQLModel, table=True):
    """One issued letter. Its files sit in the archive; the HTML is kept here as well so that
    ``casework verify`` can compare, and a lost archive file can be told apart from an edit."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("unit", "year", "series", "seq", name="uq_letters_series_seq"),
        UniqueConstraint("number", name="uq_letters_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    event_seq: int  # the case event (move) that issued it
    move: str = Field(max_length=48)
    kind: str = Field(max_length=48)
    series: str = Field(max_length=48)
    unit: str = Field(foreign_key="units.code", max_length=32)  # issuing unit
    year: int
    seq: int
    number: str = Field(max_length=100)
    template: str = Field(max_length=200)
    template_hash: str = Field(max_length=64)
    content_hash: str = Field(max_length=64)  # SHA-256 of the HTML
    html: str = Field(sa_column=Column(Text, nullable=False))
    pdf_hash: str | None = Field(default=None, max_length=64)
    pdf_skipped: str | None = Field(default=None, max_length=400)  # why there is no PDF
    docx_hash: str | None = Field(default=None, max_length=64)
    directory: str = Field(max_length=200)  # relative to the archive root: <year>/<case>
    stem: str = Field(max_length=100)  # file name without extension
    issued_on: date
    issued_at: datetime
    issued_by: str = Field(max_length=50)
    issued_by_role: str = Field(max_length=32)
    issued_by_unit: str | None = Field(default=None, max_length=32)


class LetterSequenceRow(SQLModel, table=True):
    """The last number given in one series of one unit in one year."""

    __tablename__ = "letter_sequences"

    unit: str = Field(primary_key=True, max_length=32)
    year: int = Field(primary_key=True)
    series: str = Field(primary_key=True, max_length=48)
    last: int


class LetterArchiveRow(SQLModel, table=True):
    """The database's identity, written into every manifest: an archive directory shared by
    mistake between two databases is told apart file by file."""

    __tablename__ = "letter_archive"

    id: int = Field(primary_key=True)
    database_id: str = Field(max_length=36)


LETTERS = table_of(LetterRow)
SEQUENCES = table_of(LetterSequenceRow)
ARCHIVE = table_of(LetterArchiveRow)
