"""Tables of the letters feature (migrations 0004, 0007)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class LetterRow(SQLModel, table=True):
    """One issued letter. The row is the letter: number, content (the HTML as rendered in the
    move's transaction), manifest data and render status commit with the move. Its files (HTML,
    PDF, DOCX, manifest) follow the row into the archive after the commit
    (casework/letters/materialize.py): ``pending`` until they are all written, then
    ``rendered`` with the hashes of what was written."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("unit", "year", "series", "seq", name="uq_letters_series_seq"),
        UniqueConstraint("number", name="uq_letters_number"),
        Index("ix_letters_render_status", "render_status"),
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
    # The files: which formats the letter is to have (fixed when issued), whether they are
    # written (pending / rendered), why the last attempt did not finish, and who is writing
    # them now (a materializer's claim: "host:pid:token" and when it was taken).
    formats: str = Field(max_length=40)  # "html,pdf,docx"
    render_status: str = Field(max_length=16)  # pending / rendered
    render_error: str | None = Field(default=None, max_length=400)
    render_attempts: int = 0
    rendered_at: datetime | None = None
    render_claim: str | None = Field(default=None, max_length=120)
    render_claimed_at: datetime | None = None


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
