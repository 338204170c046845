"""Plots of a story across outlets as standalone SVG strings: a claim cluster's timeline.

Built like :mod:`claimscope.report.plots` (ElementTree, which escapes every text node and
attribute, and :func:`~claimscope.report.plots.clean` on every label), because the labels are
outlet names and claim texts taken from articles.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from claimscope.corpus.stories.flat import ClaimRecord
from claimscope.report.plots import GRID, MUTED, Svg, clean, empty_plot

#: Stance -> (colour, shape, legend text). Shapes differ too, so that colour is not the only cue.
STANCES = {
    "fact": ("#1f5fbf", "circle", "as fact (the outlet's own voice)"),
    "attributed": ("#8a5a00", "square", "attributed to someone"),
    "doubt": ("#b3261e", "diamond", "with doubt (hedged or distancing cue)"),
}
_TICK_DAYS = (1, 2, 7, 14, 30, 61, 91, 182, 365, 730, 1826)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def cluster_timeline_svg(members: Sequence[ClaimRecord], max_outlets: int = 30) -> str:
    """One row per outlet (in order of first appearance), publication dates across, a mark per
    claim shaped and coloured by how the outlet carried it; the first appearance is ringed."""
    title = "Timeline of the claim across outlets"
    dated = sorted(
        ((d, m) for m in members if (d := _day(m.published)) is not None), key=lambda p: p[0]
    )
    if not dated:
        return empty_plot("cluster", title, "No dated claims to plot.")
    outlets = list(dict.fromkeys(m.outlet or "unknown outlet" for _, m in dated))
    shown = outlets[:max_outlets]
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    span = max((last - first).days, 1)
    label_w, plot_w, row_h, top = 170, 560, 28, 30
    width = label_w + plot_w + 40
    legend_y = top + row_h * len(shown) + 40
    height = legend_y + 22 * len(STANCES) + 10

    def x_of(day: dt.date) -> float:
        if first == last:
            return label_w + plot_w / 2
        return label_w + 10 + (plot_w - 20) * (day - first).days / span

    svg = Svg("cluster", width, height, title, _description(members, dated, outlets))
    axis_y = top + row_h * len(shown)
    for i, outlet in enumerate(shown):
        y = top + row_h * (i + 0.5)
        svg.add("line", x1=label_w, y1=y, x2=label_w + plot_w, y2=y, stroke=GRID)
        svg.text(label_w - 8, y + 4, clean(outlet, 24), text_anchor="end")
    svg.add("line", x1=label_w, y1=axis_y, x2=label_w + plot_w, y2=axis_y, stroke=MUTED)
    for day in _ticks(first, last):
        x = x_of(day)
        svg.add("line", x1=x, y1=axis_y, x2=x, y2=axis_y + 5, stroke=MUTED)
        svg.text(x, axis_y + 18, day.isoformat(), text_anchor="middle", fill=MUTED, font_size="11")
    row = {outlet: i for i, outlet in enumerate(shown)}
    seen: dict[tuple[str, dt.date], int] = {}
    for day, m in dated:
        outlet = m.outlet or "unknown outlet"
        if outlet not in row:
            continue
        nth = seen[outlet, day] = seen.get((outlet, day), -1) + 1
        x = x_of(day) + 12 * nth  # several claims of one outlet on one day sit side by side
        y = top + row_h * (row[outlet] + 0.5)
        g = svg.add("g", class_=f"claim stance-{m.stance}")
        if m is members[0]:
            svg.add("circle", g, cx=x, cy=y, r=9, fill="none", stroke="#1a1a1a", stroke_width=1.5)
        _mark(svg, g, m.stance, x, y)
        tip = svg.add("title", g)
        who = " ".join(p for p in (m.speaker, m.cue) if p)
        tip.text = clean(
            f"{day.isoformat()} {outlet}, {m.stance}{f' ({who})' if who else ''}: {m.text}", 400
        )
    if len(outlets) > len(shown):
        svg.text(10, axis_y + 34, f"… and {len(outlets) - len(shown)} more outlets", fill=MUTED)
    _legend(svg, legend_y)
    return svg.tostring()


def _mark(svg: Svg, parent: ET.Element, stance: str, x: float, y: float) -> None:
    colour, shape, _ = STANCES.get(stance, ("#555", "circle", ""))
    if shape == "square":
        svg.add("rect", parent, x=x - 5, y=y - 5, width=10, height=10, fill=colour)
    elif shape == "diamond":
        points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
        svg.add("polygon", parent, points=points, fill=colour)
    else:
        svg.add("circle", parent, cx=x, cy=y, r=5.5, fill=colour)


def _legend(svg: Svg, y: float) -> None:
    g = svg.add("g", class_="legend")
    for i, (stance, (_, _, text)) in enumerate(STANCES.items()):
        row_y = y + 22 * i
        _mark(svg, g, stance, 20, row_y)
        svg.text(34, row_y + 4, f"{stance}: {text}", g)
    ring = svg.add("g", class_="legend")
    svg.add("circle", ring, cx=340, cy=y, r=9, fill="none", stroke="#1a1a1a", stroke_width=1.5)
    svg.text(356, y + 4, "ringed: where the claim appeared first", ring)


def _ticks(first: dt.date, last: dt.date, most: int = 8) -> list[dt.date]:
    span = (last - first).days
    step = next((s for s in _TICK_DAYS if span / s <= most), _TICK_DAYS[-1])
    return [first + dt.timedelta(days=d) for d in range(0, span + 1, step)]


def _description(
    members: Sequence[ClaimRecord],
    dated: Sequence[tuple[dt.date, ClaimRecord]],
    outlets: Sequence[str],
) -> str:
    """The plot in words: span, first appearance, and how each outlet carried the claim."""
    (day, m), last = dated[0], dated[-1][0]
    per_outlet = []
    for outlet in outlets:
        stances = [x.stance for _, x in dated if (x.outlet or "unknown outlet") == outlet]
        counts = ", ".join(f"{stances.count(s)} {s}" for s in STANCES if s in stances)
        per_outlet.append(f"{clean(outlet, 60)}: {counts}")
    undated = len(members) - len(dated)
    return (
        f"{len(dated)} dated claims from {len(outlets)} outlets, {day.isoformat()} to "
        f"{last.isoformat()}; first carried by {clean(m.outlet or 'unknown outlet', 60)} "
        f"on {day.isoformat()}. "
        + "; ".join(per_outlet)
        + "."
        + (f" {undated} undated claims are not plotted." if undated else "")
    )
