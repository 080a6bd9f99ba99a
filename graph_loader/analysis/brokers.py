"""Brokers: actors that sit between others (betweenness, Burt's structural holes, Gould–Fernandez roles).

A broker in the diaspora network is an actor through which otherwise separate actors connect: a federation
between its hometown associations and a state government, an agency between the associations and a
matching-fund programme, an NGO between a federation and a foreign donor. Three complementary views:

* :func:`betweenness`: the share of shortest paths through a node (Freeman 1977; Brandes 2001); exact for
  small graphs, estimated from a random sample of sources for large ones. Edge weights are **distances**.
* :func:`structural_holes`: Burt's (1992) constraint, effective size and efficiency of each ego network. Edge
  weights are **strengths**.
* :func:`brokerage_roles`: Gould and Fernandez's (1989) five roles, counting the directed two-paths a -> b -> c
  that a broker b mediates between groups (here: home countries).

:func:`rank_brokers` puts the three together for the command line.

Examples
--------
>>> import networkx as nx
>>> star = nx.star_graph(3)
>>> betweenness(star).scores[0]
1.0
>>> structural_holes(star)[0]["effective_size"]
3.0
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import scipy.sparse as sp
from networkx.utils import not_implemented_for

from .backends import LARGE_GRAPH_NODES, igraph_available, paused_gc, to_igraph
from .groups import home_countries
from .projections import check_agent_network, organisation_network_and_arcs, shared_affiliation_network

#: Gould–Fernandez roles, in the order they are reported.
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
#: Number of batches the sampled sources are split into to estimate the standard error (batch means).
_ERROR_BATCHES = 16
#: Budget of a default sampled run, in sources x edges of each source's component (the edges one source's
#: shortest-path search visits). igraph's weighted search takes about 0.3 µs per edge visit (2-core machine of
#: benchmarks/RESULTS.md), so the budget is about 3 s.
_SAMPLING_BUDGET = 10_000_000
#: Bounds of the default number of sampled sources.
_MIN_SOURCES, _MAX_SOURCES = 128, 512


@dataclass
class BrokerResult:
    """Betweenness scores and how they were obtained.

    Attributes
    ----------
    scores : dict
        ``{node: betweenness}``.
    method : {"exact", "sampled"}
        ``"sampled"``: estimated from ``k`` random source nodes (Brandes & Pich 2007), unbiased.
    backend : {"networkx", "igraph"}
    k : int or None
        Number of sampled sources (None when exact).
    n : int
        Number of nodes.
    weight : str or None
        The edge attribute used as a distance (None: every edge has length 1).
    normalized : bool
    seed : int or None
        The seed of the source sample.
    error : str or None
        For a sampled result, a statement of its expected error; None when exact.
    stderr : dict or None
        For a sampled result, the estimated standard error of each score (batch means over the sampled
        sources). Fair for the highest scores; for a node whose paths come from a few sources (a hub of
        leaves) a sample that misses them also misses the spread, and the error is understated.
    population : int or None
        For a sampled result, the number of nodes the sources were drawn from: every node for an explicit
        ``k``; for the default sample, the nodes of (weakly) connected components of three or more nodes, the
        only sources that have paths through a third node.
    """

    scores: dict
    method: str
    backend: str
    k: int | None
    n: int
    weight: str | None
    normalized: bool
    seed: int | None = None
    error: str | None = None
    stderr: dict | None = field(default=None, repr=False)
    population: int | None = None

    def metadata(self) -> dict:
        """Everything but the per-node values, as plain data."""
        return {
            "method": self.method,
            "backend": self.backend,
            "k": self.k,
            "n": self.n,
            "weight": self.weight,
            "normalized": self.normalized,
            "seed": self.seed,
            "error": self.error,
            "population": self.population,
        }


@dataclass(frozen=True)
class _PathPopulation:
    """The nodes that can be the source of a shortest path through a third node, and what searching costs.

    A source in a (weakly) connected component of one or two nodes has no dependency on anyone, so a sample
    drawn among the other nodes loses nothing and wastes no draw.
    """

    nodes: list  # nodes of components with at least three nodes, in the graph's order
    largest: int  # nodes in the largest such component (bounds a source's dependency on a node)
    work: float  # mean, over those nodes, of the edges in their component: what one source's search visits


def _path_population(G: nx.Graph) -> _PathPopulation:
    directed = G.is_directed()
    components = nx.weakly_connected_components(G) if directed else nx.connected_components(G)
    degree = G.out_degree if directed else G.degree  # summed over a component: its edges, or twice them
    members: set = set()
    largest, work = 0, 0.0
    for component in components:
        if len(component) < 3:
            continue
        members |= component
        largest = max(largest, len(component))
        edges = sum(d for _, d in degree(component)) / (1 if directed else 2)
        work += len(component) * edges
    nodes = [v for v in G if v in members]
    return _PathPopulation(nodes, largest, work / len(nodes) if nodes else 0.0)


def sample_size(n: int, work: float) -> int:
    """Sources of a default sampled run (:func:`default_sample_size`) from the graph's figures: ``n`` nodes and
    ``work``, the mean over the nodes of components of three or more nodes of the edges in their component.

    The GDS engine computes the figures from GDS's components and degrees.
    """
    return _sample_size(n, _PathPopulation([], 0, work))


def _sample_size(n: int, population: _PathPopulation) -> int:
    size = int(_SAMPLING_BUDGET // max(population.work, 1.0))
    return min(n, max(_MIN_SOURCES, min(_MAX_SOURCES, size)))


def default_sample_size(G: nx.Graph) -> int:
    """Number of sampled sources of a default run on a large graph: 512, fewer for long searches, at least 128.

    One source's shortest-path search visits the edges of its component; the count keeps sources x those edges
    near 10^7 (about 3 s with igraph's weighted search), between 128 and 512 (and never above the number of
    nodes). Brandes and Pich (2007) find that a few hundred uniformly drawn sources rank the most central nodes of
    large sparse graphs well; the sources are drawn among the nodes of components of three or more nodes, so
    none is wasted on an isolated node, and the error of the result is stated with it.
    """
    return _sample_size(len(G), _path_population(G))


@paused_gc()  # dicts of 10^5 scores and an igraph copy: see paused_gc
def betweenness(
    G: nx.Graph,
    *,
    weight: str | None = "distance",
    normalized: bool = True,
    k: int | None = None,
    seed: int | random.Random | None = None,
    backend: str = "auto",
) -> BrokerResult:
    """Shortest-path betweenness centrality, exact on small graphs and sampled on large ones.

    Parameters
    ----------
    G : NetworkX graph
        Directed or undirected.
    weight : str or None
        Edge attribute holding a **distance** (a path's length is the sum of its edges' distances; for the
        organisation network use ``"distance"`` = 1/strength). None: every edge has length 1. An edge without
        the attribute has length 1.
    normalized : bool
        Divide by the number of pairs that can have a path through a node, as :func:`nx.betweenness_centrality`.
    k : int, optional
        Sample ``k`` source nodes among all nodes. Default: all sources for graphs up to 5,000 nodes (or with the
        NetworkX backend); above that :func:`default_sample_size` (128 to 512) sources drawn among the nodes of
        components of three or more nodes (the only ones with paths through a third node), or all of them (an
        exact run) when there are no more. ``k = len(G)`` forces an exact run.
    seed : int, random.Random or None
        Seed of the source sample. With the same integer seed an explicit ``k`` draws the sample that
        ``nx.betweenness_centrality(G, k=k, seed=seed)`` draws, so the two agree exactly.
    backend : {"auto", "networkx", "igraph"}
        ``"auto"``: NetworkX for exact results on small graphs, igraph (C) whenever sources are sampled.

    Returns
    -------
    BrokerResult
        ``scores`` plus the method, backend, sample size and, when sampled, an error statement, the standard
        error of each score and the number of nodes the sources were drawn from.

    Notes
    -----
    Sampling follows Brandes and Pich (2007) as NetworkX does: the dependencies of ``k`` uniformly drawn sources
    are summed and scaled up to all ``N`` candidate sources (a node that is itself a source has only ``k - 1``
    sources that can route paths through it, out of ``N - 1``). The estimate is unbiased. Its standard error is
    estimated by batch means: the sources are split into 16 batches, and the spread of the 16 batch estimates
    gives the error of their mean. With igraph, a source that is a leaf (one neighbour) is not searched from: its
    dependencies are its neighbour's, plus every other node of the component on the neighbour (exact).

    Examples
    --------
    >>> import networkx as nx
    >>> path = nx.path_graph(4)
    >>> result = betweenness(path, weight=None)
    >>> result.scores, result.method, result.backend
    ({0: 0.0, 1: 0.6666666666666666, 2: 0.6666666666666666, 3: 0.0}, 'exact', 'networkx')
    """
    if backend not in ("auto", "networkx", "igraph"):
        raise ValueError(f"unknown backend {backend!r}; use 'auto', 'networkx' or 'igraph'")
    n = len(G)
    population = None
    if k is None and n > LARGE_GRAPH_NODES and backend != "networkx":
        population = _path_population(G)
        k = _sample_size(n, population)
        if k >= len(population.nodes):
            k = None  # the sample would hold every source that has a path through a third node: exact
    if k is not None and not 0 < k <= n:
        raise ValueError(f"k must be between 1 and the number of nodes ({n}), got {k}")
    if k == n:
        k = None  # every node is a source: the exact computation
    if backend == "auto":
        backend = "igraph" if (k is not None or n > LARGE_GRAPH_NODES) and igraph_available() else "networkx"
    seed_value = seed if isinstance(seed, int) else None

    if k is None:
        scores = _exact(G, weight, normalized, backend)
        return BrokerResult(scores, "exact", backend, None, n, weight, normalized, seed_value)

    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    candidates = population.nodes if population is not None else list(G)
    sources = rng.sample(candidates, k)
    scores, stderr = _sampled(G, sources, len(candidates), weight, normalized, backend)
    # Largest dependency one source can have on a node: the other nodes of its component (bounds the error).
    largest = population.largest if population is not None else n
    error = _error_statement(scores, stderr, k, n, len(candidates), largest, seed_value)
    return BrokerResult(scores, "sampled", backend, k, n, weight, normalized, seed_value, error, stderr,
                        len(candidates))


def _exact(G: nx.Graph, weight: str | None, normalized: bool, backend: str) -> dict:
    if backend == "networkx":
        return nx.betweenness_centrality(G, normalized=normalized, weight=weight)
    view = to_igraph(G, weight=weight)
    raw = view.graph.betweenness(directed=G.is_directed(), weights="weight" if weight else None)
    n = len(G)
    # igraph counts each unordered pair once in an undirected graph and each ordered pair in a directed one,
    # NetworkX's unnormalised convention too; normalising divides by the number of such pairs.
    pairs = (n - 1) * (n - 2) / (1 if G.is_directed() else 2)
    scale = 1 / pairs if normalized and n > 2 else 1.0
    return view.node_values(value * scale for value in raw)


def _dependency_counter(G: nx.Graph, weight: str | None, backend: str) -> Callable[[list], np.ndarray]:
    """A function giving, for some sources, every node's summed dependency on them (in the node order of G).

    The sums count ordered (source, target) pairs. Both libraries halve single-source counts on undirected
    graphs, because a full run meets each pair from both ends; a sample meets a pair from one end only, so the
    ordered count is twice theirs.
    """
    factor = 1.0 if G.is_directed() else 2.0
    if backend == "networkx":
        targets = list(G)

        def count(sources: list) -> np.ndarray:
            raw = nx.betweenness_centrality_subset(G, sources, targets, normalized=False, weight=weight)
            return factor * np.fromiter((raw[v] for v in G), float, len(G))

        return count
    return _igraph_dependency_counter(G, weight, factor)


def _igraph_dependency_counter(G: nx.Graph, weight: str | None, factor: float) -> Callable[[list], np.ndarray]:
    """The igraph counter of :func:`_dependency_counter`, searching only where a dependency can be non-zero.

    Two exact savings: the search runs on the components of three or more nodes only (elsewhere every
    dependency is 0, and each igraph call costs time in proportion to the nodes), and on an undirected graph a
    leaf source (a single neighbour h) is not searched from. Every path from a leaf goes through h, so its
    dependencies are h's, plus one on h for every other node of the component but the two; leaves of one
    hub, often drawn several times in a sample, cost one search of the hub.
    """
    view = to_igraph(G, weight=weight)  # converted once for all batches
    n = len(view.nodes)
    components = view.graph.connected_components(mode="weak")
    component_size = np.asarray(components.sizes(), dtype=np.int64)[components.membership] if n else \
        np.zeros(0, dtype=np.int64)
    kept = np.flatnonzero(component_size >= 3)
    view.graph.vs["_original"] = list(range(n))
    graph = view.graph.induced_subgraph(kept.tolist())
    original = np.asarray(graph.vs["_original"], dtype=np.int64) if graph.vcount() else np.zeros(0, np.int64)
    position = np.full(n, -1, dtype=np.int64)  # vertex of the full graph -> vertex of the searched subgraph
    position[original] = np.arange(len(original))
    size = component_size[original]
    hub = np.full(len(original), -1, dtype=np.int64)  # a leaf's only neighbour (undirected graphs only)
    if not G.is_directed():
        for vertex, neighbours in enumerate(graph.get_adjlist()):
            distinct = set(neighbours) - {vertex}  # a self-loop is on no shortest path
            if len(distinct) == 1:
                hub[vertex] = distinct.pop()
    index = {v: i for i, v in enumerate(view.nodes)}
    weights = "weight" if weight else None

    def count(sources: list) -> np.ndarray:
        searches: Counter = Counter()  # searched vertex -> how many sampled sources it stands for
        sums = np.zeros(len(original))
        for source in sources:
            vertex = position[index[source]]
            if vertex < 0:
                continue  # in a component of one or two nodes: no dependency on anyone
            if hub[vertex] >= 0:
                searches[hub[vertex]] += 1
                sums[hub[vertex]] += size[vertex] - 2  # the leaf's paths to all others go through its hub
            else:
                searches[vertex] += 1
        by_multiplicity: dict[int, list] = defaultdict(list)
        for vertex, times in searches.items():
            by_multiplicity[times].append(int(vertex))
        for times, group in by_multiplicity.items():
            raw = graph.betweenness(directed=G.is_directed(), weights=weights, sources=group)
            sums += times * factor * np.asarray(raw, float)
        total = np.zeros(n)
        total[original] = sums
        return total

    return count


def _sampled(G: nx.Graph, sources: list, candidates: int, weight: str | None, normalized: bool, backend: str):
    """Sampled betweenness and the batch-means standard error of each score, as two ``{node: value}`` dicts.

    ``sources`` were drawn uniformly among ``candidates`` nodes, which include every node with a non-zero
    dependency on some source.
    """
    n, k = len(G), len(sources)
    count = _dependency_counter(G, weight, backend)
    batches = [sources[i::_ERROR_BATCHES] for i in range(min(_ERROR_BATCHES, k))]
    batch_sums = np.vstack([count(batch) for batch in batches])

    # Scaling as NetworkX's: a node that is itself a source has k-1 informative sources (it lies on none of its
    # own paths) out of the candidates-1 others, the others k. With k = 1 a source's score is undefined (NaN).
    chosen = set(sources)
    informative = np.fromiter((k - 1 if v in chosen else k for v in G), float, n)
    share = (candidates - 1) / (n - 1) if n > 1 else 1.0  # 1.0 (exactly) when every node is a candidate
    with np.errstate(divide="ignore", invalid="ignore"):
        if normalized:
            per_source = share / (informative * max(n - 2, 1))
        else:
            per_source = (candidates - 1) / (informative * (1 if G.is_directed() else 2))
        scores = batch_sums.sum(axis=0) * per_source
        batch_sizes = np.array([len(b) for b in batches], float)[:, None]
        batch_estimates = batch_sums * (per_source * informative) / batch_sizes
    if len(batches) > 1:
        stderr = batch_estimates.std(axis=0, ddof=1) / math.sqrt(len(batches))
        # Finite-population correction: sources drawn without replacement.
        stderr *= math.sqrt(max(0.0, 1 - k / candidates))
    else:
        stderr = np.full(n, math.nan)
    nodes = list(G)
    return dict(zip(nodes, scores.tolist(), strict=True)), dict(zip(nodes, stderr.tolist(), strict=True))


def hoeffding_bound(k: int, confidence: float = 0.95, scale: float = 1.0) -> float:
    """Half-width of a guaranteed interval for a normalised betweenness estimated from ``k`` sampled sources.

    Each source contributes a dependency between 0 and ``scale`` on the normalised scale (at most 1; less when
    no component spans the graph, see :func:`_dependency_scale`), so by Hoeffding's inequality (which also
    holds for sampling without replacement) the estimate is within this distance of the exact value with at
    least the given probability, for every node separately. A node that is itself a source has ``k - 1``
    informative sources; the bound uses ``k - 1`` to cover it.

    Examples
    --------
    >>> round(hoeffding_bound(256), 3)
    0.085
    """
    return scale * math.sqrt(math.log(2 / (1 - confidence)) / (2 * max(k - 1, 1)))


def _dependency_scale(n: int, candidates: int, largest: int) -> float:
    """Largest normalised contribution of one sampled source to a node's estimate (the range Hoeffding needs).

    A source's dependency on a node counts at most the ``largest - 2`` other targets of its component; scaled up
    to the ``candidates - 1`` other sources and normalised by the ``(n - 1)(n - 2)`` ordered pairs.
    """
    if n <= 2:
        return 1.0
    return min(1.0, (candidates - 1) * max(largest - 2, 0) / ((n - 1) * (n - 2)))


def _error_statement(scores: dict, stderr: dict, k: int, n: int, candidates: int, largest: int,
                     seed: int | None) -> str:
    """The expected error of a sampled betweenness: batch-means errors of the top scores and a guaranteed bound."""
    drawn_from = f"{candidates} source nodes" if candidates == n else \
        f"{candidates} source nodes (those in components of three or more nodes, of {n})"
    bound = hoeffding_bound(k, scale=_dependency_scale(n, candidates, largest))
    statement = (
        f"estimated from {k} of {drawn_from} drawn uniformly (seed={seed}; Brandes & Pich 2007), unbiased; "
        f"every normalised score is within ±{bound:.3f} of the exact value with 95% probability (Hoeffding)"
    )
    top = sorted((v for v in scores if scores[v] > 0), key=scores.get, reverse=True)[:10]
    relative = [stderr[v] / scores[v] for v in top if math.isfinite(stderr[v])]
    if relative:
        statement += (
            f"; batch-means standard error of the 10 highest scores: median {statistics.median(relative):.0%}, "
            f"largest {max(relative):.0%} of the score (it understates the error of nodes whose paths come from "
            "a few sources)"
        )
    return statement


@paused_gc()  # a dict per node: see paused_gc
def structural_holes(G: nx.Graph, *, weight: str | None = "strength") -> dict[Hashable, dict[str, float]]:
    """Burt's constraint, effective size and efficiency of every node, computed sparsely.

    The values equal :func:`nx.constraint` and :func:`nx.effective_size` (Burt 1992; Borgatti 1997), but only
    the pairs of neighbours that close a triangle are visited, so a graph of 10^5 nodes takes seconds, where
    NetworkX's effective size builds a dense n x n matrix (80 GB for 10^5 nodes).

    Parameters
    ----------
    G : NetworkX graph
        Directed or undirected; as in NetworkX, a directed graph's ties count in both directions (mutual
        weights ``a_uv + a_vu``). Self-loops are ignored: a tie to oneself closes no hole.
    weight : str or None
        Edge attribute holding a **strength** (bigger = stronger tie, must be positive); None: every tie 1.

    Returns
    -------
    dict
        ``{node: {"constraint": c, "effective_size": e, "efficiency": e / d}}`` where ``d`` is the number of
        distinct neighbours (in or out); all three are NaN for an isolated node.

    Notes
    -----
    With ``c`` the constraint, ``p_ij`` the share of i's mutual tie strength invested in j and ``m_ij`` the
    tie i-j divided by i's strongest tie: ``c_i = sum_j (p_ij + sum_q p_iq p_qj)^2`` and the effective size
    ``e_i = sum_j (1 - sum_q p_iq m_jq)``, sums over i's neighbours j and their common neighbours q.
    NetworkX 3.6's vectorised ``nx.effective_size`` (``nodes=None``) divides by the wrong axis on weighted or
    directed graphs (networkx PR #8906); the values here match its per-node path and the published ones.

    Examples
    --------
    >>> import networkx as nx
    >>> holes = structural_holes(nx.path_graph(3), weight=None)
    >>> holes[1]
    {'constraint': 0.5, 'effective_size': 2.0, 'efficiency': 1.0}
    """
    nodes = list(G)
    if not nodes:
        return {}
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight=weight, format="csr", dtype=float)
    constraint, effective_size, efficiency = structural_hole_arrays(A)
    return {
        node: {"constraint": c, "effective_size": e, "efficiency": f}
        for node, c, e, f in zip(nodes, constraint.tolist(), effective_size.tolist(), efficiency.tolist(), strict=True)
    }


def structural_hole_arrays(A: sp.sparray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Burt's constraint, effective size and efficiency of every node of a weighted adjacency matrix.

    The computation behind :func:`structural_holes`, on ``A`` (n x n, ``A[i, j]`` the **strength** of the tie
    i -> j; a symmetric matrix for an undirected network, as both engines give it). Returns three arrays in the
    matrix's node order; NaN for an isolated node. The GDS engine runs it on the ties it streams from Neo4j.
    """
    n = A.shape[0]
    A = sp.csr_array(A, dtype=float)
    diagonal = A.diagonal()
    if diagonal.any():  # self-loops do not count (setdiag(0) would store n explicit zeros even without any)
        A = A - sp.diags_array(diagonal, format="csr")
    mutual = sp.csr_array(A + A.T)
    mutual.eliminate_zeros()
    mutual.sort_indices()
    row_sum = np.asarray(mutual.sum(axis=1)).ravel()
    row_max = np.asarray(mutual.max(axis=1).toarray()).ravel()
    rows = np.repeat(np.arange(n), np.diff(mutual.indptr))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = mutual.data / row_sum[rows]  # p[i, j]: share of i's ties invested in j
        m = mutual.data / row_max[rows]  # m[i, j]: tie i-j relative to i's strongest tie

    # For each tie (i, j) and each common neighbour q: p_iq p_qj (indirect constraint) and p_iq m_jq (redundancy).
    keys = rows.astype(np.int64) * n + mutual.indices  # (i, j) as one sorted number: pairs found by binary search
    indirect, redundancy = np.zeros(len(p)), np.zeros(len(p))
    for tie, q_of_i, q_of_j in _triangle_wedges(mutual, rows, keys):
        indirect += np.bincount(tie, weights=p[q_of_i] * p[_reverse(mutual, q_of_j, rows, keys)], minlength=len(p))
        redundancy += np.bincount(tie, weights=p[q_of_i] * m[q_of_j], minlength=len(p))

    constraint = np.bincount(rows, weights=(p + indirect) ** 2, minlength=n)
    effective_size = np.bincount(rows, weights=1 - redundancy, minlength=n)
    degree = np.diff(mutual.indptr).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        efficiency = effective_size / degree
    isolated = degree == 0
    for values in (constraint, effective_size, efficiency):
        values[isolated] = math.nan
    return constraint, effective_size, efficiency


#: Candidate wedges (a tie and a neighbour of one of its ends) examined at a time by :func:`_triangle_wedges`. Each
#: costs about 100 bytes of temporary arrays: all at once took about 300 MB on the 10^6-agent synthetic graph.
WEDGE_CHUNK = 1 << 18


def _triangle_wedges(S: sp.csr_array, rows: np.ndarray,
                     keys: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Every (tie i->j, common neighbour q) of a symmetric sparse pattern, as positions in ``S.data``.

    ``rows`` and ``keys`` are each stored pair's row and ``row * n + column`` (sorted, as ``S`` is CSR with sorted
    indices). Yields triples of equal-length arrays: the position of (i, j), of (i, q) and of (j, q), for the
    ties taken :data:`WEDGE_CHUNK` candidate wedges at a time. Each tie (i, j) is expanded from whichever
    endpoint has fewer neighbours, looking the other pair up by binary search, so the work is the sum over ties
    of the smaller degree rather than the sum of squared degrees.
    """
    n = S.shape[0]
    indptr, indices = S.indptr, S.indices
    degree = np.diff(indptr)
    all_ties = np.flatnonzero(rows < indices)  # each undirected tie once
    i, j = rows[all_ties], indices[all_ties]
    all_pivot_is_i = degree[i] <= degree[j]
    all_pivots, all_others = np.where(all_pivot_is_i, i, j), np.where(all_pivot_is_i, j, i)
    all_counts = degree[all_pivots]
    ends = np.cumsum(all_counts)
    start = 0
    while start < len(all_ties):
        # the ties whose wedges fit in one chunk (at least one tie, however many wedges it has)
        stop = max(start + 1, int(np.searchsorted(ends, ends[start] - all_counts[start] + WEDGE_CHUNK, "right")))
        ties, pivot_is_i = all_ties[start:stop], all_pivot_is_i[start:stop]
        pivot, other, counts = all_pivots[start:stop], all_others[start:stop], all_counts[start:stop]
        start = stop

        tie_of_wedge = np.repeat(np.arange(len(ties)), counts)
        starts = np.repeat(indptr[pivot] - np.cumsum(counts) + counts, counts)
        pos_pivot_q = starts + np.arange(counts.sum())  # position of (pivot, q) for every neighbour q of pivot
        q = indices[pos_pivot_q]
        o = other[tie_of_wedge]
        wanted = o.astype(np.int64) * n + q
        pos_other_q = np.searchsorted(keys, wanted)
        pos_other_q[pos_other_q == len(keys)] = 0
        closed = keys[pos_other_q] == wanted  # q is also a neighbour of the other endpoint (and q != other)
        tie_of_wedge, pos_pivot_q, pos_other_q = tie_of_wedge[closed], pos_pivot_q[closed], pos_other_q[closed]

        # Emit both directions of each tie: from i (with q seen from i and from j) and from j.
        forward = ties[tie_of_wedge]
        backward = _reverse(S, forward, rows, keys)
        i_side_is_pivot = pivot_is_i[tie_of_wedge]
        pos_i_q = np.where(i_side_is_pivot, pos_pivot_q, pos_other_q)
        pos_j_q = np.where(i_side_is_pivot, pos_other_q, pos_pivot_q)
        yield (
            np.concatenate([forward, backward]),
            np.concatenate([pos_i_q, pos_j_q]),
            np.concatenate([pos_j_q, pos_i_q]),
        )


def _reverse(S: sp.csr_array, positions: np.ndarray, rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The position in ``S.data`` of (j, i) for each position of (i, j) (``S`` has a symmetric pattern; ``rows``
    and ``keys`` as :func:`_triangle_wedges` takes them)."""
    n = S.shape[0]
    return np.searchsorted(keys, S.indices[positions].astype(np.int64) * n + rows[positions])


@paused_gc()  # a dict per node: see paused_gc
@not_implemented_for("undirected")
def brokerage_roles(DG: nx.DiGraph, group: str | Mapping) -> dict[Hashable, dict[str, int]]:
    """Gould and Fernandez's brokerage roles of every node.

    Node ``b`` brokers the two-path ``a -> b -> c`` when ``a != c`` and there is no arc ``a -> c``. Each
    brokered (a, c) pair counts once in one role, by the groups of the three nodes:

    * ``coordinator``: a, b and c in one group;
    * ``itinerant`` (consultant): a and c in one group, b in another;
    * ``representative``: a and b in one group, c in another (b speaks for its group to outsiders);
    * ``gatekeeper``: b and c in one group, a in another (b controls its group's access);
    * ``liaison``: three different groups.

    Parameters
    ----------
    DG : nx.DiGraph
        Directed graph (for instance ``organisation_network(G, directed=True)``).
    group : str or mapping
        A node attribute naming each node's group, or a ``{node: group}`` mapping.

    Returns
    -------
    dict
        ``{node: {"coordinator": int, ..., "liaison": int, "total": int, "unclassified": int}}``; ``total`` is
        the sum of the five roles; ``unclassified`` counts brokered two-paths where some node's group is
        unknown (None or missing), which no role fits.

    References
    ----------
    Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation: a formal approach to brokerage in
    transaction networks. Sociological Methodology 19: 89-126.

    Examples
    --------
    >>> import networkx as nx
    >>> DG = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> brokerage_roles(DG, {"a": "SV", "b": "MX", "c": "MX"})["b"]["gatekeeper"]
    1
    """
    group_of = group if isinstance(group, Mapping) else nx.get_node_attributes(DG, group)
    # Counted, not enumerated: a hub with thousands of members has millions of two-paths, but their roles only
    # depend on how many of its predecessors and successors are in each group. All (predecessor, successor)
    # pairs are counted by group, then the few pairs that are not brokered (a -> b -> a, and closed two-paths
    # with an arc a -> c) are enumerated and taken off. The work is linear in the arcs plus the closed triads.
    return counted_roles(DG._succ, DG._pred, group_of)  # NetworkX's own adjacency dicts, read only


def counted_roles(succ: Mapping[Hashable, Mapping], pred: Mapping[Hashable, Mapping], group_of: Mapping,
                  brokers: Iterable[Hashable] | None = None) -> dict[Hashable, dict[str, int]]:
    """:func:`brokerage_roles` from adjacency dicts: ``succ[b]`` and ``pred[b]`` map b's heads / tails to anything.

    Every node of ``succ`` gets its roles, or only the ``brokers`` named. The successors and predecessors of
    ``b``, and the arcs among them (``succ`` of those nodes), are all its counts depend on: the roles of ``b`` on
    its ego network equal those on the whole network (what the GDS engine relies on).
    """
    if brokers is None:
        roles = {b: _pair_counts(pred[b], succ[b], b, group_of) for b in succ}
        unbrokered = _unbrokered_two_paths(succ, pred)
    else:
        roles = {b: _pair_counts(pred[b], succ[b], b, group_of) for b in brokers}
        unbrokered = _unbrokered_two_paths_through(succ, pred, roles)
    for a, b, c in unbrokered:
        ga, gb, gc = group_of.get(a), group_of.get(b), group_of.get(c)
        unknown = ga is None or gb is None or gc is None
        roles[b]["unclassified" if unknown else _role(ga, gb, gc)] -= 1
    for counts in roles.values():
        counts["total"] = sum(counts[r] for r in ROLES)
    return roles


def _pair_counts(before: Mapping, after: Mapping, b: Hashable, group_of: Mapping) -> dict[str, int]:
    """Roles of ``b`` over every pair (a, c) of a predecessor a and a successor c, both other than ``b``.

    Pairs with a == c or an arc a -> c are included here and removed by :func:`brokerage_roles`. With
    ``P[g]`` / ``S[g]`` the predecessors / successors in group g, ``Pk`` / ``Sk`` those with a known group and
    ``g_b`` the broker's group: coordinator ``P[g_b] S[g_b]``, representative ``P[g_b] (Sk - S[g_b])``,
    gatekeeper ``(Pk - P[g_b]) S[g_b]``, itinerant ``sum over g != g_b of P[g] S[g]``, liaison the other pairs
    of known, different groups, unclassified the pairs where some group is unknown.
    """
    counts = dict.fromkeys((*ROLES, "total", "unclassified"), 0)
    if not before or not after:
        return counts
    P = Counter(group_of.get(a) for a in before if a != b)
    S = Counter(group_of.get(c) for c in after if c != b)
    pairs = P.total() * S.total()
    gb = group_of.get(b)
    if gb is None:
        counts["unclassified"] = pairs
        return counts
    known_p, known_s = P.total() - P[None], S.total() - S[None]
    own_p, own_s = P[gb], S[gb]
    itinerant = sum(n * S[g] for g, n in P.items() if g is not None and g != gb and g in S)
    counts.update(
        coordinator=own_p * own_s,
        itinerant=itinerant,
        representative=own_p * (known_s - own_s),
        gatekeeper=(known_p - own_p) * own_s,
        liaison=(known_p - own_p) * (known_s - own_s) - itinerant,
        unclassified=pairs - known_p * known_s,
    )
    return counts


def _unbrokered_two_paths(succ: Mapping, pred: Mapping) -> Iterator[tuple[Hashable, Hashable, Hashable]]:
    """Every two-path a -> b -> c (a, c other than b) that b does not broker: a == c, or an arc a -> c."""
    for b, after in succ.items():
        for a in pred[b]:
            if a != b and a in after:
                yield a, b, a
    for a, heads in succ.items():
        for c in heads:
            if c == a:
                continue
            # The middle nodes b of a -> b -> c, found from whichever side has fewer ties.
            for b in heads.keys() & pred[c].keys():
                if b != a and b != c:
                    yield a, b, c


def _unbrokered_two_paths_through(succ: Mapping, pred: Mapping,
                                  brokers: Iterable[Hashable]) -> Iterator[tuple[Hashable, Hashable, Hashable]]:
    """:func:`_unbrokered_two_paths` whose middle node is one of ``brokers``: from each predecessor ``a`` of
    ``b``, the heads of ``a`` that ``b`` also reaches (the work is the out-degrees of b's predecessors)."""
    for b in brokers:
        after = succ[b]
        for a in pred[b]:
            if a == b:
                continue
            if a in after:
                yield a, b, a
            for c in succ.get(a, ()):
                if c != a and c != b and c in after:
                    yield a, b, c


def _role(ga, gb, gc) -> str:
    if ga == gb == gc:
        return "coordinator"
    if ga == gc:
        return "itinerant"
    if ga == gb:
        return "representative"
    if gb == gc:
        return "gatekeeper"
    return "liaison"


class BrokerRanking(list):
    """Rows of :func:`rank_brokers` (a list of dicts) with a ``metadata`` dict on how they were computed."""

    def __init__(self, rows, metadata: dict):
        super().__init__(rows)
        self.metadata = metadata


@paused_gc()  # builds projections and a row per agent: see paused_gc
def rank_brokers(
    G_full: nx.MultiDiGraph, *, projection: str = "organisations", top: int | None = None, seed: int = 0
) -> BrokerRanking:
    """Brokers of the full graph, most between first: betweenness, structural holes and brokerage roles.

    Parameters
    ----------
    G_full : nx.MultiDiGraph
        The full graph.
    projection : {"organisations", "affiliation-projection"}
        The agent network the measures run on. ``"organisations"`` (direct and shared-affiliation ties; its
        directed variant for the brokerage roles) or ``"affiliation-projection"`` (shared programmes and
        projects only, Newman-weighted; undirected, so each tie is an arc both ways for the roles).
    top : int, optional
        Keep the first ``top`` rows.
    seed : int
        Seed of the betweenness source sample (used on graphs above 5,000 agents).

    Returns
    -------
    BrokerRanking
        A list of rows, one per agent: ``uri``, ``name``, ``kind``, ``country`` (home country), ``betweenness``
        (on distances), ``constraint``, ``effective_size``, ``efficiency`` (on strengths; None for an isolated
        agent), the five Gould–Fernandez roles between home countries and ``brokerage`` (their total), and
        ``degree`` (number of agents tied to it). Sorted by betweenness, then degree, then name. Its
        ``metadata`` says which projection, methods and backends produced them.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for uri in ("hta1", "hta2", "fed"):
    ...     G.add_node(uri, uri=uri, name=uri, labels=("Organisation", "Agent"))
    >>> _ = G.add_edge("hta1", "fed", type="MEMBER_OF")
    >>> _ = G.add_edge("hta2", "fed", type="MEMBER_OF")
    >>> rows = rank_brokers(G)
    >>> rows[0]["uri"], rows[0]["betweenness"], rows.metadata["betweenness"]["method"]
    ('fed', 1.0, 'exact')
    """
    if check_agent_network(projection) == "organisations":
        # The directed network's arcs only (no attributes): all the brokerage roles need.
        G, (succ, pred) = organisation_network_and_arcs(G_full)
    else:
        G = shared_affiliation_network(G_full)
        succ = pred = G._adj  # every tie an arc both ways
    country = home_countries(G_full, G)

    between = betweenness(G, weight="distance", seed=seed)
    holes = structural_holes(G, weight="strength")
    roles = counted_roles(succ, pred, country)
    rows = _broker_rows(G, country, between.scores, holes, roles)
    rows.sort(key=lambda r: (-_finite_or_zero(r["betweenness"]), -r["degree"], str(r["name"]), str(r["uri"])))
    metadata = {
        "projection": projection,
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "betweenness": between.metadata(),
        "structural_holes": {"weight": "strength", "measures": "Burt 1992 constraint, effective size, efficiency"},
        "brokerage": {
            "groups": "home country (ISO 3166-1 alpha-2)",
            "graph": "directed organisation network" if projection == "organisations" else "ties both ways",
            "unclassified_two_paths": sum(r["unclassified"] for r in roles.values()),
        },
    }
    return BrokerRanking(rows[:top] if top is not None else rows, metadata)


def _broker_rows(G: nx.Graph, country: Mapping, between: Mapping, holes: Mapping, roles: Mapping) -> list[dict]:
    """One row per agent of ``G`` (see :func:`rank_brokers`), in the node order of ``G``."""
    rows = []
    degree = G.degree
    for v, data in G.nodes(data=True):
        row = {
            "uri": data.get("uri", v),
            "name": data.get("name"),
            "kind": data.get("kind") or (data.get("labels") or (None,))[0],
            "country": country[v],
            "betweenness": between[v],
        }
        row.update({key: _finite_or_none(value) for key, value in holes[v].items()})
        row.update({role: roles[v][role] for role in ROLES})
        row["brokerage"] = roles[v]["total"]
        row["degree"] = degree[v]
        rows.append(row)
    return rows


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _finite_or_zero(value: float) -> float:
    return value if math.isfinite(value) else 0.0
