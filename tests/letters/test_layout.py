"""The end of a letter laid out per GB/T 9704-2012, read back as a clerk sees it.

- The PDF's text, page by page, top to bottom as printed (pypdf's layout mode): the body, then
  the attachment note (附件：…, 7.3.4), then the issuing unit and the date with the seal (7.3.5);
  the last paragraph of the body stands on the page of the signature, so a signature never
  stands alone.
- The DOCX opened in a word processor: headless LibreOffice converts it to PDF, which is read the
  same way (issue 17: the withheld reply used to put its seal marker （印章） alone on page 2).
- Sweeps: the request grows half a line at a time, so that the page break falls before, inside
  and after the end of the letter; at every step the signature keeps the body's last paragraph.

Letters are rendered from the sample case of each kind (casework.letters.samples, as in
``casework templates check``), through the functions that issuing uses for PDF and DOCX.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pypdf
import pytest
from docx import Document
from docx.shared import Pt
from lxml import html as lxml_html

from casework.letters.config import load_letter_settings
from casework.letters.docx import html_to_docx
from casework.letters.kinds import KINDS
from casework.letters.memo import render_escalation_memo
from casework.letters.pdf import render_pdf, unavailable_reason
from casework.letters.rendering import Renderer, template_name
from casework.letters.samples import application_sample, memo_sample, proceeding_sample
from casework.organisation import load_units
from casework.resources import bundled_dir
from casework.workflow.build import build_workflow

STATES, TEMPLATES = bundled_dir("states"), bundled_dir("templates")
SEAL = "（印章）"
# The withheld reply of docs/letters.md (and of issue 17).
REQUEST = "区财政局2025年预算编制过程中的讨论记录"
REASONS = "所申请的是预算编制过程中的内部讨论记录"
ATTACHMENTS = ["2025年部门预算表", "2025年“三公”经费预算表"]
GROWTH = "及相关说明材料"  # 7 characters: two of them make about half a line
SWEEP = range(0, 36, 2)
SOFFICE = ("soffice", "--headless", "--convert-to", "pdf")
EVERY_KIND = sorted(KINDS)
WITH_ATTACHMENTS = ("reply_disclosed", "reply_partial", "review_answer", "defence_statement")

needs_pdf = pytest.mark.skipif(
    unavailable_reason() is not None, reason=f"PDF unavailable: {unavailable_reason()}"
)
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed (no soffice): the DOCX is not opened as a clerk would "
    "(apt-get install -y libreoffice-writer-nogui; .ci/run installs it)",
)


@dataclass(frozen=True)
class Letter:
    """A rendered letter and what its end must show, read from its HTML."""

    name: str
    html: str
    body_end: str  # the last characters of the body's last paragraph
    attachment: str | None  # the start of the attachment note: 附件：or 附：
    issuer: str
    date: str


def _flat(text: str) -> str:
    """Text without whitespace and quotation marks (LibreOffice's PDF spaces Latin from CJK and
    pypdf may read a quotation mark out of place); the page number lines dropped."""
    lines = [ln for ln in text.splitlines() if not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln)]
    return re.sub(r"[\s“”‘’\"']", "", "".join(lines))


def _text(element: Any) -> str:
    return _flat(element.text_content())


def letter(name: str, html: str) -> Letter:
    root = lxml_html.document_fromstring(html)
    body = root.xpath("//section[@class='body']/p")
    attachments = root.xpath("//section[@class='attachments']/p")
    signature = [_text(p) for p in root.xpath("//div[@class='signature']//p")]
    issuer, date = [s for s in signature if s != SEAL]
    return Letter(
        name,
        html,
        _text(body[-1])[-8:],
        _text(attachments[0]).partition("：")[0] + "：" if attachments else None,
        issuer,
        date,
    )


@pytest.fixture(scope="module")
def make() -> Callable[..., Letter]:
    """make(kind, request=None, outcome=None, **move inputs) -> the sample letter of a kind."""
    wf = build_workflow(STATES, frozenset(u.code for u in load_units(STATES)))
    settings = load_letter_settings(STATES)
    renderer = Renderer(TEMPLATES)

    def build(
        kind: str, request: str | None = None, outcome: str | None = None, **move: Any
    ) -> Letter:
        spec = KINDS[kind]
        if kind == "escalation_memo":
            return letter(kind, render_escalation_memo(memo_sample(), TEMPLATES))
        if spec.flow == "application":
            facts = application_sample(spec, wf, settings, outcome)
            if request is not None:
                facts["case"]["request"] = request
            facts["move"].update(move)
        else:
            facts = proceeding_sample(spec, wf, settings)
        return letter(kind, renderer.render(template_name(kind), spec.roots, facts).html)

    return build


def pages_of(pdf: bytes) -> list[str]:
    """The text of each page, flattened, top to bottom as it is printed: pypdf's layout mode
    places text by its position (the order of drawing differs: WeasyPrint draws the positioned
    seal box after the text that follows it)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [_flat(page.extract_text(extraction_mode="layout")) for page in reader.pages]


