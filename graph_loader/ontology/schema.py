"""The property-graph schema, derived from the ontology and from nowhere else.

``ontology/diaspora.ttl`` says which classes exist and how they nest, which object properties tie things, which
datatype properties describe them, and (through ``dkg:`` annotations) how they look in Neo4j. This module reads it
once and answers every naming question the loader, the exporter, the queries and the visualisation ask:

* node labels: PascalCase local names, a node carrying its classes' and all their superclasses' labels;
* relationship types: UPPER_SNAKE local names of object properties (or ``dkg:neo4jType``);
* n-ary classes (``dkg:asRelationship true``) that become one relationship with properties;
* property names and the XSD datatype of each, so literals round-trip;
* the constraints and indexes the graph needs (:func:`index_specs`; :mod:`graph_loader.neo4j.schema` writes them
  as Cypher), and a colour/shape per class.

Examples
--------
>>> schema = load_schema()
>>> schema.labels_for([DKG_NS + "HometownAssociation"])[:2]
('HometownAssociation', 'DiasporaOrganisation')
>>> schema.object_properties[DKG_NS + "memberOf"].type
'MEMBER_OF'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from ..merge import LOCATION_KEY
from ..model import GEO_NS, RESOURCE_LABEL, local_name
from .load import ontology_graph
from .terms import DKG_NS

DKG = Namespace(DKG_NS)

#: Namespaces besides ours whose datatype properties the ontology borrows and declares (W3C geo: lat, long).
BORROWED_NAMESPACES = (GEO_NS,)
#: Bookkeeping properties on every node and relationship.
PROVENANCE_KEYS = ("uri", "sources", "evidence")
#: Predicates outside our namespace with a fixed property name (labels and definitions).
EXTERNAL_PROPERTY_NAMES = {
    SKOS.prefLabel: "prefLabel",
    SKOS.altLabel: "altLabel",
    SKOS.hiddenLabel: "hiddenLabel",
    SKOS.notation: "notation",
    SKOS.definition: "definition",
    SKOS.note: "skosNote",
    RDFS.label: "label",
    RDFS.comment: "comment",
    RDFS.seeAlso: "seeAlso",
}
DEFAULT_STYLE = {"color": "#999999", "shape": "dot"}


def upper_snake(name: str) -> str:
    """``memberOf`` -> ``MEMBER_OF``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def pascal(name: str) -> str:
    """``hometownAssociation`` or ``HometownAssociation`` -> ``HometownAssociation``."""
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class ClassInfo:
    """A class of the ontology as Neo4j sees it.

    ``labels`` holds the class's own label first, then its superclasses' (nearest first), all from our namespace.
    """

    iri: str
    label: str
    labels: tuple[str, ...]
    depth: int
    style: dict | None = None
    relationship: NaryRelationship | None = None


@dataclass(frozen=True)
class NaryRelationship:
    """An n-ary class stored as one relationship: ``(source)-[type {its properties}]->(target)``."""

    class_iri: str
    type: str
    source_property: str
    target_property: str


@dataclass(frozen=True)
class ObjectProperty:
    """An object property; ``store_as`` is ``relationship`` or ``uriList`` (a list of URIs on the node)."""

    iri: str
    name: str
    type: str
    store_as: str = "relationship"
    symmetric: bool = False


@dataclass(frozen=True)
class DatatypeProperty:
    """A datatype property; ``datatype`` is the XSD IRI of its range (None when the ontology gives none)."""

    iri: str
    name: str
    datatype: str | None


