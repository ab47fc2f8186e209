"""The materializer: the files of committed letters, written after the commit, by any process.

A lettered move commits its letter's row as ``pending`` (casework/letters/issuing.py): number,
HTML, manifest data, the formats it is to have. ``Materializer.render`` then, outside any move's
transaction:

1. claims pending letters in one short transaction (``render_claim``: this process; a claim of
   a process that died, or older than ``CLAIM_SECONDS``, is taken over), so two materializers
   never write one letter at once;
2. renders PDF and DOCX from the committed HTML: in this process for a few letters, in a pool of
   worker processes for a batch (casework/letters/render_workers.py);
3. writes the files atomically (archive.write_files), the manifest last;
4. records the outcome in one short transaction per batch: ``rendered`` with the hashes of the
   files written, or still ``pending`` with the reason (``render_error``) and one more attempt.

Running it again is harmless: a rendered letter is never touched, a pending one is rendered
again from the database. It runs right after a move in the process that made it (the engine's
``uow.after_commit``), as ``casework letters render``, and in the scheduler; a crash between a
COMMIT and the files leaves the letter pending for the next of them.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import bindparam, select, update

from casework.letters import archive
from casework.letters.render_workers import Job, Output, RenderPool, outputs, render_pool, why
from casework.store.tables import LETTERS
from casework.store.unit_of_work import unit_of_work

log = logging.getLogger("casework.letters")

CLAIM_SECONDS = 600  # a claim older than this is taken over (its process is hung or gone)
BATCH = 64  # letters claimed, rendered and recorded together
POOL_FROM = 6  # fewer pending letters than this are rendered in this process

Progress = Callable[[int, int], None]  # (letters done, letters to do)


@dataclass
class RenderSummary:
    """What one run of the materializer did."""

    rendered: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # letter id → why it is still pending
    busy: list[int] = field(default_factory=list)  # claimed by another live process
    temp_removed: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0  # 0: rendered in this process

    def to_dict(self) -> dict[str, Any]:
        return {
            "rendered": len(self.rendered),
            "failed": {str(k): v for k, v in self.failed.items()},
            "busy": self.busy,
            "temp_removed": [str(p) for p in self.temp_removed],
            "seconds": round(self.seconds, 3),
            "workers": self.workers,
        }


def _now() -> datetime:
    return datetime.now(UTC)


def claim_token() -> str:
    """A new claim: this machine, this process, and a random part (one per run or letter)."""
    return f"{archive.host_tag()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Materializer:
    """Writes the files of pending letters of one database into its archive.

    ``token`` is the claim it writes under (default: a new one); a letter issued in this
    process for rendering right after its move is committed already claimed (issuing.py), and
    ``render(..., claimed=True)`` then renders it under that claim without taking it again."""

    def __init__(
        self, db: DbEngine, root: Path, *, workers: int | None = None, token: str | None = None
    ) -> None:
        self.db = db
        self.root = root
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.token = token or claim_token()

    # ------------------------------------------------------------ claims

    def _stale(self, claim: str, claimed_at: datetime | None, now: datetime) -> bool:
        host, _, rest = claim.partition(":")
        pid = rest.partition(":")[0]
        if host == archive.host_tag() and pid.isdigit() and not archive.process_alive(int(pid)):
            return True
        if claimed_at is not None and claimed_at.tzinfo is None:
            claimed_at = claimed_at.replace(tzinfo=UTC)
        return claimed_at is None or now - claimed_at > timedelta(seconds=CLAIM_SECONDS)

    def _claimed(self, ids: Sequence[int]) -> list[int]:
        """The pending letters among ``ids`` that are claimed under this materializer's token."""
        with self.db.connect() as conn:
            return sorted(
                conn.scalars(
                    select(LETTERS.c.id).where(
                        LETTERS.c.id.in_(ids),
                        LETTERS.c.render_status == archive.PENDING,
                        LETTERS.c.render_claim == self.token,
                    )
                )
            )

    def _claim(self, ids: Sequence[int], summary: RenderSummary) -> list[int]:
        """Claim the pending letters among ``ids`` that no live process is writing."""
        now = _now()
        with unit_of_work(self.db) as uow:
            query = select(LETTERS.c.id, LETTERS.c.render_claim, LETTERS.c.render_claimed_at).where(
                LETTERS.c.id.in_(ids), LETTERS.c.render_status == archive.PENDING
            )
            if self.db.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            free: list[int] = []
            for row in uow.conn.execute(query):
                if row.render_claim is None or self._stale(
                    row.render_claim, row.render_claimed_at, now
                ):
                    free.append(row.id)
                else:
                    summary.busy.append(row.id)
            if free:
                uow.conn.execute(
                    update(LETTERS)
                    .where(LETTERS.c.id.in_(free))
                    .values(render_claim=self.token, render_claimed_at=now)
                )
        return sorted(free)

    def _release(self) -> None:
        with unit_of_work(self.db) as uow:
            uow.conn.execute(
                update(LETTERS)
                .where(LETTERS.c.render_claim == self.token)
                .values(render_claim=None, render_claimed_at=None)
            )

    # ------------------------------------------------------------ writing

    def _write(self, row: Any, out: Output, db_id: str) -> dict[str, Any]:
        """Write one letter's files (the manifest last); the values to record for it."""
        error = out.error
        files: list[tuple[str, bytes]] = [(row.stem + ".html", row.html.encode())]
        digests: dict[str, str | None] = {"html": row.content_hash, "pdf": None, "docx": None}
        for fmt, data in (("pdf", out.pdf), ("docx", out.docx)):
            if data is not None:
                files.append((row.stem + archive.EXTENSIONS[fmt], data))
                digests[fmt] = archive.sha256(data)
        values = {**row._mapping, "pdf_skipped": out.pdf_skipped}
        files.append((row.stem + archive.MANIFEST, archive.manifest(values, db_id, digests)))
        try:
            archive.write_files(self.root / row.directory, files)
        except OSError as err:
            error = why(f"无法写入归档目录 {self.root / row.directory}", err)
            digests = {"html": row.content_hash, "pdf": None, "docx": None}
        return {
            "b_id": row.id,
            "pdf_hash": digests["pdf"],
            "docx_hash": digests["docx"],
            "pdf_skipped": out.pdf_skipped,
            "render_status": archive.PENDING if error else archive.RENDERED,
            "render_error": error,
            "rendered_at": None if error else _now(),
        }

    def _record(self, results: list[dict[str, Any]]) -> None:
        if not results:
            return
        statement = (
            update(LETTERS)
            .where(LETTERS.c.id == bindparam("b_id"), LETTERS.c.render_claim == self.token)
            .values(
                pdf_hash=bindparam("pdf_hash"),
                docx_hash=bindparam("docx_hash"),
                pdf_skipped=bindparam("pdf_skipped"),
                render_status=bindparam("render_status"),
                render_error=bindparam("render_error"),
                rendered_at=bindparam("rendered_at"),
                render_attempts=LETTERS.c.render_attempts + 1,
                render_claim=None,
                render_claimed_at=None,
            )
        )
        with unit_of_work(self.db) as uow:
            uow.conn.execute(statement, results)

    # ------------------------------------------------------------ running

    def _candidates(self, ids: Sequence[int] | None) -> list[int]:
        query = select(LETTERS.c.id).where(LETTERS.c.render_status == archive.PENDING)
        if ids is not None:
            query = query.where(LETTERS.c.id.in_(list(ids)))
        with self.db.connect() as conn:
            return list(conn.scalars(query.order_by(LETTERS.c.id)))

    def _formats_needed(self, ids: list[int]) -> set[str]:
        with self.db.connect() as conn:
            rows = conn.scalars(
                select(LETTERS.c.formats).where(LETTERS.c.id.in_(ids)).distinct()
            ).all()
        return {f for text in rows for f in text.split(",")}

    def render(
        self,
        ids: Sequence[int] | None = None,
        *,
        progress: Progress | None = None,
        claimed: bool = False,
        pool: RenderPool | None = None,
    ) -> RenderSummary:
        """Write the files of the pending letters (all of them, or those of ``ids``): one run of
        the materializer. A run over all letters first removes the temporary files of writers
        that are gone. ``claimed``: the letters are claimed under this token already. ``pool``:
        render in this pool (``render_pool``, kept by a caller that runs the materializer
        again and again) instead of starting one for the run."""
        started = time.perf_counter()
        summary = RenderSummary()
        if ids is None:
            summary.temp_removed = archive.remove_stale_temp_files(self.root)
        # Letters claimed already (right after their move) are filtered when they are loaded.
        todo = list(ids) if claimed and ids is not None else self._candidates(ids)
        if not todo:
            summary.seconds = time.perf_counter() - started
            return summary
        with self.db.connect() as conn:
            db_id = archive.database_id(conn)
        needs = set() if self.workers < 2 else self._formats_needed(todo)
        heavy = bool(needs & {"pdf", "docx"})
        workers = min(self.workers, len(todo)) if heavy and len(todo) >= POOL_FROM else 0
        done = 0
        if progress is not None:
            progress(0, len(todo))
        try:
            with ExitStack() as stack:
                if pool is None and workers > 1:
                    pool = stack.enter_context(render_pool(workers, "pdf" in needs))
                summary.workers = pool.workers if pool is not None else 0
                for batch in _chunks(todo, BATCH):
                    done = self._batch(
                        batch, summary, (db_id, claimed), pool, progress, done, len(todo)
                    )
        except BaseException:
            self._release()  # letters claimed but not recorded are free again at once
            raise
        summary.seconds = time.perf_counter() - started
        return summary

    def _batch(
        self,
        batch: list[int],
        summary: RenderSummary,
        run: tuple[str, bool],  # the database's id; the letters are claimed already
        pool: RenderPool | None,
        progress: Progress | None,
        done: int,
        total: int,
    ) -> int:
        db_id, preclaimed = run
        claimed = self._claimed(batch) if preclaimed else self._claim(batch, summary)
        done += len(batch) - len(claimed)
        if not claimed:
            if progress is not None:
                progress(done, total)
            return done
        with self.db.connect() as conn:
            rows = {r.id: r for r in conn.execute(select(LETTERS).where(LETTERS.c.id.in_(claimed)))}
        jobs = [Job(i, rows[i].html, tuple(rows[i].formats.split(","))) for i in claimed]
        results: list[dict[str, Any]] = []
        for out in outputs(jobs, pool.executor if pool is not None else None):
            result = self._write(rows[out.letter_id], out, db_id)
            results.append(result)
            if result["render_error"]:
                summary.failed[out.letter_id] = result["render_error"]
                log.warning(
                    "文书 %s（%s）的文件未能生成，留待重试：%s",
                    out.letter_id,
                    rows[out.letter_id].number,
                    result["render_error"],
                )
            else:
                summary.rendered.append(out.letter_id)
            done += 1
            if progress is not None:
                progress(done, total)
        self._record(results)
        return done


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
