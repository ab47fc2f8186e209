"""events: the id of the chain key that signed each event (HMAC-SHA256 with a key kept outside
the database, casework/store/chain_keys.py). Events written before this revision keep NULL: their
hash stays the plain SHA-256 of the chain, which ``verify`` still checks (and the first
checkpoint pins)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("key_id")
