"""Text sized before it is placed, written as DrawingML directly.

Each box gets the largest font size at which its words, wrapped with Arial's real character
widths (Liberation Sans has the same metrics), fit the box, so nothing overflows in
PowerPoint or LibreOffice (a test renders every deck with LibreOffice to prove it). Every run
is tagged Swedish (``lang="sv-SE"``), so PowerPoint spell-checks it as Swedish; a paragraph
may end in a real hyperlink.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypedDict, Unpack

from lxml import etree
from pptx.enum.base import BaseXmlEnum
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.shapes.autoshape import CT_Shape
from pptx.shapes.autoshape import Shape
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Cm, Emu, Length, Pt

LANG = "sv-SE"
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
    link: tuple[str, str] | None = None  # (words, address) written after ``text`` as a hyperlink

    @property
    def shown(self) -> str:
        """Everything the paragraph shows, for measuring."""
        return f"{self.text} {self.link[0]}".strip() if self.link else self.text


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
        total += line_count(para.shown, usable, own, para.bold) * own * LINE_HEIGHT + own * gap
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
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")  # escaped in a:t as python-pptx does («_x0007_»)
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")  # no escape exists: left out
_BULLET_INDENT = str(-Cm(0.6))  # the bullet hangs at the margin; the text starts where the level begins
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


def emus(box: tuple[int, int, int, int]) -> tuple[Emu, Emu, Emu, Emu]:
    """A box (left, top, width, height) of EMU counts as the lengths python-pptx takes."""
    left, top, width, height = box
    return Emu(left), Emu(top), Emu(width), Emu(height)


class TextStyle(TypedDict, total=False):
    """What ``fill_text`` takes besides the text and its size."""

    colour: MSO_THEME_COLOR | None
    align: PP_ALIGN | None
    anchor: MSO_ANCHOR


def _add(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None,
         before: etree._Element | None = None) -> etree._Element:
    """A new child of ``parent``: appended, or placed just before its child ``before``."""
    element = parent.makeelement(tag, attrs or {})
    if before is None:
        parent.append(element)
    else:
        before.addprevious(element)
    return element


_Form = tuple[int, float, bool, bool, MSO_THEME_COLOR | None, PP_ALIGN | None, bool]
_PROTOTYPES: dict[_Form, etree._Element] = {}  # a paragraph's XML but for its words, by its form


def _paragraph(body: etree._Element, para: Para, size: float, colour: MSO_THEME_COLOR | None,
               align: PP_ALIGN | None, part: object | None) -> None:
    """Append one ``a:p`` to ``body``: the XML python-pptx's paragraph and run setters write,
    plus ``lang`` on every run (python-pptx has no setter for it).

    A paragraph of a form written before (level, size, weight, colour, alignment) is a copy of
    that one with its own words: one copy instead of a dozen elements made one by one."""
    own = size * para.scale
    form: _Form = (para.level, own, para.bold, para.italic, colour, align, bool(para.text))
    prototype = None if para.link else _PROTOTYPES.get(form)
    if prototype is not None:
        paragraph = copy.deepcopy(prototype)
        body.append(paragraph)
        if para.text:
            paragraph[1][-1].text = _clean_text(para.text)  # a:p / a:r / a:t
        return
    paragraph = _build_paragraph(body, para, own, colour, align, part)
    if not para.link:
        if len(_PROTOTYPES) > 500:  # sizes are fitted in half points: a few dozen forms a deck
            _PROTOTYPES.clear()
        _PROTOTYPES[form] = copy.deepcopy(paragraph)


def _build_paragraph(body: etree._Element, para: Para, own: float, colour: MSO_THEME_COLOR | None,
                     align: PP_ALIGN | None, part: object | None) -> etree._Element:
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
    attrs = {"lang": LANG, "sz": str(Pt(own).centipoints), "b": "1" if para.bold else "0",
             "i": "1" if para.italic else "0"}
    if para.text:
        _run(paragraph, para.text + (" " if para.link else ""), attrs, colour)
    if para.link and part is not None:
        words, address = para.link
        run_props = _run(paragraph, words, attrs, colour)
        # python-pptx's run.hyperlink.address does the same: an external relationship and
        # an a:hlinkClick naming it; the run takes the theme's hyperlink colour.
        rel_id = part.relate_to(address, RT.HYPERLINK, is_external=True)  # type: ignore[attr-defined]
        _add(run_props, f"{_A}hlinkClick", {f"{_R}id": rel_id})
    _add(paragraph, f"{_A}endParaRPr", {"lang": LANG, "sz": attrs["sz"]})
    return paragraph


def _clean_text(text: str) -> str:
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", _NOT_XML.sub("", text))


def _run(paragraph: etree._Element, text: str, attrs: dict[str, str], colour: MSO_THEME_COLOR | None
         ) -> etree._Element:
    run = _add(paragraph, f"{_A}r")
    run_props = _add(run, f"{_A}rPr", attrs)
    if colour is not None:
        _add(_add(run_props, f"{_A}solidFill"), f"{_A}schemeClr", {"val": _xml(colour)})
    _add(run, f"{_A}t").text = _clean_text(text)
    return run_props


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
    part = frame.part if any(para.link for para in paras) else None
    for para in paras:
        _paragraph(body, para, size, colour, align, part)


def text_box(slide: Slide, box: tuple[int, int, int, int], paras: Sequence[Para], largest: float,
             smallest: float = 9.0, name: str | None = None, **style: Unpack[TextStyle]) -> float:
    """A text box sized to fit; returns the font size chosen."""
    shape = _add_textbox(slide, box, name)
    size = fitting_size(paras, box[2], box[3], largest, smallest)
    fill_text(shape.text_frame, paras, size, **style)
    return size


_IDS = etree.XPath("//@id")  # what python-pptx reads for the next shape id, compiled once


@lru_cache(maxsize=1)
def _blank_textbox() -> etree._Element:
    sp: etree._Element = CT_Shape.new_textbox_sp(1, "TextBox 0", 0, 0, 0, 0)  # type: ignore[no-untyped-call]
    return sp


def _add_textbox(slide: Slide, box: tuple[int, int, int, int], name: str | None) -> Shape:
    """What ``slide.shapes.add_textbox`` adds (the same p:sp, id and default name), from a copy
    of one parsed text box rather than a parse per box, and named in the XML directly."""
    tree: etree._Element = slide.shapes._spTree
    used = [int(value) for value in _IDS(tree) if value.isdigit()]
    shape_id = max(used) + 1 if used else 1
    sp = copy.deepcopy(_blank_textbox())
    props = _find(sp, f"{_P}nvSpPr/{_P}cNvPr")
    props.set("id", str(shape_id))
    props.set("name", name or f"TextBox {shape_id - 1}")
    _find(sp, f"{_P}spPr/{_A}xfrm/{_A}off").attrib.update({"x": str(box[0]), "y": str(box[1])})
    _find(sp, f"{_P}spPr/{_A}xfrm/{_A}ext").attrib.update({"cx": str(box[2]), "cy": str(box[3])})
    extensions = tree.find(f"{_P}extLst")
    if extensions is None:
        tree.append(sp)
    else:
        extensions.addprevious(sp)
    return Shape(sp, slide.shapes)  # type: ignore[arg-type]  # a CT_Shape

