"""The clerk's CLI against a migrated database whose people are inserted directly.

The real people come from ``casework directory load``; here rows go straight into the
``people`` table with SQLAlchemy Core so the CLI tests do not depend on that command. The
fixtures that give a test a ``Cli`` are in tests/cli/conftest.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, func, insert, select
from typer.testing import CliRunner

from casework.cli.main import app
from casework.store.tables import EVENTS
from casework.store.tables import PEOPLE as PEOPLE_TABLE

PEOPLE = [
    # code, name, role, unit, active
    ("wangmin", "王敏", "service_centre", None, True),
    ("xiong", "熊值班", "duty_office", None, True),
    ("zonghe", "赵综合", "general_section", "zfb", True),
    ("lina", "李娜", "unit_clerk", "czj", True),
    ("zhou", "周科长", "unit_head", "czj", True),
    ("chenjing", "陈静", "unit_clerk", "jyj", True),
    ("liu", "法制办刘", "legal_office", None, True),
    ("sun", "审计孙", "auditor", None, True),
    ("gone", "离职者", "unit_clerk", "czj", False),
    ("caojunfeng", "操俊峰", "auditor", None, True),  # deputy of line1 in states/organisation.toml
]
ID_NUMBER = "420106199001011234"
PHONE = "13912345678"
APPLICANT = [
    "--applicant-name",
    "张三",
    "--applicant-kind",
    "natural_person",
    "--request",
    "2025年区财政局部门预算及“三公”经费预算",
    "--applicant-id-number",
    ID_NUMBER,
    "--applicant-phone",
    PHONE,
]


def window(on: str = "2026-03-02", unit: str = "czj") -> list[str]:
    """``casework register`` of 张三's application handed in at the window on ``on``."""
    return ["register", "--on", on, "--channel", "window", "--unit", unit, *APPLICANT]


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass(frozen=True)
class Cli:
    """Runs ``casework`` on the test database as a given person (CASEWORK_USER)."""

    url: str

    def __call__(self, user: str | None, *args: str) -> Result:
        result = CliRunner().invoke(app, [*args, "--db", self.url], env={"CASEWORK_USER": user})
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr, result.exception)

    def ok(self, user: str | None, *args: str) -> Result:
        result = self(user, *args)
        assert result.exit_code == 0, result.stderr or result.stdout
        return result

    def refused(self, user: str | None, *args: str) -> str:
        """The one line of a refusal (exit 2, nothing on stdout, no traceback)."""
        before = self.events()
        result = self(user, *args)
        assert result.exit_code == 2, result.stdout + result.stderr
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
        assert self.events() == before, "a refused command wrote events"
        return lines[0]

    def events(self) -> int:
        db = create_engine(self.url)
        try:
            with db.connect() as conn:
                return conn.scalar(select(func.count()).select_from(EVENTS)) or 0
        finally:
            db.dispose()

    def register(self, *extra: str, on: str = "2026-03-02", unit: str = "czj") -> int:
        """A window application for ``unit`` registered by the service centre; its case id."""
        return int(self.ok("wangmin", *window(on, unit), *extra, "--json").json["id"])


def with_people(url: str) -> Cli:
    """A migrated database at ``url`` holding PEOPLE, and the CLI on it."""
    import casework

    engine = casework.open(url, upgrade=True)
    with engine.db.begin() as conn:
        conn.execute(
            insert(PEOPLE_TABLE),
            [
                {"code": c, "name": n, "role": r, "unit_code": u, "active": a}
                for c, n, r, u, a in PEOPLE
            ],
        )
    engine.db.dispose()
    return Cli(url)


def clock(data: dict[str, Any], kind: str) -> dict[str, Any]:
    """The latest clock of a kind in a case's JSON."""
    return [c for c in data["clocks"] if c["kind"] == kind][-1]
