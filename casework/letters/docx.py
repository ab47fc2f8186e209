"""DOCX output: the rendered HTML letter, paragraph by paragraph, in an editable Word document.

One template per kind serves every format: the layout (templates/_layout.html.j2) writes a
small vocabulary of blocks (``h1.title``, ``p`` with a class: number, addressee, plain, right,
center, seal, note; containers header/section/div), which become Word paragraphs here. Chinese
text needs the ``w:eastAsia`` font on every run (``run.font.name`` alone is not enough), and the
page follows GB/T 9704: A4, margins 37/35/28/26 mm, 仿宋 三号 (16 pt) body, 二号 (22 pt) title.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import CharacterStyle
from docx.text.run import Run
from lxml import html as lxml_html

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
LINE = Pt(29)  # 22 lines in the 225 mm type area
BLOCKS = frozenset({"p", "h1", "h2"})
CONTAINERS = frozenset({"article", "header", "section", "div", "footer", "body"})
ALIGN = {
    "title": WD_ALIGN_PARAGRAPH.CENTER,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "number": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "seal": WD_ALIGN_PARAGRAPH.RIGHT,
}
NO_INDENT = frozenset({"title", "number", "addressee", "plain", "right", "center", "seal", "note"})


def _font(run: Run | CharacterStyle, name: str, size: Pt, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]  # a style's CT_Style has it too, undeclared


def _runs(element: lxml_html.HtmlElement) -> Iterator[tuple[str, bool]]:
    """Text pieces of a block with their boldness (<strong>, <b>); <br> becomes a line break."""
    if element.text:
        yield element.text, False
    for child in element:
        if child.tag == "br":
            yield "\n", False
        else:
            bold = child.tag in ("strong", "b")
            for text, inner_bold in _runs(child):
                yield text, bold or inner_bold
        if child.tail:
            yield child.tail, False


def blocks(element: lxml_html.HtmlElement) -> Iterator[lxml_html.HtmlElement]:
    """The paragraphs (p, h1, h2) of a letter, in order, through its containers."""
    for child in element:
        if not isinstance(child.tag, str):  # comments
            continue
        if child.tag in BLOCKS:
            yield child
        elif child.tag in CONTAINERS:
            yield from blocks(child)


def html_to_docx(html: str) -> bytes:
    """A Word document of a letter rendered by the layout."""
    root = lxml_html.document_fromstring(html)
    article = root.find(".//article")
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    _font(normal, BODY_FONT, BODY_SIZE)
    for block in blocks(article if article is not None else root):
        classes = set((block.get("class") or "").split())
        if block.tag == "h1":
            classes.add("title")
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
        fmt.space_before = fmt.space_after = Pt(0)
        align = next((ALIGN[c] for c in classes if c in ALIGN), None)
        if align is not None:
            para.alignment = align
        if not classes & NO_INDENT:
            fmt.first_line_indent = BODY_SIZE * 2  # 首行缩进两字
        title = "title" in classes
        for text, bold in _runs(block):
            text = " ".join(text.split()) if "\n" not in text else text
            if not text:
                continue
            run = para.add_run(text)
            _font(run, TITLE_FONT if title else BODY_FONT, TITLE_SIZE if title else BODY_SIZE, bold)
        if title:
            fmt.line_spacing = Pt(36)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
