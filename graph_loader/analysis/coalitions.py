"""Coalitions: groups of actors more tied to each other than to the rest (communities, cores, co-funders).

The article describes hometown associations that lobby their home governments through umbrella groups and
federations, and programmes (3x1, *Unidos por la Solidaridad*) that bind associations, agencies and
governments around shared projects. Four views of such coalitions:

* :func:`louvain` and :func:`leiden`: modularity communities of the organisation network, with
  :func:`stability` (adjusted Rand index between runs with different seeds) to tell a firm partition from
  an accident of the random order;
* :func:`k_cores` and :func:`main_core`: the densely tied centre of the network;
* :func:`cofunding_groups`: actors that fund or run the same project or programme, straight from the ties;
* :func:`describe`: each coalition's members, dominant home country and kind, the programmes and projects
  binding it, and its internal ties, in plain data and one factual sentence.

:func:`find_coalitions` puts them together for the command line. Edge weights are **strengths** throughout.

Examples
--------
>>> import networkx as nx
>>> G = nx.barbell_graph(4, 0)
>>> sorted(map(sorted, louvain(G, weight=None).communities))
[[0, 1, 2, 3], [4, 5, 6, 7]]
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
import numpy as np
from networkx.utils import not_implemented_for

from ..errors import DiasporaKGError
from ..ontology.terms import REL
from .backends import (
    LARGE_GRAPH_NODES,
    igraph_available,
    leidenalg_available,
    paused_gc,
    seeded_igraph,
    to_igraph,
)
from .groups import AGENT_LABELS, home_countries, kind_group, nodes_with_labels
from .projections import (
    AFFILIATION_LABELS,
    AFFILIATION_TIES,
    check_agent_network,
    organisation_network,
    shared_affiliation_network,
)

#: Ties that make a co-funding (or co-running) group around a project or programme. (Members are bound to a
#: programme or project by the affiliation ties, :data:`~graph_loader.analysis.projections.AFFILIATION_TIES`.)
COFUNDING_TIES = frozenset({REL.FUNDS, REL.RUNS, REL.CO_RUNS})


@dataclass
class Partition:
    """Communities found by one run of a community-detection method.

    Attributes
    ----------
    communities : list of set
        Disjoint sets of nodes covering the graph, largest first.
    method : {"louvain", "leiden"}
        The method that produced them (``"louvain"`` when Leiden was asked for but is unavailable).
    backend : {"networkx", "igraph", "leidenalg"}
    modularity : float
        Newman–Girvan modularity of the partition at ``resolution`` (weighted by the strengths).
    resolution : float
    seed : int or None
    note : str or None
        Anything the reader should know, such as a fallback from Leiden to Louvain.
    """

    communities: list[set]
    method: str
    backend: str
    modularity: float
    resolution: float
    seed: int | None
    note: str | None = None

    def metadata(self) -> dict:
        """Everything but the communities, as plain data."""
        return {
            "method": self.method,
            "backend": self.backend,
            "modularity": self.modularity,
            "resolution": self.resolution,
            "seed": self.seed,
            "note": self.note,
        }


def _sorted_communities(communities: Iterable[Iterable[Hashable]]) -> list[set]:
    """Communities as sets, largest first, then by their smallest member (as text).

    For disjoint communities this is the order of their sorted member lists, without sorting each one: a
    partition of 10^5 nodes into 6 x 10^4 communities sorted by member lists took over a second.
    """
    return sorted((set(c) for c in communities), key=lambda c: (-len(c), min(map(str, c), default="")))


def _membership_to_communities(nodes: Sequence, membership: Sequence[int], text_rank: np.ndarray) -> list[set]:
    """Communities from one community label per node, ordered as :func:`_sorted_communities` orders them.

    ``text_rank`` is each node's rank among the nodes sorted as text (:func:`_text_rank`); with it the order is
    found with array sorts instead of comparing text, for partitions into tens of thousands of communities.
    """
    groups: dict[int, set] = defaultdict(set)
    for node, label in zip(nodes, membership, strict=True):
        groups[label].add(node)
    labels = np.asarray(membership, dtype=np.int64)
    sizes = np.bincount(labels)
    smallest = np.full(len(sizes), len(nodes), dtype=np.int64)
    np.minimum.at(smallest, labels, text_rank)  # each community's first member as text
    order = np.lexsort((smallest, -sizes))
    return [groups[label] for label in order.tolist() if sizes[label]]


def _text_rank(nodes: Sequence) -> np.ndarray:
    """Each node's rank when the nodes are sorted as text (str)."""
    rank = np.empty(len(nodes), dtype=np.int64)
    rank[np.argsort(np.array([str(v) for v in nodes], dtype=object), kind="stable")] = np.arange(len(nodes))
    return rank


