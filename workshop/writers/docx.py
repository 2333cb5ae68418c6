"""Word (DOCX): walks a rendered document and maps each element to a named style of reference.docx.

The vocabulary is deliberately small (the templates' elements, nothing more); anything else is a
RenderError at render time, so a template can never say something the Word file silently drops.
"""

from __future__ import annotations

import base64
import io
from datetime import date, datetime, time
from pathlib import Path

import lxml.html
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import _Cell

from ..errors import RenderError
from . import DocumentWriter, Output, RenderJob

HEADING_STYLES = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}
PARAGRAPH_CLASS_STYLES = {
    "subtitle": "Subtitle",
    "note": "Note",
    "draft-mark": "Draft Mark",
    "party": "Signature Party",
    "line": "Signature Line",
    "field": "Signature Field",
    "signature-image": "Signature Field",
}
INLINE_TAGS = {"strong", "b", "em", "i", "span", "a", "br", "small", "img"}
BLOCK_CONTAINERS = {"main", "section", "div", "article"}
PAPER_MM = {"a4": (210, 297), "letter": (215.9, 279.4)}
SUPPORTED = sorted(set(HEADING_STYLES) | {"p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
                                          "header", "footer"} | INLINE_TAGS | BLOCK_CONTAINERS)


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _unsupported(element) -> RenderError:
    return RenderError(
        f"<{element.tag}> (line {element.sourceline}) is not supported in DOCX output; "
        f"templates may use: {', '.join(SUPPORTED)}"
    )


def _add_inline(paragraph, element, *, bold=False, italic=False) -> None:
    """Append the text of `element` and its inline children to `paragraph` as runs."""
    if element.text:
        run = paragraph.add_run(element.text)
        run.bold, run.italic = bold or None, italic or None
    for child in element:
        if not isinstance(child.tag, str):  # comments and processing instructions
            pass
        elif child.tag == "br":
            paragraph.add_run().add_break()
        elif child.tag == "img":
            _add_image(paragraph, child)
        elif child.tag in INLINE_TAGS:
            _add_inline(paragraph, child, bold=bold or child.tag in ("strong", "b"),
                        italic=italic or child.tag in ("em", "i"))
        else:
            raise _unsupported(child)
        if child.tail:
            run = paragraph.add_run(child.tail)
            run.bold, run.italic = bold or None, italic or None


def _add_image(paragraph, element) -> None:
    """An <img> with a data: URI (the only images documents carry), as wide as the text."""
    source = element.get("src") or ""
    if not source.startswith("data:image/") or ";base64," not in source:
        raise RenderError(f"<img> (line {element.sourceline}): only data:image/...;base64 sources are supported in DOCX output")
    data = base64.b64decode(source.split(";base64,", 1)[1])
    if source.startswith("data:image/svg"):
        raise RenderError(f"<img> (line {element.sourceline}): SVG images cannot go into DOCX; use PNG or JPEG")
    if element.get("height"):  # CSS pixels, as in the HTML
        picture = paragraph.add_run().add_picture(io.BytesIO(data), height=Mm(float(element.get("height")) * 25.4 / 96))
    else:  # a figure: as wide as the text
        section = paragraph.part.document.sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        picture = paragraph.add_run().add_picture(io.BytesIO(data), width=width)
    description = element.get("alt") or ""
    picture._inline.docPr.set("descr", description)  # alt text for screen readers, as in the PDF


def _add_field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) whose value Word computes when it lays out the page."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", "1"), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = f" {text} "
        elif kind == "text":
            node = OxmlElement("w:t")
            node.text = text
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run._r.append(node)