@dataclass
class GraphSchema:
    """Everything the ontology says about the property graph. Build it with :func:`load_schema`."""

    classes: dict[str, ClassInfo]
    object_properties: dict[str, ObjectProperty]
    datatype_properties: dict[str, DatatypeProperty]
    _by_label: dict[str, ClassInfo] = field(default_factory=dict, repr=False)
    _by_type: dict[str, ObjectProperty] = field(default_factory=dict, repr=False)
    _by_name: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._by_label = {c.label: c for c in self.classes.values()}
        for prop in self.object_properties.values():
            if prop.store_as == "relationship":
                self._by_type.setdefault(prop.type, prop)
        self._by_name = {p.name: p.iri for p in (*self.object_properties.values(), *self.datatype_properties.values())}
        self._by_name.update({name: str(iri) for iri, name in EXTERNAL_PROPERTY_NAMES.items()})

    # -- names ----------------------------------------------------------------------------------------------
    @property
    def node_labels(self) -> set[str]:
        """Labels of node classes (n-ary relationship classes excluded), plus ``Resource``."""
        return {c.label for c in self.classes.values() if c.relationship is None} | {RESOURCE_LABEL}

    @property
    def relationship_types(self) -> set[str]:
        """Types of relationships the loader can write (n-ary endpoint properties never become one)."""
        endpoints = {e for n in self.nary.values() for e in (n.source_property, n.target_property)}
        types = {p.type for p in self.object_properties.values()
                 if p.store_as == "relationship" and p.iri not in endpoints}
        return types | {n.type for n in self.nary.values()}

    @property
    def nary(self) -> dict[str, NaryRelationship]:
        """n-ary classes by IRI."""
        return {iri: c.relationship for iri, c in self.classes.items() if c.relationship}

    def labels_for(self, class_iris) -> tuple[str, ...]:
        """The labels of a node typed with ``class_iris``: most specific first, each once, ``Resource`` last."""
        infos = sorted((self.classes[str(c)] for c in class_iris if str(c) in self.classes),
                       key=lambda c: -c.depth)
        labels: list[str] = []
        for info in infos:
            for label in info.labels:
                if label not in labels:
                    labels.append(label)
        return (*labels, RESOURCE_LABEL)

    def class_for_label(self, label: str) -> ClassInfo | None:
        return self._by_label.get(label)

    def most_specific(self, labels) -> list[str]:
        """The labels among ``labels`` that are not superclass labels of another one (for export)."""
        implied = {sup for lab in labels if (c := self._by_label.get(lab)) for sup in c.labels[1:]}
        return [lab for lab in labels if lab in self._by_label and lab not in implied]

    def sort_labels(self, labels) -> tuple[str, ...]:
        """``labels`` most specific first (by depth in the class tree), unknown labels dropped."""
        known = [lab for lab in labels if lab in self._by_label]
        return tuple(sorted(known, key=lambda lab: (-self._by_label[lab].depth, lab)))

    def property_for_type(self, rel_type: str) -> ObjectProperty | None:
        return self._by_type.get(rel_type)

    def nary_for_type(self, rel_type: str) -> NaryRelationship | None:
        return next((n for n in self.nary.values() if n.type == rel_type), None)

    def iri_for_property_name(self, name: str) -> str | None:
        return self._by_name.get(name)

    def datatype_of(self, name: str) -> str | None:
        iri = self._by_name.get(name)
        prop = self.datatype_properties.get(iri) if iri else None
        return prop.datatype if prop else None

    # -- styles ---------------------------------------------------------------------------------------------
    def styles(self) -> dict[str, dict]:
        """``{label: {"color", "shape"}}`` for every class, inherited from the nearest styled superclass."""
        styles = {}
        for info in self.classes.values():
            for label in info.labels:
                style = self._by_label[label].style if label in self._by_label else None
                if style:
                    styles[info.label] = style
                    break
            else:
                styles[info.label] = dict(DEFAULT_STYLE)
        return styles


def _literal(graph: Graph, subject, predicate) -> str | None:
    value = graph.value(subject, predicate)
    return str(value) if isinstance(value, Literal) else None


def _superclasses(graph: Graph, iri: URIRef) -> list[URIRef]:
    """Our-namespace superclasses of ``iri``, nearest first (breadth-first), without ``iri`` itself."""
    seen: list[URIRef] = []
    frontier = [iri]
    while frontier:
        nxt = []
        for cls in frontier:
            for sup in graph.objects(cls, RDFS.subClassOf):
                if isinstance(sup, URIRef) and str(sup).startswith(DKG_NS) and sup not in seen and sup != iri:
                    seen.append(sup)
                    nxt.append(sup)
        frontier = nxt
    return seen


