"""Network figures for papers: PNG, SVG or PDF drawn by matplotlib's Agg/vector backends, never a display.

A figure is read at the width of a page (7 in, A4's text width) or a column, often in grey, beside a caption, so:

* **colour** tells at most :data:`~graph_loader.viz.kinds.MAX_GROUPS` kinds of node, cut from the ontology's
  class tree (:mod:`graph_loader.viz.kinds`: public bodies, diaspora organisations, places, programmes, ...), each
  in its class's style colour where that colour is its own; with ``color_by="country"`` or ``"coalition"`` the
  colour is the category (Paul Tol's colour-blind-safe palette);
* **shape** is a second dimension: the home country with colour by kind (the few most frequent countries, then
  "other" and "none"), the kind otherwise;
* **area** grows with degree or a score; only the ``label_top`` largest nodes are named, each label placed where
  it overlaps no other label and no node (eight places around its node, then further out with a leader line;
  a label that finds no free place is left out and reported);
* the **legend** sits beside the drawing and is never taller than it (a long one gets two columns, then a smaller
  font); the **title** says what is drawn and how (two lines: a caption can start from it).

The layout is a seeded igraph layout (the same seed, the same picture). Names are user data here too: every text
is drawn with math parsing off, so "US$15,000 - $30,000" stays text.

Examples
--------
>>> import networkx as nx, tempfile, pathlib
>>> G = nx.Graph([("a", "b"), ("b", "c")])
>>> nx.set_node_attributes(G, {"a": "SALA", "b": "FISDL", "c": "Cojutepeque"}, "name")
>>> with tempfile.TemporaryDirectory() as folder:
...     info = write_figure(G, pathlib.Path(folder) / "net.png", styles={}, label_top=1)
>>> info.format, info.nodes, info.edges, info.labelled
('png', 3, 2, ['FISDL'])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.patheffects import withStroke

from .encoding import (
    CATEGORY_PALETTE,
    OTHER_COLOR,
    VizError,
    category_of,
    class_style,
    encode,
    node_kind,
    node_names,
    relative_edge_widths,
)
from .html import shorten
from .kinds import MAX_GROUPS, class_parents, group_kinds
from .layout import resolve_layout
from .options import DrawOptions

#: Output formats, by file extension.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
#: Markers of the second dimension, in order: told apart in print, filled.
SHAPE_CYCLE = ("o", "s", "^", "D", "v", "P", "X", "h", "p", "*")
#: Countries that get a shape of their own (the most frequent); the others share one, nodes with none another.
SHAPED_COUNTRIES = 4
#: Marker diameter range in points (smallest and largest size value).
MARKER_DIAMETER_PT = (4.0, 14.0)
#: Edge line width range in points when ``edge_width_by`` is given; 0.5 pt otherwise.
EDGE_WIDTH_PT = (0.4, 3.0)
EDGE_COLOR = "#8a8a8a"
#: Up to this many edges, directed ties get arrowheads and parallel ties are bent apart; above, plain lines (more
#: arrowheads than this only darken a figure at page width).
ARROW_MAX_EDGES = 150
#: Default figure size in inches: the width of a two-column page (A4's text width is about 6.3 in).
FIGSIZE_IN = (7.0, 5.0)
#: Font sizes in points: labels, legend entries, legend titles, the title.
LABEL_PT, LEGEND_PT, LEGEND_TITLE_PT, TITLE_PT = 6.5, 7.0, 7.5, 8.5
#: Colours for kinds whose style colour another kind already shows (Paul Tol's muted and light schemes).
SPARE_COLORS = (*CATEGORY_PALETTE, "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33")
#: Metadata left out so that the same figure gives the same bytes (no creation date).
_NO_DATE = {"png": {}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


def _edge_widths(G: nx.Graph, edge_width_by: str | None) -> list[float]:
    if edge_width_by is None:
        return [0.5] * G.number_of_edges()
    low, high = EDGE_WIDTH_PT
    return [low + (high - low) * r for r in relative_edge_widths(G, edge_width_by)]


def _draw_edges(ax, G: nx.Graph, positions: Mapping, radius_pt: Mapping, widths: list[float]) -> None:
    edges = [(u, v, widths[i]) for i, (u, v) in enumerate(G.edges()) if u != v]
    if len(edges) <= ARROW_MAX_EDGES:
        parallel = Counter()
        for u, v, width in edges:
            pair = frozenset((u, v))
            # Arrows stop at the marker's rim; parallel ties bend apart so that each stays visible.
            patch = FancyArrowPatch(
                positions[u],
                positions[v],
                arrowstyle="-|>" if G.is_directed() else "-",
                mutation_scale=7,
                shrinkA=radius_pt[u],
                shrinkB=radius_pt[v] + 0.5,
                linewidth=width,
                color=EDGE_COLOR,
                connectionstyle=f"arc3,rad={0.15 * parallel[pair]}",
                zorder=1,
            )
            parallel[pair] += 1
            ax.add_patch(patch)
        return
    seen = {}
    for u, v, width in edges:
        seen.setdefault(frozenset((u, v)), (positions[u], positions[v], width))
    segments = [(a, b) for a, b, _ in seen.values()]
    ax.add_collection(
        LineCollection(
            segments, linewidths=[w for *_, w in seen.values()], colors=EDGE_COLOR, alpha=0.6, zorder=1
        )
    )


@dataclass(frozen=True)
class LegendItem:
    """A legend line: ``label`` drawn as ``marker`` in ``color``; ``count`` nodes have it."""

    label: str
    color: str
    marker: str
    count: int


@dataclass(frozen=True)
class Look:
    """How each node is drawn: colour and marker, and the two legends that explain them."""

    color: dict
    marker: dict
    color_title: str
    color_legend: list[LegendItem]
    shape_title: str | None
    shape_legend: list[LegendItem]


def _kind_colours(groups, styles: Mapping[str, Mapping]) -> list[str]:
    """Each kind group's colour: its class's style colour when no other group's class has the same one (the page
    and the figure then agree), else a spare colour that no group's style uses."""
    styled = [class_style((group.cut,), styles)["color"].upper() for group in groups]
    taken = Counter(styled)
    spare = (c for c in SPARE_COLORS if c.upper() not in taken)
    return [color if taken[color] == 1 else next(spare, OTHER_COLOR) for color in styled]