def check_end(pages: list[str], doc: Letter, where: str) -> None:
    """Body → attachment note → issuer → date, nothing after but the seal marker; the body's
    last paragraph, the note and the signature on one page."""
    text = "".join(pages)
    starts = [sum(len(p) for p in pages[:i]) for i in range(len(pages))]

    def page(pos: int) -> int:
        return max(i for i, start in enumerate(starts) if start <= pos)

    shown = f"{where}: {doc.name}, page by page: {pages}"
    signature = doc.issuer + doc.date
    sig = text.rfind(signature)
    assert sig >= 0, f"no issuer and date {signature} in {shown}"
    rest = text[sig + len(signature) :]
    assert rest in ("", SEAL), f"after the date comes {rest!r} in {shown}"
    end = sig
    if doc.attachment is not None:
        end = text.rfind(doc.attachment, 0, sig)
        assert end >= 0, f"{doc.attachment} is not between the body and the issuer in {shown}"
    body = text.rfind(doc.body_end, 0, end)
    assert body >= 0, f"the body's end {doc.body_end} is not before the signature in {shown}"
    if doc.attachment is not None:
        assert body + len(doc.body_end) == end, (
            f"the attachment note does not follow the body in {shown}"
        )
    seal = text.rfind(SEAL)
    assert seal >= 0, f"no seal marker in {shown}"
    on = {page(body), page(body + len(doc.body_end) - 1), page(sig), page(seal)}
    on.add(page(len(text) - 1))
    assert len(on) == 1, f"the end of the body and the signature are on pages {on} in {shown}"
    assert pages[-1].replace(SEAL, "") != signature, f"a signature alone on the last page: {shown}"


# ---- the HTML and the DOCX's own paragraphs: no PDF, no LibreOffice needed -------------------


def test_the_attachment_note_comes_between_the_body_and_the_signature_in_html(make) -> None:
    doc = make("reply_disclosed", attachments=ATTACHMENTS)
    text = _flat(lxml_html.document_fromstring(doc.html).text_content())
    note = "附件：1.2025年部门预算表2.2025年三公经费预算表"
    assert "特此告知。" + note + doc.issuer + doc.date + SEAL in text
    one = make("reply_disclosed", attachments=ATTACHMENTS[:1])
    text = _flat(lxml_html.document_fromstring(one.html).text_content())
    assert "附件：2025年部门预算表" + one.issuer in text  # a single attachment has no number


def test_the_docx_keeps_the_last_paragraph_the_note_and_the_signature_together(make) -> None:
    doc = make("reply_disclosed", attachments=ATTACHMENTS)
    paras = [p for p in Document(io.BytesIO(html_to_docx(doc.html))).paragraphs if p.text]
    texts = [p.text for p in paras]
    end = texts.index("特此告知。")
    assert texts[end:] == [
        "特此告知。",
        "附件：1. 2025年部门预算表",
        "2. 2025年“三公”经费预算表",
        SEAL,  # in Word the marker holds the line above the name, where the seal's top goes
        doc.issuer,
        doc.date,
    ]
    kept = [p.paragraph_format for p in paras[end:]]
    assert all(f.keep_together for f in kept)
    assert [bool(f.keep_with_next) for f in kept] == [True] * 5 + [False]
    assert not any(p.paragraph_format.keep_with_next for p in paras[: end - 1])
    note, second = kept[1], kept[2]
    assert note.space_before == kept[0].line_spacing  # one blank line below the body
    assert (note.left_indent, note.first_line_indent) == (Pt(16) * 5, -Pt(16) * 3)  # 附件 2 in
    assert (second.left_indent, second.first_line_indent) == (Pt(16) * 5, None)  # names aligned
    # the longer of name and date 4 characters from the right, the other centred under it
    name, day = kept[4], kept[5]
    assert name.right_indent < day.right_indent


