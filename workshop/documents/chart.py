"""The year chart of the briefing pack: both fiscal calendars side by side, as one PNG that the PDF
and the DOCX both embed (so the two formats show the same picture). Its words and month names are
in the language the document is rendered in."""

from __future__ import annotations

import base64
import io
from datetime import date, timedelta
from functools import lru_cache

from babel.dates import format_skeleton
from PIL import Image, ImageDraw, ImageFont

from ..formatting import parse_locale
from ..i18n import _, current, pgettext
from ..plan import Plan

SCALE = 2  # drawn at twice the size it is shown, so it stays sharp in print
WIDTH = 1740
LABEL_WIDTH = 300
ROW, GAP = 44, 14
INK, MUTED, RULE = (17, 24, 39), (107, 114, 128), (209, 213, 219)
ACCENT, ACCENT_SOFT = (15, 76, 129), (214, 228, 241)
PARTNER, PARTNER_SOFT = (124, 58, 237), (233, 222, 252)
URGENCY = (234, 88, 12)
EVENT_COLOURS = {"blackout": (220, 38, 38), "holiday": (202, 138, 4), "season": (13, 148, 136),
                 "absence": (190, 24, 93)}


# Pillow draws a text with one font and no fallback, so a label is drawn with the first of these
# that has a glyph for more of its characters than the others: DejaVu Sans (Latin, Greek, Cyrillic,
# Arabic, Hebrew), then Noto Sans CJK (Japanese, Chinese, Korean; Debian's fonts-noto-cjk).
FONT_FILES = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"))
# Noto Sans CJK collections hold one face per region: Han characters take the Japanese forms in
# a Japanese chart and the Simplified Chinese ones in a Chinese chart.
CJK_FACE = {"ja": 0, "ko": 1, "zh": 2}


@lru_cache(maxsize=32)
def _load(name: str, size: int, index: int = 0):
    try:
        return ImageFont.truetype(name, size, index=index)  # Pillow also looks in the system's font folders
    except OSError:
        return None