def _country_shapes(G: nx.Graph) -> tuple[dict, list[LegendItem]]:
    """Marker per node from its home country (attribute ``country``): the most frequent few, other, none."""
    countries = {node: category_of(data.get("country")) for node, data in G.nodes(data=True)}
    counts = Counter(c for c in countries.values() if c)
    ranked = sorted(counts, key=lambda c: (-counts[c], c))
    own = ranked[:SHAPED_COUNTRIES] if len(ranked) <= SHAPED_COUNTRIES + 1 else ranked[:SHAPED_COUNTRIES]
    marker_of = {c: SHAPE_CYCLE[i + 1] for i, c in enumerate(own)}  # "o" is kept for "none"
    other = SHAPE_CYCLE[len(own) + 1]
    markers = {node: "o" if c is None else marker_of.get(c, other) for node, c in countries.items()}
    legend = [LegendItem(c, "#ffffff", marker_of[c], counts[c]) for c in own]
    rest = [c for c in ranked if c not in marker_of]
    if rest:
        legend.append(LegendItem(f"other ({', '.join(rest[:3])}{', …' if len(rest) > 3 else ''})", "#ffffff", other,
                                 sum(counts[c] for c in rest)))
    missing = sum(1 for c in countries.values() if c is None)
    if missing:
        legend.append(LegendItem("none known", "#ffffff", "o", missing))
    return markers, legend