def test_the_docx_has_the_page_number_in_its_footer(make) -> None:
    section = Document(io.BytesIO(html_to_docx(make("receipt").html))).sections[0]
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert "PAGE" in footer._p.xml


# ---- the PDF, read top to bottom -----------------------------------------------------------


@needs_pdf
@pytest.mark.parametrize("kind", EVERY_KIND)
def test_pdf_body_attachment_issuer_date_in_order_on_one_page(make, kind: str) -> None:
    extra: dict[str, Any] = {"attachments": ATTACHMENTS} if kind == "reply_disclosed" else {}
    doc = make(kind, **extra)
    assert (doc.attachment is not None) == (kind in WITH_ATTACHMENTS)
    check_end(pages_of(render_pdf(doc.html)), doc, "PDF")


@needs_pdf
def test_pdf_withheld_reply_keeps_its_last_paragraph_with_the_signature(make) -> None:
    doc = make("reply_withheld", REQUEST, reasons=REASONS)
    pages = pages_of(render_pdf(doc.html))
    check_end(pages, doc, "PDF")


def sweep(make: Callable[..., Letter]) -> Iterator[Letter]:
    """Letters whose request grows half a line at a time: a receipt (no attachment) and an
    "already public" reply with two attachments, each from one page to two."""
    for kind, request, outcome, move in (
        ("receipt", REQUEST, None, {}),
        ("reply_disclosed", "预算", "already_public", {"attachments": ATTACHMENTS}),
    ):
        for n in SWEEP:
            yield replace(make(kind, request + GROWTH * n, outcome, **move), name=f"{kind}+{n}")


@needs_pdf
def test_pdf_signature_never_alone_wherever_the_page_breaks(make) -> None:
    counts: dict[str, set[int]] = {}
    for doc in sweep(make):
        pages = pages_of(render_pdf(doc.html))
        check_end(pages, doc, "PDF")
        counts.setdefault(doc.name.partition("+")[0], set()).add(len(pages))
    assert counts == {"receipt": {1, 2}, "reply_disclosed": {1, 2}}  # the break was crossed


# ---- the DOCX, opened in LibreOffice -------------------------------------------------------


def libreoffice_pdfs(docs: list[Letter], folder: Path) -> dict[str, bytes]:
    """Each letter's DOCX converted to PDF by headless LibreOffice (one run for all)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in docs:
        path = folder / f"{doc.name}.docx"
        path.write_bytes(html_to_docx(doc.html))
        paths.append(str(path))
    profile = (folder / "profile").as_uri()  # its own profile: no clash with a running office
    subprocess.run(
        [*SOFFICE, f"-env:UserInstallation={profile}", "--outdir", str(folder / "pdf"), *paths],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {doc.name: (folder / "pdf" / f"{doc.name}.pdf").read_bytes() for doc in docs}


@needs_soffice
def test_docx_in_libreoffice_withheld_reply_keeps_the_seal_with_the_body(make, tmp_path) -> None:
    doc = make("reply_withheld", REQUEST, reasons=REASONS)
    pages = pages_of(libreoffice_pdfs([doc], tmp_path)[doc.name])
    assert all(page != SEAL for page in pages), f"the seal marker alone on a page: {pages}"
    check_end(pages, doc, "DOCX in LibreOffice")


@needs_soffice
def test_docx_in_libreoffice_every_kind_in_order_on_one_page(make, tmp_path) -> None:
    docs = [
        make(kind, **({"attachments": ATTACHMENTS} if kind == "reply_disclosed" else {}))
        for kind in EVERY_KIND
    ]
    for doc, pdf in zip(docs, libreoffice_pdfs(docs, tmp_path).values(), strict=True):
        check_end(pages_of(pdf), doc, "DOCX in LibreOffice")


@needs_soffice
def test_docx_in_libreoffice_signature_never_alone_wherever_the_page_breaks(make, tmp_path) -> None:
    docs = list(sweep(make))
    counts: dict[str, set[int]] = {}
    for doc, pdf in zip(docs, libreoffice_pdfs(docs, tmp_path).values(), strict=True):
        pages = pages_of(pdf)
        check_end(pages, doc, "DOCX in LibreOffice")
        counts.setdefault(doc.name.partition("+")[0], set()).add(len(pages))
    assert counts == {"receipt": {1, 2}, "reply_disclosed": {1, 2}}
