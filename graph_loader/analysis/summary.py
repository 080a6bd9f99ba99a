"""The analyses the command line and the report run, in one place: brokers, coalitions, and their scores.

Takes the full NetworkX graph (from Neo4j or straight from RDF) and returns an :class:`AnalysisResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..ontology.schema import SCORE_PREFIX
from .actors import ActorSet
from .brokers import rank_brokers
from .coalitions import find_coalitions

BROKER_MEASURES = ("betweenness", "constraint", "effective_size", "efficiency", "brokerage", "coordinator",
                   "itinerant", "representative", "gatekeeper", "liaison", "degree")


@dataclass
class AnalysisResult:
    """Brokers and coalitions of one graph, and the per-node scores to store.

    Attributes
    ----------
    graph : nx.MultiDiGraph or None
        The full graph analysed (the pictures draw it); None under the GDS engine (:mod:`graph_loader.engines`),
        which never reads it.
    brokers : list of dict
        Every actor of the organisation network, best broker first, with its measures
        (see :func:`graph_loader.analysis.brokers.rank_brokers`).
    brokers_meta : dict
        How the measures were computed: network size, betweenness method, backend, sample and error.
    coalitions : dict
        :func:`graph_loader.analysis.coalitions.find_coalitions`'s result: ``coalitions`` (members, summary),
        ``method``, ``modularity``, ``stability``, ``singletons``.
    scores : dict
        ``{measure: {uri: value}}`` for :data:`BROKER_MEASURES` plus ``coalition`` (the coalition id), as
        written back to Neo4j as ``score_<measure>``.
    actors : ActorSet
        The agents the measures ran on (:mod:`graph_loader.analysis.actors`).
    left_out : int
        How many agents of the graph the actor set left out.
    """

    graph: nx.MultiDiGraph
    brokers: list[dict]
    brokers_meta: dict
    coalitions: dict
    scores: dict[str, dict] = field(default_factory=dict)
    actors: ActorSet = field(default_factory=ActorSet)
    left_out: int = 0

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
                for c in self.coalitions["coalitions"]]

    def membership_rows(self) -> list[dict]:
        """One row per (coalition, member): what ``coalitions.csv`` holds."""
        return [{"coalition": c["id"], "uri": m["uri"], "name": m["name"], "kind": m.get("kind"),
                 "country": m.get("country")} for c in self.coalitions["coalitions"] for m in c["members"]]

    def betweenness_note(self) -> str:
        """One line on how betweenness was computed (method, backend, sample, stated error)."""
        meta, b = self.brokers_meta, self.brokers_meta["betweenness"]
        return (f"betweenness: {b['method']} ({b['backend']}{', k=' + str(b['k']) if b.get('k') else ''}) on "
                f"{meta['nodes']} nodes, {meta['edges']} ties; weights as distances"
                + (f"; {b['error']}" if b.get("error") else ""))

    def coalitions_note(self) -> str:
        """One line on the partition: method, modularity, stability across seeds, actors left out."""
        c = self.coalitions
        stab = c.get("stability")
        stable = (f"stability across {stab.get('runs')} seeds: mean ARI {stab.get('mean_ari', float('nan')):.2f}"
                  if stab else "stability not measured")
        return (f"{c['method']} ({c['backend']}), modularity {c['modularity']:.3f}, {stable}; "
                f"{c.get('singletons', 0)} actors in no coalition" + (f"; {c['note']}" if c.get("note") else ""))


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


def analyse(G: nx.MultiDiGraph, *, projection: str = "organisations", method: str = "louvain", seed: int = 0,
            top: int | None = None, actors: ActorSet | None = None) -> AnalysisResult:
    """Brokers (all of them, ranked) and coalitions of ``G`` among ``actors``, and the per-node scores to store.

    ``actors`` (default :class:`~graph_loader.analysis.actors.ActorSet`: organisations and people, collectives
    left out) chooses the agents the measures run on; the others are taken out of the graph first. ``top`` cuts
    the broker list (scores are kept for every node of the set).
    """
    actors = actors or ActorSet()
    network = actors.restrict(G)
    brokers = rank_brokers(network, projection=projection, seed=seed)
    coalitions = find_coalitions(network, projection=projection, method=method, seed=seed)
    scores = {m: {row["uri"]: row[m] for row in brokers if row.get(m) is not None} for m in BROKER_MEASURES}
    scores["coalition"] = {m["uri"]: c["id"] for c in coalitions["coalitions"] for m in c["members"]}
    unnamed = {data.get("uri", v) for v, data in network.nodes(data=True) if data.get("unnamed") is True}
    rows = flag_unnamed(list(brokers)[:top] if top else list(brokers), unnamed)
    metadata = {**brokers.metadata, "actors": actors.to_dict()}
    return AnalysisResult(G, rows, metadata, {**coalitions, "actors": actors.to_dict()}, scores, actors,
                          len(G) - len(network))