def _look(G: nx.Graph, options: DrawOptions, hierarchy: Mapping[str, str | None] | None,
          max_groups: int) -> Look:
    kinds = {node: node_kind(data) for node, data in G.nodes(data=True)}
    if hierarchy is None:
        from ..ontology.schema import load_schema

        hierarchy = class_parents(load_schema())
    grouping = group_kinds(kinds, hierarchy, max_groups)
    kind_colours = _kind_colours(grouping.groups, options.styles)
    if options.color_by == "class":
        color = {node: kind_colours[i] for node, i in grouping.group_of.items()}
        legend = [LegendItem(g.label, kind_colours[i], "o", g.count) for i, g in enumerate(grouping.groups)]
        has_country = any(category_of(d.get("country")) for _, d in G.nodes(data=True))
        if not has_country:
            return Look(color, dict.fromkeys(G, "o"), "Kind", legend, None, [])
        markers, shapes = _country_shapes(G)
        return Look(color, markers, "Kind", legend, "Home country", shapes)
    # colour by a category: the page's encoding; shape by kind group
    enc = encode(G, **options.encoding_fields())
    legend = [LegendItem(e.label, e.color, "o", e.count) for e in enc.legend]
    markers = {node: SHAPE_CYCLE[i % len(SHAPE_CYCLE)] for node, i in grouping.group_of.items()}
    shapes = [LegendItem(g.label, "#ffffff", SHAPE_CYCLE[i % len(SHAPE_CYCLE)], g.count)
              for i, g in enumerate(grouping.groups)]
    return Look(enc.color, markers, enc.legend_title, legend, "Kind", shapes)


def _handles(items: list[LegendItem]) -> list[Line2D]:
    return [
        Line2D([], [], linestyle="", marker=item.marker, markersize=5.5, markerfacecolor=item.color,
               markeredgecolor="#4d4d4d", markeredgewidth=0.5, label=f"{item.label} ({item.count})")
        for item in items
    ]


def _legends(figure, ax, look: Look, renderer) -> list:
    """The legends beside the axes, top-aligned, never taller than the axes: two columns, then smaller type."""
    axes_box = ax.get_window_extent(renderer)
    for columns, size in ((1, LEGEND_PT), (2, LEGEND_PT), (2, LEGEND_PT - 1), (2, LEGEND_PT - 2), (3, 4.5)):
        legends = []
        anchor = 1.0
        for title, items in ((look.color_title, look.color_legend), (look.shape_title, look.shape_legend)):
            if not items:
                continue
            legend = figure.legend(handles=_handles(items), title=title, loc="upper left",
                                   bbox_to_anchor=(1.01, anchor), bbox_transform=ax.transAxes, frameon=False,
                                   fontsize=size, title_fontsize=size + 0.5, ncols=columns if len(items) > 6 else 1,
                                   alignment="left", handletextpad=0.3, borderaxespad=0.0, labelspacing=0.35,
                                   columnspacing=0.8)
            for text in [*legend.get_texts(), legend.get_title()]:
                text.set_parse_math(False)
            box = legend.get_window_extent(renderer)
            anchor = (box.y0 - axes_box.y0 - 6) / axes_box.height  # the next legend starts under this one
            legends.append(legend)
        top = max((lg.get_window_extent(renderer).y1 for lg in legends), default=0)
        bottom = min((lg.get_window_extent(renderer).y0 for lg in legends), default=0)
        if top - bottom <= axes_box.height + 0.5:
            return legends
        for legend in legends:
            legend.remove()
    return legends


#: A label longer than this many characters is set on two lines.
LABEL_LINE = 24


def wrapped(name: str, max_len: int | None) -> str:
    r"""A label on at most two lines of about :data:`LABEL_LINE` characters, cut with an ellipsis at ``max_len``.

    >>> wrapped("4. National Council for Mexican Communities Abroad", 60)
    '4. National Council for\nMexican Communities Abroad'
    >>> wrapped("SALA", 60)
    'SALA'
    """
    import textwrap

    name = shorten(name, max_len)
    if len(name) <= LABEL_LINE:
        return name
    lines = textwrap.wrap(name, LABEL_LINE, break_long_words=False) or [name]
    if len(lines) > 2:
        lines = [lines[0], shorten(" ".join(lines[1:]), LABEL_LINE + 4)]
    return "\n".join(lines)


