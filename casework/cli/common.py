"""Options and helpers shared by the commands."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from casework.engine import Engine

DbOption = typer.Option(
    None, "--db", help="数据库地址（默认取 CASEWORK_DATABASE_URL，否则 sqlite:///casework.db）。"
)
StatesDirOption = typer.Option(
    None, "--states-dir", help="规则目录（默认取 CASEWORK_STATES_DIR，否则随软件发布的 states/）。"
)
JsonOption = typer.Option(False, "--json", help="以 JSON 输出（供脚本使用）。")
PIPED_WIDTH = 10_000  # columns of output that is not a terminal: no value is ever cut


def db_url(value: str | None) -> str:
    """A bare file path is taken as a SQLite file, so clerks can write ``--db demo.db``."""
    from casework.settings import Settings

    if value is None:
        return Settings.from_env().database_url
    if "://" not in value:
        return f"sqlite:///{Path(value).resolve()}"
    return value


def login() -> str | None:
    """Who is at the keyboard: the person code of ``CASEWORK_USER``, if set."""
    from casework.settings import Settings

    return Settings.from_env().user


def states_dir(value: Path | None) -> Path:
    from casework.settings import Settings

    return value if value is not None else Settings.from_env().states_dir


def open_engine(db: str | None, states: Path | None = None) -> Engine:
    from casework.bootstrap import open_engine as _open

    return _open(db_url(db), states_dir=states_dir(states))


def clerk_console(*, stderr: bool = False, **options: Any) -> Console:
    """A rich console for what a clerk reads. On a terminal, tables and long lines fit its width;
    piped or redirected (``| cat``, ``> file``, a test's runner) rich would assume 80 columns and
    cut values (``硚财政依申登〔202…``), so every value is printed whole instead."""
    from rich.console import Console

    out = Console(stderr=stderr, **options)
    if out.is_terminal:
        return out
    return Console(stderr=stderr, width=PIPED_WIDTH, **options)


def office_now() -> datetime:
    """The wall clock, in the office's time zone (Asia/Shanghai)."""
    from casework.settings import TIMEZONE

    return datetime.now(TIMEZONE)


def print_json(data: Any) -> None:
    from casework.views import jsonable

    typer.echo(json.dumps(jsonable(data), ensure_ascii=False, indent=2))
