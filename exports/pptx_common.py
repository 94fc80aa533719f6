"""Building blocks shared by the national deck and an organisation's reflection deck.

Plain data in, python-pptx shapes out; no Flask. Text is sized *before* it is placed: each
box gets the largest font size at which its words, wrapped with Arial's real character
widths (Liberation Sans has the same metrics), fit the box, so nothing overflows in
PowerPoint or LibreOffice (a test renders every deck with LibreOffice to prove it). Charts
are native chart objects, so staff can restyle and edit them; their colours come from the
template's theme.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.packuri import PackURI
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Cm, Emu, Pt

TEMPLATE = Path(__file__).resolve().parent / "templates" / "socialstyrelsen.pptx"
LAYOUT_TITLE, LAYOUT_SECTION, LAYOUT_TITLE_ONLY = 0, 2, 5
SLIDE_W, SLIDE_H = Cm(33.867), Cm(19.05)
MARGIN = Cm(1.2)
TITLE_BOX = (MARGIN, Cm(0.8), SLIDE_W - 2 * MARGIN, Cm(2.8))
BODY_TOP = Cm(3.9)
BODY_BOTTOM = SLIDE_H - Cm(0.9)
INSET_X, INSET_Y = Emu(91440), Emu(45720)  # PowerPoint's default text insets
LINE_SPACING = 1.0  # «single»: one line is Arial's ascent + descent + gap, about 1.15 em
LINE_HEIGHT = 1.17  # em per line at single spacing, with a little margin

_CHARS = "".join(chr(c) for c in range(32, 127)) + "ÅÄÖåäöéÉü«»–—…’“”•"
_REGULAR = [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
            556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
            722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
            667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
            556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
            500, 334, 260, 334, 584, 667, 667, 778, 556, 556, 556, 556, 667, 556, 556, 556, 556, 1000,
            1000, 222, 333, 333, 350]
_BOLD = [278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
         556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722,
         667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944,
         667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278,
         556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389,
         584, 722, 722, 778, 556, 556, 611, 556, 667, 611, 556, 556, 556, 1000, 1000, 278, 500, 500, 350]
WIDTHS = {False: dict(zip(_CHARS, _REGULAR, strict=True)), True: dict(zip(_CHARS, _BOLD, strict=True))}
SAFETY = 1.06  # renderers differ slightly in kerning and wrapping


@dataclass(frozen=True)
class Para:
    """One paragraph of a text box: ``level`` 0 plain, 1 a bullet, 2 a sub-bullet."""

    text: str
    level: int = 0
    bold: bool = False
    italic: bool = False
    scale: float = 1.0  # relative to the box's font size (small print, headings)


@lru_cache(maxsize=65536)
def _em_width(text: str, bold: bool) -> float:
    """Width of ``text`` in thousandths of an em (cached: decks repeat their words a lot)."""
    table = WIDTHS[bold]
    return sum(table.get(char, 600) for char in text) * SAFETY


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` set in Arial at ``size`` points."""
    return _em_width(text, bold) * size / 1000


