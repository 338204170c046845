"""Plots of an analysis as standalone SVG strings: sourcing bars, a timeline, a map of places and
an attribution graph (speakers to claims, with relays).

Pure functions from an ``Analysis`` to SVG text. Every element is built with ElementTree, which
escapes each text node and attribute value, so article-derived strings (place names, claim texts,
speaker categories) can never open an element or an attribute. Strings are also cleaned of
characters XML cannot carry and of bidirectional controls before they are written.

The map needs no network: places are drawn on a plain longitude/latitude (equirectangular) plot
with a graticule, zoomed to the places; there is no basemap and no tile server.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

from claimscope.model import Analysis, Attribution, Claim, Place, TimelineEvent
from claimscope.report.wording import percent

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, sans-serif"
INK = "#1a1a1a"
MUTED = "#555"
GRID = "#ddd"
BAR = "#1f5fbf"
BAR_2 = "#8a5a00"
POINT = "#b3261e"

# C0/C1 controls (tab and newline become spaces), lone surrogates, non-characters and the
# bidirectional embedding/override/isolate marks that could reorder a label.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)


def clean(text: str, limit: int | None = None) -> str:
    """``text`` fit for an SVG label: one line, no unsafe characters, cut to ``limit``."""
    text = " ".join(_UNSAFE.sub("", text).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


class Svg:
    """A small SVG document under construction."""

    def __init__(self, kind: str, width: float, height: float, title: str, desc: str) -> None:
        self.root = ET.Element(
            "svg",
            {
                "xmlns": SVG_NS,
                "width": _n(width),
                "height": _n(height),
                "viewBox": f"0 0 {_n(width)} {_n(height)}",
                "role": "img",
                "aria-labelledby": f"plot-{kind}-title plot-{kind}-desc",
                "font-family": FONT,
                "font-size": "12",
                "class": f"plot plot-{kind}",
            },
        )
        t = ET.SubElement(self.root, "title", {"id": f"plot-{kind}-title"})
        t.text = clean(title)
        d = ET.SubElement(self.root, "desc", {"id": f"plot-{kind}-desc"})
        d.text = clean(desc)
        ET.SubElement(
            self.root,
            "rect",
            {"x": "0", "y": "0", "width": _n(width), "height": _n(height), "fill": "#fff"},
        )

    def add(self, tag: str, parent: ET.Element | None = None, **attrs: object) -> ET.Element:
        return ET.SubElement(
            self.root if parent is None else parent,
            tag,
            {k.rstrip("_").replace("_", "-"): _attr(v) for k, v in attrs.items()},
        )

    def text(
        self, x: float, y: float, text: str, parent: ET.Element | None = None, **attrs: object
    ) -> ET.Element:
        attrs.setdefault("fill", INK)
        el = self.add("text", parent, x=x, y=y, **attrs)
        el.text = clean(text)
        return el

    def tostring(self) -> str:
        return ET.tostring(self.root, encoding="unicode")


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def _attr(v: object) -> str:
    return _n(v) if isinstance(v, float | int) else clean(str(v))


def empty_plot(kind: str, title: str, message: str) -> str:
    svg = Svg(kind, 480, 80, title, message)
    svg.text(240, 45, message, text_anchor="middle", fill=MUTED)
    return svg.tostring()


# --- sourcing -------------------------------------------------------------------------------------


def sourcing_svg(analysis: Analysis) -> str:
    """Horizontal bars: the share of attributed statements by voice category and by affiliation."""
    title = "Sourcing: who the statements come from"
    s = analysis.sourcing
    groups = [
        ("By voice category", s.by_category if s else {}, BAR),
        ("By affiliation", s.by_affiliation if s else {}, BAR_2),
    ]
    groups = [(g, shares, c) for g, shares, c in groups if shares]
    if s is None or not groups:
        return empty_plot("sourcing", title, "No attributed statements to plot.")

    label_w, bar_w, row_h, width = 190, 300, 22, 560
    height = 40 + sum(28 + row_h * len(shares) + 8 for _, shares, _ in groups)
    parts = [
        f"{name}: " + ", ".join(f"{clean(k)} {percent(v)}" for k, v in _ranked(shares))
        for name, shares, _ in groups
    ]
    desc = (
        f"Share of the {s.attributions} attributed statements from {s.voices} voices. "
        + "; ".join(parts)
        + "."
    )
    svg = Svg("sourcing", width, height, title, desc)
    svg.text(10, 22, f"{s.attributions} attributed statements, {s.voices} voices", fill=MUTED)
    y = 40
    for name, shares, colour in groups:
        svg.text(10, y + 16, name, font_weight="600")
        y += 28
        for key, share in _ranked(shares):
            g = svg.add("g", class_="bar")
            svg.text(label_w - 8, y + 15, clean(key, 28), g, text_anchor="end")
            svg.add("rect", g, x=label_w, y=y + 3, width=bar_w, height=row_h - 6, fill="#f0f0f0")
            w = max(0.0, min(1.0, share)) * bar_w
            svg.add("rect", g, x=label_w, y=y + 3, width=w, height=row_h - 6, fill=colour)
            svg.text(label_w + w + 6, y + 15, percent(share), g)
            y += row_h
        y += 8
    return svg.tostring()


def _ranked(shares: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))


# --- timeline -------------------------------------------------------------------------------------


def timeline_svg(analysis: Analysis, max_events: int = 40) -> str:
    """The dated claims in time order on a vertical axis, one row per distinct date and claim.

    Spacing is ordinal (one row per event, in date order), not proportional: an article that dates
    one event to 2013 and the rest to a week in 2018 stays readable.
    """
    title = "Timeline of dated claims"
    events = _distinct(analysis.timeline)
    if not events:
        return empty_plot("timeline", title, "No dated claims to plot.")
    shown = events[:max_events]
    row_h, top, axis_x, width = 26, 30, 120, 760
    height = top + row_h * len(shown) + (40 if len(events) > len(shown) else 20)
    desc = (
        f"{len(events)} dated claims from {events[0].value} to {events[-1].value}, earliest "
        "first; rows are evenly spaced in date order, not to scale."
    )
    svg = Svg("timeline", width, height, title, desc)
    svg.text(10, 18, "Date", fill=MUTED, font_weight="600")
    svg.text(
        axis_x + 20, 18, "Claim (or, lacking one, its sentence)", fill=MUTED, font_weight="600"
    )
    y0, y1 = top + row_h / 2, top + row_h * (len(shown) - 0.5)
    svg.add("line", x1=axis_x, y1=y0, x2=axis_x, y2=y1, stroke=GRID, stroke_width=2)
    for i, e in enumerate(shown):
        y = top + row_h * (i + 0.5)
        g = svg.add("g", class_="event")
        svg.text(axis_x - 12, y + 4, e.value, g, text_anchor="end", font_weight="600")
        fill = POINT if e.basis == "explicit" else "#fff"
        svg.add("circle", g, cx=axis_x, cy=y, r=5, fill=fill, stroke=POINT, stroke_width=2)
        head = f"{e.claim}: " if e.claim else ""
        svg.text(axis_x + 14, y + 4, head + clean(e.text, 90), g)
        tip = svg.add("title", g)
        tip.text = clean(f"{e.value} ({e.basis}, from “{e.time.text}”): {head}{e.text}", 600)
    if len(events) > len(shown):
        svg.text(10, height - 10, f"… and {len(events) - len(shown)} more", fill=MUTED)
    legend_y = height - 6
    svg.text(
        width - 10,
        legend_y,
        "filled: date stated; hollow: counted from publication or context",
        fill=MUTED,
        text_anchor="end",
        font_size="10",
    )
    return svg.tostring()


def _distinct(events: list[TimelineEvent]) -> list[TimelineEvent]:
    seen: set[tuple[str, str | None, int]] = set()
    out = []
    for e in sorted(events, key=lambda e: e.value):  # stable: keeps the analysis's order on ties
        key = (e.value, e.claim, e.start)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


# --- map ------------------------------------------------------------------------------------------


#: below this confidence a place link is listed as uncertain and not drawn (on the Readability
#: pages most wrong links left scored 0.24-0.48, some more: "Google" as Topeka 0.85; the
#: example's places score 0.82-1.0)
UNCERTAIN = 0.5
#: kinds of place listed beside the map rather than drawn (their points are a capital or a centre)
AREAS = frozenset({"country", "continent"})


def map_svg(analysis: Analysis) -> str:
    """The places on a plain longitude/latitude plot with a graticule (no basemap, no network).

    The view is zoomed to the places below country level, with a margin; countries and continents
    (whose points may lie far away) are listed beside the plot instead, unless there is nothing
    else.
    A link whose confidence is below :data:`UNCERTAIN` is not drawn: it is listed beside the map
    with a question mark, so that a guess is not read as a fact.
    """
    title = "Map of places mentioned"
    sure = [p for p in analysis.places if p.confidence is None or p.confidence >= UNCERTAIN]
    uncertain = [p for p in analysis.places if p not in sure]
    points = [p for p in sure if p.kind not in AREAS]
    countries = [p for p in sure if p.kind in AREAS]
    if not points and not countries:
        if uncertain:
            names = ", ".join(f"{clean(p.name)}?" for p in uncertain)
            return empty_plot("map", title, f"No certain places to plot. Uncertain: {names}")
        return empty_plot("map", title, "No places to plot.")
    plotted, listed = (points, countries) if points else (countries, [])
    plotted, far = _split_far(plotted)

    plot_w, plot_h, pad, side = 520, 400, 44, 200
    width = pad + plot_w + 20 + (side if listed or far or uncertain else 0)
    beside = len(listed) + len(far) + len(uncertain)
    height = max(pad + plot_h + 30, pad + 90 + 18 * beside)
    lon0, lon1, lat0, lat1 = _bounds(plotted)
    # One degree of longitude is cos(latitude) as long as a degree of latitude: keep that ratio.
    k = math.cos(math.radians((lat0 + lat1) / 2))
    scale = min(plot_w / ((lon1 - lon0) * k), plot_h / (lat1 - lat0))
    cx, cy = (lon0 + lon1) / 2, (lat0 + lat1) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return pad + plot_w / 2 + (lon - cx) * k * scale, pad / 2 + plot_h / 2 - (lat - cy) * scale

    view_lon = plot_w / 2 / (k * scale)
    view_lat = plot_h / 2 / scale
    lon0, lon1, lat0, lat1 = cx - view_lon, cx + view_lon, cy - view_lat, cy + view_lat

    names = ", ".join(clean(p.name) for p in plotted)
    desc = f"{len(plotted)} places on a longitude/latitude grid: {names}."
    if far:
        desc += " Far from the others, listed beside the map: "
        desc += ", ".join(clean(p.name) for p in far) + "."
    if listed:
        desc += " Countries, listed beside the map: " + ", ".join(clean(p.name) for p in listed)
        desc += "."
    if uncertain:
        desc += " Uncertain links, listed beside the map and not drawn: "
        desc += ", ".join(clean(p.name) for p in uncertain) + "."
    svg = Svg("map", width, height, title, desc)
    frame = svg.add("g", class_="graticule", stroke=GRID, fill="none")
    svg.add("rect", frame, x=pad, y=pad / 2, width=plot_w, height=plot_h)
    step = _step(max(lon1 - lon0, lat1 - lat0))
    for lon in _ticks(lon0, lon1, step):
        x, _ = xy(lon, cy)
        svg.add("line", frame, x1=x, y1=pad / 2, x2=x, y2=pad / 2 + plot_h)
        svg.text(
            x,
            pad / 2 + plot_h + 14,
            _deg(lon, "E", "W"),
            text_anchor="middle",
            fill=MUTED,
            font_size="10",
        )
    for lat in _ticks(lat0, lat1, step):
        _, y = xy(cx, lat)
        svg.add("line", frame, x1=pad, y1=y, x2=pad + plot_w, y2=y)
        svg.text(pad - 4, y + 3, _deg(lat, "N", "S"), text_anchor="end", fill=MUTED, font_size="10")

    labelled: set[tuple[float, float]] = set()
    taken: list[tuple[float, float, float, float]] = []
    for p in sorted(plotted, key=lambda p: (-len(p.mentions), p.name)):
        x, y = xy(p.lon, p.lat)
        g = svg.add("g", class_=f"place place-{clean(p.kind or 'place', 20)}")
        r = 3 + min(len(p.mentions), 6)
        if p.kind in AREAS:
            svg.add(
                "rect", g, x=x - 5, y=y - 5, width=10, height=10,
                fill=POINT, fill_opacity=0.6, stroke=POINT,
            )  # fmt: skip
        else:
            hollow = p.kind == "admin1"
            svg.add(
                "circle", g, cx=x, cy=y, r=r, fill="none" if hollow else POINT,
                fill_opacity=0.6, stroke=POINT,
            )  # fmt: skip
        spot = (round(p.lon, 2), round(p.lat, 2))
        if spot not in labelled:  # a city and its region often share coordinates: label once
            labelled.add(spot)
            _label(svg, g, x, y, r, clean(p.name, 30), taken)
        tip = svg.add("title", g)
        tip.text = _place_tip(p)
    svg.text(
        pad,
        height - 6,
        "Longitude/latitude grid, no basemap. Filled: city or locality; hollow: region. Size: mentions.",
        fill=MUTED,
        font_size="10",
    )

    x0, y = pad + plot_w + 20, pad / 2 + 12
    groups = (
        ("Outside the view", far),
        ("Countries and continents (not to scale)", listed),
        ("Uncertain links (not drawn)", uncertain),
    )
    for heading, group in groups:
        if not group:
            continue
        svg.text(x0, y, heading, font_weight="600")
        y += 20
        for p in group:
            g = svg.add("g", class_=f"place place-{clean(p.kind or 'place', 20)}")
            if group is uncertain:
                svg.text(x0 + 16, y, f"{clean(p.name, 22)}? ({len(p.mentions)})", g, fill=MUTED)
                tip = svg.add("title", g)
                tip.text = _place_tip(p) + " (uncertain: not drawn)"
                y += 18
                continue
            if p.kind in AREAS:
                svg.add(
                    "rect", g, x=x0, y=y - 9, width=10, height=10,
                    fill=POINT, fill_opacity=0.6, stroke=POINT,
                )  # fmt: skip
            else:
                svg.add("circle", g, cx=x0 + 5, cy=y - 4, r=5, fill=POINT, fill_opacity=0.6)
            svg.text(x0 + 16, y, f"{clean(p.name, 24)} ({len(p.mentions)})", g)
            tip = svg.add("title", g)
            tip.text = _place_tip(p)
            y += 18
        y += 10
    return svg.tostring()


def _label(
    svg: Svg,
    g: ET.Element,
    x: float,
    y: float,
    r: float,
    name: str,
    taken: list[tuple[float, float, float, float]],
) -> None:
    """Label a point where the label overlaps no earlier one: beside it, or moved up or down
    with a leader line to the point."""
    w, h = 7.0 * len(name) + 4, 14.0
    for dy in (0, -14, 14, -28, 28, -42, 42, -56, 56, -70, 70):
        for side in (1, -1):
            lx = x + r + 3 if side == 1 else x - r - 3 - w
            box = (lx, y - 10 + dy, lx + w, y - 10 + dy + h)
            if not any(_overlap(box, t) for t in taken):
                taken.append(box)
                if dy:
                    edge = lx if side == 1 else lx + w
                    svg.add("line", g, x1=x, y1=y, x2=edge, y2=y + dy, stroke=MUTED)
                svg.text(lx if side == 1 else lx + w, y + 4 + dy, name, g,
                         text_anchor="start" if side == 1 else "end")  # fmt: skip
                return
    svg.text(x + r + 3, y + 4, name, g)  # nowhere free: overlap rather than lose the name


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_tip(p: Place) -> str:
    where = ", ".join(clean(x) for x in (p.admin1, p.country) if x)
    kind = p.kind or "place"
    return clean(
        f"{p.name} ({kind}{', ' + where if where else ''}): {p.lat:.2f}, {p.lon:.2f}; "
        f"{len(p.mentions)} mention(s), confidence {p.confidence:.2f}"
    )


def _split_far(places: list[Place], limit: float = 15.0) -> tuple[list[Place], list[Place]]:
    """Places within ``limit`` degrees of the median place, and the rest.

    One far-off capital (an article on Syria that names Moscow) would otherwise shrink the places
    the article is about to a few pixels; the far ones are listed beside the map instead.
    """
    if len(places) < 3:
        return places, []
    mlon = sorted(p.lon for p in places)[len(places) // 2]
    mlat = sorted(p.lat for p in places)[len(places) // 2]
    near = [p for p in places if max(abs(p.lon - mlon), abs(p.lat - mlat)) <= limit]
    far = [p for p in places if max(abs(p.lon - mlon), abs(p.lat - mlat)) > limit]
    return (near, far) if near else (places, [])


def _bounds(places: list[Place]) -> tuple[float, float, float, float]:
    lons = [min(max(p.lon, -180.0), 180.0) for p in places]
    lats = [min(max(p.lat, -85.0), 85.0) for p in places]
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    # A margin of 15% each side, and at least half a degree, so one place is not a zero-size box.
    mlon = max((lon1 - lon0) * 0.15, 0.5)
    mlat = max((lat1 - lat0) * 0.15, 0.5)
    return lon0 - mlon, lon1 + mlon, lat0 - mlat, lat1 + mlat


def _step(span: float) -> float:
    for s in (0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 45, 60):
        if span / s <= 8:
            return float(s)
    return 90.0


def _ticks(lo: float, hi: float, step: float) -> list[float]:
    first = math.ceil(lo / step) * step
    n = int((hi - first) // step) + 1
    return [round(first + i * step, 6) for i in range(max(n, 0))]


def _deg(v: float, pos: str, neg: str) -> str:
    text = f"{abs(v):g}°"
    return text + (pos if v > 0 else neg if v < 0 else "")


# --- attribution graph ---------------------------------------------------------------------------

RELAY = "#6a3d9a"
NODE_FILL = "#eef3fb"
CLAIM_FILL = "#f7f7f7"


def _speaker_label(a: Attribution) -> str:
    if a.speaker is not None:
        return a.speaker.name
    if a.source is not None and a.kind != "agentless":
        return f"unresolved: {a.source.text}"
    return "no source"


def attribution_graph_svg(analysis: Analysis) -> str:
    """Who says what: speakers (middle column) linked to their claims (right column), and the
    relays a statement came through (left column, dashed edges labelled "via") to the speaker.

    Unresolved sources are grouped as "unresolved: <source text>", statements without any source
    as "no source". The layout is deterministic: claims in speaker order, then article order; each
    speaker sits level with its claims, each relay level with its speakers, pushed apart so that
    no two nodes overlap.
    """
    title = "Attribution graph: who says what"
    if not analysis.attributions:
        return empty_plot("graph", title, "No attributed statements to graph.")

    # Speakers: the voices' order first, then any other speaker in attribution order.
    by_id = {a.id: a for a in analysis.attributions}
    speakers: list[str] = []
    for v in analysis.voices:
        if v.speaker not in speakers:
            speakers.append(v.speaker)
    for a in analysis.attributions:
        if (name := _speaker_label(a)) not in speakers:
            speakers.append(name)
    order = {name: i for i, name in enumerate(speakers)}

    linked: list[tuple[Claim, str]] = [
        (c, _speaker_label(by_id[c.attribution]))
        for c in analysis.claims
        if c.attribution is not None and c.attribution in by_id
    ]
    linked.sort(key=lambda cs: (order[cs[1]], cs[0].start, cs[0].id))
    relays: list[str] = []
    relay_edges: list[tuple[str, str]] = []
    for a in analysis.attributions:
        for relay in a.via:
            if relay.name not in relays:
                relays.append(relay.name)
            if (edge := (relay.name, _speaker_label(a))) not in relay_edges:
                relay_edges.append(edge)
    # Only speakers with a claim or a relay are drawn; an attribution without either still shows.
    used = {s for _, s in linked} | {s for _, s in relay_edges}
    used |= {_speaker_label(a) for a in analysis.attributions}
    speakers = [s for s in speakers if s in used]

    row_h, top, node_h = 30, 40, 22
    relay_x, relay_w = 10, 150
    speaker_x, speaker_w = (relay_x + relay_w + 50, 200) if relays else (10, 200)
    claim_x, claim_w = speaker_x + speaker_w + 60, 420
    width = claim_x + claim_w + 10

    claim_y = {c.id: top + row_h * (i + 0.5) for i, (c, _) in enumerate(linked)}
    speaker_y = _stack(
        speakers,
        lambda s: [claim_y[c.id] for c, cs in linked if cs == s],
        top + row_h / 2,
        row_h,
    )
    relay_y = _stack(
        relays, lambda r: [speaker_y[s] for rr, s in relay_edges if rr == r], top + row_h / 2, row_h
    )
    bottom = max([*claim_y.values(), *speaker_y.values(), *relay_y.values()])
    height = bottom + row_h / 2 + 40

    counts: dict[str, int] = {}
    for _, s in linked:
        counts[s] = counts.get(s, 0) + 1
    desc = (
        f"{len(speakers)} speakers linked to {len(linked)} claims"
        + (f", with {len(relays)} relays" if relays else "")
        + ". "
        + "; ".join(f"{clean(s)}: {counts.get(s, 0)} claim(s)" for s in speakers)
        + "."
    )
    if relay_edges:
        desc += " Relayed: " + "; ".join(f"{clean(s)} via {clean(r)}" for r, s in relay_edges)
        desc += "."
    svg = Svg("graph", width, height, title, desc)
    for x, heading in (
        *([(relay_x, "Relayed via")] if relays else []),
        (speaker_x, "Speaker"),
        (claim_x, "Claim"),
    ):
        svg.text(x, 22, heading, fill=MUTED, font_weight="600")

    edges = svg.add("g", class_="edges", fill="none")
    for c, s in linked:
        _edge(
            svg, edges, speaker_x + speaker_w, speaker_y[s], claim_x, claim_y[c.id],
            kind="claim", from_=f"speaker:{s}", to=f"claim:{c.id}", stroke=BAR,
        )  # fmt: skip
    for r, s in relay_edges:
        g = _edge(
            svg, edges, relay_x + relay_w, relay_y[r], speaker_x, speaker_y[s],
            kind="relay", from_=f"relay:{r}", to=f"speaker:{s}", stroke=RELAY,
            stroke_dasharray="5 4",
        )  # fmt: skip
        mx, my = (relay_x + relay_w + speaker_x) / 2, (relay_y[r] + speaker_y[s]) / 2
        svg.text(mx, my - 4, "via", g, text_anchor="middle", fill=RELAY, font_size="11")

    for r in relays:
        g = svg.add("g", class_="node node-relay", data_key=f"relay:{r}")
        y = relay_y[r]
        svg.add(
            "rect", g, x=relay_x, y=y - node_h / 2, width=relay_w, height=node_h, rx=node_h / 2,
            fill="#fff", stroke=RELAY, stroke_dasharray="5 4",
        )  # fmt: skip
        svg.text(relay_x + relay_w / 2, y + 4, clean(r, 20), g, text_anchor="middle", fill=RELAY)
        tip = svg.add("title", g)
        tip.text = clean(f"relay: {r}")
    for s in speakers:
        g = svg.add("g", class_="node node-speaker", data_key=f"speaker:{s}")
        y = speaker_y[s]
        svg.add(
            "rect", g, x=speaker_x, y=y - node_h / 2, width=speaker_w, height=node_h, rx=3,
            fill=NODE_FILL, stroke=BAR,
        )  # fmt: skip
        svg.text(speaker_x + 8, y + 4, clean(s, 27), g, font_weight="600")
        tip = svg.add("title", g)
        tip.text = clean(f"{s}: {counts.get(s, 0)} claim(s)")
    for c, s in linked:
        g = svg.add("g", class_=f"node node-claim claim-{c.voice}", data_key=f"claim:{c.id}")
        y = claim_y[c.id]
        svg.add(
            "rect", g, x=claim_x, y=y - node_h / 2, width=claim_w, height=node_h, rx=3,
            fill=CLAIM_FILL, stroke=GRID,
        )  # fmt: skip
        svg.text(claim_x + 8, y + 4, f"{c.id}: {clean(c.text, 52)}", g)
        tip = svg.add("title", g)
        tip.text = clean(f"{c.id} ({c.voice}, {s}): {c.text}")
    svg.text(
        10,
        height - 10,
        "Solid: speaker to claim. Dashed, “via”: the relay the statement came through.",
        fill=MUTED,
        font_size="11",
    )
    return svg.tostring()


def _stack(
    keys: list[str], targets: Callable[[str], list[float]], first: float, gap: float
) -> dict[str, float]:
    """A y for each key: level with the mean of its targets' ys (keys without targets last),
    each at least ``gap`` below the one before. Ties keep the keys' order."""
    wanted = {k: _mean(targets(k), math.inf) for k in keys}
    ys: dict[str, float] = {}
    prev = first - gap
    for k in sorted(keys, key=lambda k: wanted[k]):  # stable
        prev = ys[k] = max(wanted[k], prev + gap) if wanted[k] < math.inf else prev + gap
    return ys


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def _edge(
    svg: Svg,
    parent: ET.Element,
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    kind: str,
    from_: str,
    to: str,
    **attrs: object,
) -> ET.Element:
    g = svg.add("g", parent, class_=f"edge edge-{kind}", data_from=from_, data_to=to)
    mx = (x1 + x2) / 2
    d = f"M {_n(float(x1))} {_n(float(y1))} C {_n(float(mx))} {_n(float(y1))} "
    d += f"{_n(float(mx))} {_n(float(y2))} {_n(float(x2))} {_n(float(y2))}"
    svg.add("path", g, d=d, stroke_width=1.5, **attrs)
    return g


