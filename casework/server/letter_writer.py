"""Letter files written beside the requests, not in them.

A move that issues a letter commits its row (number, HTML) in the request; writing the files
(HTML, and PDF or DOCX, 0.15–0.3 s a PDF) would hold the answer that long. The service turns
the letter service's ``render_after_commit`` off and runs this thread instead: woken after each
request that moved a case (and every ``interval`` seconds in case another process left letters
pending), it runs the materializer over the pending letters, as ``casework letters render``
would. Until then a letter's PDF or DOCX answers 404 and the letter lists it as null.
"""

from __future__ import annotations

import logging
import threading

from casework.engine import Engine
from casework.letters.issuing import service_of

log = logging.getLogger("casework.server")


class LetterWriter:
    def __init__(self, engine: Engine, interval: float = 30.0) -> None:
        self.service = service_of(engine)
        self.service.render_after_commit = False
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="casework-letters", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.service.materializer(workers=0).render()
            except Exception:  # the letters stay pending, for the next run or the CLI
                log.exception("文书文件未能生成，留待下次或 casework letters render")
