"""Projections of the full graph onto the networks the analyses run on, selectable by name.

The full graph (see the NetworkX contract in ``docs/architecture.md``) mixes actors, places, programmes,
projects, provenance records and concepts. Each measure needs a narrower network:

``"full"`` (:func:`full`)
    The multi-relational graph of actors and institutions: agents, places, programmes, projects, events and
    policies with every relationship among them. Provenance (Evidence, Source, Publication), statistics
    (StatisticalTable, Observation), programme rules and SKOS concepts are dropped: they are records *about*
    the network, not part of it, and the source article would otherwise be a hub tied to every actor it cites.
``"organisations"`` (:func:`organisation_network`)
    Agents only (Organisations of every kind, Persons, Collectives), tied directly (membership,
    sub-organisation, partnership, heading, advising, lobbying, ...) and through shared affiliations (funding
    the same project or programme, running the same programme). Each edge carries a ``strength`` and a
    ``distance``: betweenness wants distances, Burt's structural-hole measures want strengths.
``"affiliation"`` (:func:`affiliation_network`)
    The bipartite graph of agents (``bipartite=0``) and the programmes and projects they run, co-run, fund,
    support, partner in or belong to (``bipartite=1``).
``"affiliation-projection"`` (:func:`shared_affiliation_network`)
    The affiliation graph projected onto agents with Newman's collaboration weighting.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("hta", labels=("HometownAssociation", "DiasporaOrganisation", "Organisation", "Agent"))
>>> G.add_node("fed", labels=("Federation", "DiasporaOrganisation", "Organisation", "Agent"))
>>> _ = G.add_edge("hta", "fed", type="MEMBER_OF")
>>> O = project(G, "organisations")
>>> O.edges["hta", "fed"]["kinds"], O.edges["hta", "fed"]["strength"], O.edges["hta", "fed"]["distance"]
(['MEMBER_OF'], 1.0, 1.0)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from itertools import combinations

import networkx as nx

from graph_loader.choices import AGENT_NETWORKS
from graph_loader.errors import DiasporaKGError

from ..ontology.terms import REL
from .backends import paused_gc
from .groups import AGENT_LABELS, is_agent, labels_of, nodes_with_labels

#: Classes kept by :func:`full` (a node is kept when any of its labels is here).
ACTOR_AND_INSTITUTION_LABELS = frozenset(
    {"Agent", "Organisation", "Person", "Collective", "Place", "Programme", "Project", "Event", "Policy"}
)
#: Classes an agent can be affiliated with.
AFFILIATION_LABELS = frozenset({"Programme", "Project"})

#: Direct ties between two agents: relationship type -> tie strength (dimensionless; higher = closer).
#: Each kind counts once per pair, however many sources assert it. ``MERGED_INTO`` and ``SUCCEEDED_BY`` are left
#: out on purpose: they tie a predecessor to its successor, not two actors that work together.
DIRECT_TIE_STRENGTH = {
    REL.MEMBER_OF: 1.0,
    REL.SUB_ORGANISATION_OF: 1.0,
    REL.EXECUTIVE_ARM_OF: 1.0,
    REL.PARTNERS_WITH: 1.0,
    REL.HEADS: 1.0,
    REL.ADVISES: 1.0,
    REL.APPOINTED_BY: 1.0,
    REL.ELECTED_BY: 1.0,
    REL.CREATED_BY: 1.0,
    REL.FUNDS: 1.0,
    REL.SUPPORTS: 1.0,
    REL.GOVERNS: 1.0,
    REL.LOBBIES: 1.0,
    REL.DEMANDS: 1.0,
    REL.MOBILISES: 1.0,
}
#: Direct ties with no direction (the directed network gets both arcs).
SYMMETRIC_TIES = frozenset({REL.PARTNERS_WITH})

#: Shared-affiliation ties: kind -> (relationship types to the shared project/programme, strength per shared one).
#: Half a direct tie each: funding the same work shows a working relationship less surely than a direct tie.
SHARED_AFFILIATION_TIES = {
    "CO_FUNDING": (frozenset({REL.FUNDS}), 0.5),
    "CO_RUNNING": (frozenset({REL.RUNS, REL.CO_RUNS}), 0.5),
}

#: Ties that affiliate an agent with a programme or project (:func:`affiliation_network`); ``SUPPORTS`` is
#: non-financial support (technical assistance, help with the authorities) of the project or programme.
AFFILIATION_TIES = frozenset({REL.RUNS, REL.CO_RUNS, REL.FUNDS, REL.SUPPORTS, REL.PARTNERS_WITH, REL.MEMBER_OF})


class UnknownProjection(DiasporaKGError, ValueError):
    """A projection name that is not in :data:`PROJECTIONS`."""

    def __init__(self, name: str, allowed=None):
        allowed = sorted(allowed or PROJECTIONS)
        super().__init__(f"unknown projection {name!r}", hint="use one of: " + ", ".join(allowed))


def _is_affiliation(G: nx.Graph, node: Hashable) -> bool:
    return not AFFILIATION_LABELS.isdisjoint(labels_of(G, node))


def ordered_subgraph(G: nx.Graph, nodes) -> nx.Graph:
    """A read-only view of ``G`` induced on ``nodes``, iterating in ``G``'s node order.

    ``G.subgraph(nodes)`` iterates a small subgraph in the order of a Python *set* of its nodes, which changes from
    one process to the next (string hashing is randomised): a layout, a partition or a figure computed on it would
    not be the same on the next run.

    >>> import networkx as nx
    >>> list(ordered_subgraph(nx.path_graph(["a", "b", "c", "d"]), {"d", "a", "b"}))
    ['a', 'b', 'd']
    """
    keep = set(nodes)
    return nx.subgraph_view(G, filter_node=keep.__contains__)


def full(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The full graph restricted to actors and institutions (a copy; ``G`` is left alone).

    Kept: agents, places, programmes, projects, events and policies, with every relationship among them and all
    their attributes. Dropped: Evidence, Source, Publication, StatisticalTable, Observation, ProgrammeRule, SKOS
    concepts (ProjectCategory, AdvocacyTopic, PolicyTopic) and any node without a kept class. Provenance stays
    available on the kept nodes and edges as their ``evidence`` and ``sources`` attributes.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p", labels=("Project",))
    >>> G.add_node("ev", labels=("Evidence",))
    >>> list(full(G))
    ['p']
    """
    keep = [v for v in G if not ACTOR_AND_INSTITUTION_LABELS.isdisjoint(labels_of(G, v))]
    return ordered_subgraph(G, keep).copy()


