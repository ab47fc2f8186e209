"""Settings read from the environment (and overridable by CLI options or the embedding code)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from casework.resources import bundled_dir

TIMEZONE = ZoneInfo("Asia/Shanghai")
DEFAULT_DATABASE_URL = "sqlite:///casework.db"


def _path_from_env(var: str, default: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else bundled_dir(default)


@dataclass(frozen=True)
class Settings:
    """Where the database, the rule files and the templates are."""

    database_url: str = field(
        default_factory=lambda: os.environ.get("CASEWORK_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    states_dir: Path = field(
        default_factory=lambda: _path_from_env("CASEWORK_STATES_DIR", "states")
    )
    templates_dir: Path = field(
        default_factory=lambda: _path_from_env("CASEWORK_TEMPLATES_DIR", "templates")
    )