#: Where a label may go around its node: (dx, dy) direction and the alignment that keeps it off the node.
_PLACES = (
    ((0, 1), "center", "bottom"), ((0, -1), "center", "top"), ((1, 0), "left", "center"),
    ((-1, 0), "right", "center"), ((1, 1), "left", "bottom"), ((-1, 1), "right", "bottom"),
    ((1, -1), "left", "top"), ((-1, -1), "right", "top"),
)


def _overlaps(box, boxes, pad: float = 1.0) -> bool:
    return any(box.x0 < b.x1 + pad and b.x0 < box.x1 + pad and box.y0 < b.y1 + pad and b.y0 < box.y1 + pad
               for b in boxes)


def _place_labels(ax, renderer, ranked: list, names: Mapping, positions: Mapping, radius_pt: Mapping,
                  dpi: float, max_len, obstacles: list) -> tuple[list, list, list]:
    """Label ``ranked`` nodes where no label, no other node and none of ``obstacles`` (display boxes) is; the
    labelled, their boxes, the left-out."""
    from matplotlib.transforms import Bbox

    px = dpi / 72.0
    display = {node: ax.transData.transform(positions[node]) for node in positions}
    markers = {node: Bbox.from_extents(x - radius_pt[node] * px, y - radius_pt[node] * px,
                                       x + radius_pt[node] * px, y + radius_pt[node] * px)
               for node, (x, y) in display.items()}
    # the figure, left of the legend column (a label may reach into the margins, never beside the legend)
    axes = ax.get_window_extent(renderer)
    frame = Bbox.from_extents(0, 0, axes.x1 + 0.01 * ax.figure.bbox.width, ax.figure.bbox.height)
    placed, boxes, skipped = [], [], []
    shift = {"left": 0.0, "center": 0.5, "right": 1.0, "bottom": 0.0, "top": 1.0}
    for node in ranked:
        text = wrapped(names[node], max_len)
        # the label's size, measured once; each place's box follows from it
        probe = ax.text(0, 0, text, fontsize=LABEL_PT, parse_math=False, linespacing=1.0)
        size = probe.get_window_extent(renderer)
        probe.remove()
        width, height = size.width, size.height
        others = [box for other, box in markers.items() if other != node]
        chosen = None
        # Nearest first: next to the node, covering no node, else covering only unnamed nodes' markers (the label's
        # white halo keeps it legible over them); then further out with a leader line. Never over another label or
        # a named node.
        attempts = ((distance, avoid, place) for distance in (1.5, 7.0, 14.0, 24.0) for avoid in (True, False)
                    for place in _PLACES)
        x, y = display[node]
        for distance, avoid_markers, ((dx, dy), ha, va) in attempts:
            gap = (radius_pt[node] + distance) * (0.7071 if dx and dy else 1.0)
            left = x + dx * gap * px - shift[ha] * width
            bottom = y + dy * gap * px - (shift[va] if va != "center" else 0.5) * height
            box = Bbox.from_bounds(left, bottom, width, height)
            blocked = [markers[n] for n in placed] + (others if avoid_markers else [])
            if frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1) \
                    and not _overlaps(box, boxes) and not _overlaps(box, obstacles) \
                    and not _overlaps(box, blocked, pad=0.0):
                ax.annotate(
                    text, positions[node], xytext=(dx * gap, dy * gap), textcoords="offset points", ha=ha, va=va,
                    fontsize=LABEL_PT, zorder=4, parse_math=False, annotation_clip=False, linespacing=1.0,
                    path_effects=[withStroke(linewidth=1.8, foreground="white")],
                    arrowprops=dict(arrowstyle="-", color="#333333", linewidth=0.6, shrinkA=1,
                                    shrinkB=radius_pt[node]) if distance > 1.5 else None,
                )
                chosen = box
                break
        if chosen is None:
            skipped.append(node)
            continue
        placed.append(node)
        boxes.append(chosen)
    return placed, boxes, skipped


