"""Build templates/reference.docx, the Word styles of the built-in theme.

The file is committed: a brand edits its own copy in Word. Run this only to regenerate the built-in
one after changing the styles here:  python tools/make_reference_docx.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FONT = "Arial"
INK, MUTED, ACCENT = RGBColor(0x11, 0x18, 0x27), RGBColor(0x6B, 0x72, 0x80), RGBColor(0x0F, 0x4C, 0x81)
ACCENT_SOFT, RULE = "E8EFF6", "D1D5DB"


THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _font(style, size, *, bold=False, color=INK, caps=False):
    style.font.name = FONT
    fonts = style.element.rPr.rFonts
    fonts.set(qn("w:eastAsia"), FONT)
    # A theme font (Calibri, Cambria) wins over the named one in Word: keep only the named one, so every
    # style is Arial, the family the PDF's Liberation Sans matches metric for metric.
    for attribute in THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = color
    style.font.all_caps = caps


def _spacing(style, before=0, after=4, line=None):
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line:
        fmt.line_spacing = line


def _border(style_or_ppr, side, color, size=4, space=1):
    ppr = style_or_ppr.element.get_or_add_pPr() if hasattr(style_or_ppr, "element") else style_or_ppr
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", str(space)), ("color", color)):
        edge.set(qn(f"w:{key}"), value)
    borders.append(edge)


def _paragraph_style(styles, name, base="Normal"):
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base] if base and name != base else None
    style.quick_style = True
    return style


def _table_style(document):
    style = document.styles.add_style("Workshop Table", WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]
    tbl_pr = style.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        style.element.append(tbl_pr)
    borders = OxmlElement("w:tblBorders")
    for side in ("bottom", "insideH"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", RULE)):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    # 1.2 mm above and below, 2 mm at the sides: theme.css's cell padding.
    for side, width in (("top", 68), ("left", 113), ("bottom", 68), ("right", 113)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(width))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl_pr.append(margins)
    # The header row: tinted, with an accent rule under it.
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    tc_pr = OxmlElement("w:tcPr")
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", ACCENT_SOFT)):
        shading.set(qn(f"w:{key}"), value)
    tc_borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "8"), ("space", "0"), ("color", "0F4C81")):
        bottom.set(qn(f"w:{key}"), value)
    tc_borders.append(bottom)
    tc_pr.append(tc_borders)
    tc_pr.append(shading)
    first.append(tc_pr)
    style.element.append(first)


def _plain_theme_fonts(document) -> None:
    """Arial as the theme's heading and body fonts and in the document defaults, for any style that
    still refers to the theme (Word's built-in ones that the writer may use)."""
    for fonts in document.styles.element.iter(qn("w:rFonts")):
        for attribute in THEME_FONT_ATTRIBUTES:
            fonts.attrib.pop(qn(attribute), None)
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            if fonts.get(qn(attribute)) not in (None, "Courier", "Courier New"):
                fonts.set(qn(attribute), FONT)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for fonts in defaults.iter(qn("w:rFonts")):
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
    for part in document.part.package.parts:
        if part.partname.endswith("/theme/theme1.xml"):
            xml = part.blob.decode("utf-8")
            for old in ('<a:latin typeface="Calibri"', '<a:latin typeface="Cambria"'):
                xml = xml.replace(old, f'<a:latin typeface="{FONT}"')
            part._blob = xml.encode("utf-8")


def build(target: Path) -> None:
    document = Document()
    styles = document.styles
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    section.left_margin = section.right_margin = Mm(18)
    section.header_distance = section.footer_distance = Mm(10)

    normal = styles["Normal"]
    _font(normal, 9)
    # The same spacing as theme.css (9pt with line-height 1.32; 2mm after a paragraph), so a page of
    # Word and a page of PDF hold the same lines: Word's 1.15 lines of Arial are 1.32 of its size.
    _spacing(normal, 0, 5.65, 1.15)

    _font(_paragraph_style(styles, "Title"), 17, bold=True, color=ACCENT)
    _spacing(styles["Title"], 0, 5.65)
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for old in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(old)
    _font(_paragraph_style(styles, "Subtitle"), 9.5, color=MUTED)
    _spacing(styles["Subtitle"], 0, 8.5)
    # CSS margins collapse (a heading's 5 mm above a paragraph's 2 mm below is 5 mm), Word adds the space
    # after one paragraph to the space before the next: so a heading here asks for the difference.
    for level, size, before, after in ((1, 10.5, 8.5, 8), (2, 10, 5.65, 4.25), (3, 9.5, 4, 4)):
        heading = _paragraph_style(styles, f"Heading {level}")
        _font(heading, size, bold=True, color=ACCENT if level == 1 else INK)
        _spacing(heading, before, after)
        heading.paragraph_format.keep_with_next = True
        if level == 1:
            _border(heading, "bottom", RULE, size=4, space=2)
    for name in ("List Bullet", "List Number"):
        _spacing(_paragraph_style(styles, name), 0, 2)
    note = _paragraph_style(styles, "Note")
    _font(note, 8.5, color=MUTED)
    draft = _paragraph_style(styles, "Draft Mark")
    _font(draft, 7.5, bold=True, color=RGBColor(0x9A, 0x34, 0x12), caps=True)
    _spacing(draft, 0, 6)
    table_text = _paragraph_style(styles, "Table Text")
    _font(table_text, 9)
    _spacing(table_text, 0, 0, 1.15)
    spacer = _paragraph_style(styles, "Table Spacer")  # the gap after a table: theme.css's 3 mm margin
    _font(spacer, 5)
    _spacing(spacer, 0, 0, 1.0)
    table_heading = _paragraph_style(styles, "Table Heading", "Table Text")
    _font(table_heading, 9, bold=True, color=ACCENT)
    party = _paragraph_style(styles, "Signature Party")
    _font(party, 9.5, bold=True)
    _spacing(party, 0, 0)
    line = _paragraph_style(styles, "Signature Line")
    _font(line, 7.5, color=MUTED)
    _spacing(line, 28, 1)
    _border(line, "top", "111827", size=4, space=2)
    field = _paragraph_style(styles, "Signature Field")
    _font(field, 7.5, color=MUTED)
    _spacing(field, 0, 0)
    for name in ("Header", "Footer"):
        running = _paragraph_style(styles, name)
        _font(running, 7.5, color=MUTED)
        _spacing(running, 0, 0)
    styles["Header"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name in ("Header", "Footer"):
        # The writer sets one right-aligned tab at the text width; the template's own centre and
        # right tabs (for Letter paper) would catch the text first.
        ppr = styles[name].element.get_or_add_pPr()
        for tabs in ppr.findall(qn("w:tabs")):
            ppr.remove(tabs)
    _table_style(document)
    _plain_theme_fonts(document)

    # An empty body: the DOCX writer keeps only the styles and the section settings.
    for paragraph in list(document.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    document.core_properties.author = "workshop"
    document.core_properties.title = "workshop reference styles"
    document.save(target)


if __name__ == "__main__":
    build(Path(__file__).resolve().parent.parent / "templates" / "reference.docx")
    print("wrote templates/reference.docx")
