"""From triples to property-graph rows, through the ontology (:mod:`graph_loader.ontology.schema`).

* A subject typed with an ontology class becomes a node row (:class:`~graph_loader.model.NodeRow`); its labels are
  the labels of its classes and their superclasses. A subject with properties but no ontology class still becomes a
  node (label ``Resource`` only), so nothing is dropped; validation reports it.
* An instance of an n-ary class (``dkg:asRelationship``) becomes one relationship row
  (:class:`~graph_loader.model.RelationshipRow`) between the values of its
  source and target properties, carrying its other properties and its own ``uri``.
* An object property between two resources becomes a relationship row whose ``uri`` is a stable id of the triple
  (``urn:dkg:tie:<hash>``); a symmetric property stated both ways is stored once.
* ``rdf:Statement`` reifications attach everything they state to the relationship of the triple they describe:
  ``dkg:evidence`` to its ``evidence``, every other property (``dkg:note``, a foreign predicate, an extra
  ``rdf:type``) named exactly as on a node. Several statements about one triple are unioned (rows merge only through
  :mod:`graph_loader.merge`).
* A predicate outside the ontology is kept as ``<prefix>__<local name>`` (``dcterms__description``), the prefix
  recorded in :attr:`MappedGraph.prefixes` (``{prefix: namespace}``, the one orientation used everywhere); when
  its values are IRIs, the property's name is listed in ``iriKeys`` so that the export gives back IRIs, not strings.
* Literals keep their type (int, float, bool, date, str); a datatype the ontology does not give the property
  (a foreign ``xsd:dateTime``, a custom datatype, whose values are kept as their lexical form) is recorded in
  ``datatypes``; several values make a list; a language-tagged value of
  property ``p`` is stored under ``p_<lang>`` and ``p`` holds the untagged value(s) or, when there is none, the
  display value (@en, else @es, else the first). ``name``, ``altNames``, ``acronyms`` and ``nameKeys`` are derived
  from the labels by :func:`derive_names`.
* A place with one ``geo:lat`` and one ``geo:long`` (stored as the floats ``lat`` and ``long``) also gets
  ``location``, a :class:`~graph_loader.model.GeoPoint` that the writer stores as a Neo4j WGS-84 point
  (:func:`derive_location`). Like the names, it is derived, never read from a source, and recomputed whenever the
  node's values change.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from ..merge import (
    ASSERTED_KEY,
    DERIVED_KEYS,
    LOCATION_KEY,
    absorb,
    collapse,
    derive_location,
    derive_names,
)
from ..model import (
    RDF_NS,
    RDF_TYPE,
    RESOURCE_LABEL,
    Lit,
    NodeRow,
    RelationshipRow,
    Triple,
    as_list,
    local_name,
)
from ..ontology.schema import EXTERNAL_PROPERTY_NAMES, GraphSchema
from ..ontology.terms import DKG, DKG_NS
from .xsd import datatype_of_value, stored_value

EVIDENCE = str(DKG.evidence)
ACRONYM = str(DKG.acronym)
TIE_PREFIX = "urn:dkg:tie:"
GENID = "https://w3id.org/diaspora-kg/.well-known/genid/"
REIFICATION = {RDF_NS + "subject": "s", RDF_NS + "predicate": "p", RDF_NS + "object": "o"}
STATEMENT = RDF_NS + "Statement"
EXTERNAL_NAMES = {str(k): v for k, v in EXTERNAL_PROPERTY_NAMES.items()}
#: Bookkeeping property: the names of properties (outside the ontology) whose values are IRIs, not strings.
IRI_KEYS = "iriKeys"
#: Bookkeeping property: ``"<key> <datatype IRI>"`` for each property whose literals have a datatype the ontology
#: does not give it (a foreign ``xsd:dateTime``, ``xsd:int``, a custom datatype), so that the export types them
#: as they came (a key may hold spaces, an IRI never does).
DATATYPE_KEYS = "datatypes"
#: Bookkeeping of a node that accepted decisions made of several (:mod:`graph_loader.neo4j.merges`): the URIs
#: merged into it, the decisions files that merged them, and what undoing each merge needs (JSON). The merges
#: themselves are facts, exported as ``owl:sameAs`` (``owl__sameAs``).
MERGED_URIS_KEY, MERGE_SOURCES_KEY, MERGE_RECORDS_KEY = "mergedUris", "mergeSources", "mergedBy"
MERGE_KEYS = (MERGED_URIS_KEY, MERGE_SOURCES_KEY, MERGE_RECORDS_KEY)
#: Predicates the export makes for property keys that have neither an ontology term nor a prefix (written into
#: Neo4j by another tool); ``urn:dkg:property:tags`` loads back as the key ``tags``.
PROPERTY_NS = "urn:dkg:property:"
#: Keys the loader keeps for itself; a ``urn:dkg:property:`` predicate never takes one of them.
RESERVED_KEYS = {"uri", "sources", "evidence", "stub", "rdfType", IRI_KEYS, DATATYPE_KEYS, ASSERTED_KEY, LOCATION_KEY,
                 *MERGE_KEYS}
#: Prefixes for predicates outside our namespace, so ``schema:foo`` is stored as ``schema__foo`` (loses nothing).
#: ``{namespace: prefix}``, one prefix per namespace and one namespace per prefix (the export reverses it).
KNOWN_PREFIXES = {
    "http://www.w3.org/2004/02/skos/core#": "skos",
    "http://www.w3.org/ns/prov#": "prov",
    "http://www.w3.org/ns/org#": "org",
    "http://purl.org/linked-data/cube#": "qb",
    "https://schema.org/": "schema",
    "http://schema.org/": "schemahttp",  # not "schema": the two would share property names and export as one
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://www.w3.org/2002/07/owl#": "owl",
    RDF_NS: "rdf",
}


def tie_uri(subject: str, predicate: str, obj: str) -> str:
    """The stable id of a direct tie (one object-property triple)."""
    return TIE_PREFIX + hashlib.sha1(f"{subject}\n{predicate}\n{obj}".encode()).hexdigest()[:24]


def blank_form(triples: Iterable[Triple]) -> Iterator[Triple]:
    """``triples`` with every blank-node IRI (``…/.well-known/genid/<label>``) written as the blank node ``_:<label>``
    it stands for, so that validation sees one node where a load makes one: a blank node of a file, the IRI the
    graph gives it, and a file (an export) that names it by that IRI."""
    start = len(GENID)
    for s, p, o in triples:
        if s.startswith(GENID):
            s = "_:" + s[start:]
        if o.__class__ is str and o.startswith(GENID):
            o = "_:" + o[start:]
        yield s, p, o


def python_value(lit: Lit):
    """The value Neo4j stores for a literal: int, float, bool, date, datetime, or the lexical form.

    The lexical form when the literal is outside its datatype's XSD lexical space (``"31_342"^^xsd:integer``)
    or its value cannot be stored (an integer beyond 64 bits, a number that is not finite): validation reports
    both, so this only keeps the writer safe. See :func:`graph_loader.rdf.xsd.stored_value`; never raises.
    """
    return stored_value(lit.value, lit.datatype)


#: Property names whose values may become a node's ``name`` (:func:`derive_names`), and their predicates.
NAME_FAMILIES = ("prefLabel", "label", "acronym", "altLabel", "hiddenLabel")
NAME_PREDICATES = frozenset({ACRONYM, *(str(iri) for iri, name in EXTERNAL_PROPERTY_NAMES.items()
                                        if name in NAME_FAMILIES)})


@dataclass
class MappedGraph:
    """The rows one input maps to: nodes and relationships keyed by URI, and what could not be mapped."""

    nodes: dict[str, NodeRow] = field(default_factory=dict)
    relationships: dict[str, RelationshipRow] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    triples: int = 0
    prefixes: dict[str, str] = field(default_factory=dict)

    def attach_to_relationships(self, known: dict[str, tuple[str, str, str]]) -> int:
        """Turn untyped subjects that are n-ary relationships defined elsewhere into updates of them.

        ``known`` maps a relationship URI to ``(type, start, end)``. A file may add evidence or a property to a
        contribution, demand or membership that another file defines; without this it would become a bare node.
        Returns how many subjects were attached.
        """
        attached = 0
        for uri in [u for u, row in self.nodes.items() if row.labels == (RESOURCE_LABEL,) and u in known]:
            row = self.nodes.pop(uri)
            rel_type, start, end = known[uri]
            mine = self.relationships.setdefault(uri, RelationshipRow(uri, rel_type, start, end))
            absorb(mine, {k: v for k, v in row.props.items() if k not in DERIVED_KEYS}, row.evidence)
            attached += 1
        return attached


@dataclass(slots=True)
class Said:
    """What the reified statements about one triple say of it: properties and evidence."""

    props: dict = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)


class Mapper:
    """Collects the triples of one input, then maps them (:meth:`result`). Memory grows with the input."""

    def __init__(self, schema: GraphSchema):
        self.schema = schema
        self.types: dict[str, set[str]] = defaultdict(set)
        self.literals: dict[str, dict[str, list[Lit]]] = defaultdict(lambda: defaultdict(list))
        self.links: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.statements: dict[str, dict[str, str]] = defaultdict(dict)
        self.triples = 0

    def add(self, triples: Iterable[Triple]) -> None:
        types, literals, links, statements = self.types, self.literals, self.links, self.statements
        count = 0
        for s, p, o in triples:
            count += 1
            if p == RDF_TYPE and not isinstance(o, Lit):
                types[s].add(o)
            elif p in REIFICATION and not isinstance(o, Lit):
                statements[s][REIFICATION[p]] = o
            elif isinstance(o, Lit):
                literals[s][p].append(o)
            else:
                links[s][p].append(o)
        self.triples += count

    # -- mapping -------------------------------------------------------------------------------------------
    def result(self) -> MappedGraph:
        schema = self.schema
        out = MappedGraph(triples=self.triples)
        nary = schema.nary
        reified = {s for s, t in self.types.items() if STATEMENT in t} | set(self.statements)
        said_of_tie: dict[tuple[str, str, str], Said] = {}
        for stmt in sorted(reified):
            parts = self.statements.get(stmt, {})
            if {"s", "p", "o"} <= parts.keys():
                said = self._statement(stmt, out)
                absorb(said_of_tie.setdefault((parts["s"], parts["p"], parts["o"]), Said()), said.props,
                       said.evidence)
            else:
                out.warnings.append(f"reified statement {stmt} lacks rdf:subject, rdf:predicate or rdf:object")

        subjects = (set(self.types) | set(self.literals) | set(self.links)) - reified
        for subject in sorted(subjects):
            classes = self.types.get(subject, set())
            spec = next((nary[c] for c in classes if c in nary), None)
            uri = self._uri(subject)
            props = self._literal_props(subject, out)
            if spec is not None:
                self._nary_row(uri, subject, spec, props, out)
                continue
            labels = schema.labels_for(classes)
            evidence = []
            for predicate, objects in self.links.get(subject, {}).items():
                prop = schema.object_properties.get(predicate)
                if predicate == EVIDENCE:
                    evidence += [self._uri(o) for o in objects]
                elif prop is not None and prop.store_as == "relationship":
                    for obj in objects:
                        self._tie(uri, prop, self._uri(obj), said_of_tie.get((subject, predicate, obj)), out)
                else:
                    self._link_prop(predicate, objects, props, out)
            unknown = classes - set(schema.classes)
            if unknown:
                props["rdfType"] = collapse(sorted(unknown))
            props.update(derive_names(props, uri))
            props.update(derive_location(props))
            out.nodes[uri] = NodeRow(uri, labels, props, sorted(set(evidence)))
        for s, p, o in said_of_tie:
            prop = schema.object_properties.get(p)
            if s not in subjects or prop is None or prop.store_as != "relationship" or o not in self.links.get(s, {}).get(p, []):
                out.warnings.append(f"a reified statement describes <{s}> <{p}> <{o}>, which is not a tie we load "
                                    "(not asserted, or not an object property stored as a relationship); "
                                    "what it says is not loaded")
        return out

    def _statement(self, stmt: str, out: MappedGraph) -> Said:
        """What a reified statement says about its triple, properties named as on a node (``note``, ``note_es``,
        ``dcterms__description``; extra classes in ``rdfType``)."""
        props = self._literal_props(stmt, out)
        classes = self.types.get(stmt, set()) - {STATEMENT}
        if classes:
            props["rdfType"] = collapse(sorted(classes))
        evidence = []
        for predicate, objects in self.links.get(stmt, {}).items():
            if predicate == EVIDENCE:
                evidence += [self._uri(o) for o in objects]
            else:
                self._link_prop(predicate, objects, props, out)
        return Said(props, sorted(set(evidence)))

    def _link_prop(self, predicate: str, objects: list[str], props: dict, out: MappedGraph) -> None:
        """IRI values that do not make a relationship: a URI (list) under the property's name. For a predicate
        outside the ontology the name also goes into ``iriKeys``, which tells the export these are IRIs."""
        prop = self.schema.object_properties.get(predicate)
        name = prop.name if prop else self._external_name(predicate, out)
        props[name] = collapse(as_list(props.get(name)) + [self._uri(o) for o in objects])
        if prop is None:
            props[IRI_KEYS] = sorted(set(as_list(props.get(IRI_KEYS))) | {name})

    def _uri(self, term: str) -> str:
        return GENID + term[2:] if term.startswith("_:") else term

    def _literal_props(self, subject: str, out: MappedGraph) -> dict:
        props: dict = {}
        for predicate, lits in self.literals.get(subject, {}).items():
            dprop = self.schema.datatype_properties.get(predicate)
            name = dprop.name if dprop else EXTERNAL_NAMES.get(predicate) or self._external_name(predicate, out)
            if name in DERIVED_KEYS:
                name = f"{name}Value"  # a user property called "name" must not clash with the derived one
            untagged = [lit for lit in lits if not lit.lang]
            plain = [python_value(lit) for lit in untagged]
            declared = self.schema.datatype_of(name)
            # A datatype the export would not give back (not the ontology's, nor the one of the stored value's
            # Python type): recorded, so that it does.
            typed = {f"{name} {lit.datatype}" for lit, value in zip(untagged, plain, strict=True)
                     if lit.datatype and lit.datatype != (declared or datatype_of_value(value))}
            if typed:
                props[DATATYPE_KEYS] = sorted(set(as_list(props.get(DATATYPE_KEYS))) | typed)
            tagged: dict[str, list[str]] = defaultdict(list)
            for lit in lits:
                if lit.lang:
                    tagged[lit.lang.replace("-", "_")].append(lit.value)
            # RDF values form a set: sort them so the same data always gives the same lists.
            for lang, values in tagged.items():
                props[f"{name}_{lang}"] = collapse(sorted(values))
            if plain:
                props[name] = collapse(sorted(plain, key=lambda v: (type(v).__name__, str(v))))
            elif tagged:
                order = ["en", "es", *sorted(tagged)]
                # All values of the preferred language, so merging files gives what one file would.
                props[name] = next(collapse(sorted(tagged[lang])) for lang in order if lang in tagged)
        return props

    def _external_name(self, predicate: str, out: MappedGraph) -> str:
        """``<prefix>__<local name>`` for a predicate outside the ontology; the prefix goes into ``out.prefixes``.

        The local name is kept as it is (Neo4j takes any property key; Cypher quotes odd ones in backticks), so
        the export can rebuild the predicate exactly: ``ex:foo-bar`` stays ``ns…__foo-bar``.
        """
        for namespace, prefix in KNOWN_PREFIXES.items():
            if predicate.startswith(namespace):
                out.prefixes[prefix] = namespace
                return f"{prefix}__{predicate[len(namespace):]}"
        if predicate.startswith(PROPERTY_NS):
            key = unquote(predicate[len(PROPERTY_NS):])
            if key and "__" not in key and key not in RESERVED_KEYS and not self.schema.iri_for_property_name(key):
                return key
        if predicate.startswith(DKG_NS):
            out.warnings.append(f"<{predicate}> is not a term of the ontology")
        match = re.match(r"(.*[#/])([^#/]*)$", predicate) or re.match(r"(.*:)(.*)$", predicate)  # urn:x:y
        namespace, local = match.groups() if match else ("", predicate)
        # The same namespace always gets the same prefix, in every file and every load.
        prefix = f"ns{hashlib.sha1(namespace.encode()).hexdigest()[:6]}"
        out.prefixes[prefix] = namespace
        return f"{prefix}__{local}"

    def _tie(self, start: str, prop, end: str, said: Said | None, out: MappedGraph) -> None:
        """A direct tie, with what reified statements ``said`` of it (or None)."""
        # A symmetric tie stated both ways is stored once, in the direction first met (subjects are visited in
        # IRI order); the asserted direction is kept, since shapes may constrain subject and object differently.
        if prop.symmetric and tie_uri(end, prop.iri, start) in out.relationships:
            start, end = end, start
        uri = tie_uri(start, prop.iri, end)
        row = out.relationships.setdefault(uri, RelationshipRow(uri, prop.type, start, end))
        if said:
            absorb(row, said.props, said.evidence)

    def _nary_row(self, uri: str, subject: str, spec, props: dict, out: MappedGraph) -> None:
        links = self.links.get(subject, {})
        start = links.get(spec.source_property, [])
        end = links.get(spec.target_property, [])
        if len(start) != 1 or len(end) != 1:
            out.warnings.append(f"{uri}: a {local_name(spec.class_iri)} needs exactly one "
                                f"{local_name(spec.source_property)} and one {local_name(spec.target_property)}; "
                                "not loaded")
            return
        evidence = []
        for predicate, objects in links.items():
            if predicate in (spec.source_property, spec.target_property):
                continue
            if predicate == EVIDENCE:
                evidence += [self._uri(o) for o in objects]
            else:
                self._link_prop(predicate, objects, props, out)
        out.relationships[uri] = RelationshipRow(uri, spec.type, self._uri(start[0]), self._uri(end[0]), props,
                                                 sorted(set(evidence)))


def map_triples(triples: Iterable[Triple], schema: GraphSchema) -> MappedGraph:
    """Map an iterable of triples in one go."""
    mapper = Mapper(schema)
    mapper.add(triples)
    return mapper.result()
