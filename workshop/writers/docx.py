"""Word (DOCX): walks a rendered document and maps each element to a named style of reference.docx.

The vocabulary is deliberately small (the templates' elements, nothing more); anything else is a
RenderError at render time, so a template can never say something the Word file silently drops.
"""

from __future__ import annotations

import base64
import io
import re
from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path

import lxml.html
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
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
SUPPORTED = sorted(set(HEADING_STYLES) | {"p", "ul", "ol", "li", "table", "colgroup", "col", "thead", "tbody", "tr",
                                          "th", "td", "header", "footer"} | INLINE_TAGS | BLOCK_CONTAINERS)


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _unsupported(element) -> RenderError:
    return RenderError(
        f"<{element.tag}> (line {element.sourceline}) is not supported in DOCX output; "
        f"templates may use: {', '.join(SUPPORTED)}"
    )


def _add_inline(paragraph, element, *, bold=False, italic=False, nowrap=False) -> None:
    """Append the text of `element` and its inline children to `paragraph` as runs (a `nowrap` span's
    spaces become no-break spaces, Word's way of keeping words on one line)."""
    def add(text: str) -> None:
        run = paragraph.add_run(text.replace(" ", "\u00a0") if nowrap else text)
        run.bold, run.italic = bold or None, italic or None

    if element.text:
        add(element.text)
    for child in element:
        if not isinstance(child.tag, str):  # comments and processing instructions
            pass
        elif child.tag == "br":
            paragraph.add_run().add_break()
        elif child.tag == "img":
            _add_image(paragraph, child)
        elif child.tag == "span" and _classes(child) & {"page", "pages"}:
            # The page counters of a running footer: Word's PAGE and NUMPAGES fields.
            _add_field(paragraph, "PAGE" if "page" in _classes(child) else "NUMPAGES")
        elif child.tag in INLINE_TAGS:
            _add_inline(paragraph, child, bold=bold or child.tag in ("strong", "b"),
                        italic=italic or child.tag in ("em", "i"), nowrap=nowrap or "nowrap" in _classes(child))
        else:
            raise _unsupported(child)
        if child.tail:
            add(child.tail)


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


BLOCK_TAGS = set(HEADING_STYLES) | {"p", "ul", "ol", "table"} | BLOCK_CONTAINERS


