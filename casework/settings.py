"""The settings loader: the one module that reads the process environment.

Everything else receives settings objects: ``Settings`` (database, rule files, templates,
letter outputs, the acting user) is built here from the environment and the command line's
options; the notification and scheduler settings parse the mapping ``environment()`` returns
(``NotifySettings.from_env(environment())``), so that tests and embedding code pass their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from casework.resources import bundled_dir

TIMEZONE = ZoneInfo("Asia/Shanghai")
DEFAULT_DATABASE_URL = "sqlite:///casework.db"
USER_VARIABLE = "CASEWORK_USER"
FORMATS_VARIABLE = "CASEWORK_LETTER_FORMATS"
LETTERS_DIR_VARIABLE = "CASEWORK_LETTERS_DIR"
CHAIN_KEY_VARIABLE = "CASEWORK_CHAIN_KEY_FILE"


def environment() -> Mapping[str, str]:
    """The process environment (read here only)."""
    return os.environ


@dataclass(frozen=True)
class Settings:
    """Where the database, the rule files, the templates and the letter archive are, which
    letter formats are produced, and who is acting (the CLI's login).

    ``Settings()`` is the shipped defaults; ``Settings.from_env()`` reads the environment."""

    database_url: str = DEFAULT_DATABASE_URL
    states_dir: Path = field(default_factory=lambda: bundled_dir("states"))
    templates_dir: Path = field(default_factory=lambda: bundled_dir("templates"))
    # None: states/letters.toml decides ([output] formats, [archive] root).
    letter_formats: tuple[str, ...] | None = None
    letters_dir: Path | None = None
    user: str | None = None
    # The key file of the event chain (HMAC keys, kept outside the database). None: ``<name>.key``
    # beside a SQLite file ``<name>.db``, else ``casework-chain.key`` in the working directory
    # (casework/store/chain_keys.py).
    chain_key_file: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """The settings of the environment (``CASEWORK_*``); ``overrides`` that are not None
        win (a command line option, the demo's formats)."""
        env = environment() if env is None else env
        formats = env.get(FORMATS_VARIABLE)
        letters_dir = env.get(LETTERS_DIR_VARIABLE)
        chain_key_file = env.get(CHAIN_KEY_VARIABLE)
        found = cls(
            database_url=env.get("CASEWORK_DATABASE_URL") or DEFAULT_DATABASE_URL,
            states_dir=_folder(env, "CASEWORK_STATES_DIR", "states"),
            templates_dir=_folder(env, "CASEWORK_TEMPLATES_DIR", "templates"),
            letter_formats=(
                tuple(f.strip() for f in formats.split(",") if f.strip()) if formats else None
            ),
            letters_dir=Path(letters_dir) if letters_dir else None,
            user=env.get(USER_VARIABLE) or None,
            chain_key_file=Path(chain_key_file) if chain_key_file else None,
        )
        return replace(found, **{k: v for k, v in overrides.items() if v is not None})


def _folder(env: Mapping[str, str], variable: str, default: str) -> Path:
    value = env.get(variable)
    return Path(value) if value else bundled_dir(default)
