"""Precomputed, seeded node positions from igraph's layouts (written in C), for large pages and paper figures.

A browser cannot run a force simulation on thousands of nodes in reasonable time, and a figure for a paper
must come out the same on every run. Both take their positions from here: igraph's Fruchterman-Reingold by
default (exact up to :data:`FR_EXACT_MAX_NODES` nodes, grid-accelerated above: about a second for 5,000), with
random numbers drawn from a private generator seeded with ``seed``. DrL is offered but not the default:
python-igraph feeds igraph's C code from Python's generator, and DrL draws so many numbers that it takes some
15 s on 5,000 nodes.

Examples
--------
>>> import networkx as nx
>>> positions = compute_layout(nx.path_graph(4), seed=1)
>>> positions == compute_layout(nx.path_graph(4), seed=1)
True
>>> all(-0.5 <= x <= 0.5 and -0.5 <= y <= 0.5 for x, y in positions.values())
True
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import networkx as nx

from graph_loader.analysis.backends import seeded_igraph

from .encoding import VizError

#: The layout used when none is named.
DEFAULT_METHOD = "fr"
#: Fruchterman-Reingold computes every pair's repulsion up to this many nodes (0.4 s at 300, 4 s at 1,000),
#: and only nearby pairs' (on a grid) above: the same look at that scale, in a fraction of the time.
FR_EXACT_MAX_NODES = 300
#: igraph layout names accepted as ``method`` (all take the random generator, so ``seed`` fixes them).
METHODS = {
    "fr": "layout_fruchterman_reingold",
    "drl": "layout_drl",
    "kk": "layout_kamada_kawai",
    "circle": "layout_circle",
    "graphopt": "layout_graphopt",
}


def compute_layout(
    G: nx.Graph, *, method: str | None = None, seed: int = 0
) -> dict[Hashable, tuple[float, float]]:
    """Node positions from an igraph layout, centred and scaled into the square [-0.5, 0.5]².

    Parameters
    ----------
    G : NetworkX graph
        Edge directions and parallel edges are ignored: a layout only needs who is tied to whom.
    method : str, optional
        A key of :data:`METHODS`; by default :data:`DEFAULT_METHOD`.
    seed : int
        Seed of the layout's random numbers: the same graph, method and seed give the same positions.

    Returns
    -------
    dict
        Node -> ``(x, y)``, dimensionless; the aspect ratio of the layout is kept.
    """
    method = method or DEFAULT_METHOD
    if method not in METHODS:
        raise VizError(f"unknown layout method {method!r}", hint="use one of: " + ", ".join(METHODS))
    nodes = list(G)
    if not nodes:
        return {}
    import igraph as ig

    index = {node: i for i, node in enumerate(nodes)}
    pairs = {tuple(sorted((index[u], index[v]))) for u, v in G.edges() if u != v}
    graph = ig.Graph(n=len(nodes), edges=sorted(pairs), directed=False)
    options = {"grid": len(nodes) > FR_EXACT_MAX_NODES} if method == "fr" else {}
    with seeded_igraph(seed):
        coords = getattr(graph, METHODS[method])(**options).coords
    return normalise(dict(zip(nodes, coords, strict=True)))


def normalise(positions: Mapping[Hashable, tuple[float, float]]) -> dict[Hashable, tuple[float, float]]:
    """Centre positions on the origin and scale their larger extent to 1, keeping the aspect ratio.

    >>> normalise({"a": (0, 0), "b": (4, 2)})
    {'a': (-0.5, -0.25), 'b': (0.5, 0.25)}
    """
    if not positions:
        return {}
    xs = [float(x) for x, _ in positions.values()]
    ys = [float(y) for _, y in positions.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {node: ((float(x) - cx) / extent, (float(y) - cy) / extent) for node, (x, y) in positions.items()}


def resolve_layout(
    G: nx.Graph, layout: str | Mapping[Hashable, tuple[float, float]] | None, *, seed: int = 0
) -> dict[Hashable, tuple[float, float]]:
    """Positions for every node of ``G``, computed (``layout`` None or a method name) or given, normalised.

    A given mapping must place every node: a node without a position would be drawn on top of another.
    """
    if layout is None or isinstance(layout, str):
        return compute_layout(G, method=layout, seed=seed)
    missing = [node for node in G if node not in layout]
    if missing:
        raise VizError(
            f"the layout gives no position to {len(missing)} node(s), e.g. {missing[0]!r}",
            hint="pass a position for every node, or a method name such as 'fr' or 'kk'",
        )
    return normalise({node: tuple(layout[node])[:2] for node in G})
