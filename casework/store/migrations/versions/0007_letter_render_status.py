"""letters: render status. The database is the source of truth and files follow it: a letter's
row (number, HTML, manifest data) commits with its move as ``pending``; its files are written
after the commit and the row becomes ``rendered`` (casework/letters/materialize.py)

Letters issued before this revision had their files written before their COMMIT, so they are
``rendered`` when their files are there. When the archive root is known (``casework db upgrade``
and ``casework.open(upgrade=True)`` pass it) a letter whose files are missing is ``pending``:
the next ``casework letters render`` writes them again from the database.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 18:00:00
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString
_utc = sqlmodel.sql.sqltypes.UTCDateTime

EXTENSIONS = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}


def _letters_root() -> Path | None:
    config = op.get_context().config
    root = config.attributes.get("letters_root") if config is not None else None
    return Path(root) if root else None


def _status(row: Any, formats: list[str], root: Path | None) -> str:
    if root is None:
        return "rendered"
    folder = root / str(row.directory)
    names = [str(row.stem) + EXTENSIONS[f] for f in formats] + [str(row.stem) + ".json"]
    return "rendered" if all((folder / name).is_file() for name in names) else "pending"


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("formats", _str(length=40), nullable=True))
        batch_op.add_column(sa.Column("render_status", _str(length=16), nullable=True))
        batch_op.add_column(sa.Column("render_error", _str(length=400), nullable=True))
        batch_op.add_column(
            sa.Column("render_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("rendered_at", _utc(), nullable=True))
        batch_op.add_column(sa.Column("render_claim", _str(length=120), nullable=True))
        batch_op.add_column(sa.Column("render_claimed_at", _utc(), nullable=True))
    letters = sa.table(
        "letters",
        sa.column("id", sa.Integer()),
        sa.column("directory", sa.String()),
        sa.column("stem", sa.String()),
        sa.column("pdf_hash", sa.String()),
        sa.column("docx_hash", sa.String()),
        sa.column("issued_at", _utc()),
        sa.column("formats", sa.String()),
        sa.column("render_status", sa.String()),
        sa.column("rendered_at", _utc()),
    )
    conn = op.get_bind()
    root = _letters_root()
    rows = conn.execute(
        sa.select(
            letters.c.id,
            letters.c.directory,
            letters.c.stem,
            letters.c.pdf_hash,
            letters.c.docx_hash,
            letters.c.issued_at,
        ).order_by(letters.c.id)
    ).all()
    groups: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        formats = ["html"] + [f for f in ("pdf", "docx") if getattr(row, f"{f}_hash")]
        groups.setdefault((",".join(formats), _status(row, formats, root)), []).append(row.id)
    for (formats_text, status), ids in groups.items():
        for start in range(0, len(ids), 500):
            conn.execute(
                letters.update()
                .where(letters.c.id.in_(ids[start : start + 500]))
                .values(
                    formats=formats_text,
                    render_status=status,
                    rendered_at=letters.c.issued_at if status == "rendered" else None,
                )
            )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.alter_column("formats", existing_type=_str(length=40), nullable=False)
        batch_op.alter_column("render_status", existing_type=_str(length=16), nullable=False)
        batch_op.create_index("ix_letters_render_status", ["render_status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index("ix_letters_render_status")
        for column in (
            "render_claimed_at",
            "render_claim",
            "rendered_at",
            "render_attempts",
            "render_error",
            "render_status",
            "formats",
        ):
            batch_op.drop_column(column)
