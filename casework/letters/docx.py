"""DOCX output: the rendered HTML letter, paragraph by paragraph, in an editable Word document.

One template per kind serves every format: the layout (templates/_layout.html.j2) writes a
small vocabulary of blocks (``h1.title``, ``p`` with a class: number, addressee, plain, right,
center, seal, note, attachment; containers header/section/div), which become Word paragraphs
here. Chinese text needs the ``w:eastAsia`` font on every run (``run.font.name`` alone is not
enough), and the page follows GB/T 9704-2012: A4, margins 37/35/28/26 mm, 仿宋 三号 (16 pt) body,
二号 (22 pt) title, the page number "— 1 —" in 四号 7 mm below the type area.

The end of a letter is laid out as the layout's CSS lays it out, in paragraph properties a word
processor keeps (tests/letters/test_layout.py opens the result in LibreOffice):

- the attachment note (``section.attachments``) one blank line below the body, 附件 two
  characters in, the later items and wrapped lines aligned with the first item;
- the signature (``div.signature``) 1.5 lines lower: the seal marker （印章） in that gap, where the
  seal's upper half goes (in HTML it is drawn as a circle over name and date), then the issuing
  unit and the date, the longer 4 characters from the right and the other centred under it;
- the last paragraph of the body, the attachment note and the signature keep together and with
  the next paragraph, so the signature never stands alone on a page (``div.closing``).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.styles.style import CharacterStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import html as lxml_html

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
LINE = Pt(29)  # 22 lines in the 225 mm type area
PAGE_NUMBER_FONT = "宋体"
PAGE_NUMBER_SIZE = Pt(14)  # 四号
SIGNATURE_GAP = Pt(43.5)  # body (or attachment note) to the issuing unit: 1.5 lines, as in CSS
SIGNATURE_RIGHT = 4  # characters from the right margin (成文日期右空四字)
BLOCKS = frozenset({"p", "h1", "h2"})
CONTAINERS = frozenset({"article", "header", "section", "div", "footer", "body"})
ALIGN = {
    "title": WD_ALIGN_PARAGRAPH.CENTER,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "number": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "seal": WD_ALIGN_PARAGRAPH.RIGHT,
}
NO_INDENT = frozenset(
    {"title", "number", "addressee", "plain", "right", "center", "seal", "note", "attachment"}
)


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


def _classes(element: lxml_html.HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _inside(element: lxml_html.HtmlElement, tag: str, cls: str) -> bool:
    return any(a.tag == tag and cls in _classes(a) for a in element.iterancestors())


def _ems(text: str) -> float:
    """Width in characters of the body font: a CJK character is one, a digit or letter half."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


@dataclass(eq=False)
class _Block:
    element: lxml_html.HtmlElement
    classes: set[str]
    closing: bool  # the attachment note and the signature (div.closing)
    signature: bool
    attachment: bool  # in section.attachments


def _ordered(article: lxml_html.HtmlElement) -> list[_Block]:
    """The blocks, with the seal marker moved before the issuing unit: in Word it holds the
    line above the name, where the upper half of the seal goes."""
    found = [
        _Block(
            b,
            _classes(b),
            _inside(b, "div", "closing"),
            _inside(b, "div", "signature"),
            _inside(b, "section", "attachments"),
        )
        for b in blocks(article)
    ]
    seals = [b for b in found if b.signature and "seal" in b.classes]
    if not seals:
        return found
    rest = [b for b in found if b not in seals]
    at = next(i for i, b in enumerate(rest) if b.signature)  # the issuing unit
    return [*rest[:at], *seals, *rest[at:]]


