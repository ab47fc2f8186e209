"""Issuing the letter a move requires, inside the move's transaction.

``install`` appends a hook to ``engine.hooks``; for a move whose flow definition names a letter
(``letter = "reply"``) the hook, on the move's own connection and before it commits:

1. resolves the concrete kind (reply letter by outcome family, consultation letter by party)
   and refuses a reply that the law requires reasons for when none were given;
2. checks that the archive root is writable;
3. takes the next document number of the issuing unit's series for the year;
4. renders the HTML (a template error raises, so the move fails whole and the number returns
   to the sequence with the rollback);
5. inserts the letter row: number, HTML, manifest data, the formats it is to have, and the
   render status ``pending``. That is all the move's transaction holds the write lock for.

The files (HTML, PDF, DOCX, manifest) are written after the COMMIT by the materializer
(materialize.py): in this process right after the move (``uow.after_commit``, unless
``LetterService.render_after_commit`` is off, as in the demo, which renders its letters in a
pool at the end), else by the next ``casework letters render`` or the scheduler.

``letter = "$kind"`` (a manual issue move) takes the kind from the move's ``kind`` input and the
facts from the latest move of the case that issues that kind.
"""

from __future__ import annotations

import functools
import logging
import weakref
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select

from casework.domain.case import CaseSnapshot
from casework.errors import InvalidInput
from casework.letters import archive, archive_verify, context, kinds, numbering
from casework.letters.config import LetterSettings, load_letter_settings
from casework.letters.materialize import Materializer, claim_token
from casework.letters.rendering import Rendered, Renderer, template_name
from casework.status_codes import status_code
from casework.store.repository import load_case
from casework.store.tables import EVENTS, LETTERS
from casework.workflow.definition import MoveDef

if TYPE_CHECKING:
    from pathlib import Path

    from casework.domain.roles import Actor
    from casework.engine import Engine, MoveRecord
    from casework.store.unit_of_work import UnitOfWork
    from casework.views import Discrepancy

log = logging.getLogger("casework.letters")
_SERVICES: weakref.WeakKeyDictionary[Engine, LetterService] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Request:
    """A letter asked for: of key ``key`` on a case, restating ``move`` with ``params`` (by
    hand: ``move`` None, the facts come from the case's latest move that issues the kind)."""

    case_id: int
    snap: CaseSnapshot
    key: str
    move: MoveDef | None = None
    params: dict[str, Any] = field(default_factory=dict)


def _latest_event(conn: Connection, case_id: int, moves: set[str]) -> Any:
    """The case's latest event among these moves (its move and payload), or None."""
    return conn.execute(
        select(EVENTS.c.move, EVENTS.c.payload)
        .where(EVENTS.c.case_id == case_id, EVENTS.c.move.in_(sorted(moves)))
        .order_by(EVENTS.c.seq.desc())
        .limit(1)
    ).first()