class _Writer:
    def __init__(self, document, paper: str):
        self.document = document
        self.section = document.sections[0]
        width, height = PAPER_MM[paper]
        self.section.page_width, self.section.page_height = Mm(width), Mm(height)
        self.text_width = self.section.page_width - self.section.left_margin - self.section.right_margin
        self._style_ids: dict[str, str | None] = {}

    def _style_id(self, name: str) -> str | None:
        """The id python-docx would write for paragraph style `name` (None for the default style)."""
        if name not in self._style_ids:
            self._style_ids[name] = self.document.part.get_style_id(self.document.styles[name],
                                                                     WD_STYLE_TYPE.PARAGRAPH)
        return self._style_ids[name]

    # --- blocks -----------------------------------------------------------------------------
    def block(self, element, container) -> None:
        tag = element.tag
        if not isinstance(tag, str):
            return
        classes = _classes(element)
        if tag in HEADING_STYLES:
            _add_inline(container.add_paragraph(style=HEADING_STYLES[tag]), element)
        elif tag == "p":
            style = next((PARAGRAPH_CLASS_STYLES[c] for c in classes if c in PARAGRAPH_CLASS_STYLES), None)
            _add_inline(container.add_paragraph(style=style), element)
        elif tag in ("ul", "ol"):
            self.list(element, container)
        elif tag == "table":
            self.table(element, container)
        elif tag == "header":
            self.header(element)
        elif tag == "footer":
            self.footer(element)
        elif tag in BLOCK_CONTAINERS:
            if "signatures" in classes:
                self.signatures(element, container)
            elif "page-break" in classes:
                container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            else:
                self.blocks(element, container)
        else:
            raise _unsupported(element)

    def blocks(self, element, container) -> None:
        if element.text and element.text.strip():
            _add_inline(container.add_paragraph(), element)  # loose text in a container
            return
        for child in element:
            self.block(child, container)

    def list(self, element, container) -> None:
        style = "List Number" if element.tag == "ol" else "List Bullet"
        restart = self._restarted_numbering() if element.tag == "ol" else None
        for item in element:
            if not isinstance(item.tag, str):
                continue
            if item.tag != "li":
                raise _unsupported(item)
            paragraph = container.add_paragraph(style=style)
            if restart is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = restart
            _add_inline(paragraph, item)

    def _restarted_numbering(self) -> int:
        """A new numbering instance of the List Number style that starts again at 1, so each <ol> counts from 1."""
        numbering = self.document.part.numbering_part.numbering_definitions._numbering
        style_num = self.document.styles["List Number"].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        override = num.add_lvlOverride(ilvl=0)
        override.add_startOverride(1)
        return num.numId

    def table(self, element, container) -> None:
        rows = []  # (is_header, [cells])
        for part in element:
            if not isinstance(part.tag, str):
                continue
            if part.tag not in ("thead", "tbody", "tr"):
                raise _unsupported(part)
            for row in ([part] if part.tag == "tr" else part):
                if not isinstance(row.tag, str):
                    continue
                if row.tag != "tr":
                    raise _unsupported(row)
                cells = [c for c in row if isinstance(c.tag, str)]
                for cell in cells:
                    if cell.tag not in ("th", "td"):
                        raise _unsupported(cell)
                rows.append((part.tag == "thead", cells))
        if not rows:
            return
        columns = max(len(cells) for _, cells in rows)
        table = container.add_table(rows=0, cols=columns)
        table.style = self.document.styles["Workshop Table"]
        # The style tints the first row; only a real header row (<thead>) should look like one.
        look = OxmlElement("w:tblLook")
        look.set(qn("w:firstRow"), "1" if rows[0][0] else "0")
        for flag in ("lastRow", "firstColumn", "lastColumn", "noHBand", "noVBand"):
            look.set(qn(f"w:{flag}"), "0")
        table._tbl.tblPr.append(look)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), "5000")
        width.set(qn("w:type"), "pct")
        table._tbl.tblPr.append(width)
        for is_header, cells in rows:
            row = table.add_row()
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
            if is_header:
                tr_pr.append(OxmlElement("w:tblHeader"))  # header rows repeat on every page
            # row.cells lays out the whole table's grid on every call, and setting a style by object
            # scans every style: both made a 500-deal table take seconds. These tables merge no
            # cells, so a row's cells are its <w:tc> elements, and the style ids are looked up once.
            for cell, source in zip((_Cell(tc, table) for tc in row._tr.tc_lst), cells):
                paragraph = cell.paragraphs[0]
                paragraph._p.style = self._style_id("Table Heading" if is_header or source.tag == "th" else "Table Text")
                if "num" in _classes(source):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _add_inline(paragraph, source)
        container.add_paragraph(style="Table Text")  # keeps the next table or heading apart

    def signatures(self, element, container) -> None:
        """Signature blocks side by side: one borderless table cell per party."""
        parties = [b for b in element if isinstance(b.tag, str)]
        table = container.add_table(rows=1, cols=max(1, len(parties)))
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, party in zip(table.rows[0].cells, parties):
            cell.width = int(self.text_width / len(parties))
            first = cell.paragraphs[0]
            first._element.getparent().remove(first._element)
            self.blocks(party, cell)
            if not cell.paragraphs:
                cell.add_paragraph()

    # --- running header and footer ----------------------------------------------------------
    def _running_paragraph(self, part):
        paragraph = part.paragraphs[0]
        paragraph.paragraph_format.tab_stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT)
        return paragraph

    def header(self, element) -> None:
        paragraph = self._running_paragraph(self.section.header)
        paragraph.style = self.document.styles["Header"]
        spans = [s for s in element if isinstance(s.tag, str)]
        for index, span in enumerate(spans):
            if index:
                paragraph.add_run("\t")
            _add_inline(paragraph, span, bold=index == 0)

    def footer(self, element) -> None:
        paragraph = self._running_paragraph(self.section.footer)
        paragraph.style = self.document.styles["Footer"]
        _add_inline(paragraph, element)
        paragraph.add_run("\tPage ")
        _add_field(paragraph, "PAGE")
        paragraph.add_run(" of ")
        _add_field(paragraph, "NUMPAGES")


