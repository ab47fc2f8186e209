"""calendar: registered holiday notices, the calendar basis of stored due dates, and outbox
notices that belong to no escalation

Revision ID: 0005
Revises: 0003, 0004
Create Date: 2026-12-05 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = ("0003", "0004")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString
_utc = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "calendar_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", _str(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("rest_days", sa.JSON(), nullable=False),
        sa.Column("makeup_workdays", sa.JSON(), nullable=False),
        sa.Column("digest", _str(length=64), nullable=False),
        sa.Column("registered_at", _utc(), nullable=False),
        sa.Column("registered_by", _str(length=50), nullable=False),
        sa.Column("registered_role", _str(length=32), nullable=False),
        sa.Column("replaced_at", _utc(), nullable=True),
        sa.Column("replaced_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["replaced_by"], ["calendar_notices.id"], name="fk_calendar_notices_replaced_by"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_calendar_notices_year", "calendar_notices", ["year"], unique=False)
    op.create_index(
        "uq_calendar_notices_year_in_force",
        "calendar_notices",
        ["year"],
        unique=True,
        sqlite_where=sa.text("replaced_at IS NULL"),
        postgresql_where=sa.text("replaced_at IS NULL"),
    )
    op.create_table(
        "calendar_basis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("escalation_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("notice_key", _str(length=120), nullable=True))
        batch_op.create_unique_constraint(
            "uq_outbox_notice_key_recipient", ["notice_key", "recipient"]
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outbox_notice_key_recipient", type_="unique")
        batch_op.drop_column("notice_key")
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("escalation_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("calendar_basis")
    op.drop_index("uq_calendar_notices_year_in_force", table_name="calendar_notices")
    op.drop_index("ix_calendar_notices_year", table_name="calendar_notices")
    op.drop_table("calendar_notices")
