"""What a published file carries besides its slides: properties, slide numbers, speaker notes.

Core properties through python-pptx (title, subject, author = the agency, created and
modified now, keywords, language). ``docProps/app.xml`` is written anew as XML, since
python-pptx keeps the template's (which said «On-screen Show (4:3)» and 0 slides). Slide
numbers are the layout's slide-number placeholder with a live ``slidenum`` field; notes are
written with the same Swedish-tagged text as the slides.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation
from pptx.slide import Slide
from pptx.util import Pt

from exports.pptx_text import _A, LANG, Para, _add, fill_text

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


def set_properties(prs: Presentation, props: DeckProperties) -> None:
    core = prs.core_properties
    now = (props.now or datetime.now(UTC)).replace(tzinfo=None, microsecond=0)
    core.title, core.subject = props.title, props.subject
    core.author = core.last_modified_by = props.author
    core.keywords = "; ".join(props.keywords)
    core.comments = ""
    core.category = "Resultatredovisning"
    core.language = LANG
    core.created = core.modified = now
    core.revision = 1
    _app_xml(prs, props.author)


def _app_xml(prs: Presentation, company: str) -> None:
    """docProps/app.xml: the slide count, the format (16:9) and the agency."""
    slides = list(prs.slides)
    paragraphs = [p for slide in slides for shape in slide.shapes if shape.has_text_frame
                  for p in shape.text_frame.paragraphs]
    words = sum(len(p.text.split()) for p in paragraphs)
    notes = sum(1 for slide in slides if slide.has_notes_slide)
    ratio = prs.slide_width / prs.slide_height
    form = "Bredbild" if abs(ratio - 16 / 9) < 0.01 else "Bildspel på skärmen (4:3)"
    xml = APP_XML.format(words=words, paragraphs=len(paragraphs), slides=len(slides), notes=notes,
                         format=form, company=escape(company))
    for part in prs.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = xml.encode("utf-8")  # a plain Part: python-pptx keeps its bytes as they are


def add_slide_number(slide: Slide, box: tuple[int, int, int, int]) -> None:
    """The layout's slide-number placeholder, placed in ``box``, showing the live number."""
    source = next((ph for ph in slide.slide_layout.placeholders
                   if ph.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER), None)
    if source is None:
        return
    element = copy.deepcopy(source._element)
    slide.shapes._spTree.append(element)
    element.find(f"{_P}nvSpPr/{_P}cNvPr").set("id", str(slide.shapes._next_shape_id))
    shape = slide.shapes[-1]
    shape.left, shape.top, shape.width, shape.height = box
    body = shape.text_frame._txBody
    for old in body.findall(f"{_A}p"):
        body.remove(old)
    paragraph = _add(body, f"{_A}p")
    _add(paragraph, f"{_A}pPr", {"algn": "r"})
    number = str(len(slide.part.package.presentation_part.presentation.slides))
    field = _add(paragraph, f"{_A}fld", {"id": "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", "type": "slidenum"})
    props = _add(field, f"{_A}rPr", {"lang": LANG, "sz": str(Pt(10).centipoints)})
    _add(_add(props, f"{_A}solidFill"), f"{_A}schemeClr", {"val": "tx1"})
    _add(field, f"{_A}t").text = number


def write_notes(slide: Slide, paras: Sequence[Para]) -> None:
    """Speaker notes: the full question, n and who was asked."""
    frame = slide.notes_slide.notes_text_frame
    if frame is not None:
        fill_text(frame, paras, 12, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP)


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
