"""letters: issued letters, their number sequences and the database's archive identity

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-28 18:00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString
_utc = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("move", _str(length=48), nullable=False),
        sa.Column("kind", _str(length=48), nullable=False),
        sa.Column("series", _str(length=48), nullable=False),
        sa.Column("unit", _str(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", _str(length=100), nullable=False),
        sa.Column("template", _str(length=200), nullable=False),
        sa.Column("template_hash", _str(length=64), nullable=False),
        sa.Column("content_hash", _str(length=64), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf_hash", _str(length=64), nullable=True),
        sa.Column("pdf_skipped", _str(length=400), nullable=True),
        sa.Column("docx_hash", _str(length=64), nullable=True),
        sa.Column("directory", _str(length=200), nullable=False),
        sa.Column("stem", _str(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", _utc(), nullable=False),
        sa.Column("issued_by", _str(length=50), nullable=False),
        sa.Column("issued_by_role", _str(length=32), nullable=False),
        sa.Column("issued_by_unit", _str(length=32), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_letters_case_id"),
        sa.ForeignKeyConstraint(["unit"], ["units.code"], name="fk_letters_unit"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit", "year", "series", "seq", name="uq_letters_series_seq"),
        sa.UniqueConstraint("number", name="uq_letters_number"),
    )
    op.create_index("ix_letters_case_id", "letters", ["case_id"], unique=False)
    op.create_table(
        "letter_sequences",
        sa.Column("unit", _str(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("series", _str(length=48), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit", "year", "series"),
    )
    archive = op.create_table(
        "letter_archive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("database_id", _str(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(archive, [{"id": 1, "database_id": str(uuid.uuid4())}])


def downgrade() -> None:
    op.drop_table("letter_archive")
    op.drop_table("letter_sequences")
    op.drop_index("ix_letters_case_id", table_name="letters")
    op.drop_table("letters")
