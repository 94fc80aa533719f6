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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypedDict, Unpack, cast

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.base import BaseXmlEnum
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.packuri import PackURI
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.autoshape import Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Cm, Emu, Length, Pt

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


def _indent(level: int) -> Length:
    return Emu(0) if level == 0 else Cm(0.6 * level)


def paragraphs_height(paras: Sequence[Para], width: float, size: float, gap: float = 0.35) -> float:
    """Height in points of the paragraphs at ``size`` with ``gap`` × size between paragraphs."""
    total = 0.0
    for para in paras:
        own = size * para.scale
        usable = width - _indent(para.level).pt
        total += line_count(para.text, usable, own, para.bold) * own * LINE_HEIGHT + own * gap
    return total


def fitting_size(paras: Sequence[Para], width: int, height: int, largest: float,
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


def fits(paras: Sequence[Para], width: int, height: int, size: float) -> bool:
    return paragraphs_height(paras, Emu(width - 2 * INSET_X).pt, size) <= Emu(height - 2 * INSET_Y).pt


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:–- ")
    return cut + "…"


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")  # escaped in a:t as python-pptx does («_x0007_»)
_BULLET_INDENT = str(-Cm(0.45))
_AUTOFIT = {f"{_A}noAutofit", f"{_A}normAutofit", f"{_A}spAutoFit"}


def _xml(member: BaseXmlEnum) -> str:
    """The value an enum member is written as in the XML (every member used here has one)."""
    assert member.xml_value is not None
    return member.xml_value


def _find(parent: etree._Element, path: str) -> etree._Element:
    """The element at ``path`` below ``parent``; one python-pptx always writes, so its absence
    (after an upgrade that changed the XML) fails loudly, naming it."""
    found = parent.find(path)
    if found is None:
        raise LookupError(f"python-pptx wrote no {path} in {parent.tag!r}")
    return found


def _add(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None,
         before: etree._Element | None = None) -> etree._Element:
    """A new child of ``parent``: appended, or placed just before its child ``before``."""
    element = parent.makeelement(tag, attrs or {})
    if before is None:
        parent.append(element)
    else:
        before.addprevious(element)
    return element


def _paragraph(body: etree._Element, para: Para, size: float, colour: MSO_THEME_COLOR | None,
               align: PP_ALIGN | None) -> None:
    """Append one ``a:p`` to ``body``: the XML python-pptx's paragraph and run setters write."""
    own = size * para.scale
    paragraph = _add(body, f"{_A}p")
    props = _add(paragraph, f"{_A}pPr")
    if para.level:
        props.set("marL", str(_indent(para.level)))
        props.set("indent", _BULLET_INDENT)
    if align is not None:
        props.set("algn", _xml(align))
    _add(_add(props, f"{_A}lnSpc"), f"{_A}spcPct", {"val": str(round(LINE_SPACING * 100000))})
    _add(_add(props, f"{_A}spcAft"), f"{_A}spcPts", {"val": str(Pt(own * 0.35).centipoints)})
    if para.level:
        _add(props, f"{_A}buChar", {"char": "•" if para.level == 1 else "–"})
    run = _add(paragraph, f"{_A}r")
    run_props = _add(run, f"{_A}rPr", {"sz": str(Pt(own).centipoints), "b": "1" if para.bold else "0",
                                       "i": "1" if para.italic else "0"})
    if colour is not None:
        _add(_add(run_props, f"{_A}solidFill"), f"{_A}schemeClr", {"val": _xml(colour)})
    _add(run, f"{_A}t").text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", para.text)


def fill_text(frame: TextFrame, paras: Sequence[Para], size: float, colour: MSO_THEME_COLOR | None = None,
              align: PP_ALIGN | None = None, anchor: MSO_ANCHOR = MSO_ANCHOR.TOP) -> None:
    """Write paragraphs into a text frame at a fixed size; never let the renderer resize.

    The frame's properties and paragraphs are written as XML directly: python-pptx's setters
    find each new child's place in the schema with an XPath query, which made text the
    builder's largest cost. The XML is the same.
    """
    body = frame._element  # the a:txBody (or p:txBody) element
    props = _find(body, f"{_A}bodyPr")
    props.set("wrap", "square")  # word_wrap = True
    props.set("anchor", _xml(anchor))
    for old in [child for child in props if child.tag in _AUTOFIT]:
        props.remove(old)
    fixed = props.makeelement(f"{_A}noAutofit", {})  # auto_size = MSO_AUTO_SIZE.NONE
    warp = props.find(f"{_A}prstTxWarp")  # the only child the schema puts before it
    if warp is None:
        props.insert(0, fixed)
    else:
        warp.addnext(fixed)
    for old in body.findall(f"{_A}p"):
        body.remove(old)
    for para in paras:
        _paragraph(body, para, size, colour, align)


class TextStyle(TypedDict, total=False):
    """What ``fill_text`` takes besides the text and its size."""

    colour: MSO_THEME_COLOR | None
    align: PP_ALIGN | None
    anchor: MSO_ANCHOR


def emus(box: tuple[int, int, int, int]) -> tuple[Emu, Emu, Emu, Emu]:
    """A box (left, top, width, height) of EMU counts as the lengths python-pptx takes."""
    left, top, width, height = box
    return Emu(left), Emu(top), Emu(width), Emu(height)


def text_box(slide: Slide, box: tuple[int, int, int, int], paras: Sequence[Para], largest: float,
             smallest: float = 9.0, name: str | None = None, **style: Unpack[TextStyle]) -> float:
    """A text box sized to fit; returns the font size chosen."""
    shape = slide.shapes.add_textbox(*emus(box))
    if name:
        shape.name = name
    size = fitting_size(paras, box[2], box[3], largest, smallest)
    fill_text(shape.text_frame, paras, size, **style)
    return size


class Deck:
    """A presentation on the template; slides are appended in reading order."""

    def __init__(self, template: Path = TEMPLATE) -> None:
        self.prs: PresentationType = Presentation(str(template))
        _remember_partnames(self.prs)

    def title_slide(self, title: str, subtitle: str) -> Slide:
        slide: Slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE])
        box = (MARGIN, Cm(5.5), SLIDE_W - 2 * MARGIN, Cm(4.5))
        self._place(slide.shapes.title, box, [Para(title, bold=True)], 40, colour=MSO_THEME_COLOR.TEXT_2)
        sub = slide.placeholders[1]
        self._place(sub, (MARGIN, Cm(10.5), SLIDE_W - 2 * MARGIN, Cm(2.5)), [Para(subtitle)], 24)
        return slide

    def section_slide(self, title: str) -> Slide:
        """A divider, as between the deck's chapters."""
        slide: Slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_SECTION])
        box = (MARGIN, Cm(6.5), SLIDE_W - 2 * MARGIN, Cm(5))
        self._place(slide.shapes.title, box, [Para(title, bold=True)], 36, colour=MSO_THEME_COLOR.TEXT_2,
                    anchor=MSO_ANCHOR.MIDDLE)
        for placeholder in list(slide.placeholders):
            if placeholder.placeholder_format.idx != 0:
                placeholder._element.getparent().remove(placeholder._element)
        return slide

    def content_slide(self, title: str, largest: float = 26) -> Slide:
        slide: Slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE_ONLY])
        self._place(slide.shapes.title, TITLE_BOX, [Para(title, bold=True)], largest,
                    colour=MSO_THEME_COLOR.TEXT_2, anchor=MSO_ANCHOR.MIDDLE, smallest=16)
        return slide

    @staticmethod
    def _place(shape: Shape | None, box: tuple[int, int, int, int], paras: list[Para], largest: float,
               smallest: float = 12, **style: Unpack[TextStyle]) -> None:
        if shape is None:
            raise LookupError("the template's slide layout has no title placeholder")
        shape.left, shape.top, shape.width, shape.height = emus(box)
        size = fitting_size(paras, box[2], box[3], largest, smallest)
        fill_text(shape.text_frame, paras, size, **style)

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

    # An attribute of this one package that shadows the method; mypy reads it as redefining the method.
    package.next_partname = next_partname  # type: ignore[method-assign,assignment]