def _shared_affiliations(
    affiliated: dict[Hashable, dict[str, set]], agents: dict, affiliations: dict
) -> dict[tuple[Hashable, Hashable], dict[str, set]]:
    """``{(a, b): {kind: {affiliations}}}`` for agents a < b (in node order) sharing a project/programme.

    ``affiliated`` maps a project/programme to its agents by relationship type; ``agents`` and ``affiliations``
    are the graph's agents and projects/programmes in node order. Pairs appear in the order of the kinds of
    :data:`SHARED_AFFILIATION_TIES`, then of the affiliations, then of the agents.
    """
    order = {node: i for i, node in enumerate(agents)}
    tied = [(target, affiliated[target]) for target in affiliations if target in affiliated]
    shared: dict[tuple[Hashable, Hashable], dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for kind, (types, _) in SHARED_AFFILIATION_TIES.items():
        for target, by_type in tied:
            members = set().union(*(by_type.get(t, ()) for t in types))
            for a, b in combinations(sorted(members, key=order.__getitem__), 2):
                shared[a, b][kind].add(target)
    return shared


@dataclass
class _OrganisationTies:
    """Everything the organisation network is built from, read from the full graph in one pass."""

    agents: dict  # agent -> None, in the full graph's node order
    arcs: dict[tuple[Hashable, Hashable], set[str]]  # directed direct ties: (u, v) -> kinds
    symmetric: dict[tuple[Hashable, Hashable], set[str]]  # partnerships, as asserted: (u, v) -> kinds
    shared: dict[tuple[Hashable, Hashable], dict[str, set]]  # (a, b) -> {kind: shared affiliations}


#: Relationship types from an agent to a project or programme that make a shared-affiliation tie.
_SHARED_TYPES = frozenset().union(*(types for types, _ in SHARED_AFFILIATION_TIES.values()))


def _organisation_ties(G: nx.MultiDiGraph) -> _OrganisationTies:
    """The direct and shared-affiliation ties among the agents of ``G``, from one pass over the agents' out-ties.

    Reads NetworkX's own adjacency dicts (``G._succ``, read only): the public views cost a Python call per
    item, which was most of a projection's time on 10^5 nodes. Ties are collected in the order of ``G.edges``,
    so the networks built from them have the adjacency order the edge-by-edge construction gave.
    """
    agents = nodes_with_labels(G, AGENT_LABELS)
    affiliations = nodes_with_labels(G, AFFILIATION_LABELS)
    arcs: dict[tuple[Hashable, Hashable], set[str]] = defaultdict(set)
    symmetric: dict[tuple[Hashable, Hashable], set[str]] = defaultdict(set)
    affiliated: dict[Hashable, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    multigraph = G.is_multigraph()
    for u in agents:
        for v, ties in G._succ[u].items():
            datas = ties.values() if multigraph else (ties,)
            if v in agents and v != u:
                for data in datas:
                    kind = data.get("type")
                    if kind in DIRECT_TIE_STRENGTH:
                        (symmetric if kind in SYMMETRIC_TIES else arcs)[u, v].add(kind)
            if v in affiliations:
                for data in datas:
                    kind = data.get("type")
                    if kind in _SHARED_TYPES:
                        affiliated[v][kind].add(u)
    return _OrganisationTies(agents, arcs, symmetric, _shared_affiliations(affiliated, agents, affiliations))


def _tie_network(G: nx.MultiDiGraph, ties: _OrganisationTies, directed: bool) -> nx.Graph | nx.DiGraph:
    """The organisation network (see :func:`organisation_network`) built from ``ties``."""
    # (u, v) -> (kinds, {shared kind: affiliations}); an undirected pair is one entry, under its first orientation.
    edges: dict[tuple[Hashable, Hashable], tuple[set[str], dict[str, set]]] = {}

    def entry(u, v) -> tuple[set[str], dict[str, set]]:
        if not directed and (v, u) in edges:
            return edges[v, u]
        found = edges.get((u, v))
        if found is None:
            found = edges[u, v] = (set(), {})
        return found

    both_ways = (False, True) if directed else (False,)
    for (u, v), kinds in ties.arcs.items():
        entry(u, v)[0].update(kinds)
    for (u, v), kinds in ties.symmetric.items():
        for reverse in both_ways:
            entry(*((v, u) if reverse else (u, v)))[0].update(kinds)
    for (u, v), via in ties.shared.items():
        for reverse in both_ways:
            kinds, shared = entry(*((v, u) if reverse else (u, v)))
            kinds.update(via)
            for kind, targets in via.items():
                shared.setdefault(kind, set()).update(targets)

    network = nx.DiGraph() if directed else nx.Graph()
    node_data = G._node  # NetworkX's own node dict, read only (its view costs a call per node)
    network.add_nodes_from((v, dict(node_data[v])) for v in ties.agents)
    network.add_edges_from((u, v, _tie_attributes(kinds, shared)) for (u, v), (kinds, shared) in edges.items())
    return network


def _tie_attributes(kinds: set[str], shared: dict[str, set]) -> dict:
    """Edge attributes of one tie: ``kinds``, ``via``, ``strength`` (tie strength) and ``distance`` (1/strength)."""
    # 1.0 per direct kind (DIRECT_TIE_STRENGTH), 0.5 per shared project or programme (SHARED_AFFILIATION_TIES).
    strength = sum(DIRECT_TIE_STRENGTH[k] for k in kinds if k in DIRECT_TIE_STRENGTH) + sum(
        SHARED_AFFILIATION_TIES[k][1] * len(targets) for k, targets in shared.items()
    )
    return {"kinds": sorted(kinds), "via": sorted(set().union(*shared.values()), key=str), "strength": strength,
            "distance": 1.0 / strength}


@paused_gc()  # builds a graph of 10^5 nodes: see paused_gc
def organisation_network(G: nx.MultiDiGraph, *, directed: bool = False) -> nx.Graph | nx.DiGraph:
    """The network of agents tied directly and through shared projects and programmes.

    Nodes are the agents of ``G`` (Organisations of every kind, Persons, Collectives) with all their attributes,
    including agents without ties. Two agents are tied when

    * a direct relationship joins them (a kind in :data:`DIRECT_TIE_STRENGTH`: membership, sub-organisation,
      executive arm, partnership, heading, advising, appointment, election, creation, direct funding,
      non-financial support, governing, lobbying, demands, mobilisation), or
    * they fund the same project or programme (``CO_FUNDING``) or run or co-run the same programme
      (``CO_RUNNING``).

    Parameters
    ----------
    G : nx.MultiDiGraph
        The full graph.
    directed : bool
        If False, an ``nx.Graph``. If True, an ``nx.DiGraph`` where each direct tie keeps its direction
        (a member points to its federation, a lobby to its target: what Gould–Fernandez brokerage needs) and
        symmetric ties (partnership, shared affiliations) are arcs both ways.

    Returns
    -------
    nx.Graph or nx.DiGraph
        Edge attributes:

        ``strength`` : float
            Tie strength (higher = closer): the sum, over the kinds of tie joining the pair, of
            :data:`DIRECT_TIE_STRENGTH` (1.0 per direct kind) and 0.5 per shared project or programme.
        ``distance`` : float
            ``1 / strength``, for shortest-path measures such as betweenness.
        ``kinds`` : list of str
            The kinds of tie, sorted (relationship types, ``CO_FUNDING``, ``CO_RUNNING``).
        ``via`` : list
            The shared projects/programmes behind ``CO_FUNDING``/``CO_RUNNING``, sorted.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for a in ("hta", "agency"):
    ...     G.add_node(a, labels=("Organisation", "Agent"))
    >>> G.add_node("project", labels=("Project",))
    >>> _ = G.add_edge("hta", "project", type="FUNDS")
    >>> _ = G.add_edge("agency", "project", type="FUNDS")
    >>> O = organisation_network(G)
    >>> O.edges["hta", "agency"]["kinds"], O.edges["hta", "agency"]["strength"]
    (['CO_FUNDING'], 0.5)
    """
    return _tie_network(G, _organisation_ties(G), directed)


@paused_gc()  # builds a graph of 10^5 nodes: see paused_gc
def organisation_network_and_arcs(G: nx.MultiDiGraph) -> tuple[nx.Graph, tuple[dict, dict]]:
    """The organisation network and the arcs of the directed one, from one reading of the full graph.

    The arcs are ``(successors, predecessors)``: ``{agent: {agent: None}}`` dicts with every agent as a key, in
    node order, holding the arcs of ``organisation_network(G, directed=True)`` without their attributes (what
    :func:`~.brokers.rank_brokers` needs for the brokerage roles, at a fraction of a directed graph's cost).
    """
    ties = _organisation_ties(G)
    succ: dict[Hashable, dict] = {v: {} for v in ties.agents}
    pred: dict[Hashable, dict] = {v: {} for v in ties.agents}
    for table, both_ways in ((ties.arcs, False), (ties.symmetric, True), (ties.shared, True)):
        for u, v in table:
            succ[u][v] = pred[v][u] = None
            if both_ways:
                succ[v][u] = pred[u][v] = None
    return _tie_network(G, ties, False), (succ, pred)


@paused_gc()  # builds a graph of 10^5 nodes: see paused_gc
def affiliation_network(G: nx.MultiDiGraph) -> nx.Graph:
    """The bipartite graph of agents and the programmes and projects they are affiliated with.

    Nodes: every agent (``bipartite=0``) and every Programme or Project (``bipartite=1``), with their attributes.
    An edge joins an agent to a programme/project it runs, co-runs, funds, supports, partners in or is a member
    of (:data:`AFFILIATION_TIES`); its ``kinds`` attribute lists those relationship types, sorted.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("agency", labels=("GovernmentAgency", "PublicBody", "Organisation", "Agent"))
    >>> G.add_node("programme", labels=("Programme",))
    >>> _ = G.add_edge("agency", "programme", type="RUNS")
    >>> B = affiliation_network(G)
    >>> B.nodes["agency"]["bipartite"], B.nodes["programme"]["bipartite"], B.edges["agency", "programme"]["kinds"]
    (0, 1, ['RUNS'])
    """
    B = nx.Graph()
    for v, data in G.nodes(data=True):
        if is_agent(G, v):
            B.add_node(v, **{**data, "bipartite": 0})
        elif _is_affiliation(G, v):
            B.add_node(v, **{**data, "bipartite": 1})
    kinds: dict[tuple[Hashable, Hashable], set[str]] = defaultdict(set)
    for u, v, kind in G.edges(data="type"):
        if kind not in AFFILIATION_TIES:
            continue
        if kind in SYMMETRIC_TIES and _is_affiliation(G, u) and is_agent(G, v):
            u, v = v, u
        if is_agent(G, u) and _is_affiliation(G, v):
            kinds[u, v].add(kind)
    B.add_edges_from((u, v, {"kinds": sorted(k)}) for (u, v), k in kinds.items())
    return B


@paused_gc()  # builds a graph of 10^5 nodes: see paused_gc
def affiliation_projection(B: nx.Graph, *, method: str = "newman") -> nx.Graph:
    """Project a bipartite affiliation graph onto its ``bipartite=0`` side (the agents).

    Parameters
    ----------
    B : nx.Graph
        A bipartite graph as made by :func:`affiliation_network` (node attribute ``bipartite`` 0 or 1).
    method : {"newman", "count"}
        ``"newman"``: Newman's collaboration weighting, each shared affiliation with ``n`` affiliated agents
        adds ``1 / (n - 1)`` (Newman 2001, Phys. Rev. E 64, 016132): sharing a two-party project ties more
        closely than sharing a programme with forty participants. ``"count"``: each shared affiliation adds 1.

    Returns
    -------
    nx.Graph
        Agents with their attributes; edge attributes ``strength`` (the weight above: a tie strength),
        ``distance`` (``1 / strength``) and ``via`` (the shared affiliations, sorted).

    Examples
    --------
    >>> import networkx as nx
    >>> B = nx.Graph()
    >>> B.add_nodes_from(["a", "b", "c"], bipartite=0)
    >>> B.add_node("p", bipartite=1)
    >>> B.add_edges_from([("a", "p"), ("b", "p"), ("c", "p")])
    >>> affiliation_projection(B).edges["a", "b"]["strength"]
    0.5
    """
    if method not in ("newman", "count"):
        raise ValueError(f"unknown projection method {method!r}; use 'newman' or 'count'")
    P = nx.Graph()
    P.add_nodes_from((v, data) for v, data in B.nodes(data=True) if data.get("bipartite") == 0)
    for p, data in B.nodes(data=True):
        if data.get("bipartite") != 1:
            continue
        members = [a for a in B[p] if a in P]
        if len(members) < 2:
            continue
        weight = 1.0 / (len(members) - 1) if method == "newman" else 1.0
        for a, b in combinations(members, 2):
            edge = P.get_edge_data(a, b) or {"strength": 0.0, "via": []}
            edge["strength"] += weight
            edge["via"].append(p)
            P.add_edge(a, b, **edge)
    for _, _, data in P.edges(data=True):
        data["distance"] = 1.0 / data["strength"]
        data["via"] = sorted(data["via"], key=str)
    return P


def shared_affiliation_network(G: nx.MultiDiGraph, *, method: str = "newman") -> nx.Graph:
    """Agents tied by shared programmes and projects: :func:`affiliation_projection` of :func:`affiliation_network`.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b"], labels=("Organisation", "Agent"))
    >>> G.add_node("p", labels=("Project",))
    >>> _ = G.add_edge("a", "p", type="FUNDS")
    >>> _ = G.add_edge("b", "p", type="FUNDS")
    >>> shared_affiliation_network(G).edges["a", "b"]["strength"]
    1.0
    """
    return affiliation_projection(affiliation_network(G), method=method)


#: Projections by name: each takes the full graph (and keyword options) and returns a new graph.
PROJECTIONS: dict[str, Callable[..., nx.Graph]] = {
    "full": full,
    "organisations": organisation_network,
    "affiliation": affiliation_network,
    "affiliation-projection": shared_affiliation_network,
}


def check_agent_network(name: str) -> str:
    """``name`` when it is one of :data:`graph_loader.choices.AGENT_NETWORKS` (networks of :data:`PROJECTIONS` both
    engines measure); else :class:`UnknownProjection` naming them."""
    if name not in AGENT_NETWORKS:
        raise UnknownProjection(name, allowed=AGENT_NETWORKS)
    return name


def project(G: nx.MultiDiGraph, name: str, **options) -> nx.Graph:
    """Apply the projection called ``name`` (a key of :data:`PROJECTIONS`) to the full graph.

    Raises
    ------
    UnknownProjection
        For a name not in :data:`PROJECTIONS` (a ``ValueError``).

    Examples
    --------
    >>> import networkx as nx
    >>> project(nx.MultiDiGraph(), "affiliation").number_of_nodes()
    0
    """
    try:
        projection = PROJECTIONS[name]
    except KeyError:
        raise UnknownProjection(name) from None
    return projection(G, **options)
