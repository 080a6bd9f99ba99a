"""The values that cross stage boundaries: RDF terms and triples as plain Python, and the property graph.

Triples are plain values so that mapping millions of them stays cheap: an IRI is a ``str``, a blank node a ``str``
starting with ``_:`` (made unique per file), a literal a :class:`Lit`. :class:`NodeRow` and
:class:`RelationshipRow` are what one source says of a node or a relationship (made by the mapping, merged by
:mod:`graph_loader.merge`, written by the Bolt writer and the bulk importer). The :class:`PropertyGraph` is the common
form of "the graph" between Neo4j (:mod:`graph_loader.neo4j.read`), RDF files (:mod:`graph_loader.rdf.sources`)
and NetworkX (:meth:`PropertyGraph.to_networkx`, the contract in ``docs/architecture.md``).

This module imports nothing of the package: every stage may use it.

>>> Lit("1990", "http://www.w3.org/2001/XMLSchema#gYear").value
'1990'
>>> graph = PropertyGraph()
>>> graph.nodes["urn:x"] = {"labels": ("Federation", "Resource"), "props": {"name": "X"}}
>>> graph.counts()
{'nodes': 1, 'relationships': 0}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # for annotations only: the schema is a later stage than the model
    import networkx as nx

    from .ontology.schema import GraphSchema

#: The label every node carries beside its classes' labels; its ``uri`` is unique.
RESOURCE_LABEL = "Resource"

#: The W3C namespaces the plain-value code needs, written once (the ontology's own are in ontology/terms.py).
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF_NS + "type"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
#: The W3C Basic Geo vocabulary (``geo:lat``, ``geo:long``), which the ontology borrows for coordinates.
GEO_NS = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def stored_labels(labels) -> list[str]:
    """A node's labels as Neo4j holds them: its own, most specific first, and always :data:`RESOURCE_LABEL` (the
    label of the ``uri`` constraint every write looks nodes up by).

    >>> stored_labels(("Federation", "Organisation"))
    ['Federation', 'Organisation', 'Resource']
    """
    return list(dict.fromkeys([*labels, RESOURCE_LABEL]))


def local_name(iri: str) -> str:
    """The last segment of an IRI, after its last ``#`` or ``/``.

    >>> local_name("https://w3id.org/diaspora-kg/ontology#Federation")
    'Federation'
    """
    return re.split(r"[#/]", str(iri))[-1]


def as_list(value) -> list:
    """A property that may hold one value or several (a list, tuple or set), as a list (``None`` -> ``[]``; a string stays whole).

    >>> as_list(None), as_list("SALA"), as_list(("SALA", "SALA, LA"))
    ([], ['SALA'], ['SALA', 'SALA, LA'])
    """
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a name, for lookups that ignore case and accents.

    The one accent folding of the package: the loader's ``nameKeys`` and entity resolution both use it.

    >>> fold("  Federación de Clubes MICHOACANOS ")
    'federacion de clubes michoacanos'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip().casefold()


class Lit(NamedTuple):
    """A literal: its lexical ``value``, ``datatype`` IRI (None for plain strings) and ``lang`` tag."""

    value: str
    datatype: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class GeoPoint:
    """A WGS84 point in decimal degrees: what a node's ``location`` holds between the stages.

    The mapping derives it from a place's ``lat`` and ``long``; the Neo4j writer stores it as a point (WGS-84,
    srid 4326, x = longitude, y = latitude) and the reader turns such a point back into a ``GeoPoint``. Not a
    tuple, so that :func:`as_list` keeps it whole.

    >>> GeoPoint(longitude=-103.46199, latitude=22.374919)
    GeoPoint(longitude=-103.46199, latitude=22.374919)
    >>> str(GeoPoint(-103.46199, 22.374919))
    'POINT(-103.46199 22.374919)'
    """

    longitude: float
    latitude: float

    def __str__(self) -> str:  # WKT, as exports and tables show it
        return f"POINT({self.longitude!r} {self.latitude!r})"


Term = str | Lit
Triple = tuple[str, str, Term]


@dataclass(slots=True)
class NodeRow:
    """What one source says of one node: the row the mapping makes and every writer takes.

    ``labels`` most specific first, ending with :data:`RESOURCE_LABEL`; ``props`` the node's properties as plain
    values (names and ``location`` derived already); ``evidence`` the URIs of its ``dkg:Evidence`` records;
    ``stub``: a reference row, a node the source points at (the end of one of its ties) without describing it.
    How rows merge into nodes is :mod:`graph_loader.merge`'s, and only its.
    """

    uri: str
    labels: tuple[str, ...]
    props: dict = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    stub: bool = False

    @classmethod
    def reference(cls, uri: str) -> NodeRow:
        """The reference (stub) row of a node a source points at without describing it."""
        return cls(uri, (RESOURCE_LABEL,), stub=True)


@dataclass(slots=True)
class RelationshipRow:
    """What one source says of one relationship: its ``type`` (from the ontology), its ``start`` and ``end`` node
    URIs, its ``props`` and ``evidence``; keyed by its ``uri`` (a tie's stable id or an n-ary instance's IRI)."""

    uri: str
    type: str
    start: str
    end: str
    props: dict = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)


@dataclass
class PropertyGraph:
    """Nodes ``{uri: {"labels": (...), "props": {...}}}`` and relationships ``{uri: {"type", "start", "end",
    "props"}}``; ``props`` include ``uri``, ``name``, ``sources`` and ``evidence``."""

    nodes: dict[str, dict] = field(default_factory=dict)
    relationships: dict[str, dict] = field(default_factory=dict)

    def to_networkx(self, schema: GraphSchema, *, consume: bool = False) -> nx.MultiDiGraph:
        """The full multi-relational graph: node key = URI; ``labels`` most specific first; edge ``type``.

        ``consume``: empty this graph as it is converted, so that the two copies never exist whole at once (the GDS
        engine converts neighbourhoods of 10^5 items in a process meant to stay small).
        """
        import networkx as nx

        graph = nx.MultiDiGraph()
        for uri, node in _items(self.nodes, consume):
            labels = schema.sort_labels(node["labels"])
            attrs = dict(node["props"])
            attrs.update(uri=uri, labels=labels, kind=labels[0] if labels else RESOURCE_LABEL,
                         unnamed=bool(attrs.get("unnamed", False)))
            attrs.setdefault("name", uri)
            graph.add_node(uri, **attrs)
        for uri, rel in _items(self.relationships, consume):
            if rel["start"] in graph and rel["end"] in graph:
                graph.add_edge(rel["start"], rel["end"], key=uri, **{**rel["props"], "type": rel["type"],
                                                                      "uri": uri})
        return graph

    def counts(self) -> dict:
        return {"nodes": len(self.nodes), "relationships": len(self.relationships)}


def _items(table: dict, consume: bool) -> Iterator[tuple[str, dict]]:
    """The items of ``table`` in order; with ``consume``, each one removed from it as it is handed out."""
    if not consume:
        yield from table.items()
        return
    for key in list(table):
        yield key, table.pop(key)
