"""What a published file carries besides its slides: properties, slide numbers, speaker notes.

Core properties through python-pptx (title, subject, author = the agency, created and
modified now, keywords, language). ``docProps/app.xml`` is written anew as XML, since
python-pptx keeps the template's (which said «On-screen Show (4:3)» and 0 slides). Slide
numbers are the layout's slide-number placeholder with a live ``slidenum`` field; notes are
written with the same Swedish-tagged text as the slides.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.parts.slide import NotesSlidePart
from pptx.presentation import Presentation
from pptx.slide import NotesSlide, Slide, SlideLayout
from pptx.text.text import TextFrame
from pptx.util import Pt

from exports.pptx_text import _A, LANG, Para, _add, _find, fill_text

_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<TotalTime>0</TotalTime><Words>{words}</Words><Application>Microsoft Office PowerPoint</Application>\
<PresentationFormat>{format}</PresentationFormat><Paragraphs>{paragraphs}</Paragraphs>\
<Slides>{slides}</Slides><Notes>{notes}</Notes><HiddenSlides>0</HiddenSlides><MMClips>0</MMClips>\
<ScaleCrop>false</ScaleCrop><Company>{company}</Company><LinksUpToDate>false</LinksUpToDate>\
<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion>\
</Properties>"""


@dataclass(frozen=True)
class DeckProperties:
    """What File › Properties shows."""

    title: str
    subject: str
    author: str  # the agency, not a person
    keywords: tuple[str, ...] = ()
    now: datetime | None = None  # created and modified; now when not given


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    """A property is plain XML text: characters XML cannot hold (an organisation's name typed
    with a control character) are left out rather than breaking the file."""
    return _NOT_XML.sub("", text)


def set_properties(prs: Presentation, props: DeckProperties) -> None:
    core = prs.core_properties
    now = (props.now or datetime.now(UTC)).replace(tzinfo=None, microsecond=0)
    core.title, core.subject = _xml_text(props.title), _xml_text(props.subject)
    core.author = core.last_modified_by = _xml_text(props.author)
    core.keywords = _xml_text("; ".join(props.keywords))
    core.comments = ""
    core.category = "Resultatredovisning"
    core.language = LANG
    core.created = core.modified = now
    core.revision = 1
    _app_xml(prs, _xml_text(props.author))


def _app_xml(prs: Presentation, company: str) -> None:
    """docProps/app.xml: the slide count, the format (16:9) and the agency (counted on the XML:
    python-pptx's paragraph objects cost more than the whole count)."""
    slides = list(prs.slides)
    paragraphs = [p for slide in slides for p in slide._element.iter(f"{_A}p")]
    words = sum(len("".join(t.text or "" for t in p.iter(f"{_A}t")).split()) for p in paragraphs)
    notes = sum(1 for slide in slides if slide.has_notes_slide)
    ratio = prs.slide_width / prs.slide_height
    form = "Bredbild" if abs(ratio - 16 / 9) < 0.01 else "Bildspel på skärmen (4:3)"
    xml = APP_XML.format(words=words, paragraphs=len(paragraphs), slides=len(slides), notes=notes,
                         format=form, company=escape(company))
    for part in prs.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = xml.encode("utf-8")  # a plain Part: python-pptx keeps its bytes as they are


def number_source(layout: SlideLayout) -> etree._Element | None:
    """The layout's slide-number placeholder, to be copied onto its slides."""
    for placeholder in layout.placeholders:  # type: ignore[misc]  # python-pptx types __iter__ oddly
        if placeholder.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER:
            element: etree._Element = placeholder._element
            return element
    return None


