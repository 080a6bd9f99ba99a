"""The analyses the command line and the report run, in one place: brokers, coalitions, and their scores.

Takes the full NetworkX graph (from Neo4j or straight from RDF) and returns plain data.
"""

from __future__ import annotations

import networkx as nx

from .brokers import rank_brokers
from .coalitions import find_coalitions

BROKER_MEASURES = ("betweenness", "constraint", "effective_size", "efficiency", "brokerage", "coordinator",
                   "itinerant", "representative", "gatekeeper", "liaison", "degree")


def analyse(G: nx.MultiDiGraph, *, projection: str = "organisations", method: str = "louvain", seed: int = 0,
            top: int | None = None) -> dict:
    """Brokers (all of them, ranked) and coalitions of ``G``, and the per-node scores to store.

    Returns ``{"brokers": [...], "brokers_meta": {...}, "coalitions": {...}, "scores": {measure: {uri: value}}}``;
    ``top`` cuts the broker list (scores are kept for every node).
    """
    brokers = rank_brokers(G, projection=projection, seed=seed)
    coalitions = find_coalitions(G, projection=projection, method=method, seed=seed)
    scores = {m: {row["uri"]: row[m] for row in brokers if row.get(m) is not None} for m in BROKER_MEASURES}
    scores["coalition"] = {m["uri"]: c["id"] for c in coalitions["coalitions"] for m in c["members"]}
    return {"brokers": list(brokers)[:top] if top else list(brokers), "brokers_meta": brokers.metadata,
            "coalitions": coalitions, "scores": scores}
