"""Tables of the HTTP service (migration 0009): the API keys of the calling systems and the
secrets of this installation (the key that derives the applicants' status codes).

An API key is stored as the SHA-256 of its secret part only: the plain key is shown once, when
it is created (``casework apikey create``), and can never be read back.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class ApiKeyRow(SQLModel, table=True):
    """A calling system's key, bound to a person of the directory (whose role and unit it acts
    with). Rows are never deleted: a revoked key keeps its row, so events that name it stay
    explained."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    # The public part of the key (``cwk_<prefix>_<secret>``): finds the row without the secret.
    prefix: str = Field(max_length=16, unique=True)
    secret_hash: str = Field(max_length=64)  # SHA-256 (hex) of the secret part
    person_code: str = Field(foreign_key="people.code", max_length=50, index=True)
    label: str = Field(max_length=100)
    created_at: datetime
    created_by: str = Field(max_length=50)
    revoked_at: datetime | None = None
    revoked_by: str | None = Field(default=None, max_length=50)
    last_used_at: datetime | None = None


class ServiceSecretRow(SQLModel, table=True):
    """A secret of this installation, made by migration 0009 (random, never shown)."""

    __tablename__ = "service_secrets"

    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=128)
    created_at: datetime