def _page_number(section: Section) -> None:
    """The page number, "— 1 —", centred in the footer 7 mm below the type area (GB/T 9704-2012
    7.5; the layout's @bottom-center): a PAGE field that Word and LibreOffice fill in."""
    section.footer_distance = Mm(35 - 7) - PAGE_NUMBER_SIZE
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    para.paragraph_format.line_spacing = PAGE_NUMBER_SIZE
    runs = [para.add_run("— "), para.add_run(), para.add_run(" —")]
    for run in runs:
        _font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    field = (
        ("w:fldChar", "w:fldCharType", "begin", None),
        ("w:instrText", "xml:space", "preserve", " PAGE "),
        ("w:fldChar", "w:fldCharType", "separate", None),
        ("w:t", None, None, "1"),  # shown until the word processor updates the field
        ("w:fldChar", "w:fldCharType", "end", None),
    )
    for tag, attribute, value, text in field:
        element = OxmlElement(tag)
        if attribute is not None and value is not None:
            element.set(qn(attribute), value)
        if text is not None:
            element.text = text
        runs[1]._r.append(element)


def _signature(paras: list[tuple[_Block, Paragraph]]) -> None:
    """Right-aligned, the longest line 4 characters from the right and the others centred under
    it (the layout's seal box), 1.5 lines below the text above."""
    if not paras:
        return
    widths = [_ems("".join(t for t, _ in _runs(b.element))) for b, _ in paras]
    for (_, para), width in zip(paras, widths, strict=True):
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        centred = SIGNATURE_RIGHT + (max(widths) - width) / 2
        para.paragraph_format.right_indent = Length(int(BODY_SIZE * centred))
    # The seal marker fills one line of the gap; without it the name stands that much lower.
    first, para = paras[0]
    gap = SIGNATURE_GAP - LINE if "seal" in first.classes else SIGNATURE_GAP
    para.paragraph_format.space_before = Length(gap)


def html_to_docx(html: str) -> bytes:
    """A Word document of a letter rendered by the layout."""
    root = lxml_html.document_fromstring(html)
    article = root.find(".//article")
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number(section)
    normal = doc.styles["Normal"]
    _font(normal, BODY_FONT, BODY_SIZE)
    made: list[tuple[_Block, Paragraph]] = []
    for block in _ordered(article if article is not None else root):
        classes = set(block.classes)
        if block.element.tag == "h1":
            classes.add("title")
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.widow_control = True
        align = next((ALIGN[c] for c in classes if c in ALIGN), None)
        if align is not None:
            para.alignment = align
        if not classes & NO_INDENT:
            fmt.first_line_indent = BODY_SIZE * 2  # 首行缩进两字
        if "attachment" in classes:  # 附件：1. name, what follows aligned with 1.
            fmt.left_indent = BODY_SIZE * 5
            if "first" in classes:
                fmt.first_line_indent = -BODY_SIZE * 3
        title = "title" in classes
        for text, bold in _runs(block.element):
            text = " ".join(text.split()) if "\n" not in text else text
            if not text:
                continue
            run = para.add_run(text)
            _font(run, TITLE_FONT if title else BODY_FONT, TITLE_SIZE if title else BODY_SIZE, bold)
        if title:
            fmt.line_spacing = Pt(36)
        made.append((block, para))
    _closing(made)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _closing(made: list[tuple[_Block, Paragraph]]) -> None:
    """The end of the letter: the attachment note one line below the body, the signature, and
    the last paragraph of the body kept with both on one page. A layout without div.closing (an
    office's copy of templates/ older than it) keeps the signature with the paragraph before."""
    attachments = [p for b, p in made if b.attachment]
    if attachments:
        attachments[0].paragraph_format.space_before = LINE  # 正文下空一行
    signature = [(b, p) for b, p in made if b.signature]
    _signature(signature)
    group = [i for i, (b, _) in enumerate(made) if b.closing] or [
        i for i, (b, _) in enumerate(made) if b.signature
    ]
    if not group:
        return
    kept = [p for _, p in made[max(group[0] - 1, 0) : group[-1] + 1]]
    for para in kept:
        para.paragraph_format.keep_together = True
    for para in kept[:-1]:
        para.paragraph_format.keep_with_next = True
