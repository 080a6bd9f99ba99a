"""Reading the graph (or a part of it) back from Neo4j into a :class:`graph_loader.model.PropertyGraph`.

Nodes and relationships are keyed by their ``uri``. One written by another tool without a ``uri`` is still read
(so that export and analysis see everything the database holds), keyed by a blank-node IRI made from its Neo4j
element id (``…/.well-known/genid/neo4j-…``), which the RDF export writes as a blank node for n-ary relationships
and as that IRI for nodes.

A WGS-84 point (a place's ``location``) is read back as a :class:`~graph_loader.model.GeoPoint`, the form the rest
of the package uses, so exports and analyses need not know the driver's types.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from neo4j.spatial import Point

from ..merge import ASSERTED_KEY
from ..model import GeoPoint, PropertyGraph
from ..ontology.schema import RESOURCE_LABEL, GraphSchema
from ..rdf.mapping import GENID, MERGE_RECORDS_KEY
from .connection import Database
from .schema import quote_name

_NODE_MATCH = f"MATCH (n:{RESOURCE_LABEL})"
_NODE_COLUMNS = "RETURN n.uri AS uri, elementId(n) AS id, labels(n) AS labels, properties(n) AS props"
_RELATIONSHIP_MATCH = f"MATCH (a:{RESOURCE_LABEL})-[r]->(b:{RESOURCE_LABEL})"
_RELATIONSHIP_COLUMNS = ("RETURN r.uri AS uri, elementId(r) AS id, type(r) AS type, "
                         "coalesce(a.uri, elementId(a)) AS start, coalesce(b.uri, elementId(b)) AS end, "
                         "a.uri IS NULL AS start_unnamed, b.uri IS NULL AS end_unnamed, properties(r) AS props")
#: Every node, every relationship between nodes.
NODES = f"{_NODE_MATCH} {_NODE_COLUMNS}"
RELATIONSHIPS = f"{_RELATIONSHIP_MATCH} {_RELATIONSHIP_COLUMNS}"
#: The nodes in ``$uris`` and the relationships among them (the same columns).
NODES_AMONG = f"{_NODE_MATCH} WHERE n.uri IN $uris {_NODE_COLUMNS}"
RELATIONSHIPS_AMONG = f"{_RELATIONSHIP_MATCH} WHERE a.uri IN $uris AND b.uri IN $uris {_RELATIONSHIP_COLUMNS}"


#: The SRID of WGS-84 geographic points (x = longitude, y = latitude).
WGS84_SRID = 4326


def plain_props(props) -> dict:
    """A node's or relationship's properties with WGS-84 points as :class:`~graph_loader.model.GeoPoint`."""
    return {key: GeoPoint(longitude=value.x, latitude=value.y)
            if isinstance(value, Point) and value.srid == WGS84_SRID else value for key, value in dict(props).items()}


def fallback_uri(element_id: str) -> str:
    """The key of a node or relationship that has no ``uri``: a blank-node IRI from its element id."""
    return f"{GENID}neo4j-{re.sub(r'[^A-Za-z0-9]', '-', element_id)}"


def read_property_graph(db: Database, *, uris: list[str] | None = None) -> PropertyGraph:
    """The whole graph, or the nodes in ``uris`` and the relationships among them; streamed in one read session.

    Without the loader's record of what each source asserted (``assertedBy``): exports and analyses see the
    values, the sources and the evidence. :func:`read_touched` keeps it (a reload's validation needs it)."""
    graph = PropertyGraph()
    node_query, rel_query, params = NODES, RELATIONSHIPS, {}
    if uris is not None:
        node_query, rel_query, params = NODES_AMONG, RELATIONSHIPS_AMONG, {"uris": list(uris)}
    with db.session(read_only=True) as session:
        for record in session.run(node_query, params):
            uri = record["uri"] if record["uri"] is not None else fallback_uri(record["id"])
            graph.nodes[uri] = {"labels": tuple(record["labels"]), "props": plain_props(_public(record["props"]))}
        for record in session.run(rel_query, params):
            uri = record["uri"] if record["uri"] is not None else fallback_uri(record["id"])
            start = fallback_uri(record["start"]) if record["start_unnamed"] else record["start"]
            end = fallback_uri(record["end"]) if record["end_unnamed"] else record["end"]
            graph.relationships[uri] = {"type": record["type"], "start": start, "end": end,
                                        "props": plain_props(_public(record["props"]))}
    return graph


def _public(props: dict) -> dict:
    """Properties without what each source asserted (``assertedBy``: the loader's bookkeeping for unloads)."""
    props = dict(props)
    props.pop(ASSERTED_KEY, None)
    props.pop(MERGE_RECORDS_KEY, None)  # what undoing a merge needs: bookkeeping too
    return props


NODES_BY_URI = (f"UNWIND $uris AS u MATCH (n:{RESOURCE_LABEL} {{uri: u}}) "
                "RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props")
TIES_FROM = (f"UNWIND $uris AS u MATCH (a:{RESOURCE_LABEL} {{uri: u}})-[r]->(b:{RESOURCE_LABEL}) "
             "WHERE r.uri IS NOT NULL AND b.uri IS NOT NULL "
             "RETURN r.uri AS uri, type(r) AS type, a.uri AS start, b.uri AS end, properties(r) AS props")
#: Per type, so that the type's ``uri`` index serves the lookup.
RELATIONSHIPS_BY_URI = ("MATCH (a:{resource})-[r:{type}]->(b:{resource}) WHERE r.uri IN $uris "
                        "RETURN r.uri AS uri, type(r) AS type, a.uri AS start, b.uri AS end, properties(r) AS props")


def read_touched(db: Database, schema: GraphSchema, subjects: Iterable[str],
                 referenced: Iterable[str] = ()) -> PropertyGraph:
    """The part of the graph that an input about ``subjects`` must be validated with.

    Whole (labels, properties, outgoing relationships): the nodes among ``subjects``, and the n-ary relationships
    (contributions, memberships, ...) whose ``uri`` is among them. Labels only: the other ends of those
    relationships, their evidence records and the ``referenced`` resources, so that class constraints on them
    can be checked.
    """
    subjects = sorted(set(subjects))
    graph = PropertyGraph()
    with db.session(read_only=True) as session:
        for record in session.run(NODES_BY_URI, uris=subjects):
            graph.nodes[record["uri"]] = {"labels": tuple(record["labels"]), "props": plain_props(record["props"])}
        rows = list(session.run(TIES_FROM, uris=sorted(graph.nodes)))
        for spec in schema.nary.values():
            query = RELATIONSHIPS_BY_URI.format(resource=RESOURCE_LABEL, type=quote_name(spec.type))
            rows += list(session.run(query, uris=subjects))
        for record in rows:
            graph.relationships[record["uri"]] = {"type": record["type"], "start": record["start"],
                                                  "end": record["end"], "props": plain_props(record["props"])}
        ends = {r[k] for r in graph.relationships.values() for k in ("start", "end")} | set(referenced)
        ends |= {e for item in (*graph.nodes.values(), *graph.relationships.values())
                 for e in item["props"].get("evidence") or ()}
        for record in session.run(NODES_BY_URI, uris=sorted(ends - graph.nodes.keys())):
            graph.nodes[record["uri"]] = {"labels": tuple(record["labels"]), "props": {"uri": record["uri"]}}
    return graph