def add_slide_number(slide: Slide, box: tuple[int, int, int, int], number: int,
                     source: etree._Element | None) -> None:
    """A copy of the layout's slide-number placeholder (``source``), placed in ``box``, showing
    the live number (written as XML: python-pptx does not add a layout's slide-number placeholder)."""
    if source is None:
        return
    element = copy.deepcopy(source)
    tree: etree._Element = slide.shapes._spTree
    # Above every id on the slide so far; shapes added later get python-pptx's max + 1.
    _find(element, f"{_P}nvSpPr/{_P}cNvPr").set("id", str(len(tree) + 100))
    tree.append(element)
    props = _find(element, f"{_P}spPr")
    for old in list(props):
        if old.tag == f"{_A}xfrm":
            props.remove(old)
    xfrm = props.makeelement(f"{_A}xfrm", {})
    props.insert(0, xfrm)
    _add(xfrm, f"{_A}off", {"x": str(box[0]), "y": str(box[1])})
    _add(xfrm, f"{_A}ext", {"cx": str(box[2]), "cy": str(box[3])})
    body = _find(element, f"{_P}txBody")
    for old in body.findall(f"{_A}p"):
        body.remove(old)
    paragraph = _add(body, f"{_A}p")
    _add(paragraph, f"{_A}pPr", {"algn": "r"})
    field = _add(paragraph, f"{_A}fld", {"id": "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", "type": "slidenum"})
    props = _add(field, f"{_A}rPr", {"lang": LANG, "sz": str(Pt(10).centipoints)})
    _add(_add(props, f"{_A}solidFill"), f"{_A}schemeClr", {"val": "tx1"})
    _add(field, f"{_A}t").text = str(number)


def relate_new(source: Part, target: Part, reltype: str) -> str:
    """Relate ``source`` to a part it cannot be related to yet (one just made), as
    ``relate_to`` does once it has looked for an existing relationship: that look regroups all
    of the source's relationships by type, on every call, and the presentation has one per slide."""
    rel_id: str = source._rels._add_relationship(reltype, target)
    return rel_id


class NotesWriter:
    """Speaker notes: the full question, n and who was asked.

    The first notes slide is made by python-pptx (which copies the notes master's
    placeholders); later ones are copies of that blank notes slide, related to their slide as
    python-pptx relates them: making each from the master again was a sixth of the deck's time.
    """

    def __init__(self) -> None:
        self._blank: etree._Element | None = None

    def write(self, slide: Slide, paras: Sequence[Para]) -> None:
        frame: TextFrame | None
        if self._blank is None:
            notes = slide.notes_slide
            self._blank = copy.deepcopy(notes._element)
            frame = notes.notes_text_frame
        else:
            notes = self._copy(slide, self._blank)
            frame = _body_frame(notes)
        if frame is not None:
            fill_text(frame, paras, 12, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP)

    @staticmethod
    def _copy(slide: Slide, blank: etree._Element) -> NotesSlide:
        package = slide.part.package
        master = package.presentation_part.notes_master_part
        part = NotesSlidePart(package.next_partname("/ppt/notesSlides/notesSlide%d.xml"), CT.PML_NOTES_SLIDE,
                              package, copy.deepcopy(blank))  # type: ignore[arg-type]  # a CT_NotesSlide
        relate_new(part, master, RT.NOTES_MASTER)
        relate_new(part, slide.part, RT.SLIDE)
        relate_new(slide.part, part, RT.NOTES_SLIDE)
        notes: NotesSlide = part.notes_slide
        return notes


def _body_frame(notes: NotesSlide) -> TextFrame | None:
    """The text frame of the notes' body placeholder, as ``notes_text_frame`` finds it, read
    from the XML (python-pptx makes a shape object of every placeholder to find it)."""
    tree: etree._Element = notes.shapes._spTree
    for sp in tree.iterchildren(f"{_P}sp"):
        placeholder = sp.find(f"{_P}nvSpPr/{_P}nvPr/{_P}ph")
        if placeholder is not None and placeholder.get("type") == "body":
            body = sp.find(f"{_P}txBody")
            return None if body is None else TextFrame(body, notes)  # type: ignore[arg-type]
    return None


def tag_language(prs: Presentation) -> None:
    """Swedish as the default of the notes master (python-pptx makes it from an en-US default
    the first time a slide gets notes): every a:defRPr, a:rPr and a:endParaRPr there."""
    if not any(slide.has_notes_slide for slide in prs.slides):
        return
    master = prs.notes_master
    for tag in ("defRPr", "rPr", "endParaRPr"):
        for element in master._element.iter(f"{_A}{tag}"):
            element.set("lang", LANG)
    for slide in prs.slides:
        if slide.has_notes_slide:
            for tag in ("rPr", "endParaRPr"):
                for element in slide.notes_slide._element.iter(f"{_A}{tag}"):
                    element.set("lang", LANG)