def _modularity(G: nx.Graph, communities: list[set], weight: str | None, resolution: float) -> float:
    if G.number_of_edges() == 0:
        return math.nan
    return nx.community.modularity(G, communities, weight=weight, resolution=resolution)


@paused_gc()  # a set per community: see paused_gc
@not_implemented_for("directed")
@not_implemented_for("multigraph")
def louvain(
    G: nx.Graph,
    *,
    weight: str | None = "strength",
    resolution: float = 1.0,
    seed: int | None = 0,
    backend: str = "auto",
) -> Partition:
    """Louvain communities (Blondel et al. 2008): a partition that greedily maximises modularity.

    Parameters
    ----------
    G : nx.Graph
        Undirected graph (for instance ``organisation_network(G_full)``).
    weight : str or None
        Edge attribute holding a **strength** (bigger = closer); None: every tie 1; missing: 1.
    resolution : float
        Modularity resolution: below 1 favours larger communities, above 1 smaller ones.
    seed : int or None
        Seed of the random node order; the same seed gives the same partition.
    backend : {"auto", "networkx", "igraph"}
        ``"auto"``: NetworkX up to 5,000 nodes, igraph's ``community_multilevel`` (C) above.

    Returns
    -------
    Partition

    Examples
    --------
    >>> import networkx as nx
    >>> part = louvain(nx.barbell_graph(5, 0), weight=None, seed=1)
    >>> [len(c) for c in part.communities], part.backend
    ([5, 5], 'networkx')
    """
    return _louvain_runs(G, [seed], weight=weight, resolution=resolution, backend=backend)[0]


@not_implemented_for("directed")
@not_implemented_for("multigraph")
def _louvain_runs(
    G: nx.Graph, seeds: Sequence[int | None], *, weight: str | None = "strength", resolution: float = 1.0,
    backend: str = "auto"
) -> list[Partition]:
    """One :func:`louvain` partition per seed; with igraph the graph is converted once for all of them."""
    if backend not in ("auto", "networkx", "igraph"):
        raise ValueError(f"unknown backend {backend!r}; use 'auto', 'networkx' or 'igraph'")
    if backend == "auto":
        backend = "igraph" if len(G) > LARGE_GRAPH_NODES and igraph_available() else "networkx"
    if backend == "networkx":
        partitions = []
        for seed in seeds:
            communities = _sorted_communities(
                nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
            )
            partitions.append(Partition(communities, "louvain", "networkx",
                                        _modularity(G, communities, weight, resolution), resolution, seed))
        return partitions
    view = to_igraph(G, weight=weight)
    rank = _text_rank(view.nodes)
    partitions = []
    for seed in seeds:
        with seeded_igraph(seed):
            clustering = view.graph.community_multilevel(
                weights="weight" if weight else None, resolution=resolution
            )
        partitions.append(_igraph_partition(view, clustering.membership, "louvain", "igraph", weight, resolution,
                                            seed, rank))
    return partitions


def _igraph_partition(view, membership: Sequence[int], method: str, backend: str, weight: str | None,
                      resolution: float, seed: int | None, text_rank: np.ndarray) -> Partition:
    """A :class:`Partition` from igraph's vertex membership (modularity computed in C)."""
    communities = _membership_to_communities(view.nodes, membership, text_rank)
    modularity = view.graph.modularity(membership, weights="weight" if weight else None,
                                       resolution=resolution) if view.graph.ecount() else math.nan
    return Partition(communities, method, backend, modularity, resolution, seed)


