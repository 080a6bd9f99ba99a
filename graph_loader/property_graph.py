"""An in-memory property graph: the common form of "the graph" between Neo4j, RDF files and NetworkX.

It is filled either from Neo4j (:func:`graph_loader.neo4j.read.read_property_graph`) or straight from RDF files
with no server (:func:`from_mapped`), and turned into the NetworkX graph that the analyses and the visualisation
take (:meth:`PropertyGraph.to_networkx`, the contract in ``docs/architecture.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .rdf.mapping import MappedGraph, derive_names
from .schema import RESOURCE_LABEL, GraphSchema


@dataclass
class PropertyGraph:
    """Nodes ``{uri: {"labels": (...), "props": {...}}}`` and relationships ``{uri: {"type", "start", "end",
    "props"}}``; ``props`` include ``uri``, ``name``, ``sources`` and ``evidence``."""

    nodes: dict[str, dict] = field(default_factory=dict)
    relationships: dict[str, dict] = field(default_factory=dict)

    def to_networkx(self, schema: GraphSchema) -> nx.MultiDiGraph:
        """The full multi-relational graph: node key = URI; ``labels`` most specific first; edge ``type``."""
        graph = nx.MultiDiGraph()
        for uri, node in self.nodes.items():
            labels = schema.sort_labels(node["labels"])
            attrs = dict(node["props"])
            attrs.update(uri=uri, labels=labels, kind=labels[0] if labels else RESOURCE_LABEL,
                         unnamed=bool(attrs.get("unnamed", False)))
            attrs.setdefault("name", uri)
            graph.add_node(uri, **attrs)
        for uri, rel in self.relationships.items():
            if rel["start"] in graph and rel["end"] in graph:
                graph.add_edge(rel["start"], rel["end"], key=uri, **{**rel["props"], "type": rel["type"],
                                                                      "uri": uri})
        return graph

    def counts(self) -> dict:
        return {"nodes": len(self.nodes), "relationships": len(self.relationships)}


def from_mapped(mapped: MappedGraph, source: str = "rdf") -> PropertyGraph:
    """A property graph straight from mapped RDF (no server): what a load would write, ``sources`` included."""
    graph = PropertyGraph()
    for uri, row in mapped.nodes.items():
        props = {**row["props"], "uri": uri, "evidence": row["evidence"], "sources": [source]}
        graph.nodes[uri] = {"labels": row["labels"], "props": props}
    for uri, rel in mapped.relationships.items():
        for end in (rel["start"], rel["end"]):
            if end not in graph.nodes:
                graph.nodes[end] = {"labels": (RESOURCE_LABEL,),
                                    "props": {"uri": end, "stub": True, "sources": [source], "evidence": [],
                                              **derive_names({}, end)}}
        graph.relationships[uri] = {"type": rel["type"], "start": rel["start"], "end": rel["end"],
                                    "props": {**rel["props"], "uri": uri, "evidence": rel["evidence"],
                                              "sources": [source]}}
    return graph


def from_files(paths=None, schema: GraphSchema | None = None) -> PropertyGraph:
    """Read, map and merge RDF/CSV files (default: the seed corpus) into one property graph, no server needed."""
    from .loading import DEFAULT_PATHS, prepare
    from .schema import load_schema

    schema = schema or load_schema()
    merged = MappedGraph()
    for item in prepare(paths or DEFAULT_PATHS, schema):
        merged.merge(item.mapped)
    merged.attach_to_relationships({u: (r["type"], r["start"], r["end"]) for u, r in merged.relationships.items()})
    return from_mapped(merged)
