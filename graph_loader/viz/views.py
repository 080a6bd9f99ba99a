"""Which part of the graph to look at: the whole graph, a named query's result, an organisation's neighbourhood, or
the best brokers with the actors tied to them.

Shared by ``diaspora-kg viz``, ``diaspora-kg analyze`` and the report; pure NetworkX on the full graph.
"""

from __future__ import annotations

import networkx as nx

from ..analysis.actors import ActorSet
from ..analysis.groups import annotate_groups
from ..analysis.projections import full, ordered_subgraph, organisation_network
from ..errors import DiasporaKGError
from ..model import fold


def evidence_index(G: nx.MultiDiGraph) -> dict[str, dict]:
    """``{Evidence URI: {"locator", "quote", "source"}}`` from the Evidence nodes of the full graph."""
    sources = {u: G.nodes[v].get("name", v) for u, v, d in G.edges(data=True) if d.get("type") == "QUOTED_FROM"}
    return {n: {"locator": a.get("locator"), "quote": a.get("quote"), "source": sources.get(n)}
            for n, a in G.nodes(data=True) if a.get("kind") == "Evidence"}


def find_node(G: nx.Graph, name: str) -> str:
    """The node whose URI, name, alternative name or acronym is ``name`` (case and accents ignored)."""
    if name in G:
        return name
    key = fold(name)
    matches = [n for n, a in G.nodes(data=True) if key in (a.get("nameKeys") or [fold(str(a.get("name", "")))])]
    if not matches:
        matches = [n for n, a in G.nodes(data=True) if key in fold(str(a.get("name", "")))]
    if not matches:
        raise DiasporaKGError(f"no node is named {name!r}", hint="try an acronym or part of the name")
    return sorted(matches, key=lambda n: len(str(G.nodes[n].get("name", ""))))[0]


def whole(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Actors and institutions (provenance, observations and concepts left out), with groups annotated."""
    view = full(G)
    annotate_groups(view, set_attributes=True)
    # Gazetteer places that nothing but their own country points at only crowd the picture.
    idle = [n for n in view if "Place" in view.nodes[n].get("labels", ())
            and all(d.get("type") == "PART_OF" for _, _, d in view.in_edges(n, data=True))
            and all(d.get("type") == "PART_OF" for _, _, d in view.out_edges(n, data=True))
            and not any(d.get("type") == "PART_OF" for _, _, d in view.in_edges(n, data=True))]
    view.remove_nodes_from(idle)
    return view


def brokers(G: nx.MultiDiGraph, ranked: list[str], *, top: int = 5, actors: ActorSet | None = None) -> nx.Graph:
    """The ``top`` brokers of ``ranked`` (URIs, best first) and the actors tied to them, in the organisation network.

    The network is the one the brokers were found in (:func:`~graph_loader.analysis.projections.organisation_network`
    of the actor set ``actors``, default organisations and people): its ties among these actors, with their
    ``strength``, ``kinds`` and ``via``. Nodes keep the full graph's attributes, with ``country``, ``setting`` and
    ``kind_group``, and ``broker_rank`` (1, 2, ...) on the brokers.
    """
    network = organisation_network((actors or ActorSet()).restrict(G))
    chosen = [uri for uri in ranked if uri in network][:top]
    keep = set(chosen).union(*(network[uri] for uri in chosen)) if chosen else set()
    view = ordered_subgraph(network, keep).copy()
    for node, values in annotate_groups(G, nodes=view).items():
        view.nodes[node].update(values)
    for rank, uri in enumerate(chosen, 1):
        view.nodes[uri]["broker_rank"] = rank
    return view


def neighbourhood(G: nx.MultiDiGraph, name: str, depth: int = 1) -> nx.MultiDiGraph:
    """The nodes within ``depth`` ties of the named node (direction ignored)."""
    view = whole(G)
    centre = find_node(view, name)
    nodes = nx.single_source_shortest_path_length(view.to_undirected(as_view=True), centre, cutoff=depth)
    return ordered_subgraph(view, nodes).copy()


def from_rows(G: nx.MultiDiGraph, rows: list[dict]) -> nx.MultiDiGraph:
    """The nodes a query's rows mention (by URI or by name) and the ties among them."""
    mentioned: set[str] = set()

    def collect(value):
        if isinstance(value, dict):
            for v in value.values():
                collect(v)
        elif isinstance(value, list | tuple):
            for v in value:
                collect(v)
        elif isinstance(value, str):
            mentioned.add(value)

    for row in rows:
        collect(row)
    view = whole(G)
    keys = {fold(m) for m in mentioned}
    nodes = [n for n, a in view.nodes(data=True) if n in mentioned or fold(str(a.get("name", ""))) in keys]
    if not nodes:
        raise DiasporaKGError("the query's rows name no node of the graph",
                              hint="return uri or name columns to draw a query's result")
    return ordered_subgraph(view, nodes).copy()