@paused_gc()  # a set per community: see paused_gc
@not_implemented_for("directed")
@not_implemented_for("multigraph")
def leiden(
    G: nx.Graph, *, weight: str | None = "strength", resolution: float = 1.0, seed: int | None = 0
) -> Partition:
    """Leiden communities (Traag, Waltman & van Eck 2019): like Louvain, but every community is connected.

    Runs leidenalg on igraph (C++) whatever the size, optimising modularity with the given resolution
    (``RBConfigurationVertexPartition``). Without leidenalg it falls back to :func:`louvain` and says so in
    ``note``.

    Parameters
    ----------
    G : nx.Graph
        Undirected graph.
    weight : str or None
        Edge attribute holding a **strength**; None: every tie 1.
    resolution : float
        Modularity resolution (1 = Newman–Girvan modularity).
    seed : int or None
        Seed of leidenalg's random choices.

    Returns
    -------
    Partition

    Examples
    --------
    >>> import networkx as nx
    >>> part = leiden(nx.barbell_graph(5, 0), weight=None)
    >>> [len(c) for c in part.communities], part.method
    ([5, 5], 'leiden')
    """
    return _leiden_runs(G, [seed], weight=weight, resolution=resolution)[0]


@not_implemented_for("directed")
@not_implemented_for("multigraph")
def _leiden_runs(
    G: nx.Graph, seeds: Sequence[int | None], *, weight: str | None = "strength", resolution: float = 1.0
) -> list[Partition]:
    """One :func:`leiden` partition per seed, the graph converted to igraph once for all of them."""
    if not leidenalg_available():
        fallbacks = _louvain_runs(G, seeds, weight=weight, resolution=resolution)
        for fallback in fallbacks:
            fallback.note = "leidenalg is not installed: Louvain was used instead of Leiden"
        return fallbacks
    import leidenalg

    view = to_igraph(G, weight=weight)
    rank = _text_rank(view.nodes)
    partitions = []
    for seed in seeds:
        found = leidenalg.find_partition(
            view.graph,
            leidenalg.RBConfigurationVertexPartition,
            weights="weight" if weight else None,
            resolution_parameter=resolution,
            seed=seed,
        )
        partitions.append(_igraph_partition(view, found.membership, "leiden", "leidenalg", weight, resolution,
                                            seed, rank))
    return partitions


#: Community methods by name, for :func:`stability` and :func:`find_coalitions` (``analyze --method``).
METHODS = {"louvain": louvain, "leiden": leiden}


class UnknownMethod(DiasporaKGError, ValueError):
    """A community method that is not in :data:`METHODS`."""

    def __init__(self, name: str):
        super().__init__(f"unknown method {name!r}", hint="use one of: " + ", ".join(METHODS))


def check_method(name: str) -> str:
    """``name`` when it is one of :data:`METHODS`; else :class:`UnknownMethod` naming them."""
    if name not in METHODS:
        raise UnknownMethod(name)
    return name


def check_stability_runs(runs: int) -> int:
    """``runs`` when it is 0 (no stability check) or at least 2 (a ``ValueError`` otherwise)."""
    if runs == 1 or runs < 0:
        raise ValueError("stability_runs must be 0 (no check) or at least 2")
    return runs
#: The same methods, one run per seed of a list (sharing the conversion to igraph).
_RUNS = {"louvain": _louvain_runs, "leiden": _leiden_runs}


