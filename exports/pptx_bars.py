"""Native bar charts, styled by writing their XML in one pass.

Every chart of a deck is drawn on one scale (``Bars.maximum``: the population), carries its
numbers as data labels and, for screen readers, as alt text; its text is tagged Swedish.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.util import Pt

from exports.pptx_text import _A, LANG, _add, _find, _xml, emus

_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
LABEL_ROOM = 1.15  # the value axis runs to the maximum × this, so a full bar's label fits beside it


@dataclass(frozen=True)
class Bars:
    """One bar chart: categories top to bottom, one or more series of values."""

    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    number_format: str = "0"
    maximum: float | None = None  # the deck's one scale: the population, for every chart
    highlight: tuple[int, ...] = ()  # categories to mark (an organisation's own answer)


SERIES_COLOURS = (MSO_THEME_COLOR.ACCENT_1, MSO_THEME_COLOR.ACCENT_3, MSO_THEME_COLOR.ACCENT_4)
# Data labels: the values only, as python-pptx's ``has_data_labels`` writes them.
_LABEL_FLAGS = (("showLegendKey", "0"), ("showVal", "1"), ("showCatName", "0"), ("showSerName", "0"),
                ("showPercent", "0"), ("showBubbleSize", "0"), ("showLeaderLines", "1"))


def bar_chart(slide: Slide, box: tuple[int, int, int, int], bars: Bars, font: float = 12,
              name: str | None = None, alt: str | None = None) -> GraphicFrame:
    """A native horizontal bar chart with the values as data labels and ``alt`` as its alt text."""
    data = CategoryChartData(number_format=bars.number_format)
    data.categories = bars.categories
    for series_name, values in bars.series:
        data.add_series(series_name, values)
    # python-pptx annotates add_chart as returning the chart; it returns the graphic frame.
    # and it names the type of chart data ChartData, a subclass kept for old code; any CategoryChartData works.
    frame = cast(GraphicFrame, slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *emus(box), data))  # type: ignore[arg-type]
    if name:  # in the XML: python-pptx's name setter finds cNvPr with an XPath query
        _find(frame._element, f"{_P}nvGraphicFramePr/{_P}cNvPr").set("name", name)
    if alt:
        # The alt text PowerPoint shows under «Alternativ text» (cNvPr/@descr); python-pptx
        # has no setter for it.
        _find(frame._element, f"{_P}nvGraphicFramePr/{_P}cNvPr").set("descr", alt)
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
    defaults = _find(space, f"{_C}txPr/{_A}p/{_A}pPr/{_A}defRPr")
    defaults.set("sz", size)
    defaults.set("lang", LANG)  # python-pptx exposes neither the chart's language nor c:lang
    _find(space, f"{_C}txPr/{_A}p/{_A}endParaRPr").set("lang", LANG)
    _find(space, f"{_C}date1904").addnext(space.makeelement(f"{_C}lang", {"val": LANG}))
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
    _add(_add(_add(label_text, f"{_A}p"), f"{_A}pPr"), f"{_A}defRPr", {"sz": size, "lang": LANG})
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
        _add(scaling, f"{_C}max", {"val": str(float(bars.maximum * LABEL_ROOM))})
    _add(scaling, f"{_C}min", {"val": "0.0"})

