"""Drawing the network: interactive self-contained HTML pages, figures for papers, and group-level summaries.

* :func:`write_html` / :func:`render_html` / :func:`to_notebook` — a vis-network page (from pyvis's copy) with
  legend, accent-insensitive search, filter by kind and tooltips that cite the sources; nothing fetched
  online.
* :func:`write_figure` — a PNG/SVG/PDF figure with a seeded layout, drawn off-screen by matplotlib.
* :class:`DrawOptions` — what both kinds of picture are told (styles, colour, size, scores, layout, ...).
* :func:`aggregate` — coalitions, areas or countries as super-nodes, for graphs too large to draw node by
  node.
* :func:`write_map_html` / :func:`write_map_figure` — the map of transnational ties (:mod:`graph_loader.viz.geo`):
  arcs from US places to home places over bundled shapes, as an offline page or a figure for a paper.

Only this package imports pyvis and matplotlib (``docs/architecture.md``).
"""

from .aggregate import aggregate
from .encoding import VizError
from .geo.figure import write_map_figure
from .geo.page import MapSummary, write_map_html
from .html import HtmlSummary, render_html, to_notebook, write_html
from .options import DrawOptions
from .static import FigureSummary, write_figure

__all__ = ["DrawOptions", "FigureSummary", "HtmlSummary", "MapSummary", "VizError", "aggregate", "render_html",
           "to_notebook", "write_figure", "write_html", "write_map_figure", "write_map_html"]