class LetterService:
    """Letters of one engine: settings, templates and archive are read once, when first needed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Write a letter's files right after its move commits, in the moving process; off: the
        # letters stay pending for a batch (the demo renders them in a pool at the end).
        self.render_after_commit = True

    @cached_property
    def settings(self) -> LetterSettings:
        own = self.engine.settings
        settings = load_letter_settings(
            own.states_dir, formats=own.letter_formats, archive_root=own.letters_dir
        )
        numbering.validate(settings)
        return settings

    @cached_property
    def renderer(self) -> Renderer:
        return Renderer(self.engine.settings.templates_dir)

    @cached_property
    def root(self) -> Path:
        return archive.archive_root(self.settings, self.engine.db)

    # ------------------------------------------------------------ choosing

    def _move_def(self, flow: str, name: str) -> MoveDef | None:
        variants = self.engine.workflow.flows[flow].flow.variants(name)
        return variants[0] if variants else None

    def _source(
        self, conn: Connection, case_id: int, snap: CaseSnapshot, key: str
    ) -> tuple[MoveDef | None, dict[str, Any]]:
        """The move (and its recorded inputs) whose facts a hand-issued letter restates."""
        if key in kinds.KINDS and "move" not in kinds.KINDS[key].roots:
            return None, {}
        flow = self.engine.workflow.flows[snap.flow].flow
        names = {
            m.name
            for m in flow.moves
            if m.letter is not None and (m.letter == key or key in kinds.kinds_of_key(m.letter))
        }
        if not names:
            raise InvalidInput(
                f"{snap.flow} 流程中没有出具 {key} 的环节", field="kind", case=case_id, rule="kinds"
            )
        row = _latest_event(conn, case_id, names)
        if row is None:
            raise InvalidInput(
                f"案件 {case_id} 尚未办理出具该文书的环节（{'、'.join(sorted(names))}）",
                field="kind",
                case=case_id,
                rule="a letter restates a move of the case",
            )
        return self._move_def(snap.flow, row.move), dict(row.payload)

    def _default_key(self, conn: Connection, case_id: int, snap: CaseSnapshot) -> str:
        """For a draft without a kind: the proceeding's letter, or the latest move's letter."""
        for kind in kinds.KINDS.values():
            if kind.flow == snap.flow and snap.flow != "application":
                return kind.code
        flow = self.engine.workflow.flows[snap.flow].flow
        lettered = {m.name for m in flow.moves if m.letter and m.letter[0] != "$"}
        row = _latest_event(conn, case_id, lettered)
        if row is None:
            raise InvalidInput(
                f"案件 {case_id} 还没有需要出具文书的环节，请用 --kind 指定文书种类",
                field="kind",
                case=case_id,
                rule="letter kinds",
            )
        return str(self._move_def(snap.flow, row.move).letter)  # type: ignore[union-attr]  # row.move is one of the flow's lettered moves

    def _require_text(
        self, kind: kinds.LetterKind, snap: CaseSnapshot, params: dict[str, Any]
    ) -> None:
        outcome = snap.fields.get("outcome")
        if kind.series != "reply" or outcome not in kinds.REQUIRED_TEXT:
            return
        field, rule = kinds.REQUIRED_TEXT[outcome]
        if not params.get(field):
            raise InvalidInput(
                f"答复结果为 {outcome} 时必须填写 {field}（{rule}），否则答复书不合法",
                field=field,
                rule=rule,
            )

    def _issuer_unit(self, conn: Connection, kind: kinds.LetterKind, snap: CaseSnapshot) -> str:
        if kind.issuer == "parent_unit" and snap.parent_id is not None:
            unit = load_case(conn, snap.parent_id).snapshot.unit
        elif kind.issuer == "case_unit":
            unit = snap.unit
        else:
            unit = None
        return unit or self.settings.office_unit

    def _facts(
        self,
        conn: Connection,
        subject: tuple[kinds.LetterKind, int, CaseSnapshot, date, str, str],
        move: MoveDef | None,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        """The template context; ``subject`` is (kind, case id, snapshot, date, number, unit)."""
        kind, case_id, snap, on, number, unit = subject
        s = self.settings
        about = context.Subject(
            kind,
            case_id,
            snap,
            on,
            number,
            s.issuer(unit),
            s,
            self.engine.workflow,
            draft=number == context.DRAFT_NUMBER,
        )
        if kind.flow == "application":
            facts = context.application_context(about, move, params)
            if kind.code == "receipt":  # the applicant's code for GET /status (docs/http.md)
                facts["case"]["status_code"] = status_code(conn, case_id)
            return facts
        return context.proceeding_context(conn, about)

    def _prepare(
        self, conn: Connection, r: Request
    ) -> tuple[kinds.LetterKind, MoveDef | None, dict[str, Any]]:
        chooser = kinds.check_key(r.key)
        move, params = r.move, r.params
        if move is None:  # by hand: restate the move that issues this kind
            move, params = self._source(conn, r.case_id, r.snap, r.key)
            if move is not None and move.letter in kinds.CHOOSING_KEYS:
                chooser = move.letter  # reply_disclosed asked: is it this case's reply letter?
        kind = kinds.resolve(chooser, params, r.snap.fields)
        if r.key in kinds.KINDS and kind.code != r.key:
            raise InvalidInput(
                f"案件 {r.case_id} 对应的文书是 {kind.code}，不是 {r.key}",
                field="kind",
                case=r.case_id,
            )
        if kind.flow != r.snap.flow:
            raise InvalidInput(
                f"{kind.title} 不属于 {r.snap.flow} 案件",
                field="kind",
                case=r.case_id,
                rule="kinds",
            )
        self._require_text(kind, r.snap, params)
        return kind, move, params

    # ------------------------------------------------------------ issuing

    def on_move(self, record: MoveRecord) -> None:
        """The move hook: issue the letter the move names, if any."""
        key = record.prepared.letter
        if key is None:
            return
        request = Request(
            record.case_id, record.after, key, record.prepared.move, record.prepared.params
        )
        if key.startswith("$"):  # by hand: the kind is an input of the move
            request = Request(
                record.case_id, record.after, str(record.prepared.params.get(key[1:]) or "")
            )
        event_seq = record.uow.conn.scalar(
            select(func.max(EVENTS.c.seq)).where(EVENTS.c.case_id == record.case_id)
        )
        event = (int(event_seq), record.prepared.move.name)
        self.issue(record.uow, request, record.prepared.on, record.actor, record.now, event)

    def issue(
        self,
        uow: UnitOfWork,
        request: Request,
        on: date,
        actor: Actor,
        now: datetime,
        event: tuple[int, str],
    ) -> int:
        """Number, render (HTML) and record one letter on the caller's transaction; its files
        are written once the transaction has committed."""
        conn = uow.conn
        kind, move, params = self._prepare(conn, request)
        case_id, snap = request.case_id, request.snap
        unit = self._issuer_unit(conn, kind, snap)
        archive.check_writable(self.root)
        issuer = self.settings.issuer(unit)
        seq = numbering.allocate(conn, unit, on.year, kind.series)
        number = numbering.format_number(
            issuer.number_format, issuer.code, self.settings.series[kind.series], on.year, seq
        )
        facts = self._facts(conn, (kind, case_id, snap, on, number, unit), move, params)
        rendered = self.renderer.render(template_name(kind.code), kind.roots, facts)
        row: dict[str, Any] = {
            "case_id": case_id,
            "event_seq": event[0],
            "move": event[1],
            "kind": kind.code,
            "series": kind.series,
            "unit": unit,
            "year": on.year,
            "seq": seq,
            "number": number,
            "template": rendered.template,
            "template_hash": rendered.template_hash,
            "content_hash": archive.sha256(rendered.html.encode()),
            "html": rendered.html,
            "directory": f"{on.year}/{case_id}",
            "stem": f"{kind.code}-{unit}-{seq}",
            "issued_on": on,
            "issued_at": now,
            "issued_by": actor.name,
            "issued_by_role": actor.role,
            "issued_by_unit": actor.unit,
            "formats": ",".join(self.settings.formats),
            "render_status": archive.PENDING,
            "render_attempts": 0,
        }
        claim = None
        if self.render_after_commit:  # born claimed by this process: rendered right after
            claim = claim_token()
            row |= {"render_claim": claim, "render_claimed_at": datetime.now(UTC)}
        letter_id = int(conn.execute(insert(LETTERS).returning(LETTERS.c.id), row).scalar_one())
        if claim is not None:
            uow.after_commit(functools.partial(self.render_now, letter_id, claim))
        return letter_id

    def materializer(self, workers: int | None = None) -> Materializer:
        """The materializer of this engine's archive (``workers``: render processes for a
        batch; default one per CPU, 0 renders in this process)."""
        return Materializer(self.engine.db, self.root, workers=workers)

    def render_now(self, letter_id: int, claim: str | None = None) -> None:
        """Write one committed letter's files in this process (after its move's COMMIT; under
        the claim it was issued with, if any). Never raises: the move has committed, and a
        letter whose files could not be written stays pending with the reason, for ``casework
        letters render`` or the scheduler."""
        try:
            materializer = Materializer(self.engine.db, self.root, workers=0, token=claim)
            materializer.render([letter_id], claimed=claim is not None)
        except Exception:
            log.exception("文书 %s 的文件未能生成，留待 casework letters render 重试", letter_id)

    def verify_archive(self, engine: Engine) -> list[Discrepancy]:
        """Every archived letter checked against its manifest and the database (pending
        letters are not differences: ``archive_notes`` lists them)."""
        return archive_verify.verify(engine.db, self.root)

    def archive_notes(self) -> archive_verify.ArchiveNotes:
        """Letters whose files are still to be written, and temporary files in the archive."""
        return archive_verify.notes(self.engine.db, self.root)

    def draft(self, case_id: int, key: str | None, on: date) -> Rendered:
        """The letter as it would be issued now, unnumbered and marked as a draft."""
        with self.engine.db.connect() as conn:
            snap = load_case(conn, case_id).snapshot
            key = key or self._default_key(conn, case_id, snap)
            kind, move, params = self._prepare(conn, Request(case_id, snap, key))
            unit = self._issuer_unit(conn, kind, snap)
            subject = (kind, case_id, snap, on, context.DRAFT_NUMBER, unit)
            facts = self._facts(conn, subject, move, params)
        return self.renderer.render(template_name(kind.code), kind.roots, facts)


def service_of(engine: Engine) -> LetterService:
    """The letter service of an engine (created on first use)."""
    if engine not in _SERVICES:
        _SERVICES[engine] = LetterService(engine)
    return _SERVICES[engine]
