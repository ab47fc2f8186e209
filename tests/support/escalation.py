"""Escalation helpers: cases registered to be swept, sweeps on given nights, what the sweeps
recorded (escalations, outbox), and a directory with line1's deputy replaced."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from casework.escalation import sweep
from casework.resources import bundled_dir
from casework.store.tables import ESCALATIONS, OUTBOX
from tests.support.actors import APPLICANT, CENTRE, CLERK
from tests.support.dates import at


def register(engine: Any, on: str, unit: str | None = "czj", **extra: Any) -> int:
    inputs = {"channel": "window", "unit": unit, **APPLICANT, **extra}
    return engine.register(CENTRE, on=on, now=at(on), **inputs).id


def awaiting_correction(engine: Any) -> int:
    """A case received 3/2 whose applicant was asked on 3/3 to correct within 5 working days
    (period due 3/10: it lapses on the first sweep after that)."""
    case = register(engine, "2026-03-02")
    engine.move(
        case,
        "request_correction",
        CLERK,
        on="2026-03-03",
        now=at("2026-03-03"),
        items=["x"],
        days=5,
    )
    return case


def run(engine: Any, day: str, **options: Any) -> Any:
    return sweep(engine, date.fromisoformat(day), now=at(day, 1), **options)


def every_level_night(engine: Any) -> None:
    """Sweep on each night a level of a reply clock due 3/30 is reached (3/25, 3/30, 3/31), so
    that each level is notified (a single sweep on 3/31 notifies the breach only)."""
    for day in ("2026-03-25", "2026-03-30", "2026-03-31"):
        run(engine, day)


def levels(engine: Any, case_id: int | None = None) -> list[tuple[int, str, str, date]]:
    """(case, kind, level, as_of of the sweep that recorded it), in order."""
    query = select(
        ESCALATIONS.c.case_id, ESCALATIONS.c.kind, ESCALATIONS.c.level, ESCALATIONS.c.as_of
    )
    if case_id is not None:
        query = query.where(ESCALATIONS.c.case_id == case_id)
    with engine.db.connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(ESCALATIONS.c.id))]  # type: ignore[misc]


def outbox(engine: Any) -> list[Any]:
    with engine.db.connect() as conn:
        return conn.execute(select(OUTBOX).order_by(OUTBOX.c.id)).all()


def outbox_count(engine: Any) -> int:
    with engine.db.connect() as conn:
        return conn.scalar(select(func.count()).select_from(OUTBOX)) or 0


def replaced_deputy(tmp_path: Path) -> Path:
    """The default directory with 操俊峰 (line1's deputy) replaced by 王丽 (code wangli)."""
    text = (bundled_dir("states") / "organisation.toml").read_text(encoding="utf-8")
    new = text.replace('deputy = "caojunfeng"', 'deputy = "wangli"') + (
        '\n[[people]]\ncode = "wangli"\nname = "王丽"\nrole = "line_deputy"\n'
        'title = "区政府办副主任（战线副主任）"\nunit = "zfb"\n'
        'email = "wangli@qiaokou.gov.example"\n'
    )
    new = new.replace(
        '[[people]]\ncode = "caojunfeng"\nname = "操俊峰"\nrole = "line_deputy"\n'
        'title = "区政府办副主任（战线副主任）"\nunit = "zfb"\n'
        'email = "caojunfeng@qiaokou.gov.example"\n',
        "",
    )
    path = tmp_path / "org.toml"
    path.write_text(new, encoding="utf-8")
    return path