class _Writer:
    def __init__(self, document, paper: str):
        self.document = document
        self.section = document.sections[0]
        width, height = PAPER_MM[paper]
        self.section.page_width, self.section.page_height = Mm(width), Mm(height)
        self.text_width = self.section.page_width - self.section.left_margin - self.section.right_margin
        self._style_ids: dict[str, str | None] = {}

    @cached_property
    def _spacer_style(self) -> str:
        """`Table Spacer` where the reference document has it (a brand's older one may not): `Table Text`."""
        try:
            self.document.styles["Table Spacer"]
        except KeyError:
            return "Table Text"
        return "Table Spacer"

    def _style_id(self, name: str) -> str | None:
        """The id python-docx would write for paragraph style `name` (None for the default style)."""
        if name not in self._style_ids:
            style = self.document.styles[name]
            if style.type != WD_STYLE_TYPE.PARAGRAPH:
                raise RenderError(f"reference.docx: style {name!r} is not a paragraph style")
            # As python-docx's get_style_id, with the default style found once, not once per style.
            self._style_ids[name] = None if style == self._default_style else style.style_id
        return self._style_ids[name]

    @cached_property
    def _default_style(self):
        return self.document.styles.default(WD_STYLE_TYPE.PARAGRAPH)

    def _paragraph(self, container, style: str | None = None):
        """A new paragraph in `style`: python-docx's add_paragraph(style=...) looks the style up among all
        of them for every paragraph, which was a third of the writer's time; the id is looked up once."""
        paragraph = container.add_paragraph()
        if style is not None and (style_id := self._style_id(style)) is not None:
            paragraph._p.style = style_id
        return paragraph

    # --- blocks -----------------------------------------------------------------------------
    def block(self, element, container) -> None:
        tag = element.tag
        if not isinstance(tag, str):
            return
        classes = _classes(element)
        if tag in HEADING_STYLES:
            _add_inline(self._paragraph(container, HEADING_STYLES[tag]), element)
        elif tag == "p":
            style = next((PARAGRAPH_CLASS_STYLES[c] for c in classes if c in PARAGRAPH_CLASS_STYLES), None)
            _add_inline(self._paragraph(container, style), element)
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
            paragraph = self._paragraph(container, style)
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
        widths: list[float] = []  # of each column, as a share of the text width (<colgroup>)
        for part in element:
            if not isinstance(part.tag, str):
                continue
            if part.tag == "colgroup":
                widths += [_percent(col) for col in part if isinstance(col.tag, str)]
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
        # The columns of a bilingual memo are a layout grid, not a table of data: no borders, no tint, and
        # their text a size smaller, as theme.css sets it.
        layout = "bilingual" in _classes(element)
        if not layout:
            table.style = self.document.styles["Workshop Table"]
            # The style tints the first row; only a real header row (<thead>) should look like one.
            # w:val is the same flags as a bit mask (0x0020: first row), which LibreOffice reads instead.
            _table_property(table, "w:tblLook", {"w:val": "0020" if rows[0][0] else "0000",
                                                 "w:firstRow": "1" if rows[0][0] else "0", "w:lastRow": "0",
                                                 "w:firstColumn": "0", "w:lastColumn": "0", "w:noHBand": "0",
                                                 "w:noVBand": "0"})
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        _table_property(table, "w:tblW", {"w:w": "5000", "w:type": "pct"})
        column_widths = self._column_widths(table, widths, columns)
        for is_header, cells in rows:
            row = table.add_row()
            tr_pr = row._tr.get_or_add_trPr()
            if not layout:
                tr_pr.append(OxmlElement("w:cantSplit"))  # a row never breaks across pages (a column of text may)
            if is_header:
                tr_pr.append(OxmlElement("w:tblHeader"))  # header rows repeat on every page
            # row.cells lays out the whole table's grid on every call, and setting a style by object
            # scans every style: both made a 500-deal table take seconds. These tables merge no
            # cells, so a row's cells are its <w:tc> elements, and the style ids are looked up once.
            for index, (cell, source) in enumerate(zip((_Cell(tc, table) for tc in row._tr.tc_lst), cells)):
                if column_widths:
                    cell.width = column_widths[index]
                if any(isinstance(child.tag, str) and child.tag in BLOCK_TAGS for child in source):
                    self._block_cell(cell, source, column_widths[index] if column_widths else self.text_width)
                    if layout:
                        _compact(cell)
                    continue
                paragraph = cell.paragraphs[0]
                paragraph._p.style = self._style_id("Table Heading" if is_header or source.tag == "th" else "Table Text")
                if "num" in _classes(source):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _add_inline(paragraph, source)
        # Keeps the next table or heading apart, as theme.css's margin below a table does.
        self._paragraph(container, self._spacer_style)

    def _block_cell(self, cell, source, width: int) -> None:
        """A cell holding headings, paragraphs, lists and tables (a bilingual memo's columns): its
        blocks in order, tables inside it as wide as the cell."""
        first = cell.paragraphs[0]
        first._element.getparent().remove(first._element)
        outer, self.text_width = self.text_width, width
        try:
            self.blocks(source, cell)
        finally:
            self.text_width = outer
        if not cell.paragraphs or cell._tc[-1].tag != qn("w:p"):
            self._paragraph(cell, self._spacer_style)  # Word ends every cell with a paragraph

    def _column_widths(self, table, widths: list[float], columns: int) -> list[int]:
        """Fix the table's column widths to `widths` (shares of the text width), as the PDF lays them out."""
        if len(widths) != columns or not all(widths):
            return []
        total = sum(widths)
        lengths = [int(self.text_width * w / total) for w in widths]
        _table_property(table, "w:tblLayout", {"w:type": "fixed"})
        for column, length in zip(table._tbl.tblGrid.gridCol_lst, lengths):
            column.w = length
        return lengths

    def signatures(self, element, container) -> None:
        """Signature blocks: a borderless table whose rows are the signature rows (party names, then
        each pair of signers), so both sides' lines stand at the same height as in the PDF."""
        rows = [r for r in element if isinstance(r.tag, str)]
        if any("signature-row" not in _classes(r) for r in rows):
            rows = [element]  # an older template: one row of party blocks
        columns = max(1, max(len([c for c in r if isinstance(c.tag, str)]) for r in rows))
        table = container.add_table(rows=len(rows), cols=columns)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for row, source in zip(table.rows, rows):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell, part in zip(row.cells, [c for c in source if isinstance(c.tag, str)]):
                cell.width = int(self.text_width / columns)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
                first = cell.paragraphs[0]
                first._element.getparent().remove(first._element)
                self.blocks(part, cell)
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
        spans = [s for s in element if isinstance(s.tag, str) and _classes(s) & {"left", "right"}]
        if spans:  # the template's words, left and right, with the page counters among them
            for index, span in enumerate(spans):
                if index:
                    paragraph.add_run("\t")
                _add_inline(paragraph, span)
            return
        _add_inline(paragraph, element)  # an older template: its text, and the page number in English
        paragraph.add_run("\tPage ")
        _add_field(paragraph, "PAGE")
        paragraph.add_run(" of ")
        _add_field(paragraph, "NUMPAGES")


COMPACT_PT = {"Heading 1": 8.5, "Heading 2": 8, "Table Heading": 7, "Table Text": 7}
"""Font sizes in a bilingual memo's columns (others: 7.5 pt), like theme.css's `body.memo.bilingual`."""


# The order WordprocessingML gives a table's properties; Word calls a file with them out of order, or with one
# twice, unreadable (python-docx's new table already has a tblW and a tblLook).
TABLE_PROPERTIES = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
                    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def _table_property(table, tag: str, attributes: dict[str, str]) -> None:
    """Set a table property element to exactly `attributes`: the one there, or a new one in its place."""
    properties = table._tbl.tblPr
    element = properties.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        later = {qn(t) for t in TABLE_PROPERTIES[TABLE_PROPERTIES.index(tag) + 1:]}
        following = next((child for child in properties if child.tag in later), None)
        if following is None:
            properties.append(element)
        else:
            following.addprevious(element)
    element.attrib.clear()
    for name, value in attributes.items():
        element.set(qn(name), value)


