"""Reading issued letters back: lists and one letter with its text, for the CLI and embedders."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from casework.boundary import check_actor
from casework.domain.masking import mask_text
from casework.domain.roles import Actor
from casework.engine.access import check_can_read, reading_scope
from casework.errors import NotFound
from casework.letters.archive import EXTENSIONS, MANIFEST, RENDERED, root_of
from casework.letters.kinds import KINDS
from casework.store.tables import CASES, LETTERS
from casework.views import jsonable_dict

if TYPE_CHECKING:
    from casework.engine import Engine


@dataclass(frozen=True)
class LetterView:
    id: int
    case_id: int
    case_unit: str | None
    kind: str
    title: str
    number: str
    unit: str  # issuing unit
    issued_on: date
    issued_at: datetime
    issued_by: str
    move: str
    template: str
    template_hash: str
    content_hash: str
    pdf_skipped: str | None
    files: dict[str, str | None]  # format -> path in the archive (None: not produced)
    render_status: str = RENDERED  # pending: files still to be written (casework letters render)
    render_error: str | None = None  # why the last attempt to write them failed

    def to_dict(self) -> dict[str, Any]:
        return jsonable_dict(asdict(self))


def _view(row: Any, root: Path) -> LetterView:
    folder = root / row.directory
    digests = {"html": row.content_hash, "pdf": row.pdf_hash, "docx": row.docx_hash}
    files: dict[str, str | None] = {
        fmt: str(folder / (row.stem + EXTENSIONS[fmt])) if digest else None
        for fmt, digest in digests.items()
    }
    if row.render_status != RENDERED:  # only what is already written
        files = {f: p if p and Path(p).is_file() else None for f, p in files.items()}
    files["manifest"] = str(folder / (row.stem + MANIFEST))
    return LetterView(
        id=row.id,
        case_id=row.case_id,
        case_unit=row.case_unit,
        kind=row.kind,
        title=KINDS[row.kind].title if row.kind in KINDS else row.kind,
        number=row.number,
        unit=row.unit,
        issued_on=row.issued_on,
        issued_at=row.issued_at,
        issued_by=row.issued_by,
        move=row.move,
        template=row.template,
        template_hash=row.template_hash,
        content_hash=row.content_hash,
        pdf_skipped=row.pdf_skipped,
        files=files,
        render_status=row.render_status,
        render_error=row.render_error,
    )


_SELECT = select(LETTERS, CASES.c.unit.label("case_unit")).join(
    CASES, CASES.c.id == LETTERS.c.case_id
)


def list_letters(
    engine: Engine,
    *,
    actor: Actor | None,
    case_id: int | None = None,
    case_unit: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[LetterView]:
    """Issued letters ``actor`` may see, oldest first; ``case_unit`` is the unit handling the
    case (a unit role sees its own unit's only)."""
    actor = check_actor(actor)
    case_unit = reading_scope(actor, case_unit, engine.workflow.units)
    query = _SELECT.order_by(LETTERS.c.id)
    if case_id is not None:
        query = query.where(LETTERS.c.case_id == case_id)
    if case_unit is not None:
        query = query.where(CASES.c.unit == case_unit)
    if year is not None:
        query = query.where(LETTERS.c.year == year)
    if kind is not None:
        query = query.where(LETTERS.c.kind.startswith(kind))
    if limit is not None:
        query = query.limit(limit)
    root = root_of(engine.settings, engine.db)
    with engine.db.connect() as conn:
        return [_view(r, root) for r in conn.execute(query)]


def count_letters(engine: Engine) -> int:
    """How many letters have been issued."""
    with engine.db.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(LETTERS)) or 0)


def get_letter(
    engine: Engine, letter_id: int, *, actor: Actor | None, reveal: str | None = None
) -> tuple[LetterView, str]:
    """One letter ``actor`` may see and its HTML as issued (from the database), identity and
    phone numbers in its text masked unless ``reveal`` gives the purpose of seeing them whole
    (recorded as a ``reveal`` move of the case, as ``engine.case`` does)."""
    actor = check_actor(actor)
    with engine.db.connect() as conn:
        row = conn.execute(_SELECT.where(LETTERS.c.id == letter_id)).first()
    if row is None:
        raise NotFound(f"文书 {letter_id} 不存在", field="letter", rule="issued letters")
    view = _view(row, root_of(engine.settings, engine.db))
    check_can_read(actor, view.case_unit, view.case_id)
    if reveal is None:
        return view, masked_html(row.html)
    engine.case(view.case_id, actor=actor, reveal=reveal)
    return view, row.html


def draft_letter(
    engine: Engine,
    case_id: int,
    key: str | None,
    on: date,
    *,
    actor: Actor | None,
    reveal: str | None = None,
) -> str:
    """The HTML of a letter as it would be issued now (unnumbered), for a reader of the case:
    masked like ``get_letter`` unless revealed (a recorded move)."""
    from casework.letters.issuing import service_of  # the letter machinery: drafts only

    engine.case(case_id, actor=actor, reveal=reveal)  # a unit role drafts its own unit's only
    html = service_of(engine).draft(case_id, key, on).html
    return html if reveal is not None else masked_html(html)


def masked_html(html: str) -> str:
    """The letter with identity and phone numbers in its text masked (casework/domain/masking)."""
    from lxml import html as lxml_html  # loaded by the commands that show a letter's text

    root = lxml_html.document_fromstring(html)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in ("style", "script"):
            element.text = mask_text(element.text)
        element.tail = mask_text(element.tail)
    return lxml_html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def plain_text(html: str) -> str:
    """The letter as lines of text (one per paragraph)."""
    from lxml import html as lxml_html

    from casework.letters.docx import blocks

    root = lxml_html.document_fromstring(html)
    lines = [" ".join(b.text_content().split()) for b in blocks(root)]
    return "\n".join(line for line in lines if line)