@dataclass(frozen=True)
class Bars:
    """One bar chart: categories top to bottom, one or more series of values."""

    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    number_format: str = "0"
    maximum: float | None = None
    highlight: tuple[int, ...] = ()  # categories to mark (an organisation's own answer)


SERIES_COLOURS = (MSO_THEME_COLOR.ACCENT_1, MSO_THEME_COLOR.ACCENT_3, MSO_THEME_COLOR.ACCENT_4)
# Data labels: the values only, as python-pptx's ``has_data_labels`` writes them.
_LABEL_FLAGS = (("showLegendKey", "0"), ("showVal", "1"), ("showCatName", "0"), ("showSerName", "0"),
                ("showPercent", "0"), ("showBubbleSize", "0"), ("showLeaderLines", "1"))


def bar_chart(slide: Slide, box: tuple[int, int, int, int], bars: Bars, font: float = 12,
              name: str | None = None) -> GraphicFrame:
    """A native horizontal bar chart with the values as data labels."""
    data = CategoryChartData(number_format=bars.number_format)
    data.categories = bars.categories
    for series_name, values in bars.series:
        data.add_series(series_name, values)
    # python-pptx annotates add_chart as returning the chart; it returns the graphic frame.
    # and it names the type of chart data ChartData, a subclass kept for old code; any CategoryChartData works.
    frame = cast(GraphicFrame, slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *emus(box), data))  # type: ignore[arg-type]
    if name:
        frame.name = name
    _style_chart(frame.chart_part._element, bars, font)  # the part's c:chartSpace
    return frame