def _compact(cell) -> None:
    """Every paragraph in `cell` (nested tables too) a size smaller, with little space after it."""
    from docx.shared import Pt
    from docx.text.paragraph import Paragraph

    for element in cell._tc.iter(qn("w:p")):
        paragraph = Paragraph(element, cell)
        size = Pt(COMPACT_PT.get(paragraph.style.name if paragraph.style is not None else "", 7.5))
        paragraph.paragraph_format.space_after = Pt(1.5)
        paragraph.paragraph_format.space_before = Pt(0)
        for run in paragraph.runs:
            run.font.size = size


def _percent(col) -> float:
    """The width of a <col> as a percentage: from `style="width: 22%"` (or a `width` attribute)."""
    match = re.search(r"width\s*:\s*([\d.]+)%", col.get("style") or "") or re.fullmatch(r"([\d.]+)%?", col.get("width") or "")
    if col.tag != "col" or match is None:
        raise RenderError(f"<{col.tag}> (line {col.sourceline}): a <colgroup> holds <col style=\"width: N%\"> elements")
    return float(match.group(1))


# Word's own watermark: a WordArt shape (VML shape type 136) in the header, behind the text on every page.
WATERMARK = (
    '<w:r {ns}><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/>'
    '<v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>'
    '<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
    'o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/>'
    '</v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;rotation:330;z-index:-251657216;'
    'mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;'
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#0F4C81" stroked="f">'
    '<v:fill opacity="6554f"/>'
    '<v:textpath style="font-family:&quot;Arial&quot;;font-size:1pt;font-weight:bold" string="DRAFT"/>'
    '</v:shape></w:pict></w:r>'
)


def _add_watermark(section, word: str = "DRAFT") -> None:
    """The word DRAFT (in the document's language) across every page, behind the text, as Word draws its
    own watermarks (a shape in the header), so the Word file is marked as the PDF is."""
    from xml.sax.saxutils import quoteattr

    from docx.oxml import parse_xml

    namespaces = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                  'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')
    paragraph = section.header.paragraphs[0]
    shape = WATERMARK.format(ns=namespaces).replace('string="DRAFT"', f"string={quoteattr(word)}")
    paragraph._p.append(parse_xml(shape))


# Word picks the font of Chinese and Japanese characters from the East Asian slot of a run's fonts and
# lays them out by the East Asian language; Han characters then take the Japanese or the Chinese forms.
EAST_ASIAN_FONTS = {"ja": "Noto Sans CJK JP", "zh": "Noto Sans CJK SC", "ko": "Noto Sans CJK KR"}
EAST_ASIAN_CHARSETS = {"ja": "80", "zh": "86", "ko": "81"}  # SHIFTJIS, GB2312, HANGUL: what Word substitutes by


def _set_language(document, lang: str) -> None:
    """The document's language (spelling, hyphenation, East Asian layout) and, for Chinese, Japanese and
    Korean, the East Asian font of every style, as the PDF takes it for `lang`."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    language = lang.split("-")[0]
    east_asian = EAST_ASIAN_FONTS.get(language)
    element = properties.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        properties.append(element)
    if not east_asian:
        element.set(qn("w:val"), lang)
        return
    # w:val is the language of Latin-script runs (names, dates in digits): left as it is, so Word and
    # LibreOffice break them at spaces; w:eastAsia is the language of the Chinese or Japanese text.
    element.set(qn("w:eastAsia"), lang)
    fonts = [properties.find(qn("w:rFonts"))] + list(styles.iter(qn("w:rFonts")))
    if fonts[0] is None:
        fonts[0] = OxmlElement("w:rFonts")
        properties.insert(0, fonts[0])
    for rfonts in fonts:
        rfonts.set(qn("w:eastAsia"), east_asian)
        rfonts.attrib.pop(qn("w:eastAsiaTheme"), None)
    _declare_font(document, east_asian, EAST_ASIAN_CHARSETS[language])


def _declare_font(document, name: str, charset: str) -> None:
    """List `name` in the font table with its character set, so Word substitutes a font of the same
    script where it is not installed (python-docx has no API for the font table: its XML is edited)."""
    from docx.oxml import parse_xml
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            root = parse_xml(part.blob)
            if any(font.get(qn("w:name")) == name for font in root.iter(qn("w:font"))):
                return
            font = OxmlElement("w:font")
            font.set(qn("w:name"), name)
            for tag, value in (("w:charset", charset), ("w:family", "swiss"), ("w:pitch", "variable")):
                child = OxmlElement(tag)
                child.set(qn("w:val"), value)
                font.append(child)
            root.append(font)
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            return


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
    if "draft" in _classes(body_element):
        _add_watermark(writer.section, body_element.get("data-draft") or "DRAFT")
    _set_language(document, root.get("lang") or "en")

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
