"""Rendering letters' PDF and DOCX from their committed HTML, here or in a pool of worker
processes (``concurrent.futures.ProcessPoolExecutor``; the initializer sets WeasyPrint up once
per worker, not once per letter). The materializer (casework/letters/materialize.py) claims the
letters, hands them over as ``Job`` values and writes the ``Output`` it gets back.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

ERROR_LENGTH = 400  # letters.render_error


@dataclass(frozen=True)
class Job:
    """What a worker needs to render one letter (plain data: it crosses processes)."""

    letter_id: int
    html: str
    formats: tuple[str, ...]


@dataclass(frozen=True)
class Output:
    """The rendered files of one letter, or why one of them could not be made."""

    letter_id: int
    pdf: bytes | None = None
    docx: bytes | None = None
    pdf_skipped: str | None = None  # why there is no PDF (missing fonts, a character no font has)
    error: str | None = None  # why the render failed (the letter stays pending)


def why(what: str, err: BaseException) -> str:
    text = " ".join(f"{what}：{type(err).__name__}: {err}".split())
    return text[:ERROR_LENGTH]


def render_job(job: Job) -> Output:
    """Render the PDF and DOCX of one letter from its committed HTML (in a worker or here)."""
    pdf = docx = None
    pdf_skipped = error = None
    if "docx" in job.formats:
        try:
            from casework.letters.docx import html_to_docx

            docx = html_to_docx(job.html)
        except Exception as err:  # a broken letter or layout: pending, with the reason
            error = why("无法生成 DOCX", err)
    if "pdf" in job.formats:
        try:
            from casework.letters.pdf import try_pdf

            pdf, pdf_skipped = try_pdf(job.html)
        except Exception as err:
            pdf_skipped = why("无法生成 PDF", err)
        if pdf is None and error is None:
            error = (pdf_skipped or "无法生成 PDF")[:ERROR_LENGTH]
    return Output(job.letter_id, pdf, docx, pdf_skipped, error)


def init_worker(pdf: bool) -> None:
    """The pool's initializer: WeasyPrint (import, font probe, font configuration) is set up
    once per worker process, so that every letter costs only its own rendering."""
    if pdf:
        from casework.letters.pdf import warm_up

        warm_up()
    else:
        import casework.letters.docx  # noqa: F401


def pool_context(pdf: bool) -> Any:
    """Workers start from a fresh interpreter, not a fork of this process (the scheduler and an
    embedding server run threads, and forking a threaded process may hang): forked from a
    forkserver that has imported the renderers once (WeasyPrint if this process could import
    it), or spawned where there is no forkserver."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    modules = ["casework.letters.render_workers", "casework.letters.docx"]
    if pdf and "weasyprint" in sys.modules:  # imported here without error: safe to preload
        modules.append("weasyprint")
    context.set_forkserver_preload(modules)  # taken up when the forkserver starts
    return context


@dataclass(frozen=True)
class RenderPool:
    """Worker processes that render letters (``render_pool``)."""

    executor: ProcessPoolExecutor
    workers: int


@contextmanager
def render_pool(workers: int, pdf: bool) -> Iterator[RenderPool]:
    """A pool of ``workers`` render processes, set up for PDF when ``pdf`` (a run of
    ``Materializer.render`` starts its own, or is given one that is kept between runs)."""
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=pool_context(pdf), initializer=init_worker, initargs=(pdf,)
    )
    try:
        yield RenderPool(executor, workers)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def outputs(jobs: list[Job], pool: ProcessPoolExecutor | None) -> Iterator[Output]:
    """The rendered letters, as they are ready (a worker that died fails its letters only)."""
    if pool is None:
        yield from (render_job(job) for job in jobs)
        return
    try:
        futures: dict[Future[Output], Job] = {pool.submit(render_job, job): job for job in jobs}
    except BrokenProcessPool as err:  # a worker died earlier: these letters wait for a rerun
        yield from (Output(job.letter_id, error=why("渲染进程异常退出", err)) for job in jobs)
        return
    for future in as_completed(futures):
        try:
            yield future.result()
        except Exception as err:  # BrokenProcessPool: a worker crashed (e.g. in a C library)
            yield Output(futures[future].letter_id, error=why("渲染进程异常退出", err))