def _solid_fill(parent: etree._Element, colour: MSO_THEME_COLOR, before: etree._Element | None) -> None:
    fill = _add(_add(parent, f"{_C}spPr", before=before), f"{_A}solidFill")
    _add(fill, f"{_A}schemeClr", {"val": _xml(colour)})


def _style_chart(space: etree._Element, bars: Bars, font: float) -> None:
    """Style the chart python-pptx generated for ``BAR_CLUSTERED``, editing its XML directly.

    The result is what the python-pptx chart API writes (no title, legend at the bottom for
    several series, value labels outside the bars, theme colours, the category axis reversed
    and the value axis hidden from 0 to ``maximum`` × 1.15); through that API every property
    is a separate XPath lookup and schema-ordered insert, which cost half as much again as
    making the chart. The elements are placed relative to python-pptx's fixed chart template;
    should an upgrade change it, the lookups below find nothing and fail loudly.
    """
    size = str(Pt(font).centipoints)
    chart = _find(space, f"{_C}chart")
    _find(chart, f"{_C}autoTitleDeleted").set("val", "1")
    _find(space, f"{_C}txPr/{_A}p/{_A}pPr/{_A}defRPr").set("sz", size)
    several = len(bars.series) > 1
    if several:
        legend = _add(chart, f"{_C}legend", before=_find(chart, f"{_C}dispBlanksAs"))
        _add(legend, f"{_C}legendPos", {"val": _xml(XL_LEGEND_POSITION.BOTTOM)})
        _add(legend, f"{_C}overlay", {"val": "0"})
    plot_area = _find(chart, f"{_C}plotArea")
    bar = _find(plot_area, f"{_C}barChart")
    for index, series in enumerate(bar.iterfind(f"{_C}ser")):
        points = _find(series, f"{_C}cat")
        _solid_fill(series, SERIES_COLOURS[index % 3], before=points)
        for marked in dict.fromkeys(bars.highlight) if index == 0 else ():
            point = _add(series, f"{_C}dPt", before=points)
            _add(point, f"{_C}idx", {"val": str(marked)})
            _solid_fill(point, MSO_THEME_COLOR.ACCENT_2, before=None)
    first_axis = _find(bar, f"{_C}axId")
    labels = _add(bar, f"{_C}dLbls", before=first_axis)
    _add(labels, f"{_C}numFmt", {"formatCode": bars.number_format, "sourceLinked": "0"})
    label_text = _add(labels, f"{_C}txPr")
    _add(label_text, f"{_A}bodyPr")
    _add(label_text, f"{_A}lstStyle")
    _add(_add(_add(label_text, f"{_A}p"), f"{_A}pPr"), f"{_A}defRPr", {"sz": size})
    _add(labels, f"{_C}dLblPos", {"val": _xml(XL_LABEL_POSITION.OUTSIDE_END)})
    for flag, value in _LABEL_FLAGS:
        _add(labels, f"{_C}{flag}", {"val": value})
    _add(bar, f"{_C}gapWidth", {"val": "50"}, before=first_axis)
    if several:
        _add(bar, f"{_C}overlap", {"val": "-10"}, before=first_axis)
    _style_axes(plot_area, bars)


def _style_axes(plot_area: etree._Element, bars: Bars) -> None:
    category = _find(plot_area, f"{_C}catAx")
    _find(category, f"{_C}scaling/{_C}orientation").set("val", "maxMin")  # first category on top, as read
    line = _add(_add(category, f"{_C}spPr", before=_find(category, f"{_C}crossAx")), f"{_A}ln")
    _add(line, f"{_A}noFill")
    value = _find(plot_area, f"{_C}valAx")
    del _find(value, f"{_C}delete").attrib["val"]  # «deleted» is the default: the axis is hidden
    value.remove(_find(value, f"{_C}majorGridlines"))
    scaling = _find(value, f"{_C}scaling")
    if bars.maximum:
        # Room for the data label beside the longest bar.
        _add(scaling, f"{_C}max", {"val": str(float(bars.maximum * 1.15))})
    _add(scaling, f"{_C}min", {"val": "0.0"})


def table(slide: Slide, box: tuple[int, int, int, int], header: Sequence[str],
          rows: Sequence[Sequence[str]], size: float, first_col_share: float = 0.5,
          name: str | None = None) -> object:
    """A native table; the first column carries labels, the rest numbers (right-aligned)."""
    frame = slide.shapes.add_table(len(rows) + 1, len(header), *emus(box))
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
