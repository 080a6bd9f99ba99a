"""The NetworkX engine: the full graph read into this process, brokers and coalitions computed by
:mod:`graph_loader.analysis` (NetworkX for small networks, igraph for large ones).

:func:`analyse` runs on a full graph already in hand (the pipeline's, a test's); :data:`ENGINE` runs on a
:class:`~graph_loader.engines.source.GraphSource` and writes the scores back to Neo4j when asked
(``score_*`` properties, :func:`graph_loader.neo4j.scores.write_scores`).
"""

from __future__ import annotations

import networkx as nx

from ..analysis.actors import ActorSet
from ..analysis.brokers import rank_brokers
from ..analysis.coalitions import find_coalitions
from ..analysis.summary import (
    BROKER_MEASURES,
    AnalysisParameters,
    AnalysisResult,
    BetweennessInfo,
    BrokerInfo,
    CoalitionInfo,
    Stability,
)
from .source import GraphSource

NAME = "networkx"


def flag_unnamed(rows: list[dict], unnamed: set) -> list[dict]:
    """``rows`` (broker rows) with ``unnamed`` after ``country``: True for an actor the source does not name (its
    name is a description, ``dkg:unnamed true``), which a reader should not take for a name."""
    flagged = []
    for row in rows:
        out = {}
        for key, value in row.items():
            out[key] = value
            if key == "country":
                out["unnamed"] = row["uri"] in unnamed
        flagged.append(out)
    return flagged


def analyse_graph(G: nx.MultiDiGraph, parameters: AnalysisParameters) -> AnalysisResult:
    """Brokers (ranked) and coalitions of the full graph ``G`` among ``parameters.actors``, and the scores to store.

    The agents outside the actor set are taken out of the graph first. ``parameters.top`` cuts the broker rows
    (scores are kept for every agent of the set).
    """
    actors = parameters.actors
    network = actors.restrict(G)
    brokers = rank_brokers(network, projection=parameters.projection, seed=parameters.seed)
    found = find_coalitions(network, projection=parameters.projection, method=parameters.method,
                            seed=parameters.seed, stability_runs=parameters.stability_runs)
    scores = {m: {row["uri"]: row[m] for row in brokers if row.get(m) is not None} for m in BROKER_MEASURES}
    scores["coalition"] = {m["uri"]: c["id"] for c in found["coalitions"] for m in c["members"]}
    unnamed = {data.get("uri", v) for v, data in network.nodes(data=True) if data.get("unnamed") is True}
    top = parameters.top
    rows = flag_unnamed(list(brokers)[:top] if top else list(brokers), unnamed)
    meta = brokers.metadata
    broker_info = BrokerInfo(
        engine=NAME, projection=parameters.projection, actors=actors, nodes=meta["nodes"], edges=meta["edges"],
        betweenness=BetweennessInfo(**meta["betweenness"]),
        unclassified_two_paths=meta["brokerage"]["unclassified_two_paths"])
    stability = found["stability"]
    coalition_info = CoalitionInfo(
        engine=NAME, projection=parameters.projection, actors=actors, nodes=found["nodes"], edges=found["edges"],
        method=found["method"], backend=found["backend"], modularity=found["modularity"],
        resolution=found["resolution"], seed=found["seed"], note=found["note"], count=len(found["coalitions"]),
        singletons=found["singletons"], stability=Stability(**stability) if stability else None,
        cofunding_groups=found["cofunding_groups"])
    return AnalysisResult(parameters, rows, broker_info, found["coalitions"], coalition_info, graph=G,
                          scores=scores, left_out=len(G) - len(network))


def analyse(G: nx.MultiDiGraph, *, projection: str = "organisations", method: str = "louvain", seed: int = 0,
            top: int | None = None, actors: ActorSet | None = None) -> AnalysisResult:
    """:func:`analyse_graph` with the parameters as keywords (``actors`` default: organisations and people,
    collectives left out)."""
    return analyse_graph(G, AnalysisParameters(projection=projection, method=method, seed=seed, top=top,
                                               actors=actors or ActorSet()))


class NetworkxEngine:
    """The engine ``networkx`` of :data:`graph_loader.engines.ENGINES`: reads the full graph, from files or Neo4j."""

    name = NAME

    def run(self, source: GraphSource, parameters: AnalysisParameters, *, write: bool = True) -> AnalysisResult:
        """The analysis of ``source``'s full graph; with ``write`` (and Neo4j) the scores written back."""
        result = analyse_graph(source.full_graph(), parameters)
        if write and source.has_server:
            from ..neo4j.scores import write_scores

            result.written = write_scores(source.db, result.scores)
        return result


ENGINE = NetworkxEngine()