def line_count(text: str, width: float, size: float, bold: bool = False) -> int:
    """Lines ``text`` takes when wrapped greedily at word boundaries in ``width`` points."""
    limit = width * 1000 / size  # in thousandths of an em
    space = _em_width(" ", bold)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        current = -1.0  # nothing on the line yet
        for word in paragraph.split(" "):
            word_w = _em_width(word, bold)
            if current >= 0 and current + space + word_w > limit:
                lines += 1
                current = -1.0
            if current < 0:
                lines += int(word_w // limit)  # a word longer than the line breaks inside
                current = word_w % limit if word_w > limit else word_w
            else:
                current += space + word_w
    return lines


def _indent(level: int) -> Emu:
    return Emu(0) if level == 0 else Cm(0.6 * level)


def paragraphs_height(paras: Sequence[Para], width: float, size: float, gap: float = 0.35) -> float:
    """Height in points of the paragraphs at ``size`` with ``gap`` × size between paragraphs."""
    total = 0.0
    for para in paras:
        own = size * para.scale
        usable = width - _indent(para.level).pt
        total += line_count(para.text, usable, own, para.bold) * own * LINE_HEIGHT + own * gap
    return total


def fitting_size(paras: Sequence[Para], width: Emu, height: Emu, largest: float,
                 smallest: float = 9.0) -> float:
    """The largest size (half-point steps) at which the paragraphs fit the box, at least
    ``smallest``; text that does not fit even then is the caller's to shorten."""
    usable_w = Emu(width - 2 * INSET_X).pt
    usable_h = Emu(height - 2 * INSET_Y).pt
    steps = [largest - 0.5 * i for i in range(int((largest - smallest) * 2) + 1)]
    low, high = 0, len(steps) - 1  # binary search: height only grows with the size
    while low < high:
        middle = (low + high) // 2
        if paragraphs_height(paras, usable_w, steps[middle]) <= usable_h:
            high = middle
        else:
            low = middle + 1
    return steps[low]


def fits(paras: Sequence[Para], width: Emu, height: Emu, size: float) -> bool:
    return paragraphs_height(paras, Emu(width - 2 * INSET_X).pt, size) <= Emu(height - 2 * INSET_Y).pt


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:–- ")
    return cut + "…"


def _bullet(paragraph: object, level: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    p_pr.set("marL", str(_indent(level)))
    p_pr.set("indent", str(-Cm(0.45)))
    for old in p_pr.findall(qn("a:buNone")):
        p_pr.remove(old)
    bullet = etree.SubElement(p_pr, qn("a:buChar"))
    bullet.set("char", "•" if level == 1 else "–")


def fill_text(frame: object, paras: Sequence[Para], size: float, colour: MSO_THEME_COLOR | None = None,
              align: PP_ALIGN | None = None, anchor: MSO_ANCHOR = MSO_ANCHOR.TOP) -> None:
    """Write paragraphs into a text frame at a fixed size; never let the renderer resize."""
    frame.word_wrap = True  # type: ignore[attr-defined]
    frame.auto_size = MSO_AUTO_SIZE.NONE  # type: ignore[attr-defined]
    frame.vertical_anchor = anchor  # type: ignore[attr-defined]
    frame.clear()  # type: ignore[attr-defined]
    for index, para in enumerate(paras):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()  # type: ignore[attr-defined]
        if para.level:
            _bullet(paragraph, para.level)
        if align is not None:
            paragraph.alignment = align
        paragraph.line_spacing = LINE_SPACING
        paragraph.space_after = Pt(size * para.scale * 0.35)
        run = paragraph.add_run()
        run.text = para.text
        run.font.size = Pt(size * para.scale)
        run.font.bold = para.bold
        run.font.italic = para.italic
        if colour is not None:
            run.font.color.theme_color = colour


def text_box(slide: Slide, box: tuple[int, int, int, int], paras: Sequence[Para], largest: float,
             smallest: float = 9.0, name: str | None = None, **style: object) -> float:
    """A text box sized to fit; returns the font size chosen."""
    shape = slide.shapes.add_textbox(*box)
    if name:
        shape.name = name
    size = fitting_size(paras, Emu(box[2]), Emu(box[3]), largest, smallest)
    fill_text(shape.text_frame, paras, size, **style)  # type: ignore[arg-type]
    return size


class Deck:
    """A presentation on the template; slides are appended in reading order."""

    def __init__(self, template: Path = TEMPLATE) -> None:
        self.prs: PresentationType = Presentation(str(template))
        _remember_partnames(self.prs)

    def title_slide(self, title: str, subtitle: str) -> Slide:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE])
        box = (MARGIN, Cm(5.5), SLIDE_W - 2 * MARGIN, Cm(4.5))
        self._place(slide.shapes.title, box, [Para(title, bold=True)], 40, colour=MSO_THEME_COLOR.TEXT_2)
        sub = slide.placeholders[1]
        self._place(sub, (MARGIN, Cm(10.5), SLIDE_W - 2 * MARGIN, Cm(2.5)), [Para(subtitle)], 24)
        return slide

    def section_slide(self, title: str) -> Slide:
        """A divider, as between the deck's chapters."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_SECTION])
        box = (MARGIN, Cm(6.5), SLIDE_W - 2 * MARGIN, Cm(5))
        self._place(slide.shapes.title, box, [Para(title, bold=True)], 36, colour=MSO_THEME_COLOR.TEXT_2,
                    anchor=MSO_ANCHOR.MIDDLE)
        for placeholder in list(slide.placeholders):
            if placeholder.placeholder_format.idx != 0:
                placeholder._element.getparent().remove(placeholder._element)
        return slide

    def content_slide(self, title: str, largest: float = 26) -> Slide:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE_ONLY])
        self._place(slide.shapes.title, TITLE_BOX, [Para(title, bold=True)], largest,
                    colour=MSO_THEME_COLOR.TEXT_2, anchor=MSO_ANCHOR.MIDDLE, smallest=16)
        return slide

    @staticmethod
    def _place(shape: object, box: tuple[int, int, int, int], paras: list[Para], largest: float,
               smallest: float = 12, **style: object) -> None:
        shape.left, shape.top, shape.width, shape.height = box  # type: ignore[attr-defined]
        size = fitting_size(paras, Emu(box[2]), Emu(box[3]), largest, smallest)
        fill_text(shape.text_frame, paras, size, **style)  # type: ignore[attr-defined,arg-type]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


def _remember_partnames(prs: PresentationType) -> None:
    """Name new parts (charts, their workbooks) from a running set, on this package only.

    python-pptx finds a free part name by walking every part of the package for every chart
    and its embedded workbook, which makes a deck of fifty charts quadratic; the names it
    would pick are the same.
    """
    package = prs.part.package
    used = {str(part.partname) for part in package.iter_parts()}

    def next_partname(template: str) -> PackURI:
        number = 1
        while template % number in used:
            number += 1
        used.add(template % number)
        return PackURI(template % number)

    package.next_partname = next_partname  # type: ignore[method-assign]


@dataclass(frozen=True)
class Bars:
    """One bar chart: categories top to bottom, one or more series of values."""

    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    number_format: str = "0"
    maximum: float | None = None
    highlight: tuple[int, ...] = ()  # categories to mark (an organisation's own answer)


def bar_chart(slide: Slide, box: tuple[int, int, int, int], bars: Bars, font: float = 12,
              name: str | None = None) -> object:
    """A native horizontal bar chart with the values as data labels."""
    data = CategoryChartData(number_format=bars.number_format)
    data.categories = bars.categories
    for series_name, values in bars.series:
        data.add_series(series_name, values)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *box, data)
    if name:
        frame.name = name
    chart = frame.chart
    chart.font.size = Pt(font)
    chart.has_title = False
    chart.has_legend = len(bars.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.gap_width = 50
    plot.overlap = -10 if len(bars.series) > 1 else 0
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = bars.number_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(font)
    _style_axes(chart, bars)
    for index, series in enumerate(plot.series):
        series.format.fill.solid()
        series.format.fill.fore_color.theme_color = (MSO_THEME_COLOR.ACCENT_1, MSO_THEME_COLOR.ACCENT_3,
                                                     MSO_THEME_COLOR.ACCENT_4)[index % 3]
        for marked in bars.highlight if index == 0 else ():
            point = series.points[marked]
            point.format.fill.solid()
            point.format.fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_2
    return frame


def _style_axes(chart: object, bars: Bars) -> None:
    category = chart.category_axis  # type: ignore[attr-defined]
    category.reverse_order = True  # first category on top, as read
    category.has_major_gridlines = False
    category.format.line.fill.background()
    value = chart.value_axis  # type: ignore[attr-defined]
    value.visible = False
    value.has_major_gridlines = False
    value.minimum_scale = 0
    if bars.maximum:
        # Room for the data label beside the longest bar.
        value.maximum_scale = bars.maximum * 1.15


def table(slide: Slide, box: tuple[int, int, int, int], header: Sequence[str],
          rows: Sequence[Sequence[str]], size: float, first_col_share: float = 0.5,
          name: str | None = None) -> object:
    """A native table; the first column carries labels, the rest numbers (right-aligned)."""
    frame = slide.shapes.add_table(len(rows) + 1, len(header), *box)
    if name:
        frame.name = name
    grid = frame.table
    first = int(box[2] * first_col_share)
    rest = (box[2] - first) // max(1, len(header) - 1)
    grid.columns[0].width = Emu(first)
    for index in range(1, len(header)):
        grid.columns[index].width = Emu(rest)
    row_height = Emu(box[3] // (len(rows) + 1))
    for r, values in enumerate([list(header), *[list(row) for row in rows]]):
        grid.rows[r].height = row_height
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.margin_top = cell.margin_bottom = Emu(36000)
            align = PP_ALIGN.LEFT if c == 0 else PP_ALIGN.RIGHT if r else PP_ALIGN.CENTER
            fill_text(cell.text_frame, [Para(value, bold=r == 0)], size, align=align,
                      anchor=MSO_ANCHOR.MIDDLE)
    return frame


def table_font_size(box: tuple[int, int, int, int], header: Sequence[str], rows: Sequence[Sequence[str]],
                    first_col_share: float, largest: float = 16, smallest: float = 9) -> float:
    """The largest size at which every cell fits its share of the table."""
    first = box[2] * first_col_share
    rest = (box[2] - first) / max(1, len(header) - 1)
    row_h = box[3] / (len(rows) + 1) - 2 * 36000
    size = largest
    while size > smallest:
        ok = True
        for r, values in enumerate([list(header), *[list(row) for row in rows]]):
            for c, value in enumerate(values):
                width = Emu(int((first if c == 0 else rest) - 2 * INSET_X)).pt
                lines = line_count(value, width, size, bold=r == 0)
                if lines * size * LINE_HEIGHT > Emu(int(row_h)).pt:
                    ok = False
        if ok:
            return size
        size -= 0.5
    return smallest