def adjusted_rand_index(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985).

    1 when the two partitions are identical, about 0 for independent random partitions (it can be negative).
    Two identical trivial partitions (everything together, or everything apart) score 1.

    Examples
    --------
    >>> adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7])
    1.0
    >>> round(adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]), 9)
    -0.5
    """
    if len(first) != len(second):
        raise ValueError("the two labelings must cover the same items")
    a, b = _codes(first), _codes(second)
    n = len(a)
    if n < 2:
        return 1.0

    def pairs(counts):
        return float((counts * (counts - 1) // 2).sum())

    # The contingency table has at most n non-empty cells out of (communities x communities): count those only.
    # A dense table of 10^5 nodes in 6 x 10^4 mostly single-node communities would take 26 GB.
    _, cells = np.unique(a * (int(b.max()) + 1) + b, return_counts=True)
    together_both = pairs(cells)
    together_first, together_second = pairs(np.bincount(a)), pairs(np.bincount(b))
    expected = together_first * together_second / (n * (n - 1) / 2)
    maximum = (together_first + together_second) / 2
    if maximum == expected:  # only when both partitions are the same trivial one
        return 1.0
    return (together_both - expected) / (maximum - expected)


def _codes(labels: Sequence[Hashable]) -> np.ndarray:
    """Labels renumbered 0, 1, 2, ... (in order of first appearance, or of value for an integer array)."""
    if isinstance(labels, np.ndarray) and labels.dtype.kind in "iu":
        return np.unique(labels, return_inverse=True)[1].ravel().astype(np.int64)
    code: dict[Hashable, int] = {}
    return np.fromiter((code.setdefault(label, len(code)) for label in labels), np.int64, len(labels))


def _labels(communities: list[set], nodes: Sequence) -> list[int]:
    label = {node: i for i, community in enumerate(communities) for node in community}
    return [label[node] for node in nodes]


@paused_gc()  # a set per community and run: see paused_gc
def stability(G: nx.Graph, *, method: str = "louvain", seeds: Iterable[int] = range(10), **options) -> dict:
    """How much a community partition depends on the random seed: adjusted Rand index between runs.

    Parameters
    ----------
    G : nx.Graph
        Undirected graph.
    method : {"louvain", "leiden"}
    seeds : iterable of int
        One run per seed (at least two).
    **options
        Passed to the method (``weight``, ``resolution``, ...).

    Returns
    -------
    dict
        ``mean_ari`` and ``min_ari`` over all pairs of runs (1 = every run found the same partition) and
        ``partitions``, the :class:`Partition` of each run in seed order.

    Examples
    --------
    >>> import networkx as nx
    >>> stability(nx.barbell_graph(5, 0), weight=None, seeds=range(3))["min_ari"]
    1.0
    """
    try:
        runs = _RUNS[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; use one of {sorted(METHODS)}") from None
    seeds = list(seeds)
    if len(seeds) < 2:
        raise ValueError("stability needs at least two seeds")
    partitions = runs(G, seeds, **options)
    return {**_agreement(G, partitions), "partitions": partitions}


def _agreement(G: nx.Graph, partitions: list[Partition]) -> dict:
    """``mean_ari`` and ``min_ari`` over all pairs of partitions of ``G``."""
    nodes = list(G)
    labelings = [np.asarray(_labels(p.communities, nodes), dtype=np.int64) for p in partitions]
    scores = [adjusted_rand_index(x, y) for x, y in combinations(labelings, 2)]
    return {"mean_ari": float(np.mean(scores)), "min_ari": float(min(scores))}


def k_cores(G: nx.Graph) -> dict[Hashable, int]:
    """The core number of every node: the largest k such that the node is in a subgraph of minimum degree k.

    Self-loops are ignored (a tie to oneself adds no neighbour). On a directed graph a node's degree is its
    in-degree plus out-degree, as in :func:`nx.core_number`.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.complete_graph(4)
    >>> G.add_edge(3, 4)
    >>> k_cores(G)
    {0: 3, 1: 3, 2: 3, 3: 3, 4: 1}
    """
    if G.is_multigraph():
        G = nx.DiGraph(G) if G.is_directed() else nx.Graph(G)
    if nx.number_of_selfloops(G):
        G = G.copy()
        G.remove_edges_from(list(nx.selfloop_edges(G)))
    return nx.core_number(G)


def main_core(G: nx.Graph) -> tuple[int, set]:
    """The main core: the largest core number ``k`` and the nodes that have it (an empty graph: ``(0, set())``).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.complete_graph(4)
    >>> G.add_edge(3, 4)
    >>> main_core(G)
    (3, {0, 1, 2, 3})
    """
    cores = k_cores(G)
    if not cores:
        return 0, set()
    k = max(cores.values())
    return k, {v for v, c in cores.items() if c == k}


def _binding_targets(G_full: nx.MultiDiGraph, types: frozenset[str]) -> dict[Hashable, dict[Hashable, set[str]]]:
    """``{project or programme: {agent: {relationship types}}}`` for agents tied to it by one of ``types``."""
    agents = nodes_with_labels(G_full, AGENT_LABELS)
    affiliations = nodes_with_labels(G_full, AFFILIATION_LABELS)
    tied: dict[Hashable, dict[Hashable, set[str]]] = defaultdict(lambda: defaultdict(set))
    multigraph = G_full.is_multigraph()
    # Only ties from an agent or from a project/programme can bind: the others' ties are not read.
    for u in {**agents, **affiliations}:
        for v, ties in G_full._adj[u].items():  # NetworkX's own dicts, read only (views cost a call per item)
            for kind in _types_of(ties, multigraph):
                if kind not in types:
                    continue
                if kind == REL.PARTNERS_WITH and v in agents:  # symmetric: either end may be the agent
                    if u in affiliations:
                        tied[u][v].add(kind)
                elif u in agents and v in affiliations:
                    tied[v][u].add(kind)
    return tied


def _restricted(bound: dict[Hashable, dict[Hashable, set[str]]], types: frozenset[str]) -> dict:
    """:func:`_binding_targets` for a subset of its relationship types (none of which is ``PARTNERS_WITH``)."""
    restricted: dict[Hashable, dict[Hashable, set[str]]] = {}
    for target, agents in bound.items():
        kept = {agent: kinds & types for agent, kinds in agents.items() if kinds & types}
        if kept:
            restricted[target] = kept
    return restricted


@paused_gc()  # a dict per group: see paused_gc
def cofunding_groups(G_full: nx.MultiDiGraph) -> list[dict]:
    """Groups of agents that fund the same project or programme, or run and co-run the same programme.

    One group per project or programme with at least two such agents; projects and programmes with exactly the
    same agents are merged into one group.

    Returns
    -------
    list of dict
        ``{"members": [agent URIs, sorted], "size": int, "binding": [project/programme URIs, sorted],
        "ties": [relationship types involved, sorted]}``, largest groups first.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["hta", "agency"], labels=("Organisation", "Agent"))
    >>> G.add_node("project", labels=("Project",))
    >>> _ = G.add_edge("hta", "project", type="FUNDS")
    >>> _ = G.add_edge("agency", "project", type="FUNDS")
    >>> cofunding_groups(G)
    [{'members': ['agency', 'hta'], 'size': 2, 'binding': ['project'], 'ties': ['FUNDS']}]
    """
    return _cofunding_groups(_binding_targets(G_full, COFUNDING_TIES))


def _cofunding_groups(bound: dict[Hashable, dict[Hashable, set[str]]]) -> list[dict]:
    """:func:`cofunding_groups` from the agents bound to each project or programme by co-funding ties."""
    groups: dict[frozenset, dict] = {}
    for target, agents in bound.items():
        if len(agents) < 2:
            continue
        group = groups.setdefault(frozenset(agents), {"binding": set(), "ties": set()})
        group["binding"].add(target)
        group["ties"].update(*agents.values())
    rows = [
        {
            "members": sorted(members, key=str),
            "size": len(members),
            "binding": sorted(group["binding"], key=str),
            "ties": sorted(group["ties"]),
        }
        for members, group in groups.items()
    ]
    return sorted(rows, key=lambda r: (-r["size"], [str(m) for m in r["members"]]))


def _dominant(counts: Counter) -> tuple[str | None, int]:
    """The value more common than any other and its count; (None, top count) on a tie or with no values."""
    ranked = counts.most_common(2)
    if not ranked:
        return None, 0
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None, ranked[0][1]
    return ranked[0]


def _member(G_full: nx.MultiDiGraph, node: Hashable, country: str | None) -> dict:
    data = G_full.nodes[node] if node in G_full else {}
    labels = data.get("labels") or (None,)
    return {"uri": data.get("uri", node), "name": data.get("name"), "kind": data.get("kind") or labels[0],
            "country": country}


def _summary(coalition: dict) -> str:
    """One sentence made only of the coalition's own counts and names."""
    size = coalition["size"]
    sentence = f"Coalition {coalition['id']} has {size} member{'s' if size != 1 else ''}"
    if coalition["dominant_kind"]:
        sentence += f"; most common kind {coalition['dominant_kind']} ({coalition['dominant_kind_count']} of {size})"
    elif coalition["dominant_kind_group"]:
        sentence += (f"; most common kind group {coalition['dominant_kind_group']} "
                     f"({coalition['dominant_kind_group_count']} of {size})")
    if coalition["dominant_country"]:
        sentence += (f"; most common home country {coalition['dominant_country']} "
                     f"({coalition['dominant_country_count']} of {size})")
    if coalition["binding"]:
        shown = coalition["binding"][:3]
        sentence += "; shared " + ", ".join(f"{b['name'] or b['uri']} ({b['members']} members)" for b in shown)
        if len(coalition["binding"]) > 3:
            sentence += f" and {len(coalition['binding']) - 3} more programmes or projects"
    ties = coalition["internal_ties"]
    total = sum(ties.values())
    if total:
        listed = ", ".join(f"{kind} {count}" for kind, count in ties.items())
        sentence += f"; {total} internal tie{'s' if total != 1 else ''} ({listed})"
    else:
        sentence += "; no direct internal ties"
    return sentence + "."


