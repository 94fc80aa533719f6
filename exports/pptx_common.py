"""Building blocks shared by the national deck and an organisation's reflection deck.

Plain data in, python-pptx shapes out; no Flask. Text is sized before it is placed
(``exports.pptx_text``); charts are native chart objects on one scale (``exports.pptx_bars``),
so staff can restyle and edit them, their colours from the template's theme. One type scale
for the whole deck: headlines 22 pt, body text 20 pt (never below 16), question texts 14 pt,
n lines and footnotes 12 pt. Every slide but the first carries its number.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Unpack

from lxml import etree
from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.parts.slide import SlidePart
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.autoshape import Shape
from pptx.slide import Slide, SlideLayout
from pptx.util import Cm, Emu

from exports.pptx_bars import Bars, bar_chart
from exports.pptx_package import (
    DeckProperties,
    NotesWriter,
    add_slide_number,
    number_source,
    relate_new,
    set_properties,
    tag_language,
)
from exports.pptx_text import (
    _A,
    INSET_X,
    LINE_HEIGHT,
    Para,
    TextStyle,
    emus,
    fill_text,
    fits,
    fitting_size,
    line_count,
    paragraphs_height,
    shorten,
    text_box,
    text_width,
)

__all__ = ["Bars", "Deck", "DeckProperties", "Para", "bar_chart", "fill_text", "fits", "fitting_size",
           "line_count", "paragraphs_height", "shorten", "table", "table_font_size", "text_box", "text_width"]

TEMPLATE = Path(__file__).resolve().parent / "templates" / "socialstyrelsen.pptx"
LAYOUT_TITLE, LAYOUT_SECTION, LAYOUT_TITLE_ONLY = 0, 2, 5
SLIDE_W, SLIDE_H = Cm(33.867), Cm(19.05)
MARGIN = Cm(1.2)
TITLE_BOX = (MARGIN, Cm(0.6), SLIDE_W - 2 * MARGIN, Cm(3.3))  # three lines at 22 pt
BODY_TOP = Cm(4.0)
BODY_BOTTOM = SLIDE_H - Cm(1.0)
NUMBER_BOX = (SLIDE_W - MARGIN - Cm(2.5), SLIDE_H - Cm(0.95), Cm(2.5), Cm(0.75))
TITLE_SIZE = 22  # every headline
BODY_SIZE, BODY_MIN = 20, 16  # bulleted text; below BODY_MIN it continues on another slide
QUESTION_SIZE = 14  # the question above a chart
SMALL_SIZE = 12  # n lines, footnotes, chart labels


class Deck:
    """A presentation on the template; slides are appended in reading order."""

    def __init__(self, template: Path = TEMPLATE) -> None:
        self.prs: PresentationType = Presentation(str(template))
        self._number_sources: dict[int, etree._Element | None] = {}  # layout index → its placeholder
        self._notes = NotesWriter()
        self._blank_slides: dict[int, tuple[SlideLayout, etree._Element]] = {}
        _remember_partnames(self.prs)

    def _add_slide(self, index: int) -> Slide:
        """A new slide on layout ``index``, as python-pptx's ``add_slide`` makes it.

        The first slide of a layout is made by python-pptx, which copies the layout's
        placeholders onto it with an XPath query per placeholder; later ones are copies of that
        first blank slide, related to the layout and the presentation as python-pptx relates
        them (the XML is the same, and cloning was a tenth of the deck's time).
        """
        cached = self._blank_slides.get(index)
        if cached is None:
            layout = self.prs.slide_layouts[index]
            slide: Slide = self.prs.slides.add_slide(layout)
            self._blank_slides[index] = (layout, copy.deepcopy(slide._element))
            return slide
        layout, blank = cached
        presentation = self.prs.part
        id_list = self.prs.slides._sldIdLst
        partname = PackURI(f"/ppt/slides/slide{len(id_list) + 1}.xml")
        part = SlidePart(partname, CT.PML_SLIDE, presentation.package,
                         copy.deepcopy(blank))  # type: ignore[arg-type]  # a CT_Slide
        relate_new(part, layout.part, RT.SLIDE_LAYOUT)
        id_list.add_sldId(relate_new(presentation, part, RT.SLIDE))
        made: Slide = part.slide
        return made

    def title_slide(self, title: str, subtitle: str) -> Slide:
        """Title and subtitle in one left-aligned column."""
        slide = self._add_slide(LAYOUT_TITLE)
        box = (MARGIN, Cm(5.5), SLIDE_W - 2 * MARGIN, Cm(4.5))
        self._place(slide.shapes.title, box, [Para(title, bold=True)], 40, colour=MSO_THEME_COLOR.TEXT_2,
                    align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.BOTTOM)
        sub = slide.placeholders[1]
        self._place(sub, (MARGIN, Cm(10.3), SLIDE_W - 2 * MARGIN, Cm(2.5)), [Para(subtitle)], 24,
                    align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP, colour=MSO_THEME_COLOR.TEXT_1)
        return slide

    def section_slide(self, title: str) -> Slide:
        """A divider, as between the deck's chapters."""
        slide = self._add_slide(LAYOUT_SECTION)
        box = (MARGIN, Cm(6.5), SLIDE_W - 2 * MARGIN, Cm(5))
        self._place(slide.shapes.title, box, [Para(title, bold=True)], 36, colour=MSO_THEME_COLOR.TEXT_2,
                    anchor=MSO_ANCHOR.MIDDLE, align=PP_ALIGN.LEFT)
        for placeholder in list(slide.placeholders):
            if placeholder.placeholder_format.idx != 0:
                placeholder._element.getparent().remove(placeholder._element)
        self._number(slide, LAYOUT_SECTION)
        return slide

    def content_slide(self, title: str | Sequence[str], notes: Sequence[Para] = ()) -> Slide:
        """A slide with a headline: the first of ``title``'s full sentences that fits."""
        options = [title] if isinstance(title, str) else list(title)
        chosen = pick_fitting(options, TITLE_BOX[2], TITLE_BOX[3], TITLE_SIZE, bold=True)
        slide = self._add_slide(LAYOUT_TITLE_ONLY)
        self._place(slide.shapes.title, TITLE_BOX, [Para(chosen, bold=True)], TITLE_SIZE,
                    colour=MSO_THEME_COLOR.TEXT_2, anchor=MSO_ANCHOR.MIDDLE, smallest=16, align=PP_ALIGN.LEFT)
        self._number(slide, LAYOUT_TITLE_ONLY)
        if notes:
            self._notes.write(slide, notes)
        return slide

    def _number(self, slide: Slide, layout_index: int) -> None:
        """The slide's number, from the slide-number placeholder of its layout (``layout_index``,
        which ``_add_slide`` has seen)."""
        if layout_index not in self._number_sources:
            self._number_sources[layout_index] = number_source(self._blank_slides[layout_index][0])
        add_slide_number(slide, NUMBER_BOX, len(self.prs.slides._sldIdLst), self._number_sources[layout_index])

    @staticmethod
    def _place(shape: Shape | None, box: tuple[int, int, int, int], paras: list[Para], largest: float,
               smallest: float = 12, **style: Unpack[TextStyle]) -> None:
        if shape is None:
            raise LookupError("the template's slide layout has no title placeholder")
        _set_box(shape, box)
        size = fitting_size(paras, box[2], box[3], largest, smallest)
        fill_text(shape.text_frame, paras, size, **style)

    def to_bytes(self, properties: DeckProperties | None = None) -> bytes:
        if properties is not None:
            set_properties(self.prs, properties)
        tag_language(self.prs)
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


def _set_box(shape: Shape, box: tuple[int, int, int, int]) -> None:
    """A placeholder's own position and size, as XML: what python-pptx's ``left``, ``top``,
    ``width`` and ``height`` setters write into a fresh copy of the layout's placeholder (an
    empty ``p:spPr``), without an XPath lookup per attribute."""
    props = shape._element.spPr
    if props.find(f"{_A}xfrm") is not None:  # not a fresh placeholder: let python-pptx merge
        shape.left, shape.top, shape.width, shape.height = emus(box)
        return
    xfrm = props.makeelement(f"{_A}xfrm", {})
    props.insert(0, xfrm)
    xfrm.append(xfrm.makeelement(f"{_A}off", {"x": str(box[0]), "y": str(box[1])}))
    xfrm.append(xfrm.makeelement(f"{_A}ext", {"cx": str(box[2]), "cy": str(box[3])}))


def pick_fitting(options: Sequence[str], width: int, height: int, size: float, bold: bool = False) -> str:
    """The first option that fits the box at ``size``; the shortest when none does."""
    for option in options:
        if fits([Para(option, bold=bold)], Emu(width), Emu(height), size):
            return option
    return min(options, key=len)


def _remember_partnames(prs: PresentationType) -> None:
    """Name new parts (charts, their workbooks) from a running set, on this package only.

    python-pptx finds a free part name by walking every part of the package for every chart
    and its embedded workbook, which makes a deck of fifty charts quadratic; the names it
    would pick are the same.
    """
    package = prs.part.package
    used = {str(part.partname) for part in package.iter_parts()}

    last: dict[str, int] = {}  # per template, the number last handed out (parts are never removed)

    def next_partname(template: str) -> PackURI:
        number = last.get(template, 1)
        while template % number in used:
            number += 1
        used.add(template % number)
        last[template] = number
        return PackURI(template % number)

    # An attribute of this one package that shadows the method; mypy reads it as redefining the method.
    package.next_partname = next_partname  # type: ignore[method-assign,assignment]



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
