"""What the clerk's commands share: the engine, who is acting, and the options that say so."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Annotated

import typer

from casework.errors import InvalidInput

if TYPE_CHECKING:
    from casework.engine import Engine
    from casework.identity import Identity

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL

AsCode = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="CODE",
        help="代他人办理或查看（仅限管理员：综合科、政府信息公开工作机构负责人）：人员代码。",
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="DATE", help="按哪一天计算剩余工作日（YYYY-MM-DD，默认今天）。"
    ),
]


@dataclass(frozen=True)
class Session:
    engine: Engine
    identity: Identity


@contextmanager
def session(db: str | None, as_code: str | None) -> Iterator[Session]:
    """The engine on ``db`` and the identity of the command; the pool is closed afterwards."""
    from casework.cli.common import login, open_engine
    from casework.identity import resolve

    engine = open_engine(db)
    try:
        yield Session(engine, resolve(engine.db, login(), as_code))
    finally:
        engine.db.dispose()


def parse_number(raw: str | None, field: str, what: str, *, minimum: int = 1) -> int | None:
    """A whole number typed by a clerk (a case id, a version, a number of days)."""
    if raw is None:
        return None
    text = raw.strip()
    if not text.isdigit() or not minimum <= int(text) <= MAX_ID:
        raise InvalidInput(
            f"{field}：{what}应为不小于 {minimum} 的整数，收到 {raw!r}",
            field=field,
            rule="whole number",
        )
    return int(text)


def parse_case_id(raw: str) -> int:
    case_id = parse_number(raw, "case", "案件编号")
    assert case_id is not None
    return case_id


def as_of_now(as_of: str | None) -> datetime | None:
    """Noon of the ``--as-of`` day in Asia/Shanghai, or None for the real clock."""
    from casework.settings import TIMEZONE
    from casework.workflow.fields import parse_date

    if as_of is None:
        return None
    return datetime.combine(parse_date("as_of", as_of), time(12), TIMEZONE)