@paused_gc()  # a dict per member: see paused_gc
def describe(G_full: nx.MultiDiGraph, communities: Iterable[Iterable[Hashable]], first: int = 1) -> list[dict]:
    """Describe each coalition from the full graph's facts.

    Parameters
    ----------
    G_full : nx.MultiDiGraph
        The full graph.
    communities : iterable of iterables of nodes
        The coalitions, e.g. ``louvain(...).communities``; ids follow this order, from ``first``.
    first : int
        The first coalition's id (a coalition's description does not depend on the others: a caller may describe
        them one at a time, each from its own part of the graph).

    Returns
    -------
    list of dict
        Per coalition: ``id`` (int), ``members`` (each ``uri``, ``name``, ``kind``, ``country``), ``size``,
        ``dominant_country`` and ``dominant_country_count`` (the known home country, ISO alpha-2, more common
        among members than any other, and its count; the country is None on a tie), ``dominant_kind`` and
        ``dominant_kind_count`` (likewise for the most specific class), ``dominant_kind_group`` and
        ``dominant_kind_group_count`` (likewise for diaspora / government / ... groups), ``binding`` (the
        programmes and projects at least two members run, co-run, fund, support, belong to or partner in: ``uri``,
        ``name``, ``kind``, ``members`` = how many, most first), ``internal_ties`` (``{relationship type:
        count}`` of full-graph relationships between members) and ``summary`` (one sentence built from these).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", name="HTA A", labels=("HometownAssociation", "DiasporaOrganisation", "Organisation"))
    >>> G.add_node("f", name="Federation F", labels=("Federation", "DiasporaOrganisation", "Organisation"))
    >>> _ = G.add_edge("a", "f", type="MEMBER_OF")
    >>> describe(G, [{"a", "f"}])[0]["summary"]
    'Coalition 1 has 2 members; most common kind group diaspora (2 of 2); 1 internal tie (MEMBER_OF 1).'
    """
    communities = [list(community) for community in communities]
    return _describe(G_full, communities, _binding_targets(G_full, AFFILIATION_TIES), first)


