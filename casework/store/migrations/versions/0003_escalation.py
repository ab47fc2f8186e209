"""nightly escalation: escalations (unique per clock and level), outbox, sweep runs, directory
versions; contact columns on units and people

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString
_utc = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", _str(length=200), nullable=True))
        batch_op.add_column(sa.Column("phone", _str(length=64), nullable=True))
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", _str(length=100), nullable=True))
        batch_op.add_column(sa.Column("phone", _str(length=64), nullable=True))

    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clock_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", _str(length=32), nullable=False),
        sa.Column("level", _str(length=32), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("fire_on", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["clock_id"], ["clocks.id"], name="fk_escalations_clock_id"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_escalations_case_id"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("clock_id", "level", name="uq_escalations_clock_level"),
    )
    op.create_index("ix_escalations_case_id", "escalations", ["case_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("channel", _str(length=16), nullable=False),
        sa.Column("recipient", _str(length=64), nullable=False),
        sa.Column("recipient_name", _str(length=100), nullable=False),
        sa.Column("address", _str(length=200), nullable=False),
        sa.Column("subject", _str(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", _str(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _utc(), nullable=False),
        sa.Column("lease_until", _utc(), nullable=True),
        sa.Column("last_error", _str(length=500), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["escalation_id"], ["escalations.id"], name="fk_outbox_escalation_id"
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_outbox_case_id"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("escalation_id", "recipient", name="uq_outbox_escalation_recipient"),
    )
    op.create_index("ix_outbox_escalation_id", "outbox", ["escalation_id"], unique=False)
    op.create_index("ix_outbox_case_id", "outbox", ["case_id"], unique=False)
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "sweep_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_key", _str(length=64), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("started_by", _str(length=16), nullable=False),
        sa.Column("started_at", _utc(), nullable=False),
        sa.Column("finished_at", _utc(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_key", name="uq_sweep_runs_run_key"),
    )

    op.create_table(
        "directory_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", _str(length=64), nullable=False),
        sa.Column("source", _str(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("loaded_at", _utc(), nullable=False),
        sa.Column("loaded_by", _str(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("directory_versions")
    op.drop_table("sweep_runs")
    op.drop_index("ix_outbox_status_next", table_name="outbox")
    op.drop_index("ix_outbox_case_id", table_name="outbox")
    op.drop_index("ix_outbox_escalation_id", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_escalations_case_id", table_name="escalations")
    op.drop_table("escalations")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("phone")
        batch_op.drop_column("title")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("phone")
        batch_op.drop_column("email")
