"""Where the heavy lifting runs: NetworkX for small graphs, igraph's C core for large ones.

NetworkX is the reference: its results are the ones the tests check against, and it is used whenever a graph is
small enough for it to answer in well under a second. Above :data:`LARGE_GRAPH_NODES` nodes the analyses switch
to igraph (and leidenalg), which run the same algorithms in C/C++. This module converts a NetworkX graph to
igraph once, keeping the node order so that results can be mapped back, and seeds igraph's random numbers.

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_edge("a", "b", strength=2.0)
>>> converted = to_igraph(G, weight="strength")
>>> converted.graph.vcount(), converted.graph.es["weight"], converted.nodes
(2, [2.0], ['a', 'b'])
"""

from __future__ import annotations

import gc
import random
from contextlib import contextmanager
from dataclasses import dataclass

import networkx as nx

#: Above this many nodes the analyses use igraph's C implementations instead of NetworkX's Python ones.
LARGE_GRAPH_NODES = 5_000


def igraph_available() -> bool:
    """True when python-igraph can be imported."""
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def leidenalg_available() -> bool:
    """True when leidenalg (and so igraph) can be imported."""
    try:
        import leidenalg  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class IgraphView:
    """An igraph copy of a NetworkX graph: vertex ``i`` of ``graph`` is ``nodes[i]``."""

    graph: object
    nodes: list

    def node_values(self, values) -> dict:
        """Map a per-vertex sequence back to a ``{node: value}`` dict."""
        return dict(zip(self.nodes, values, strict=True))


def to_igraph(G: nx.Graph, *, weight: str | None = None) -> IgraphView:
    """Copy a NetworkX graph into igraph, with one edge per pair and the weight as the ``weight`` attribute.

    Parameters
    ----------
    G : NetworkX graph
        Directed or undirected. Parallel edges of a multigraph are collapsed to the lightest one, which is
        what a shortest-path computation on the multigraph would use.
    weight : str or None
        Edge attribute copied to igraph's ``weight``; an edge without it weighs 1 (NetworkX's convention).
        The meaning (distance or strength) is the caller's: nothing here interprets it.

    Returns
    -------
    IgraphView
        The igraph graph (with ``es["weight"]`` when ``weight`` is given) and the node order.
    """
    import igraph as ig

    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    weights: dict[tuple[int, int], float] = {}
    for u, v, value in G.edges(data=weight, default=1):
        pair = (index[u], index[v])
        if not G.is_directed() and pair[0] > pair[1]:
            pair = (pair[1], pair[0])
        value = 1 if weight is None else value
        weights[pair] = min(value, weights.get(pair, value))
    graph = ig.Graph(n=len(nodes), edges=list(weights), directed=G.is_directed())
    if weight is not None:
        graph.es["weight"] = list(weights.values())
    return IgraphView(graph, nodes)


@contextmanager
def seeded_igraph(seed: int | None):
    """Run igraph's randomised routines on ``random.Random(seed)``, then give igraph back its usual generator.

    python-igraph draws from Python's global ``random`` module by default; a private generator keeps a seeded
    analysis reproducible without disturbing anyone else's random state.
    """
    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


@contextmanager
def paused_gc():
    """Suspend Python's cyclic garbage collector while a large result is built, then restore it as it was.

    Building a projection or a result table allocates hundreds of thousands of dicts, sets and tuples that all
    survive; each time enough survive, CPython runs a full collection that walks every object in the process,
    including the millions of the full graph. On a 10^5-agent graph those collections took more time than the
    building itself. Nothing built here forms reference cycles that need collecting, and reference counting
    still frees everything else at once. Used as a decorator (``@paused_gc()``) on the analyses' entry points;
    nested uses leave the collector off until the outermost one ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