def _describe(G_full: nx.MultiDiGraph, communities: list[list], bound: dict, first: int = 1) -> list[dict]:
    """:func:`describe`, given the agents bound to each project or programme (:func:`_binding_targets`)."""
    present = {v: None for community in communities for v in community if v in G_full}
    country = home_countries(G_full, present)
    kinds = {v: kind_group(G_full, v) for v in present}
    # Each member's communities, so that each binding target is looked at once, not once per community.
    member_of: dict[Hashable, list[int]] = defaultdict(list)
    for number, community in enumerate(communities):
        for v in set(community):
            member_of[v].append(number)
    binding: list[list[dict]] = [[] for _ in communities]
    for target, agents in bound.items():
        shared = Counter(number for agent in agents for number in member_of.get(agent, ()))
        for number, count in shared.items():
            if count >= 2:
                data = G_full.nodes[target]
                binding[number].append({"uri": data.get("uri", target), "name": data.get("name"),
                                        "kind": data.get("kind") or (data.get("labels") or (None,))[0],
                                        "members": count})
    return [
        _coalition(G_full, number, sorted(community, key=str), country, kinds, binding[number - first])
        for number, community in enumerate(communities, start=first)
    ]


def _coalition(G_full: nx.MultiDiGraph, number: int, members: list, country: dict, kinds: dict,
               binding: list[dict]) -> dict:
    """One coalition of :func:`describe`: its members (sorted), dominant groups, binding and internal ties."""
    member_set = set(members)
    rows = [_member(G_full, v, country.get(v)) for v in members]
    top_country, country_count = _dominant(Counter(r["country"] for r in rows if r["country"]))
    kind, kind_count = _dominant(Counter(r["kind"] for r in rows if r["kind"]))
    kind_group_, kind_group_count = _dominant(Counter(kinds[v] for v in members if kinds.get(v)))
    binding.sort(key=lambda b: (-b["members"], str(b["name"]), str(b["uri"])))
    adjacency = G_full._adj  # NetworkX's own dicts, read only (see _typed_edges)
    ties = Counter(
        kind_
        for u in members
        if u in adjacency
        for v, keyed in adjacency[u].items()
        if v in member_set and v != u
        for kind_ in _types_of(keyed, G_full.is_multigraph())
    )
    coalition = {
        "id": number,
        "members": rows,
        "size": len(rows),
        "dominant_country": top_country,
        "dominant_country_count": country_count,
        "dominant_kind": kind,
        "dominant_kind_count": kind_count,
        "dominant_kind_group": kind_group_,
        "dominant_kind_group_count": kind_group_count,
        "binding": binding,
        "internal_ties": dict(sorted(ties.items(), key=lambda item: (-item[1], str(item[0])))),
    }
    coalition["summary"] = _summary(coalition)
    return coalition