# --- all of them ------------------------------------------------------------------------------------

PLOTS: dict[str, Callable[[Analysis], str]] = {
    "sourcing": sourcing_svg,
    "timeline": timeline_svg,
    "map": map_svg,
    "graph": attribution_graph_svg,
}


def all_svgs(analysis: Analysis) -> dict[str, str]:
    """``{"sourcing": svg, "timeline": svg, "map": svg, "graph": svg}``."""
    return {name: plot(analysis) for name, plot in PLOTS.items()}


def write_plots(analysis: Analysis, directory: Path, *, png: bool = False) -> list[Path]:
    """Write ``sourcing``, ``timeline``, ``map`` and ``graph`` as SVG into ``directory`` (created),
    and as PNG beside them when ``png`` is set."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name, svg in all_svgs(analysis).items():
        path = directory / f"{name}.svg"
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n", encoding="utf-8")
        out.append(path)
        if png:
            out.append(directory / f"{name}.png")
            out[-1].write_bytes(to_png(svg))
    return out


def to_png(svg: str, scale: float = 2.0) -> bytes:
    """A PNG of ``svg`` on white, ``scale`` times its size (2: sharp on a slide or a printed page).

    resvg (a self-contained Rust renderer, wheels on PyPI) needs no system library or browser; the
    text is drawn with the machine's installed fonts.
    """
    from claimscope.extras import need

    resvg_py: Any = need("resvg_py", "PNG plots")

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", zoom=scale))