def schema_from_graph(graph: Graph) -> GraphSchema:
    """Build the schema from an ontology graph (see the module docstring for the rules)."""
    class_iris = sorted(
        {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(DKG_NS)}
    )

    def label_of(cls: URIRef) -> str:
        return _literal(graph, cls, DKG.neo4jLabel) or pascal(local_name(cls))

    classes = {}
    for cls in class_iris:
        supers = _superclasses(graph, cls)
        relationship = None
        if str(graph.value(cls, DKG.asRelationship)).lower() == "true":
            relationship = NaryRelationship(
                class_iri=str(cls),
                type=_literal(graph, cls, DKG.neo4jType) or upper_snake(local_name(cls)),
                source_property=str(graph.value(cls, DKG.relationshipSource)),
                target_property=str(graph.value(cls, DKG.relationshipTarget)),
            )
        color, shape = _literal(graph, cls, DKG.vizColor), _literal(graph, cls, DKG.vizShape)
        style = {"color": color or DEFAULT_STYLE["color"], "shape": shape or DEFAULT_STYLE["shape"]} \
            if (color or shape) else None
        classes[str(cls)] = ClassInfo(
            iri=str(cls), label=label_of(cls), labels=(label_of(cls), *(label_of(s) for s in supers)),
            depth=len(supers), style=style, relationship=relationship,
        )

    object_properties = {}
    for prop in sorted(set(graph.subjects(RDF.type, OWL.ObjectProperty))):
        if not str(prop).startswith(DKG_NS):
            continue
        name = local_name(prop)
        object_properties[str(prop)] = ObjectProperty(
            iri=str(prop), name=name,
            type=_literal(graph, prop, DKG.neo4jType) or upper_snake(name),
            store_as=_literal(graph, prop, DKG.neo4jStoreAs) or "relationship",
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in graph,
        )
    datatype_properties = {}
    for prop in sorted(set(graph.subjects(RDF.type, OWL.DatatypeProperty))):
        if not str(prop).startswith((DKG_NS, *BORROWED_NAMESPACES)):
            continue
        rng = graph.value(prop, RDFS.range)
        datatype_properties[str(prop)] = DatatypeProperty(
            iri=str(prop), name=local_name(prop),
            datatype=str(rng) if isinstance(rng, URIRef) and str(rng).startswith(str(XSD)) else None,
        )
    return GraphSchema(classes, object_properties, datatype_properties)


@cache
def load_schema(directory: Path | None = None) -> GraphSchema:
    """The schema of the ontology in ``directory`` (default: :func:`~.load.ontology_dir`; cached per folder)."""
    return schema_from_graph(ontology_graph(directory))


class IndexKind(StrEnum):
    """What an index does (:mod:`graph_loader.neo4j.schema` renders it as Cypher)."""

    UNIQUE = "unique"  #: a uniqueness constraint (with the RANGE index Neo4j makes for it)
    RANGE = "range"  #: equality and range lookups
    FULLTEXT = "fulltext"  #: full-text search over text properties
    POINT = "point"  #: distance and bounding-box searches on point properties


@dataclass(frozen=True)
class IndexSpec:
    """One constraint or index the graph needs: on the nodes of ``label`` or on the relationships of ``type``.

    ``analyzer`` names the full-text analyzer (Lucene's, e.g. ``standard-folding``: case and accents ignored).
    """

    name: str
    kind: IndexKind
    properties: tuple[str, ...]
    label: str | None = None
    type: str | None = None
    analyzer: str | None = None

    def __post_init__(self):
        if (self.label is None) == (self.type is None):
            raise ValueError(f"index {self.name}: give a node label or a relationship type, not both or neither")


#: The full-text index of names that name lookups search (accents and case folded by the analyzer).
NAMES_INDEX = IndexSpec("resource_names", IndexKind.FULLTEXT, ("name", "altNames"), label=RESOURCE_LABEL,
                        analyzer="standard-folding")


def index_specs(schema: GraphSchema) -> list[IndexSpec]:
    """The constraints and indexes the property graph of ``schema`` needs: ``uri`` unique on every node, the names
    (full text, and ``name`` for equality), a place's derived point, and ``uri`` on each relationship type."""
    specs = [
        IndexSpec("resource_uri", IndexKind.UNIQUE, ("uri",), label=RESOURCE_LABEL),
        NAMES_INDEX,
        IndexSpec("resource_name", IndexKind.RANGE, ("name",), label=RESOURCE_LABEL),
    ]
    place = schema.classes.get(DKG_NS + "Place")
    if place is not None:  # distance and bounding-box searches on the places' derived points
        specs.append(IndexSpec(f"place_{LOCATION_KEY}", IndexKind.POINT, (LOCATION_KEY,), label=place.label))
    specs += [IndexSpec(f"rel_uri_{rel_type.lower()}", IndexKind.RANGE, ("uri",), type=rel_type)
              for rel_type in sorted(schema.relationship_types)]
    return specs
