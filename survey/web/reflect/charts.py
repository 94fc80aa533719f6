"""Server-rendered bar charts for the reflection page: SVG with the numbers as text.

Each chart is one ``<svg role="img">`` named by its ``<title>`` and described in words by its
``<desc>`` («Alla regioner, n = 21: Ja 19, Nej 2. Ert svar: Ja.»), so a screen reader gets
the same as the eye. Bars run on one scale, the whole group (all 21 regions), as in the
PowerPoint; the organisation's own answer has its own colour, a bold label and the words
«Ert svar», so it is not marked by colour alone.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from survey.reports.reflection import Distribution

WIDTH, LABEL_W, ROW_H, BAR_H = 600, 230, 30, 18
BAR_AREA = WIDTH - LABEL_W - 120  # room on the right for the count and «Ert svar» beside a full bar


def _label_lines(label: str, limit: int = 32) -> list[str]:
    """The label wrapped at about ``limit`` characters per line, never cut."""
    lines, current = [], ""
    for word in label.split():
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return lines


def description(group: Distribution) -> str:
    counts = ", ".join(f"{o.label} {o.count}" for o in group.options)
    own = [o.label for o in group.options if o.own]
    said = f" Ert svar: {' och '.join(own)}." if own else ""
    return f"{group.name}, n = {group.n}: {counts}.{said}"


def bar_chart_svg(group: Distribution, chart_id: str) -> Markup:
    scale = max(1, group.population or group.n)
    heights = [max(ROW_H, 16 * len(_label_lines(o.label)) + 12) for o in group.options]
    height = sum(heights) + 8
    parts = [f'<svg class="bar-chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
             f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
             f'<title id="{chart_id}-t">{escape(group.name)}</title>',
             f'<desc id="{chart_id}-d">{escape(description(group))}</desc>']
    y = 4
    for option, row_h in zip(group.options, heights, strict=True):
        width = round(BAR_AREA * option.count / scale)
        css = "bar own" if option.own else "bar"
        weight = ' font-weight="700"' if option.own else ""
        lines = _label_lines(option.label)
        first = y + row_h / 2 - (len(lines) - 1) * 8 + 5
        for index, line in enumerate(lines):
            parts.append(f'<text x="{LABEL_W - 8}" y="{first + index * 16:.0f}" text-anchor="end"{weight}>'
                         f'{escape(line)}</text>')
        parts.append(f'<rect class="{css}" x="{LABEL_W}" y="{y + (row_h - BAR_H) / 2:.0f}" width="{width}" '
                     f'height="{BAR_H}"/>')
        mark = " Ert svar" if option.own else ""
        parts.append(f'<text x="{LABEL_W + width + 6}" y="{y + row_h / 2 + 5:.0f}"{weight}>'
                     f'{option.count}{mark}</text>')
        y += row_h
    parts.append("</svg>")
    return Markup("".join(parts))
