"""Collapse a graph into groups (coalitions, areas, countries) for networks too large to draw node by node.

Each group becomes one super-node whose ``size`` is its member count; two groups are tied by an edge whose
``weight`` is the number of ties between their members (a *strength*: more ties, closer groups). Ties inside a
group are counted on the super-node (``internalTies``) rather than drawn as loops.

The result follows the NetworkX contract closely enough for :func:`~graph_loader.viz.html.write_html` and
:func:`~graph_loader.viz.static.write_figure`: ``name``, ``kind``/``labels`` ("Group"), and numeric ``size``.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_nodes_from([("a", {"country": "SV"}), ("b", {"country": "SV"}), ("c", {"country": "MX"})])
>>> _ = G.add_edge("a", "c", type="PARTNERS_WITH")
>>> _ = G.add_edge("c", "b", type="FUNDS")
>>> _ = G.add_edge("a", "b", type="MEMBER_OF")
>>> A = aggregate(G, "country")
>>> sv = A.nodes["country:SV"]
>>> sv["size"], sv["internalTies"], A.edges["country:SV", "country:MX"]["weight"]
(2, 1, 2)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping

import networkx as nx

from .encoding import category_of, node_kind

#: Kind (and only label) of a super-node.
GROUP_KIND = "Group"
#: Name of the group of nodes that have no value for the attribute.
MISSING_GROUP = "(none)"


def group_key(by: str, value: str | None) -> str:
    """The super-node key of the group ``value`` of attribute ``by``, e.g. ``"country:SV"``."""
    return f"{by}:{MISSING_GROUP if value is None else value}"


def aggregate(G: nx.Graph, by: str, *, groups: Mapping[Hashable, object] | None = None) -> nx.Graph:
    """One node per group of ``G``'s nodes, one weighted edge per pair of groups with ties between them.

    Parameters
    ----------
    G : NetworkX graph
        Any graph; edge directions are dropped and every edge of a multigraph counts.
    by : str
        Node attribute that names each node's group: "coalition", "area", "country", ... Nodes without it fall
        in the group :data:`MISSING_GROUP`, so no tie is lost; a list value (an actor with two home countries)
        is a group of its own ("MX, US").
    groups : mapping, optional
        Node -> group, used instead of the attribute (e.g. the coalitions an analysis found).

    Returns
    -------
    nx.Graph
        Nodes keyed ``"<by>:<group>"`` with ``name`` (the group), ``kind`` and ``labels`` ("Group"), ``by``
        (the attribute), ``size`` (member count), ``internalTies`` (ties between members) and ``kindCounts``
        (e.g. ``["HometownAssociation (12)", ...]``, most frequent first). Edges carry ``weight``: the number
        of ties between the two groups (a strength; use ``1 / weight`` where a distance is needed).
    """
    source = groups if groups is not None else {node: data.get(by) for node, data in G.nodes(data=True)}
    member_of = {node: group_key(by, category_of(source.get(node))) for node in G}

    members: dict[str, list] = defaultdict(list)
    for node, key in member_of.items():
        members[key].append(node)
    internal: Counter = Counter()
    between: Counter = Counter()
    for u, v in G.edges():
        a, b = member_of[u], member_of[v]
        if a == b:
            internal[a] += 1
        else:
            between[tuple(sorted((a, b)))] += 1

    A = nx.Graph()
    for key in sorted(members):
        kinds = Counter(node_kind(G.nodes[node]) for node in members[key])
        A.add_node(
            key,
            name=key.split(":", 1)[1],
            kind=GROUP_KIND,
            labels=(GROUP_KIND,),
            by=by,
            size=len(members[key]),
            internalTies=internal[key],
            kindCounts=[
                f"{kind} ({count})" for kind, count in sorted(kinds.items(), key=lambda kc: (-kc[1], kc[0]))
            ],
        )
    for (a, b), count in sorted(between.items()):
        A.add_edge(a, b, weight=count)
    return A
