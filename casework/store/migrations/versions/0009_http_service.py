"""http service: the API keys of the calling systems (stored hashed, bound to a person of the
directory) and the installation's secrets, among them the key that derives the status codes
printed on registration receipts (a random value made here, never shown)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 18:00:00
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString
_utc = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefix", _str(length=16), nullable=False),
        sa.Column("secret_hash", _str(length=64), nullable=False),
        sa.Column("person_code", _str(length=50), nullable=False),
        sa.Column("label", _str(length=100), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("created_by", _str(length=50), nullable=False),
        sa.Column("revoked_at", _utc(), nullable=True),
        sa.Column("revoked_by", _str(length=50), nullable=True),
        sa.Column("last_used_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(["person_code"], ["people.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("prefix"),
    )
    op.create_index("ix_api_keys_person_code", "api_keys", ["person_code"], unique=False)
    secrets_table = op.create_table(
        "service_secrets",
        sa.Column("name", _str(length=32), nullable=False),
        sa.Column("value", _str(length=128), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(
        secrets_table,
        [
            {
                "name": "status_code",
                "value": secrets.token_hex(32),
                "created_at": datetime.now(UTC),
            }
        ],
    )


def downgrade() -> None:
    op.drop_table("service_secrets")
    op.drop_index("ix_api_keys_person_code", table_name="api_keys")
    op.drop_table("api_keys")
