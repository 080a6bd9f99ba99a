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
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import scipy.sparse as sp
from networkx.utils import not_implemented_for

from .backends import LARGE_GRAPH_NODES, igraph_available, to_igraph
from .groups import annotate_groups
from .projections import UnknownProjection, organisation_network, shared_affiliation_network

#: Gould–Fernandez roles, in the order they are reported.
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
#: Number of batches the sampled sources are split into to estimate the standard error (batch means).
_ERROR_BATCHES = 16
#: Budget of a sampled betweenness run, in sources x edges; sets the number of sources for a graph's size.
_SAMPLING_BUDGET = 50_000_000


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
        }


def default_sample_size(G: nx.Graph) -> int:
    """Number of sampled sources for a large graph: 512, down to 256 for graphs above 200,000 edges.

    Brandes and Pich (2007) find that a few hundred uniformly drawn sources rank the most central nodes of
    large sparse graphs well; the count shrinks on big graphs to keep a run near 5 x 10^7 edge relaxations.
    """
    size = _SAMPLING_BUDGET // max(G.number_of_edges(), 1)
    return min(len(G), max(256, min(512, size)))


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
        Sample ``k`` source nodes. Default: all sources for graphs up to 5,000 nodes (or with the NetworkX
        backend); above that :func:`default_sample_size` (256 to 512). ``k = len(G)`` forces an exact run.
    seed : int, random.Random or None
        Seed of the source sample. With the same integer seed the sample is the one
        ``nx.betweenness_centrality(G, k=k, seed=seed)`` draws, so the two agree exactly.
    backend : {"auto", "networkx", "igraph"}
        ``"auto"``: NetworkX for exact results on small graphs, igraph (C) whenever sources are sampled.

    Returns
    -------
    BrokerResult
        ``scores`` plus the method, backend, sample size and, when sampled, an error statement and the
        standard error of each score.

    Notes
    -----
    Sampling follows Brandes and Pich (2007) as NetworkX does: the dependencies of ``k`` uniformly drawn sources
    are summed and scaled up to all sources (a node that is itself a source has only ``k - 1`` sources that can
    route paths through it). The estimate is unbiased. Its standard error is estimated by batch means: the
    sources are split into 16 batches, and the spread of the 16 batch estimates gives the error of their mean.

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
    if k is None and n > LARGE_GRAPH_NODES and backend != "networkx":
        k = default_sample_size(G)
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
    sources = rng.sample(list(G), k)
    scores, stderr = _sampled(G, sources, weight, normalized, backend)
    error = _error_statement(scores, stderr, k, n, seed_value)
    return BrokerResult(scores, "sampled", backend, k, n, weight, normalized, seed_value, error, stderr)


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

    view = to_igraph(G, weight=weight)  # converted once for all batches
    index = {v: i for i, v in enumerate(view.nodes)}

    def count(sources: list) -> np.ndarray:
        raw = view.graph.betweenness(
            directed=G.is_directed(), weights="weight" if weight else None, sources=[index[s] for s in sources]
        )
        return factor * np.asarray(raw, float)

    return count


