"""The engine: moves (``core``), reads (``queries``), verification (``integrity``)."""

from casework.engine.core import Engine, MoveHook, MoveRecord
from casework.engine.queries import APPLICATION
from casework.engine.wall_clock import WallClock

__all__ = ["APPLICATION", "Engine", "MoveHook", "MoveRecord", "WallClock"]
