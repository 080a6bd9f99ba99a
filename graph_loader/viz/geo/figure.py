"""The map of transnational ties for a paper: PNG, SVG or PDF by matplotlib, readable at a journal's column width.

The figure draws what the page draws (:mod:`graph_loader.viz.geo.page`), from the same projected kilometres:
the shapes, one arc per row coloured by tie and as wide as its weight (or amount), the US places as open
circles and the home places as filled ones. It is 3.5 inches wide by default (one column), with 6-point
labels on the places that carry the most arcs and the legend below the map. When the arcs reach El Salvador
from a view much larger than it, an inset shows El Salvador enlarged, so that its towns stay apart.

Names are user data: every text is drawn with math parsing off. The same rows give the same bytes.

Examples
--------
>>> import tempfile, pathlib
>>> row = {"from_place": "Chicago", "from_lat": 41.88, "from_lon": -87.63, "from_country": "United States",
...        "to_place": "Monte Escobedo", "to_lat": 22.3, "to_lon": -103.58, "to_country": "Mexico",
...        "tie": "association", "actors": ["a"], "weight": 1, "amount_usd": None, "sources": []}
>>> with tempfile.TemporaryDirectory() as folder:
...     info = write_map_figure([row], pathlib.Path(folder) / "ties.png")
>>> info.format, info.arcs, info.places
('png', 1, 2)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as CurvePath
from matplotlib.patheffects import withStroke

from ..encoding import VizError
from ..html import shorten
from ..static import _NO_DATE, FORMATS
from .basemap import BORDER_LAYERS, Basemap, Box, clip_ring, load_basemap
from .page import MapSummary, _rows_to_ties, map_views, width_note
from .ties import Tie, arc_shapes, bezier_points, places_of, relative_widths, tie_colors

#: One column of a two-column journal page, inches.
COLUMN_WIDTH_IN = 3.5
#: Arc width range, points; arcs without an amount (weighted by amount) are thin and dashed.
ARC_WIDTH_PT = (0.5, 2.4)
UNKNOWN_AMOUNT_WIDTH_PT = 0.5
#: Label size, points, and how many places are labelled (those with most arcs).
LABEL_PT = 6.0
MAX_LABELS = 12
LABEL_CHARS = 28
LAND, SEA, COAST, BORDER = "#f1efe9", "#e3ecf4", "#8c8c8c", "#c9c4bb"
#: An inset of El Salvador is added when the main view is this many times wider than El Salvador.
INSET_RATIO = 6.0


def _draw_base(ax, basemap: Basemap, box: Box, *, coast_pt: float, border_pt: float) -> None:
    ax.set_facecolor(SEA)
    # Only what the view shows is stored (an SVG of the whole Americas would be a megabyte).
    margin = box.padded(0.02)
    rings = [clipped for country in basemap.countries if country.box.intersects(box) for ring in country.rings
             if len(clipped := clip_ring(ring, margin))]
    if rings:
        ax.add_patch(PathPatch(CurvePath.make_compound_path(*[CurvePath(ring, closed=True) for ring in rings]),
                               facecolor=LAND, edgecolor=COAST, linewidth=coast_pt, joinstyle="round", zorder=1))
    for layer in BORDER_LAYERS:
        lines = [line for line in basemap.borders[layer]
                 if Box.around(line[:, 0], line[:, 1]).intersects(box)]
        if lines:
            ax.add_collection(LineCollection(lines, colors=BORDER, linewidths=border_pt, zorder=1.5))


def _draw_ties(ax, ties: Sequence[Tie], colors: Mapping[str, str], widths: Sequence[float | None]) -> None:
    low, high = ARC_WIDTH_PT
    # Widest first, so that thin arcs stay visible on top of wide ones.
    order = sorted(range(len(ties)), key=lambda i: -(widths[i] if widths[i] is not None else -1))
    shapes = arc_shapes(ties)
    for i in order:
        shape, width = shapes[i], widths[i]
        curve = CurvePath([(shape.x0, shape.y0), (shape.cx, shape.cy), (shape.x1, shape.y1)],
                          [CurvePath.MOVETO, CurvePath.CURVE3, CurvePath.CURVE3])
        ax.add_patch(PathPatch(curve, facecolor="none", edgecolor=colors[ties[i].tie], alpha=0.85,
                               linewidth=UNKNOWN_AMOUNT_WIDTH_PT if width is None else low + (high - low) * width,
                               linestyle=(0, (3, 2)) if width is None else "-", capstyle="round", zorder=2))


def _draw_places(ax, ties: Sequence[Tie], box: Box, *, size: float, labels: int,
                 unlabelled: Box | None = None) -> list[str]:
    """The places inside ``box``; the ``labels`` with most arcs labelled, except those inside ``unlabelled`` (an
    inset labels them). Returns the names written."""
    summaries = [s for s in places_of(ties) if box.contains(s.place.x, s.place.y)]
    for role, face in (("us", "white"), ("home", "#222222"), ("both", "#888888")):
        chosen = [s.place for s in summaries if s.role == role]
        if chosen:
            ax.scatter([p.x for p in chosen], [p.y for p in chosen], s=size, c=face, edgecolors="#222222",
                       linewidths=0.5, zorder=3)
    candidates = [s for s in summaries if unlabelled is None or not unlabelled.contains(s.place.x, s.place.y)]
    ranked = sorted(candidates, key=lambda s: (-len(s.rows), s.place.name))[:labels]
    renderer = ax.figure.canvas.get_renderer()
    placed, written = [], []
    for summary in ranked:
        # Right of the place, else left of it; a label that would cover another is left out (the page shows
        # every name). Clipped to the map, so that no label widens the figure.
        for right in (True, False):
            text = ax.annotate(shorten(summary.place.name, LABEL_CHARS), (summary.place.x, summary.place.y),
                               xytext=(3 if right else -3, 0), textcoords="offset points",
                               ha="left" if right else "right", va="center", fontsize=LABEL_PT, parse_math=False,
                               zorder=4, annotation_clip=True, clip_on=True,
                               path_effects=[withStroke(linewidth=1.6, foreground="white")])
            text.set_clip_box(ax.bbox)
            extent = text.get_window_extent(renderer)
            slack = 2 * ax.figure.dpi / 72  # two points
            inside = ax.bbox.x0 + slack <= extent.x0 and extent.x1 <= ax.bbox.x1 - slack
            if inside and not any(extent.overlaps(other) for other in placed):
                placed.append(extent)
                written.append(summary.place.name)
                break
            text.remove()
    return written


def _legend(figure, ax, ties: Sequence[Tie], colors: Mapping[str, str], weight_by: str) -> None:
    counts = Counter(t.tie for t in ties)
    handles = [Line2D([], [], color=colors[kind], linewidth=1.6, label=f"{kind} ({counts[kind]})")
               for kind in sorted(counts, key=lambda k: (-counts[k], k))]
    handles += [Line2D([], [], linestyle="", marker="o", markersize=3.5, markerfacecolor="white",
                       markeredgecolor="#222222", markeredgewidth=0.5, label="US place"),
                Line2D([], [], linestyle="", marker="o", markersize=3.5, markerfacecolor="#222222",
                       markeredgecolor="#222222", markeredgewidth=0.5, label="home place")]
    legend = figure.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01),
                           bbox_transform=ax.transAxes, ncol=min(3, len(handles)), frameon=False, fontsize=6,
                           handlelength=1.6, columnspacing=1.0,
                           title=width_note(weight_by, ties),
                           title_fontsize=6)
    for text in [*legend.get_texts(), legend.get_title()]:
        text.set_parse_math(False)


def _corner(ties: Sequence[Tie], box: Box, side: float, ratio: float) -> tuple[float, float]:
    """The corner of the axes (lower left, lower right, upper left, upper right) where an inset of ``side`` by
    ``side * ratio`` (axes fractions) covers the fewest arc points."""
    points = [p for shape in arc_shapes(ties) for p in bezier_points(shape, 16)]
    corners = [(0.015, 0.015), (0.985 - side, 0.015), (0.015, 0.985 - side * ratio), (0.985 - side, 0.985 - side * ratio)]

    def covered(corner):
        x0, y0 = box.x0 + corner[0] * box.width, box.y0 + corner[1] * box.height
        area = Box(x0, y0, x0 + side * box.width, y0 + side * ratio * box.height)
        return sum(area.contains(x, y) for x, y in points)

    return min(corners, key=covered)


def _inset_box(ties: Sequence[Tie], main: Box, views: Mapping[str, Box], inset: str) -> Box | None:
    if inset == "none":
        return None
    if inset != "auto":
        return views[inset]
    target = views["sv"]
    reaches = any(target.contains(t.home.x, t.home.y) for t in ties)
    return target if reaches and main.width > INSET_RATIO * target.width else None


def write_map_figure(rows: Iterable[Mapping] | Sequence[Tie], path: str | Path, *, ties: Iterable[str] = (),
                     weight_by: str = "count", view: str = "all", title: str | None = None,
                     width_in: float = COLUMN_WIDTH_IN, dpi: int = 300, inset: str = "auto",
                     what: str = "the rows") -> MapSummary:
    """Draw the map of ``rows`` as a figure (PNG, SVG or PDF by the extension of ``path``).

    Parameters are those of :func:`graph_loader.viz.geo.page.write_map_html`, and:

    width_in : float
        Figure width in inches (3.5: one column; 7: a page); the height follows the view's shape.
    dpi : int
        Resolution of a PNG.
    inset : "auto", "none", "sv", "mx" or "us"
        An enlarged view in the lower left: "auto" shows El Salvador when arcs end there and the main view is
        more than :data:`INSET_RATIO` times wider.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise VizError(f"cannot tell the map format of {path.name!r}", hint="end the path in .html, .png, .svg or .pdf")
    selected = _rows_to_ties(rows, ties, what)
    basemap = load_basemap()
    views = map_views(selected, basemap)
    if view not in views:
        raise VizError(f"no view {view!r}", hint="use one of " + ", ".join(views))
    if inset not in ("auto", "none", *views) or inset == "all":
        raise VizError(f"no inset {inset!r}", hint="use auto, none, us, mx or sv")
    box = views[view]
    colors = tie_colors(selected)
    widths = relative_widths(selected, weight_by)

    # At the output's resolution, so that the labels' overlap test measures text as it will be drawn (hinted
    # glyphs are not exactly proportional across resolutions).
    figure = Figure(figsize=(width_in, width_in * box.height / box.width), dpi=dpi)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(box.x0, box.x1)
    ax.set_ylim(box.y0, box.y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.4)
    _draw_base(ax, basemap, box, coast_pt=0.3, border_pt=0.2)
    _draw_ties(ax, selected, colors, widths)
    enlarged = _inset_box(selected, box, views, inset)
    _draw_places(ax, selected, box, size=7, labels=MAX_LABELS, unlabelled=enlarged)

    if enlarged is not None:
        side = 0.38
        ratio = enlarged.height / enlarged.width * box.width / box.height
        # The map fills the figure, so axes fractions are figure fractions; a plain axes (not an inset locator)
        # has its place known before drawing, which the labels' overlap test needs.
        inner = figure.add_axes((*_corner(selected, box, side, ratio), side, side * ratio))
        inner.set_xlim(enlarged.x0, enlarged.x1)
        inner.set_ylim(enlarged.y0, enlarged.y1)
        inner.set_aspect("equal")
        inner.set_xticks([])
        inner.set_yticks([])
        for spine in inner.spines.values():
            spine.set_linewidth(0.5)
        _draw_base(inner, basemap, enlarged, coast_pt=0.3, border_pt=0.25)
        _draw_ties(inner, selected, colors, widths)
        _draw_places(inner, selected, enlarged, size=7, labels=6)
        ax.add_patch(Rectangle((enlarged.x0, enlarged.y0), enlarged.width, enlarged.height, fill=False,
                               edgecolor="#444444", linewidth=0.4, zorder=5))

    if selected:
        _legend(figure, ax, selected, colors, weight_by)
    else:
        ax.text(0.5, 0.5, "no tie to map", transform=ax.transAxes, ha="center", va="center", fontsize=7,
                color="#555555")
    if title:
        ax.set_title(title, fontsize=8, parse_math=False)

    path.parent.mkdir(parents=True, exist_ok=True)
    # A fixed salt makes the SVG's element ids, and so its bytes, the same on every run.
    with matplotlib.rc_context({"svg.hashsalt": "diaspora-kg", "font.size": LABEL_PT}):
        figure.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.02, metadata=_NO_DATE[fmt])
    return MapSummary(path=path, format=fmt, arcs=len(selected), places=len(places_of(selected)),
                      ties=dict(Counter(t.tie for t in selected)), bytes=path.stat().st_size)