def _sampled(G: nx.Graph, sources: list, weight: str | None, normalized: bool, backend: str):
    """Sampled betweenness and the batch-means standard error of each score, as two ``{node: value}`` dicts."""
    n, k = len(G), len(sources)
    count = _dependency_counter(G, weight, backend)
    batches = [sources[i::_ERROR_BATCHES] for i in range(min(_ERROR_BATCHES, k))]
    batch_sums = np.vstack([count(batch) for batch in batches])

    # Scaling as NetworkX's: a node that is itself a source has k-1 informative sources (it lies on none of its
    # own paths), the others k. With k = 1 a source's score is undefined (NaN), as in NetworkX.
    chosen = set(sources)
    informative = np.fromiter((k - 1 if v in chosen else k for v in G), float, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        if normalized:
            per_source = 1.0 / (informative * max(n - 2, 1))
        else:
            per_source = (n - 1) / (informative * (1 if G.is_directed() else 2))
        scores = batch_sums.sum(axis=0) * per_source
        batch_sizes = np.array([len(b) for b in batches], float)[:, None]
        batch_estimates = batch_sums * (per_source * informative) / batch_sizes
    if len(batches) > 1:
        stderr = batch_estimates.std(axis=0, ddof=1) / math.sqrt(len(batches))
        stderr *= math.sqrt(max(0.0, 1 - k / n))  # finite-population correction: sources drawn without replacement
    else:
        stderr = np.full(n, math.nan)
    nodes = list(G)
    return dict(zip(nodes, scores.tolist(), strict=True)), dict(zip(nodes, stderr.tolist(), strict=True))


def hoeffding_bound(k: int, confidence: float = 0.95) -> float:
    """Half-width of a guaranteed interval for a normalised betweenness estimated from ``k`` sampled sources.

    Each source contributes a dependency between 0 and 1 on the normalised scale, so by Hoeffding's inequality
    (which also holds for sampling without replacement) the estimate is within this distance of the exact
    value with at least the given probability, for every node separately. A node that is itself a source has
    ``k - 1`` informative sources; the bound uses ``k - 1`` to cover it.

    Examples
    --------
    >>> round(hoeffding_bound(256), 3)
    0.085
    """
    return math.sqrt(math.log(2 / (1 - confidence)) / (2 * max(k - 1, 1)))


def _error_statement(scores: dict, stderr: dict, k: int, n: int, seed: int | None) -> str:
    """The expected error of a sampled betweenness: batch-means errors of the top scores and a guaranteed bound."""
    statement = (
        f"estimated from {k} of {n} source nodes drawn uniformly (seed={seed}; Brandes & Pich 2007), unbiased; "
        f"every normalised score is within ±{hoeffding_bound(k):.3f} of the exact value with 95% probability "
        "(Hoeffding)"
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
    n = len(nodes)
    if n == 0:
        return {}
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight=weight, format="csr", dtype=float)
    A.setdiag(0)
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
    tie, q_of_i, q_of_j = _triangle_wedges(mutual)
    indirect = np.bincount(tie, weights=p[q_of_i] * p[_reverse(mutual, q_of_j)], minlength=len(p))
    redundancy = np.bincount(tie, weights=p[q_of_i] * m[q_of_j], minlength=len(p))

    constraint = np.bincount(rows, weights=(p + indirect) ** 2, minlength=n)
    effective_size = np.bincount(rows, weights=1 - redundancy, minlength=n)
    degree = np.diff(mutual.indptr).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        efficiency = effective_size / degree
    isolated = degree == 0
    for values in (constraint, effective_size, efficiency):
        values[isolated] = math.nan
    return {
        node: {"constraint": c, "effective_size": e, "efficiency": f}
        for node, c, e, f in zip(nodes, constraint.tolist(), effective_size.tolist(), efficiency.tolist(), strict=True)
    }


def _triangle_wedges(S: sp.csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (tie i->j, common neighbour q) of a symmetric sparse pattern, as positions in ``S.data``.

    Returns three equal-length arrays: the position of (i, j), of (i, q) and of (j, q). Each tie (i, j) is
    expanded from whichever endpoint has fewer neighbours, looking the other pair up by binary search, so the
    work is the sum over ties of the smaller degree rather than the sum of squared degrees.
    """
    n = S.shape[0]
    indptr, indices = S.indptr, S.indices
    degree = np.diff(indptr)
    rows = np.repeat(np.arange(n), degree)
    keys = rows.astype(np.int64) * n + indices  # sorted, as the pattern is CSR with sorted indices
    ties = np.flatnonzero(rows < indices)  # each undirected tie once
    i, j = rows[ties], indices[ties]
    pivot_is_i = degree[i] <= degree[j]
    pivot, other = np.where(pivot_is_i, i, j), np.where(pivot_is_i, j, i)

    counts = degree[pivot]
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
    backward = _reverse(S, forward)
    i_side_is_pivot = pivot_is_i[tie_of_wedge]
    pos_i_q = np.where(i_side_is_pivot, pos_pivot_q, pos_other_q)
    pos_j_q = np.where(i_side_is_pivot, pos_other_q, pos_pivot_q)
    return (
        np.concatenate([forward, backward]),
        np.concatenate([pos_i_q, pos_j_q]),
        np.concatenate([pos_j_q, pos_i_q]),
    )


def _reverse(S: sp.csr_array, positions: np.ndarray) -> np.ndarray:
    """The position in ``S.data`` of (j, i) for each position of (i, j) (``S`` has a symmetric pattern)."""
    n = S.shape[0]
    rows = np.repeat(np.arange(n), np.diff(S.indptr))
    keys = rows.astype(np.int64) * n + S.indices
    return np.searchsorted(keys, S.indices[positions].astype(np.int64) * n + rows[positions])


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
    roles = {}
    for b in DG:
        counts = dict.fromkeys((*ROLES, "total", "unclassified"), 0)
        gb = group_of.get(b)
        for a in DG.predecessors(b):
            if a == b:
                continue
            successors_of_a = DG.succ[a]
            ga = group_of.get(a)
            for c in DG.successors(b):
                if c == a or c == b or c in successors_of_a:
                    continue
                gc = group_of.get(c)
                if ga is None or gb is None or gc is None:
                    counts["unclassified"] += 1
                    continue
                counts[_role(ga, gb, gc)] += 1
        counts["total"] = sum(counts[r] for r in ROLES)
        roles[b] = counts
    return roles


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
    if projection == "organisations":
        G = organisation_network(G_full)
        DG = organisation_network(G_full, directed=True)
    elif projection == "affiliation-projection":
        G = shared_affiliation_network(G_full)
        DG = G.to_directed()
    else:
        raise UnknownProjection(projection, allowed=("organisations", "affiliation-projection"))
    groups = annotate_groups(G_full)
    country = {v: groups[v]["country"] for v in G}

    between = betweenness(G, weight="distance", seed=seed)
    holes = structural_holes(G, weight="strength")
    roles = brokerage_roles(DG, country)

    rows = []
    for v, data in G.nodes(data=True):
        row = {
            "uri": data.get("uri", v),
            "name": data.get("name"),
            "kind": data.get("kind") or (data.get("labels") or (None,))[0],
            "country": country[v],
            "betweenness": between.scores[v],
        }
        row.update({key: _finite_or_none(value) for key, value in holes[v].items()})
        row.update({role: roles[v][role] for role in ROLES})
        row["brokerage"] = roles[v]["total"]
        row["degree"] = G.degree(v)
        rows.append(row)
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


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _finite_or_zero(value: float) -> float:
    return value if math.isfinite(value) else 0.0