def _meta(root, name: str) -> str:
    found = root.xpath(f"//meta[@name='{name}']/@content")
    return found[0] if found else ""


CORE_PROPERTY_CHARS = 255  # python-docx refuses longer title, subject, keywords and author values


def _core_text(text: str) -> str:
    """A document property short enough for DOCX: a long partner name must not stop the document."""
    return text if len(text) <= CORE_PROPERTY_CHARS else text[: CORE_PROPERTY_CHARS - 1] + "…"


R_NAMESPACE = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _drop_external_relationships(document) -> None:
    """Remove every link to outside the file that the theme's reference.docx carries, and what uses it.

    A reference.docx from a brand pack can attach a remote template (`attachedTemplate`), link a
    header image or a mail-merge source by URL; Word fetches those when the file is opened, so one
    such theme would make every generated document call home.
    """
    package = document.part.package
    for rId in [rId for rId, rel in package.rels.items() if rel.is_external]:
        del package.rels[rId]
    for part in package.iter_parts():
        dropped = {rId for rId, rel in part.rels.items() if rel.is_external}
        for rId in dropped:
            del part.rels[rId]
        element = getattr(part, "_element", None)
        if not dropped or element is None:
            continue
        for node in list(element.iter()):
            refers = any(key.startswith(R_NAMESPACE) and value in dropped for key, value in node.attrib.items())
            if refers and node.getparent() is not None:
                node.getparent().remove(node)


def html_to_docx(html: str, reference: Path, *, paper: str = "a4", created: date | None = None) -> bytes:
    """Build a DOCX from rendered HTML using the named styles of `reference` (a reference.docx)."""
    root = lxml.html.document_fromstring(html)
    document = Document(str(reference))
    _drop_external_relationships(document)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    writer = _Writer(document, paper)
    body_element = root.find("body")
    if body_element is None:
        raise RenderError("the rendered document has no <body>")
    writer.blocks(body_element, document)

    props = document.core_properties
    props.title = _core_text((root.findtext(".//title") or "").strip())
    props.author = props.last_modified_by = _core_text(_meta(root, "author"))
    props.subject = _core_text(_meta(root, "description"))
    props.keywords = _core_text(_meta(root, "keywords"))
    props.language = root.get("lang") or "en"
    stamp = datetime.combine(created or date(2000, 1, 1), time())
    props.created = props.modified = stamp
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(html: str, job: RenderJob) -> Output:
    return Output(html_to_docx(html, job.theme.reference_docx, paper=job.settings.paper, created=job.plan.as_of))


WRITER = DocumentWriter("docx", "Word", render)
