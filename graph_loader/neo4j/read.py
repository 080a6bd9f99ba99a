"""Reading the graph (or a part of it) back from Neo4j into a :class:`graph_loader.property_graph.PropertyGraph`."""

from __future__ import annotations

from ..property_graph import PropertyGraph
from ..schema import RESOURCE_LABEL
from .connection import Database

NODES = f"MATCH (n:{RESOURCE_LABEL}) RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props"
RELATIONSHIPS = (f"MATCH (a:{RESOURCE_LABEL})-[r]->(b:{RESOURCE_LABEL}) "
                 "RETURN r.uri AS uri, type(r) AS type, a.uri AS start, b.uri AS end, properties(r) AS props")


def read_property_graph(db: Database, *, uris: list[str] | None = None) -> PropertyGraph:
    """The whole graph, or the nodes in ``uris`` and the relationships among them; streamed in one read session."""
    graph = PropertyGraph()
    node_query, rel_query, params = NODES, RELATIONSHIPS, {}
    if uris is not None:
        node_query = NODES.replace("RETURN", "WHERE n.uri IN $uris RETURN", 1)
        rel_query = RELATIONSHIPS.replace("RETURN", "WHERE a.uri IN $uris AND b.uri IN $uris RETURN", 1)
        params = {"uris": list(uris)}
    with db.session(read_only=True) as session:
        for record in session.run(node_query, params):
            graph.nodes[record["uri"]] = {"labels": tuple(record["labels"]), "props": dict(record["props"])}
        for record in session.run(rel_query, params):
            graph.relationships[record["uri"]] = {"type": record["type"], "start": record["start"],
                                                  "end": record["end"], "props": dict(record["props"])}
    return graph
