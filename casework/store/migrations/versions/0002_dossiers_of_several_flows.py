"""dossiers of several flows: reviews and lawsuits are rows of `cases` linked to their case

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 16:58:13
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("details", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.alter_column("channel", existing_type=sa.VARCHAR(length=32), nullable=True)
        batch_op.create_index(batch_op.f("ix_cases_flow"), ["flow"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key("fk_cases_parent_id_cases", "cases", ["parent_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("fk_cases_parent_id_cases", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cases_parent_id"))
        batch_op.drop_index(batch_op.f("ix_cases_flow"))
        batch_op.alter_column("channel", existing_type=sa.VARCHAR(length=32), nullable=False)
        batch_op.drop_column("details")
        batch_op.drop_column("parent_id")