@lru_cache(maxsize=8)
def _characters(path: str) -> frozenset[int]:
    """Code points a font file has glyphs for (the first font of a collection)."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    with TTFont(path, fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _font(size: int, bold: bool = False, text: str = ""):
    """The first font of FONT_FILES with glyphs for the most characters of `text`."""
    face = CJK_FACE.get(current().tag.split("-")[0], 0)
    fonts = []
    for regular, heavy in FONT_FILES:
        index = face if regular.endswith(".ttc") else 0
        font = _load(heavy if bold else regular, size, index) or _load(regular, size, index)
        if font is not None:
            fonts.append(font)
    if not fonts:
        return ImageFont.load_default(size=size)
    needed = [ord(c) for c in text if not c.isspace()]
    if all(c in _characters(fonts[0].path) for c in needed):
        return fonts[0]  # the usual case, without reading the other fonts
    return max(fonts, key=lambda font: sum(c in _characters(font.path) for c in needed))  # first of equals


def year_chart_png(plan: Plan) -> bytes:
    """Draw the planned vendor year: quarters and urgency windows of both sides, the MOP periods the
    memo prints (agreed or proposed) and the holidays, seasons, blackouts and absences in closing weeks."""
    facts = plan.facts
    first, last = facts.vendor_year_start, facts.vendor_year_end
    days = (last - first).days + 1
    collisions = facts.collisions
    rows = 3 + (1 if collisions else 0)
    height = 70 + rows * (ROW + GAP) + 60
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    track = WIDTH - LABEL_WIDTH - 20

    def x(day: date) -> float:
        clamped = min(max(day, first), last + timedelta(days=1))
        return LABEL_WIDTH + track * (clamped - first).days / days

    # Month ticks along the top.
    month = date(first.year, first.month, 1)
    while month <= last:
        left = x(month)
        draw.line([(left, 48), (left, height - 50)], fill=(235, 237, 240), width=2)
        name = format_skeleton("MMMyy", month, locale=parse_locale(current().locale))
        draw.text((left + 6, 18), name, fill=MUTED, font=_font(20, text=name))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)

    def row_top(index: int) -> int:
        return 60 + index * (ROW + GAP)

    def label(index: int, text: str, colour) -> None:
        # One line if it fits; else two smaller lines, so a long company name is not cut short.
        room = LABEL_WIDTH - 24
        font = _font(21, bold=True, text=text)
        if draw.textlength(text, font=font) <= room:
            draw.text((12, row_top(index) + 10), text, fill=colour, font=font)
            return
        small = _font(17, bold=True, text=text)
        lines = _two_lines(text, lambda t: draw.textlength(t, font=small) <= room)
        for number, line in enumerate(lines):
            draw.text((12, row_top(index) + 2 + 20 * number), line, fill=colour, font=small)

    def quarters(index: int, side, strong, soft) -> None:
        top = row_top(index)
        for q in side.quarters:
            left, right = x(q.start), x(q.end + timedelta(days=1))
            if right <= left:
                continue
            draw.rectangle([left + 1, top, right - 1, top + ROW], fill=soft, outline="white", width=2)
            if q.urgency_start and x(q.urgency_start) < right - 1:
                draw.rectangle([x(q.urgency_start), top + ROW - 12, right - 1, top + ROW], fill=URGENCY)
            if right - left > 90:
                short = pgettext("a quarter in the year chart", "Q%(quarter)s") % {"quarter": q.number}
                draw.text((left + 8, top + 8), short, fill=strong, font=_font(20, bold=True, text=short))

    label(0, facts.vendor.name, ACCENT)
    quarters(0, facts.vendor, ACCENT, ACCENT_SOFT)
    label(1, facts.partner.name, PARTNER)
    quarters(1, facts.partner, PARTNER, PARTNER_SOFT)

    top = row_top(2)
    label(2, _("Proposed MOP") if plan.memo.status == "proposed" else _("Agreed MOP"), INK)
    for index, period in enumerate(plan.memo.periods):
        left, right = x(period.start), x(period.end + timedelta(days=1))
        if right <= left:
            continue
        draw.rectangle([left + 1, top, right - 1, top + ROW], fill=(31, 41, 55) if index % 2 else (55, 65, 81))
        name = _fit(period.name, max(3, int((right - left) / 13)))
        draw.text((left + 8, top + 10), name, fill="white", font=_font(20, bold=True, text=name))

    if collisions:
        top = row_top(3)
        label(3, _("In closing weeks"), INK)
        for event in collisions:
            left, right = x(event.start), max(x(event.start) + 6, x(event.end + timedelta(days=1)))
            draw.rectangle([left, top + 6, right, top + ROW - 6], fill=EVENT_COLOURS[event.kind])

    # Legend.
    legend_y = height - 38
    cursor = LABEL_WIDTH
    kinds = {"blackout": _("blackout"), "holiday": _("holiday"), "season": _("season"), "absence": _("absence")}
    items = [(URGENCY, _("urgency window (last weeks of a quarter)"))]
    items += [(EVENT_COLOURS[k], kinds[k]) for k in kinds if any(c.kind == k for c in collisions)]
    for colour, text in items:
        draw.rectangle([cursor, legend_y + 4, cursor + 26, legend_y + 22], fill=colour)
        draw.text((cursor + 34, legend_y), text, fill=MUTED, font=_font(20, text=text))
        cursor += 34 + int(draw.textlength(text, font=_font(20, text=text))) + 40

    buffer = io.BytesIO()
    # zlib's default level: the same pixels, a file 3% larger, and a third of the time optimize=True took.
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _two_lines(text: str, fits) -> list[str]:
    """`text` in at most two lines that each `fits`, the second cut with an ellipsis if it must be."""
    words, first = text.split(), ""
    while words and fits((first + " " + words[0]).strip()):
        first = (first + " " + words.pop(0)).strip()
    if not first:  # one long word: cut it
        first, words = text, []
        while first and not fits(first + "…"):
            first = first[:-1]
        return [first + "…"]
    second = " ".join(words)
    while second and not fits(second):
        second = second[:-2] + "…"
    return [first, second] if second else [first]


def _fit(text: str, characters: int) -> str:
    return text if len(text) <= characters else text[: max(1, characters - 1)] + "…"


def year_chart_data_uri(plan: Plan) -> str:
    """The year chart as a data: URI for an <img> in a template."""
    return "data:image/png;base64," + base64.b64encode(year_chart_png(plan)).decode("ascii")
