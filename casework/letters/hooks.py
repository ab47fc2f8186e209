"""What the letters feature adds to an engine when it opens (``casework/bootstrap.py``).

The move hook, the archive and checkpoint checks of ``verify`` and the checkpoint writer. Each
imports the letter machinery (templates, numbering, archive, PDF workers) on its first call, so
that a command that only reads does not pay for it at start-up (issue 16).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casework.engine import Engine
    from casework.engine.core import MoveRecord
    from casework.engine.integrity import CheckpointResult
    from casework.views import Discrepancy


def on_move(record: MoveRecord) -> None:
    """Issue the letter the move names, if it names one."""
    if record.prepared.letter is None:
        return
    from casework.letters.issuing import service_of

    service_of(record.engine).on_move(record)


def verify_archive(engine: Engine) -> list[Discrepancy]:
    """Every archived letter against its manifest and the database."""
    from casework.letters.issuing import service_of

    return service_of(engine).verify_archive(engine)


def verify_checkpoints(engine: Engine) -> list[Discrepancy]:
    """The database against its newest valid checkpoint."""
    from casework.letters import checkpoints

    return checkpoints.verify(engine)


def write_checkpoint(engine: Engine, now: datetime) -> CheckpointResult:
    """The checkpoint of ``now``'s day (``casework checkpoint``, the nightly job)."""
    from casework.letters import checkpoints

    return checkpoints.write(engine, now)


def install(engine: Engine) -> None:
    """Register the hook, the two checks and the checkpoint writer on ``engine``."""
    engine.hooks.append(on_move)
    engine.integrity_checks += [verify_archive, verify_checkpoints]
    engine.checkpoint_writer = write_checkpoint