def _types_of(ties: dict, multigraph: bool) -> list:
    """The relationship types of the ties between two nodes (one per parallel tie)."""
    return [data.get("type") for data in ties.values()] if multigraph else [ties.get("type")]


@paused_gc()  # builds a projection, partitions and descriptions: see paused_gc
def find_coalitions(
    G_full: nx.MultiDiGraph,
    *,
    projection: str = "organisations",
    method: str = "louvain",
    seed: int = 0,
    stability_runs: int = 10,
) -> dict:
    """Coalitions of the full graph, described, with their stability and how they were found.

    Parameters
    ----------
    G_full : nx.MultiDiGraph
        The full graph.
    projection : {"organisations", "affiliation-projection"}
        The agent network partitioned (ties weighted by strength).
    method : {"louvain", "leiden"}
    seed : int
        Seed of the reported partition.
    stability_runs : int
        Number of seeded runs (seeds 0, 1, ...) compared for ``stability``; 0 skips the check (``stability``
        is then None), which saves time on very large graphs.

    Returns
    -------
    dict
        ``coalitions`` (:func:`describe` of every community with at least two members, largest first),
        ``singletons`` (how many agents are alone in their community), ``stability`` (``mean_ari``,
        ``min_ari`` over ``stability_runs`` seeded runs, ``runs``), ``cofunding_groups`` (:func:`cofunding_groups`) and the
        metadata ``projection``, ``nodes``, ``edges``, ``method``, ``backend``, ``modularity``, ``resolution``,
        ``seed`` and ``note``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b", "c"], labels=("Organisation", "Agent"))
    >>> _ = G.add_edge("a", "b", type="PARTNERS_WITH")
    >>> result = find_coalitions(G)
    >>> [c["size"] for c in result["coalitions"]], result["singletons"], result["stability"]["min_ari"]
    ([2], 1, 1.0)
    """
    check_method(method)
    check_stability_runs(stability_runs)
    if check_agent_network(projection) == "organisations":
        G = organisation_network(G_full)
    else:
        G = shared_affiliation_network(G_full)
    # The reported partition is one of the seeded runs when its seed is among them: each run is made once.
    order = [seed, *(s for s in range(stability_runs) if s != seed)]
    runs = dict(zip(order, _RUNS[method](G, order, weight="strength"), strict=True))
    partition = runs[seed]
    if stability_runs:
        agreement = {**_agreement(G, [runs[s] for s in range(stability_runs)]), "runs": stability_runs}
    else:
        agreement = None
    groups = [c for c in partition.communities if len(c) >= 2]
    bound = _binding_targets(G_full, AFFILIATION_TIES)  # read once for the descriptions and the co-funding groups
    return {
        "projection": projection,
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        **partition.metadata(),
        "coalitions": _describe(G_full, [list(c) for c in groups], bound),
        "singletons": sum(1 for c in partition.communities if len(c) == 1),
        "stability": agreement,
        "cofunding_groups": _cofunding_groups(_restricted(bound, COFUNDING_TIES)),
    }
