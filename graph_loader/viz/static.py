"""Network figures for papers: PNG, SVG or PDF drawn by matplotlib's Agg/vector backends, never a display.

The figure encodes nodes as the HTML page does (:mod:`graph_loader.viz.encoding`: class style or category
colour, shape by class, area by degree or score), lays them out with a seeded igraph layout (the same seed,
the same picture), labels only the largest nodes, and puts the legend outside the drawing with tight margins.

Names are user data here too: every text is drawn with math parsing off, so "US$15,000 - $30,000" stays text.

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
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.patheffects import withStroke

from .encoding import LegendEntry, VizError, encode, node_names, relative_edge_widths
from .html import shorten
from .layout import resolve_layout
from .options import DrawOptions

#: Output formats, by file extension.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
#: vis-network shape -> matplotlib marker, so that figure and page agree.
MARKERS = {
    "dot": "o",
    "circle": "o",
    "ellipse": "o",
    "box": "s",
    "square": "s",
    "database": "s",
    "text": "s",
    "diamond": "D",
    "triangle": "^",
    "triangleDown": "v",
    "star": "*",
    "hexagon": "h",
}
#: Marker diameter range in points (smallest and largest size value).
MARKER_DIAMETER_PT = (4.0, 18.0)
#: Edge line width range in points when ``edge_width_by`` is given; 0.5 pt otherwise.
EDGE_WIDTH_PT = (0.4, 3.0)
EDGE_COLOR = "#8a8a8a"
#: Up to this many edges, directed ties get arrowheads and parallel ties are bent apart; above, plain lines.
ARROW_MAX_EDGES = 400
#: Default figure size in inches: the width of a two-column page.
FIGSIZE_IN = (7.0, 5.0)
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


def _legend_handles(entries) -> list[Line2D]:
    return [
        Line2D(
            [],
            [],
            linestyle="",
            marker=MARKERS.get(entry.shape, "o"),
            markersize=6,
            markerfacecolor=entry.color,
            markeredgecolor="#4d4d4d",
            markeredgewidth=0.4,
            label=f"{entry.label} ({entry.count})",
        )
        for entry in entries
    ]


def _add_legend(figure, ax, entries, title: str, *, anchor_y: float, loc: str = "upper left"):
    # A figure legend, placed beside the axes: an axes legend outside its axes would be clipped.
    legend = figure.legend(
        handles=_legend_handles(entries),
        title=title,
        loc=loc,
        bbox_to_anchor=(1.01, anchor_y),
        bbox_transform=ax.transAxes,
        frameon=False,
        fontsize=7,
        title_fontsize=8,
    )
    for text in [*legend.get_texts(), legend.get_title()]:
        text.set_parse_math(False)
    return legend


@dataclass(frozen=True)
class FigureSummary:
    """What :func:`write_figure` wrote: the file, its format (png, svg, pdf), node and edge counts, the names
    written on the figure, the colour legend's entries, and the file's size in bytes."""

    path: Path
    format: str
    nodes: int
    edges: int
    labelled: list[str]
    legend: list[str]
    bytes: int


def write_figure(G: nx.Graph, path: str | Path, options: DrawOptions | None = None, /, *, label_top: int = 15,
                 dpi: int = 200, figsize: tuple[float, float] = FIGSIZE_IN, **option_fields) -> FigureSummary:
    """Draw ``G`` as a figure for a paper and write it to ``path`` (PNG, SVG or PDF by the extension).

    Parameters
    ----------
    G : NetworkX graph
        Any graph following the project's NetworkX contract. Self-loops are not drawn.
    path : str or Path
        Output file; ``.png``, ``.svg`` or ``.pdf``. Missing parent folders are created.
    options : DrawOptions, optional
        How to encode the graph, as for :func:`graph_loader.viz.html.write_html` (any field may be given as a
        keyword argument). Marker diameters span :data:`MARKER_DIAMETER_PT` points, the area growing with the
        value; the layout is igraph's Fruchterman-Reingold unless one is given; the title goes above the drawing.
    label_top : int
        Label this many nodes, the largest first (ties broken by name); 0 for none.
    dpi : int
        Resolution of a PNG, in dots per inch.
    figsize : (float, float)
        Figure size in inches, before the margins are trimmed.

    Returns
    -------
    FigureSummary
    """
    options = DrawOptions.of(options, **option_fields)
    layout, seed, title, color_by = options.layout, options.seed, options.title, options.color_by
    max_label_len = options.label_length(30)
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise VizError(
            f"cannot tell the figure format of {path.name!r}", hint="end the path in .png, .svg or .pdf"
        )
    enc = encode(G, **options.encoding_fields())
    positions = resolve_layout(G, layout, seed=seed)
    low, high = MARKER_DIAMETER_PT
    diameter = {node: low + (high - low) * enc.size[node] for node in G}

    figure = Figure(figsize=figsize)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.set_aspect("equal")
    _draw_edges(
        ax, G, positions, {node: d / 2 for node, d in diameter.items()}, _edge_widths(G, options.edge_width_by)
    )

    by_marker: dict[str, list] = {}
    for node in G:
        by_marker.setdefault(MARKERS.get(enc.shape[node], "o"), []).append(node)
    for marker, nodes in sorted(by_marker.items()):
        ax.scatter(
            [positions[n][0] for n in nodes],
            [positions[n][1] for n in nodes],
            s=[diameter[n] ** 2 for n in nodes],
            c=[enc.color[n] for n in nodes],
            marker=marker,
            edgecolors="#4d4d4d",
            linewidths=0.4,
            zorder=2,
        )

    names = {node: node_names(G.nodes[node], node)[0] for node in G}
    ranked = sorted(G, key=lambda node: (-enc.size[node], names[node]))[: max(label_top, 0)]
    for node in ranked:
        ax.annotate(
            shorten(names[node], max_label_len),
            positions[node],
            xytext=(0, diameter[node] / 2 + 1.5),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=6,
            zorder=3,
            parse_math=False,
            path_effects=[withStroke(linewidth=2, foreground="white")],
        )

    if enc.legend:
        _add_legend(figure, ax, enc.legend, enc.legend_title, anchor_y=1.0)
    # A second legend for shapes fits beside the colour legend only when it is short; a long one would overlap.
    if color_by != "class" and len({entry.shape for entry in enc.kinds}) > 1 and len(enc.kinds) <= 12:
        shapes = [LegendEntry(entry.label, "#ffffff", entry.shape, entry.count) for entry in enc.kinds]
        _add_legend(figure, ax, shapes, "Kind", anchor_y=0.0, loc="lower left")
    if title:
        ax.set_title(title, fontsize=10, parse_math=False)
    ax.margins(0.04)

    path.parent.mkdir(parents=True, exist_ok=True)
    # A fixed salt makes the SVG's element ids, and so its bytes, the same on every run.
    with matplotlib.rc_context({"svg.hashsalt": "diaspora-kg"}):
        figure.savefig(
            path, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.05, metadata=_NO_DATE[fmt]
        )
    return FigureSummary(path=path, format=fmt, nodes=G.number_of_nodes(), edges=G.number_of_edges(),
                         labelled=[names[node] for node in ranked], legend=[entry.label for entry in enc.legend],
                         bytes=path.stat().st_size)
