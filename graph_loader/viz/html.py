"""Interactive network pages: one self-contained HTML file by vis-network, with legend, search and filter.

pyvis 0.3.2's own export copies a ``lib/`` folder next to the page and pulls vis-network and Bootstrap from
CDNs, so its pages break offline and tell third parties who opened them. This module keeps pyvis's copy of
vis-network 9.1.2 (JS and CSS, read from the installed pyvis package) but writes the page itself: everything
in line, a Content-Security-Policy that forbids any fetch, and nothing written but the one file.

Names are user data. Labels are drawn on a canvas; tooltips, legend, search results and details are built by
the page's script with ``textContent``; the graph travels as JSON inside ``<script type="application/json">``
with ``<``, ``>`` and ``&`` escaped, so a node named ``<img src=x onerror=alert(1)>`` shows as text and runs
nothing.

Small graphs are laid out in the browser by a force simulation that stabilises for a bounded number of
iterations and then switches physics off. Large graphs (more than :data:`LARGE_GRAPH_NODES` nodes, or
``physics=False``) get positions precomputed by igraph (:mod:`graph_loader.viz.layout`), physics off and
smaller labels, so the page is interactive in seconds.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("a", name="<b>SALA, LA</b>", labels=("HometownAssociation",))
>>> G.add_node("b", name="FISDL", labels=("GovernmentAgency",))
>>> _ = G.add_edge("a", "b", type="PARTNERS_WITH")
>>> page = render_html(G, styles={})
>>> "<b>SALA" in page, "\\\\u003cb\\\\u003eSALA" in page
(False, True)
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import networkx as nx

from .encoding import VizError, encode, node_names, relative_edge_widths
from .layout import resolve_layout
from .options import DrawOptions
from .tooltip import edge_label, edge_tip, node_tip

#: Above this many nodes a page uses a precomputed layout instead of the browser's force simulation.
LARGE_GRAPH_NODES = 1_500
#: The page's title when the options give none.
DEFAULT_TITLE = "diaspora-kg network"
#: Upper bound of the force simulation's stabilization: it stops there even if not yet settled.
STABILIZATION_ITERATIONS = 600
#: vis-network's Kamada-Kawai seeding is quadratic: used only on graphs this small.
IMPROVED_LAYOUT_MAX_NODES = 100
#: Side, in pixels, of the square each node gets in a precomputed layout (the layout spans sqrt(n) of them).
LAYOUT_SPACING_PX = 45

#: Per mode: node radius range in pixels (smallest and largest size value), label and edge-label font sizes.
NODE_RADIUS_PX = {"physics": (8.0, 36.0), "static-layout": (3.0, 14.0)}
LABEL_FONT_PX = {"physics": 14, "static-layout": 8}
EDGE_FONT_PX = {"physics": 10, "static-layout": 6}
#: Edge width range in pixels when ``edge_width_by`` is given.
EDGE_WIDTH_PX = (1.0, 8.0)
#: Curvature step between parallel edges, so that each stays visible (vis-network ``roundness``).
PARALLEL_ROUNDNESS = 0.18

_VIS_DIR = ("templates", "lib", "vis-9.1.2")
# In a <script>, "</script" ends the element early and "<!--" changes how the parser looks for the end.
_UNSAFE_IN_SCRIPT = re.compile(r"</script|<!--", re.IGNORECASE)
_UNSAFE_IN_STYLE = re.compile(r"</style", re.IGNORECASE)
# json.dumps(ensure_ascii=True) already escapes U+2028/U+2029 (JavaScript line terminators in old engines);
# these are the ASCII characters that could end the <script> element or open a comment inside it.
_JSON_IN_SCRIPT = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})
_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")


@dataclass(frozen=True)
class HtmlSummary:
    """What :func:`write_html` wrote: node and edge counts, the file, its size in bytes, and the layout mode.

    ``mode`` is ``"physics"`` (laid out in the browser, then frozen) or ``"static-layout"`` (precomputed).
    """

    nodes: int
    edges: int
    path: Path
    bytes: int
    mode: str


def script_safe_json(value) -> str:
    """JSON text that can sit inside a ``<script>`` element: non-ASCII, ``<``, ``>`` and ``&`` escaped.

    >>> script_safe_json({"name": "</script><b>&\\u2028"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.translate(_JSON_IN_SCRIPT)


def shorten(text: str, max_len: int | None) -> str:
    """``text`` cut to ``max_len`` characters, the last an ellipsis; unchanged if short or max_len is None.

    >>> shorten("Federación de Clubes Michoacanos en Illinois", 20)
    'Federación de Clube…'
    """
    if max_len is None or len(text) <= max_len:
        return text
    return text[: max(max_len - 1, 0)] + "…"


def choose_mode(n_nodes: int, physics, layout) -> str:
    """``"physics"`` or ``"static-layout"`` for a graph of ``n_nodes`` nodes.

    ``physics="auto"`` simulates in the browser unless the graph has more than :data:`LARGE_GRAPH_NODES` nodes
    or a ``layout`` is given; ``True`` always simulates (from the layout's positions, if any); ``False`` never
    does.

    >>> choose_mode(30, "auto", None), choose_mode(5000, "auto", None), choose_mode(30, False, None)
    ('physics', 'static-layout', 'static-layout')
    """
    if physics == "auto":
        return "static-layout" if n_nodes > LARGE_GRAPH_NODES or layout is not None else "physics"
    if physics is True:
        return "physics"
    if physics is False:
        return "static-layout"
    raise VizError(f"unknown physics setting {physics!r}", hint='use "auto", True or False')


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside the installed pyvis package, checked safe to put in line."""
    import pyvis

    folder = Path(pyvis.__file__).parent.joinpath(*_VIS_DIR)
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    return _checked_script(js, "vis-network.min.js"), _checked_style(css, "vis-network.css")


@cache
def _app_assets() -> tuple[str, str, str]:
    """This package's page template, script and style sheet."""
    assets = resources.files(__package__).joinpath("assets")
    page = assets.joinpath("page.html").read_text(encoding="utf-8")
    js = assets.joinpath("app.js").read_text(encoding="utf-8")
    css = assets.joinpath("app.css").read_text(encoding="utf-8")
    return page, _checked_script(js, "app.js"), _checked_style(css, "app.css")


def _checked_script(text: str, name: str) -> str:
    if _UNSAFE_IN_SCRIPT.search(text):
        raise VizError(f"{name} contains '</script' or '<!--' and cannot be put in line safely")
    return text


def _checked_style(text: str, name: str) -> str:
    if _UNSAFE_IN_STYLE.search(text):
        raise VizError(f"{name} contains '</style' and cannot be put in line safely")
    return text


def vis_options(mode: str, *, directed: bool, n_nodes: int, seed: int = 0) -> dict:
    """vis-network options for a page in ``mode`` (see :func:`choose_mode`)."""
    static = mode == "static-layout"
    physics = (
        {"enabled": False}
        if static
        else {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.01,
                "springLength": 110,
                "springConstant": 0.08,
                "avoidOverlap": 0.3,
            },
            "maxVelocity": 50,
            "minVelocity": 1.0,
            "timestep": 0.5,
            "stabilization": {
                "enabled": True,
                "iterations": STABILIZATION_ITERATIONS,
                "updateInterval": 25,
                "fit": True,
            },
        }
    )
    return {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1,
            "font": {
                "size": LABEL_FONT_PX[mode],
                "face": "system-ui, sans-serif",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
        },
        "edges": {
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
            "color": {"color": "#9a9a9a", "highlight": "#333333", "hover": "#333333"},
            "font": {"size": EDGE_FONT_PX[mode], "color": "#555555", "strokeWidth": 2, "align": "middle"},
            "smooth": False if static else {"enabled": True, "type": "continuous"},
            "width": 1,
            "selectionWidth": 2,
        },
        "physics": physics,
        "interaction": {
            "hover": True,
            "multiselect": True,
            "tooltipDelay": 200,
            "hideEdgesOnDrag": static,
            "hideEdgesOnZoom": static,
        },
        "layout": {"randomSeed": seed, "improvedLayout": not static and n_nodes <= IMPROVED_LAYOUT_MAX_NODES},
    }


def node_ids(G: nx.Graph) -> dict[Hashable, int]:
    """Node -> its id on the page (its position in ``G``'s node order), e.g. for ``dkg.nodes.get(id)``."""
    return {node: i for i, node in enumerate(G)}


def _edge_widths(G: nx.Graph, edge_width_by: str | None) -> list[float] | None:
    if edge_width_by is None:
        return None
    low, high = EDGE_WIDTH_PX
    return [round(low + (high - low) * r, 2) for r in relative_edge_widths(G, edge_width_by)]


def graph_payload(
    G: nx.Graph,
    *,
    styles: Mapping[str, Mapping],
    color_by: str = "class",
    size_by: str = "degree",
    scores: Mapping[str, Mapping] | None = None,
    groups: Mapping | None = None,
    evidence: Mapping[str, Mapping] | None = None,
    mode: str = "physics",
    layout=None,
    seed: int = 0,
    max_label_len: int | None = 40,
    edge_width_by: str | None = None,
) -> dict:
    """The data a page draws: nodes, edges, legend, kinds and vis-network options, as plain JSON-able values.

    Node ids are positions in ``G``'s node order; each node carries its label, every name it can be found by
    (``name`` then ``altNames``), its shape, colour, radius in pixels, kind, tooltip and, with a layout, its
    position in pixels. See :func:`write_html` for the parameters.
    """
    enc = encode(G, styles=styles, color_by=color_by, size_by=size_by, scores=scores, groups=groups)
    positions = (
        resolve_layout(G, layout, seed=seed) if mode == "static-layout" or layout is not None else None
    )
    extent = LAYOUT_SPACING_PX * math.sqrt(max(len(G), 1))
    low, high = NODE_RADIUS_PX[mode]
    index = node_ids(G)
    nodes = []
    for node, data in G.nodes(data=True):
        names = node_names(data, node)
        item = {
            "id": index[node],
            "label": shorten(names[0], max_label_len),
            "names": names,
            "kind": enc.kind[node],
            "shape": enc.shape[node],
            "color": enc.color[node],
            "size": round(low + (high - low) * enc.size[node], 2),
            "tip": node_tip(G, node, evidence=evidence, scores=scores),
        }
        if positions is not None:
            x, y = positions[node]
            item["x"], item["y"] = round(x * extent, 1), round(y * extent, 1)
        nodes.append(item)

    widths = _edge_widths(G, edge_width_by)
    parallel = Counter()
    edges = []
    for i, (u, v, data) in enumerate(G.edges(data=True)):
        item = {
            "id": i,
            "from": index[u],
            "to": index[v],
            "label": edge_label(data),
            "tip": edge_tip(G, u, v, data, evidence=evidence),
        }
        pair = frozenset((u, v))
        if parallel[pair]:
            # Ties between the same two nodes would be drawn on top of each other: bend each a little more.
            item["smooth"] = {
                "enabled": True,
                "type": "curvedCW",
                "roundness": PARALLEL_ROUNDNESS * parallel[pair],
            }
        parallel[pair] += 1
        if widths is not None:
            item["width"] = widths[i]
        edges.append(item)

    return {
        "mode": mode,
        "legendTitle": enc.legend_title,
        "legend": [asdict(entry) for entry in enc.legend],
        "kinds": [asdict(entry) for entry in enc.kinds],
        "nodes": nodes,
        "edges": edges,
        "options": vis_options(mode, directed=G.is_directed(), n_nodes=len(G), seed=seed),
    }


def _fill(template: str, values: Mapping[str, str]) -> str:
    """Replace each ``@@NAME@@`` in one pass, so that inserted text is never searched for placeholders."""
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def render_html(G: nx.Graph, options: DrawOptions | None = None, /, *,
                evidence: Mapping[str, Mapping] | None = None, physics="auto", **option_fields) -> str:
    """The self-contained HTML page of ``G`` as a string (see :func:`write_html`)."""
    return _render(G, DrawOptions.of(options, **option_fields), evidence, physics)[0]


def _render(G: nx.Graph, options: DrawOptions, evidence, physics) -> tuple[str, str]:
    """The page and its layout mode."""
    mode = choose_mode(len(G), physics, options.layout)
    payload = graph_payload(G, mode=mode, layout=options.layout, evidence=evidence,
                            max_label_len=options.label_length(40), seed=options.seed,
                            edge_width_by=options.edge_width_by, **options.encoding_fields())
    page, app_js, app_css = _app_assets()
    vis_js, vis_css = _vis_assets()
    document = _fill(
        page,
        {
            "TITLE": html.escape(options.title or DEFAULT_TITLE),
            "VIS_CSS": vis_css,
            "APP_CSS": app_css,
            "DATA": script_safe_json(payload),
            "VIS_JS": vis_js,
            "APP_JS": app_js,
        },
    )
    return document, mode


def write_html(G: nx.Graph, path: str | Path, options: DrawOptions | None = None, /, *,
               evidence: Mapping[str, Mapping] | None = None, physics="auto", **option_fields) -> HtmlSummary:
    """Write ``G`` as one self-contained interactive HTML page: no other file, no network request when opened.

    Parameters
    ----------
    G : NetworkX graph
        The full graph or a projection, directed or not, multigraph or not, following the project's NetworkX
        contract (``name``, ``labels``, ``kind``, ``altNames``, ``evidence``, ``sources``; edge ``type``).
    path : str or Path
        The page to write; missing parent folders are created.
    options : DrawOptions, optional
        How to encode the graph (styles, colour, size, scores, groups, title, layout, labels, seed, edge widths);
        any of its fields may also be given as a keyword argument, which overrides it. Node radii span
        :data:`NODE_RADIUS_PX`; shapes that hold their label inside (box, ellipse, database, text) are sized by the
        label instead, as vis-network draws them. A given layout is the fixed layout, or the starting positions
        when ``physics=True``.
    evidence : mapping, optional
        Evidence URI -> ``{"locator", "quote", "source"}``, to spell out the sources in tooltips.
    physics : "auto", True or False
        See :func:`choose_mode`.

    Returns
    -------
    HtmlSummary
    """
    document, mode = _render(G, DrawOptions.of(options, **option_fields), evidence, physics)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    encoded = document.encode("utf-8")
    path.write_bytes(encoded)
    return HtmlSummary(
        nodes=G.number_of_nodes(), edges=G.number_of_edges(), path=path, bytes=len(encoded), mode=mode
    )


def to_notebook(G: nx.Graph, *, height: int = 720, **options):
    """The page of ``G`` as an IPython ``HTML`` object for Jupyter: an iframe whose ``srcdoc`` is the page.

    The iframe is sandboxed (scripts allowed, no same-origin access), so the page cannot touch the notebook.

    Parameters
    ----------
    G : NetworkX graph
    height : int
        Height of the iframe in pixels.
    **options
        Keyword arguments of :func:`render_html` (``styles`` is required).
    """
    from IPython.display import HTML

    document = render_html(G, **options)
    title = html.escape(options.get("title") or DEFAULT_TITLE)
    # Wrapped in a div: IPython warns about any HTML that starts with an iframe (it means src= iframes).
    return HTML(
        f'<div><iframe srcdoc="{html.escape(document, quote=True)}" sandbox="allow-scripts" '
        f'style="width:100%;height:{int(height)}px;border:0" title="{title}"></iframe></div>'
    )