@dataclass(frozen=True)
class FigureSummary:
    """What :func:`write_figure` wrote: the file, its format (png, svg, pdf), node and edge counts, the names
    written on the figure (and those that found no free place), the colour and shape legends' entries, and the
    file's size in bytes. ``label_boxes``, ``legend_box`` and ``axes_box`` are ``(x0, y0, x1, y1)`` in pixels of
    the drawing (before the margins are trimmed), for checking that nothing overlaps."""

    path: Path
    format: str
    nodes: int
    edges: int
    labelled: list[str]
    legend: list[str]
    bytes: int
    shapes: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)
    title: str = ""
    label_boxes: list[tuple[float, float, float, float]] = field(default_factory=list, repr=False)
    legend_box: tuple[float, float, float, float] | None = field(default=None, repr=False)
    axes_box: tuple[float, float, float, float] | None = field(default=None, repr=False)


#: The axes take the figure's width up to here; the legend goes to the right of it.
AXES_RIGHT = 0.64
#: The drawing is never flatter than this (height / width), so that its legend fits beside it.
MIN_ASPECT = 0.4


def _fitted_size(positions: Mapping, figsize: tuple[float, float]) -> tuple[float, float]:
    """``figsize`` with the height fitted to the layout's shape: a long, flat network gets a flatter figure rather
    than a band of white above and below (the height never exceeds the one asked for)."""
    if len(positions) < 2:
        return figsize
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width <= 0:
        return figsize
    aspect = max(height / width, MIN_ASPECT)
    axes_width = figsize[0] * AXES_RIGHT
    return figsize[0], min(figsize[1], axes_width * aspect * 1.1 / 0.89 + 0.1)


def describe_encoding(options: DrawOptions, look: Look, labelled: int, ranked: bool = False) -> str:
    """The title's second line: what colour, shape and area mean, and which nodes are named."""
    size = "number of ties" if options.size_by == "degree" else options.size_by.replace("_", " ")
    parts = [f"colour: {look.color_title.lower()}"]
    if look.shape_title:
        parts.append(f"shape: {look.shape_title.lower()}")
    parts.append(f"area: {size}")
    if labelled:
        parts.append("named: the brokers, numbered by rank, then the largest" if ranked else
                     f"named: the {labelled} largest")
    return "; ".join(parts)


