"""Build the template deck ``exports/templates/socialstyrelsen.pptx`` (colours, fonts, 16:9).

The builders only read the committed file; run ``python -m exports.pptx_template`` after a
change here to write it again. Staff who want another look can replace the file with any
deck that keeps the layout order of PowerPoint's default template: charts and text take the
theme's colours (``accent1`` … ``accent6``) and fonts, so a new theme restyles every deck.
"""

from __future__ import annotations

import re
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.presentation import Presentation as PresentationType
from pptx.util import Cm, Emu

TEMPLATE_PATH = Path(__file__).resolve().parent / "templates" / "socialstyrelsen.pptx"
WIDTH, HEIGHT = Cm(33.867), Cm(19.05)
FONT = "Arial"  # metric-compatible with Liberation Sans, which LibreOffice uses without Arial
# A sober government palette; accent1 carries the bars, accent2 marks an organisation's own
# answer, accent3 a comparison group.
COLOURS = {
    "dk1": "000000", "lt1": "FFFFFF", "dk2": "1A3A5C", "lt2": "EEF2F6",
    "accent1": "1F5C99", "accent2": "D9782D", "accent3": "6A9FCF", "accent4": "4E8A5B",
    "accent5": "8C6BB1", "accent6": "A6A6A6", "hlink": "1F5C99", "folHlink": "5B4A8A",
}


def _theme_xml(xml: str) -> str:
    for name, rgb in COLOURS.items():
        xml = re.sub(rf"<a:{name}>.*?</a:{name}>", f'<a:{name}><a:srgbClr val="{rgb}"/></a:{name}>',
                     xml, count=1, flags=re.S)
    xml = re.sub(r'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*"', rf'\1{FONT}"', xml)
    return re.sub(r'name="[^"]*"', 'name="Socialstyrelsen"', xml, count=1)


def _scale_placeholders(prs: PresentationType, factor: float) -> None:
    """The default template is 4:3; widen its master and layouts to 16:9."""
    masters = [prs.slide_master, *prs.slide_layouts]
    for owner in masters:
        for shape in owner.placeholders:
            shape.left, shape.width = Emu(int(shape.left * factor)), Emu(int(shape.width * factor))


def _brand_bar(prs: PresentationType) -> None:
    """A thin bar in the theme's dark colour along the top of every slide (on the master)."""
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    bar = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Cm(0.35))
    bar.fill.solid()
    bar.fill.fore_color.rgb = RGBColor.from_string(COLOURS["dk2"])
    bar.line.fill.background()
    bar.name = "Varumärkesband"
    prs.slide_master.shapes._spTree.insert(2, bar._element)
    rel_id = prs.slides._sldIdLst[-1].rId
    prs.part.drop_rel(rel_id)
    del prs.slides._sldIdLst[-1]


def build_template(path: Path = TEMPLATE_PATH) -> Path:
    prs = Presentation()
    factor = WIDTH / prs.slide_width
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _scale_placeholders(prs, factor)
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    theme._blob = _theme_xml(theme.blob.decode("utf-8")).encode("utf-8")
    _brand_bar(prs)
    title_style = prs.slide_master.element.find(
        ".//{http://schemas.openxmlformats.org/presentationml/2006/main}titleStyle")
    if title_style is not None:  # titles left-aligned, as in Socialstyrelsen's decks
        for level in title_style:
            level.set("algn", "l")
    prs.core_properties.title = "Socialstyrelsen – mall för resultatredovisning"
    prs.core_properties.author = "Socialstyrelsen"
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path


if __name__ == "__main__":  # pragma: no cover
    print(build_template())
