"""What an analysis of brokers and coalitions is asked (:class:`AnalysisParameters`) and what it returns
(:class:`AnalysisResult`), typed, whichever engine computed it, and the scores it stores.

The parameters are checked once, when an :class:`AnalysisParameters` is made: the projection is one of
:data:`~graph_loader.choices.AGENT_NETWORKS`, the method one of
:data:`~graph_loader.analysis.coalitions.METHODS`. The engines (:mod:`graph_loader.engines`) take them as they
are. How the result is computed is said in fields (:class:`BrokerInfo`, :class:`CoalitionInfo`); the sentences
and column titles that tell a reader are written in :mod:`graph_loader.report.analysis` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..choices import BROKER_MEASURES
from ..merge import SCORE_PREFIX
from .actors import ActorSet
from .coalitions import check_method, check_stability_runs
from .projections import check_agent_network

__all__ = ["BROKER_MEASURES", "AnalysisParameters", "AnalysisResult", "BetweennessInfo", "BrokerInfo",
           "CoalitionInfo", "Stability", "stored_scores"]


@dataclass(frozen=True)
class AnalysisParameters:
    """What an analysis of brokers and coalitions is asked, checked once here.

    Attributes
    ----------
    projection : str
        The network of agents measured, one of :data:`~graph_loader.choices.AGENT_NETWORKS`.
    method : str
        The community method, one of :data:`~graph_loader.analysis.coalitions.METHODS`.
    seed : int
        Seed of sampled betweenness and of the reported partition.
    top : int or None
        Brokers reported (None: every agent); the GDS engine also describes only this many coalitions.
    stability_runs : int
        Seeded runs compared for the stability of the partition (0: none, else at least 2).
    actors : ActorSet
        The agents the measures run on (:mod:`graph_loader.analysis.actors`).
    """

    projection: str = "organisations"
    method: str = "louvain"
    seed: int = 0
    top: int | None = None
    stability_runs: int = 10
    actors: ActorSet = field(default_factory=ActorSet)

    def __post_init__(self):
        check_agent_network(self.projection)
        check_method(self.method)
        check_stability_runs(self.stability_runs)
        if self.top is not None and self.top < 1:
            raise ValueError(f"top must be at least 1 (or None for every agent), not {self.top}")


@dataclass(frozen=True)
class BetweennessInfo:
    """How betweenness was computed (as :meth:`graph_loader.analysis.brokers.BrokerResult.metadata` gives it).

    ``method`` is ``"exact"`` or ``"sampled"``; ``backend`` ``"networkx"``, ``"igraph"`` or ``"gds"``; ``k``
    the sampled sources (None when exact) among ``population`` nodes of ``n``; ``weight`` the edge attribute read
    as a distance; ``error`` the statement of a sampled estimate's error (None when exact).
    """

    method: str
    backend: str
    k: int | None
    n: int
    weight: str | None
    normalized: bool
    seed: int | None = None
    error: str | None = None
    population: int | None = None


@dataclass(frozen=True)
class BrokerInfo:
    """How the broker measures of an :class:`AnalysisResult` were computed.

    Attributes
    ----------
    engine : str
        ``"networkx"`` or ``"gds"`` (:data:`graph_loader.engines.ENGINES`).
    projection : str
    actors : ActorSet
    nodes, edges : int
        Agents and ties of the network measured.
    betweenness : BetweennessInfo
    roles_of : int or None
        None: every agent's brokerage roles were counted; a number: only those of the reported brokers, on their
        ego networks (the GDS engine).
    unclassified_two_paths : int or None
        Two-paths no brokerage role describes (an end without a home country); None when not counted.
    components, largest_component : int or None
        Weakly connected components and the size of the largest (the GDS engine).
    main_core : tuple of int or None
        ``(k, agents)`` of the main k-core (the GDS engine).
    seconds : dict
        Seconds of each stage (the GDS engine: ``project``, ``betweenness``, …).
    """

    engine: str
    projection: str
    actors: ActorSet
    nodes: int
    edges: int
    betweenness: BetweennessInfo
    roles_of: int | None = None
    unclassified_two_paths: int | None = None
    components: int | None = None
    largest_component: int | None = None
    main_core: tuple[int, int] | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def directed_roles(self) -> bool:
        """The roles were counted on the directed organisation network (else every tie is an arc both ways)."""
        return self.projection == "organisations"


@dataclass(frozen=True)
class Stability:
    """How much seeded runs of the community method agree: the adjusted Rand index over every pair of runs."""

    runs: int
    mean_ari: float
    min_ari: float


@dataclass(frozen=True)
class CoalitionInfo:
    """How the coalitions of an :class:`AnalysisResult` were found.

    Attributes
    ----------
    engine, projection : str
    actors : ActorSet
    nodes, edges : int
        Agents and ties of the network partitioned.
    method : str
        The method that ran (``"louvain"`` when Leiden was asked for but is unavailable).
    backend : str
        ``"networkx"``, ``"igraph"``, ``"leidenalg"`` or ``"gds"``.
    modularity, resolution : float
    seed : int or None
        Seed of the reported partition (None: the method takes none).
    note : str or None
        What the reader should know about the run (a fallback, an unseeded method).
    count : int
        Coalitions found (communities of two or more agents), described or not.
    singletons : int
        Agents alone in their community.
    stability : Stability or None
        None when not measured.
    cofunding_groups : list or None
        :func:`~graph_loader.analysis.coalitions.cofunding_groups` (None: not computed, the GDS engine).
    """

    engine: str
    projection: str
    actors: ActorSet
    nodes: int
    edges: int
    method: str
    backend: str
    modularity: float
    resolution: float
    seed: int | None
    note: str | None
    count: int
    singletons: int
    stability: Stability | None = None
    cofunding_groups: list | None = None


@dataclass
class AnalysisResult:
    """Brokers and coalitions of one graph, how they were computed, and the per-node scores to store.

    Attributes
    ----------
    parameters : AnalysisParameters
        What was asked.
    brokers : list of dict
        Broker rows, best first (the columns of :func:`graph_loader.analysis.brokers.rank_brokers`, with
        ``unnamed`` after ``country``).
    broker_info : BrokerInfo
    coalitions : list of dict
        The coalitions described (:func:`graph_loader.analysis.coalitions.describe`), largest first.
    coalition_info : CoalitionInfo
    graph : nx.MultiDiGraph or None
        The full graph analysed (the pictures draw it); None under the GDS engine, which never reads it.
    scores : dict
        ``{measure: {uri: value}}`` for :data:`BROKER_MEASURES` plus ``coalition`` (the coalition id), as
        written back to Neo4j as ``score_<measure>``; empty when the engine does not return them.
    left_out : int
        How many agents of the graph the actor set left out.
    written : int or None
        Nodes that received ``score_*`` properties (None: nothing written).
    """

    parameters: AnalysisParameters
    brokers: list[dict]
    broker_info: BrokerInfo
    coalitions: list[dict]
    coalition_info: CoalitionInfo
    graph: nx.MultiDiGraph | None = None
    scores: dict[str, dict] = field(default_factory=dict)
    left_out: int = 0
    written: int | None = None

    @property
    def engine(self) -> str:
        """The engine that computed the result."""
        return self.broker_info.engine

    @property
    def actors(self) -> ActorSet:
        """The agents the measures ran on."""
        return self.parameters.actors

    @property
    def broker_scores(self) -> dict[str, dict]:
        """The measures a picture can size nodes by (every score but the coalition id)."""
        return {k: v for k, v in self.scores.items() if k != "coalition"}

    @property
    def groups(self) -> dict[str, int]:
        """``{uri: coalition id}``: what a picture colours nodes by."""
        return self.scores.get("coalition", {})

    def coalition_rows(self) -> list[dict]:
        """One row per coalition: id, size, dominant country and kind, summary, members (uri and name)."""
        return [{"id": c["id"], "size": c["size"], "dominant_country": c.get("dominant_country"),
                 "dominant_kind": c.get("dominant_kind"), "summary": c.get("summary"),
                 "members": [{"uri": m["uri"], "name": m["name"]} for m in c["members"]]}
                for c in self.coalitions]

    def membership_rows(self) -> list[dict]:
        """One row per (coalition, member): what ``coalitions.csv`` holds."""
        return [{"coalition": c["id"], "uri": m["uri"], "name": m["name"], "kind": m.get("kind"),
                 "country": m.get("country")} for c in self.coalitions for m in c["members"]]


def stored_scores(G: nx.Graph) -> dict[str, dict]:
    """``{measure: {uri: value}}`` of the ``score_*`` attributes the nodes of ``G`` carry (read from Neo4j).

    Whichever engine wrote them (``analyze --engine networkx`` or ``gds``), they mean the same; empty when the
    graph holds none (files read offline, or no analysis run yet).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", uri="a", score_betweenness=0.5, score_coalition=1)
    >>> stored_scores(G)
    {'betweenness': {'a': 0.5}, 'coalition': {'a': 1}}
    """
    found: dict[str, dict] = {}
    for v, data in G.nodes(data=True):
        for key, value in data.items():
            if key.startswith(SCORE_PREFIX) and value is not None:
                found.setdefault(key[len(SCORE_PREFIX):], {})[data.get("uri", v)] = value
    return found