def write_figure(G: nx.Graph, path: str | Path, options: DrawOptions | None = None, /, *, label_top: int = 12,
                 dpi: int = 200, figsize: tuple[float, float] = FIGSIZE_IN,
                 hierarchy: Mapping[str, str | None] | None = None, max_groups: int = MAX_GROUPS,
                 **option_fields) -> FigureSummary:
    """Draw ``G`` as a figure for a paper and write it to ``path`` (PNG, SVG or PDF by the extension).

    Parameters
    ----------
    G : NetworkX graph
        Any graph following the project's NetworkX contract (``labels``, ``kind``, ``name``; ``country`` for the
        shapes). Self-loops are not drawn.
    path : str or Path
        Output file; ``.png``, ``.svg`` or ``.pdf``. Missing parent folders are created.
    options : DrawOptions, optional
        How to encode the graph (any field may be given as a keyword argument). ``title`` is the first line of
        the title; the second says what colour, shape and area mean. Marker diameters span
        :data:`MARKER_DIAMETER_PT` points, the area growing with the value; the layout is igraph's
        Fruchterman-Reingold unless one is given.
    label_top : int
        Name this many nodes, the largest first (ties broken by name); 0 for none.
    dpi : int
        Resolution of a PNG, in dots per inch.
    figsize : (float, float)
        Figure size in inches, before the margins are trimmed.
    hierarchy : mapping, optional
        Class -> superclass, for the kind groups (:func:`graph_loader.viz.kinds.class_parents`; default: the
        project's ontology).
    max_groups : int
        At most this many colours for the kinds.

    Returns
    -------
    FigureSummary
    """
    options = DrawOptions.of(options, **option_fields)
    max_label_len = options.label_length(56)
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise VizError(
            f"cannot tell the figure format of {path.name!r}", hint="end the path in .png, .svg or .pdf"
        )
    sizes = encode(G, **{**options.encoding_fields(), "color_by": "class"}).size
    look = _look(G, options, hierarchy, max_groups)
    positions = resolve_layout(G, options.layout, seed=options.seed)
    low, high = MARKER_DIAMETER_PT
    diameter = {node: low + (high - low) * sizes[node] for node in G}
    radius = {node: d / 2 for node, d in diameter.items()}

    figure = Figure(figsize=_fitted_size(positions, figsize), dpi=dpi)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    figure.subplots_adjust(left=0.01, right=AXES_RIGHT, top=0.9, bottom=0.01)
    ax.set_axis_off()
    ax.set_aspect("equal", adjustable="datalim")
    ax.margins(0.05)
    _draw_edges(ax, G, positions, radius, _edge_widths(G, options.edge_width_by))
    by_marker: dict[str, list] = {}
    for node in G:
        by_marker.setdefault(look.marker[node], []).append(node)
    for marker, nodes in sorted(by_marker.items()):
        ax.scatter([positions[n][0] for n in nodes], [positions[n][1] for n in nodes],
                   s=[diameter[n] ** 2 for n in nodes], c=[look.color[n] for n in nodes], marker=marker,
                   edgecolors="#4d4d4d", linewidths=0.4, zorder=2)

    names = {node: node_names(G.nodes[node], node)[0] for node in G}
    # Ranked nodes (a ``broker_rank`` attribute, as :func:`graph_loader.viz.views.brokers` sets) are named first,
    # with their rank, then the largest.
    rank = {node: G.nodes[node].get("broker_rank") for node in G}
    ranked = sorted(G, key=lambda node: (rank[node] is None, rank[node] or 0, -sizes[node], names[node]))
    ranked = ranked[: max(label_top, 0)]
    shown = {node: (f"{rank[node]}. {names[node]}" if rank[node] else names[node]) for node in ranked}
    renderer = canvas.get_renderer()
    figure.draw_without_rendering()  # fixes the axes' limits and transforms before measuring
    title = options.title or f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} ties"
    numbered = any(rank[node] for node in ranked)
    heading = ax.set_title(f"{title}\n{describe_encoding(options, look, len(ranked), numbered)}", fontsize=TITLE_PT,
                           loc="left", parse_math=False, pad=4)
    legends = _legends(figure, ax, look, renderer)
    # Labels may reach into the margins, never into the title or a legend.
    obstacles = [heading.get_window_extent(renderer), *(lg.get_window_extent(renderer) for lg in legends)]
    placed, boxes, skipped = _place_labels(ax, renderer, ranked, shown, positions, radius, dpi, max_label_len,
                                           obstacles)
    if len(placed) != len(ranked):
        heading.set_text(f"{title}\n{describe_encoding(options, look, len(placed), numbered)}")

    path.parent.mkdir(parents=True, exist_ok=True)
    axes_box = ax.get_window_extent(renderer)
    legend_box = None
    if legends:
        extents = [lg.get_window_extent(renderer) for lg in legends]
        legend_box = (min(b.x0 for b in extents), min(b.y0 for b in extents), max(b.x1 for b in extents),
                      max(b.y1 for b in extents))
    # A fixed salt makes the SVG's element ids, and so its bytes, the same on every run.
    with matplotlib.rc_context({"svg.hashsalt": "diaspora-kg"}):
        figure.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.05, metadata=_NO_DATE[fmt])
    return FigureSummary(
        path=path, format=fmt, nodes=G.number_of_nodes(), edges=G.number_of_edges(),
        labelled=[names[node] for node in placed], legend=[item.label for item in look.color_legend],
        bytes=path.stat().st_size, shapes=[item.label for item in look.shape_legend],
        unlabelled=[names[node] for node in skipped], title=title,
        label_boxes=[(b.x0, b.y0, b.x1, b.y1) for b in boxes], legend_box=legend_box,
        axes_box=(axes_box.x0, axes_box.y0, axes_box.x1, axes_box.y1),
    )
