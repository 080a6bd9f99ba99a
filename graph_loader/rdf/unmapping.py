"""The RDF export's half of the mapping: a property graph back to triples, through the ontology.

It reverses :mod:`graph_loader.rdf.mapping`: labels become ``rdf:type`` (most specific classes only), properties
become literals typed by the ontology's ranges (``p_es`` becomes ``"…"@es``), direct ties become triples, and
everything a relationship carries (``evidence``, ``note``, foreign predicates) comes back on a reified
``rdf:Statement`` about that triple; n-ary relationships become instances of their class. Properties outside the
ontology come back under their recorded prefix (``dcterms__description``; prefixes are ``{prefix: namespace}``,
see :func:`graph_loader.neo4j.ledger.namespace_prefixes`), or, when a tool wrote a key that has none, under
``urn:dkg:property:<key>``, which loads back as the same key. Loading the export into an empty database gives the
same graph (``sources`` aside: they name the file a fact was read from).

An IRI with characters RDF does not allow (a space, ``<``, ``"``, a control character) is written percent-encoded,
as RFC 3987 §3.1 maps a string to an IRI: ``…/club with space`` -> ``…/club%20with%20space``;
:attr:`RdfExporter.encoded` names every IRI so changed. The loader also uses this module to see what the graph
already holds as triples (:func:`graph_loader.loading.context_from_database`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef

from ..merge import DERIVED_NAME_KEYS, LOCATION_KEY, SCORE_PREFIX
from ..model import PropertyGraph, as_list
from ..ontology.schema import GraphSchema
from ..ontology.terms import DKG_NS, DKGID_NS
from . import xsd
from .mapping import (
    ASSERTED_KEY,
    DATATYPE_KEYS,
    GENID,
    IRI_KEYS,
    KNOWN_PREFIXES,
    MERGE_KEYS,
    PROPERTY_NS,
    TIE_PREFIX,
)
from .read import quiet_rdflib

#: ``location`` is derived from ``lat`` and ``long``, which the export writes as ``geo:lat`` and ``geo:long``.
SKIP_NODE_KEYS = {"uri", "sources", "evidence", "stub", "rdfType", IRI_KEYS, DATATYPE_KEYS, ASSERTED_KEY, LOCATION_KEY,
                  *DERIVED_NAME_KEYS, *MERGE_KEYS}
SKIP_REL_KEYS = {"uri", "sources", "evidence", "rdfType", IRI_KEYS, DATATYPE_KEYS, ASSERTED_KEY}
#: A language tag as the mapping stores it in a key (``en``, ``es_419``, ``zh_Hant_TW``: ``-`` becomes ``_``).
LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:_[A-Za-z0-9]{1,8})*")
#: Characters RFC 3987 allows nowhere in an IRI (and a ``%`` that starts no escape); percent-encoded on export.
NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]|%(?![0-9A-Fa-f]{2})')
#: Where a stored "IRI" that no IRI parser takes (no scheme, a broken host) is written, percent-encoded whole.
INVALID_IRI_NS = "urn:dkg:invalid-iri:"
DKG = Namespace(DKG_NS)


def plain_value(value):
    """Neo4j temporal values and tuples as plain Python."""
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def iri(text: str) -> URIRef:
    """``text`` as an IRI RDF accepts: characters no IRI may hold percent-encoded (UTF-8), as RFC 3987 §3.1 does;
    what is still no absolute IRI (no scheme, ``http://[::1``) goes whole, percent-encoded, under
    :data:`INVALID_IRI_NS`, so that every serialiser takes it.

    >>> str(iri("https://example.org/club with space"))
    'https://example.org/club%20with%20space'
    >>> str(iri("https://example.org/año%20ok")), str(iri("no scheme"))
    ('https://example.org/año%20ok', 'urn:dkg:invalid-iri:no%20scheme')
    """
    return URIRef(_absolute_iri(str(text)))


@functools.lru_cache(maxsize=1 << 16)
def _absolute_iri(text: str) -> str:
    encoded = NOT_IN_IRI.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), text)
    try:
        ox.NamedNode(encoded)  # the IRI parser of the reader and the serialiser
    except ValueError:
        return INVALID_IRI_NS + quote(text, safe="")
    return encoded


class RdfExporter:
    """Turns a property graph back into triples, using ``schema`` for predicates and datatypes.

    ``prefixes`` is ``{prefix: namespace}`` (what :func:`graph_loader.neo4j.ledger.namespace_prefixes` returns and
    :attr:`graph_loader.rdf.mapping.MappedGraph.prefixes` holds); they override the well-known ones.
    ``encoded`` collects ``{IRI as stored: IRI as written}`` for the IRIs :func:`iri` had to change.
    """

    def __init__(self, schema: GraphSchema, prefixes: dict[str, str] | None = None):
        self.schema = schema
        self.prefixes = {**{prefix: ns for ns, prefix in KNOWN_PREFIXES.items()}, **(prefixes or {})}
        self.encoded: dict[str, str] = {}
        #: Language tags (from property keys) that no BCP 47 parser takes: their values were written untagged.
        self.untagged: set[str] = set()

    def _iri(self, text) -> URIRef:
        ref = iri(text)
        if str(ref) != str(text):
            self.encoded[str(text)] = str(ref)
        return ref

    def _predicate(self, key: str) -> URIRef:
        """The predicate of property ``key``: the ontology's, the recorded prefix's, else ``urn:dkg:property:``."""
        known = self.schema.iri_for_property_name(key)
        if known:
            return URIRef(known)
        namespace = self._namespace(key)
        if namespace is not None:
            return self._iri(namespace + key.split("__", 1)[1])
        return self._iri(PROPERTY_NS + quote(key, safe=""))

    def _namespace(self, key: str) -> str | None:
        """The namespace of a ``prefix__local`` key, when the prefix is known."""
        return self.prefixes.get(key.split("__", 1)[0]) if "__" in key else None

    def _language_split(self, key: str, props: dict) -> tuple[str, str] | None:
        """``(base, BCP 47 tag)`` when ``key`` holds the language-tagged values of ``base`` (``note_es``).

        An ontology term's name is never a tagged copy. For a foreign ``prefix__local`` key, the base must be
        present beside it (the mapping always stores the display value there), since ``local_xx`` may be a name.
        """
        if self.schema.iri_for_property_name(key):
            return None
        for at in (i for i, ch in enumerate(key) if ch == "_" and 0 < i < len(key) - 1):
            base, tag = key[:at], key[at + 1:]
            if not LANG_TAG.fullmatch(tag):
                continue
            if self.schema.iri_for_property_name(base) or (self._namespace(base) is not None and base in props):
                return base, tag.replace("_", "-")
        return None

    def _literals(self, key: str, value, recorded: dict[str, str]) -> list[Literal]:
        """The literals of ``value``, each in the lexical space of its datatype: the one the load recorded for
        ``key`` (``datatypes``), else the ontology's, else its Python type's (a value another tool wrote)."""
        datatype = recorded.get(key) or self.schema.datatype_of(key)
        literals = []
        with quiet_rdflib():  # rdflib complains of every value it has no Python type for (a custom datatype)
            for item in as_list(value):
                kind = datatype or xsd.datatype_of_value(item)
                if kind is None or kind == xsd.STRING:
                    literals.append(Literal(str(plain_value(item))))
                else:
                    literals.append(Literal(xsd.lexical_form(item, kind), datatype=URIRef(kind), normalize=False))
        return literals

    def _value_triples(self, subject, props: dict, skip: set) -> list:
        """The triples of ``props`` about ``subject``: IRIs for object properties and ``iriKeys``, else literals."""
        triples = []
        iri_keys = set(as_list(props.get(IRI_KEYS)))
        recorded = dict(item.rsplit(" ", 1) for item in as_list(props.get(DATATYPE_KEYS)) if " " in item)
        tagged = {key: split for key in props if key not in skip and (split := self._language_split(key, props))}
        tagged_values = defaultdict(set)
        for key, (base, _) in tagged.items():
            tagged_values[base].update(map(str, as_list(props[key])))
        for key, value in props.items():
            if key in skip or value is None or key.startswith(SCORE_PREFIX):
                continue  # score_* are computed by the analyses, not asserted by a source
            if key in tagged:
                base, lang = tagged[key]
                triples += [(subject, self._predicate(base), Literal(str(v), lang=lang)) for v in as_list(value)]
                continue
            if key in tagged_values and all(str(v) in tagged_values[key] for v in as_list(value)):
                continue  # the display copy of a language-tagged value
            predicate = self._predicate(key)
            if key in iri_keys or str(predicate) in self.schema.object_properties:
                triples += [(subject, predicate, self._iri(v)) for v in as_list(value)]
            else:
                triples += [(subject, predicate, lit) for lit in self._literals(key, value, recorded)]
        return triples

    def triples(self, graph: PropertyGraph) -> Iterator[tuple]:
        """Yield the RDF triples of ``graph``."""
        schema = self.schema
        for uri, node in graph.nodes.items():
            props = node["props"]
            if props.get("stub"):
                continue
            subject = self._iri(uri)
            for label in schema.most_specific(node["labels"]):
                yield (subject, RDF.type, URIRef(schema.class_for_label(label).iri))
            for rdf_type in as_list(props.get("rdfType")):
                yield (subject, RDF.type, self._iri(rdf_type))
            yield from self._value_triples(subject, props, SKIP_NODE_KEYS)
            for evidence in as_list(props.get("evidence")):
                yield (subject, DKG.evidence, self._iri(evidence))
        for uri, rel in graph.relationships.items():
            yield from self._relationship_triples(uri, rel)

    def _relationship_triples(self, uri: str, rel: dict) -> Iterator[tuple]:
        """An n-ary relationship as an instance of its class; any other as a triple, with what the relationship
        carries stated on a reified ``rdf:Statement`` about it (a type the ontology lacks gets a
        ``urn:dkg:property:`` predicate, so nothing is dropped)."""
        props = rel["props"]
        start, end = self._iri(rel["start"]), self._iri(rel["end"])
        types = [self._iri(t) for t in as_list(props.get("rdfType"))]
        evidence = [self._iri(e) for e in as_list(props.get("evidence"))]
        nary = self.schema.nary_for_type(rel["type"])
        if nary is not None and not str(uri).startswith(TIE_PREFIX):
            subject = BNode(uri[len(GENID):]) if str(uri).startswith(GENID) else self._iri(uri)
            yield (subject, RDF.type, URIRef(nary.class_iri))
            yield from ((subject, RDF.type, t) for t in types)
            yield (subject, URIRef(nary.source_property), start)
            yield (subject, URIRef(nary.target_property), end)
            yield from self._value_triples(subject, props, SKIP_REL_KEYS)
            yield from ((subject, DKG.evidence, e) for e in evidence)
            return
        prop = self.schema.property_for_type(rel["type"])
        predicate = URIRef(prop.iri) if prop else self._predicate(rel["type"])
        yield (start, predicate, end)
        statement = BNode()
        values = self._value_triples(statement, props, SKIP_REL_KEYS)
        if values or types or evidence:
            yield (statement, RDF.type, RDF.Statement)
            yield (statement, RDF.subject, start)
            yield (statement, RDF.predicate, predicate)
            yield (statement, RDF.object, end)
            yield from ((statement, RDF.type, t) for t in types)
            yield from values
            yield from ((statement, DKG.evidence, e) for e in evidence)

    def namespaces(self) -> dict[str, str]:
        """``{prefix: namespace}`` for a Turtle file: the ontology's, XSD's and the recorded ones."""
        found = {"dkg": DKG_NS, "dkgid": DKGID_NS, "dkgp": PROPERTY_NS, "xsd": xsd.XSD_NS,
                 **{prefix: str(self._iri(namespace)) for prefix, namespace in self.prefixes.items()}}
        return {prefix: namespace for prefix, namespace in found.items() if _PREFIX_NAME.fullmatch(prefix)}

    def to_rdflib(self, graph: PropertyGraph) -> Graph:
        rdf = Graph()
        for prefix, namespace in self.namespaces().items():
            rdf.bind(prefix, namespace)
        for triple in self.triples(graph):
            rdf.add(triple)
        return rdf

    def to_oxigraph(self, graph: PropertyGraph) -> Iterator[ox.Triple]:
        """The triples of ``graph`` as pyoxigraph terms, for its serialisers: they write every literal as it is
        (rdflib's Turtle writer rounds an ``xsd:double`` to 7 digits, its JSON-LD writer turns numbers into JSON
        numbers, and neither escapes U+0000, which no loader reads back)."""
        for s, p, o in self.triples(graph):
            yield ox.Triple(self._ox(s), ox.NamedNode(str(p)), self._ox(o))

    def _ox(self, term):
        if isinstance(term, Literal):
            if term.language:
                try:
                    return ox.Literal(str(term), language=term.language)
                except ValueError:  # a tag no BCP 47 parser takes (a key another tool wrote): kept as text
                    self.untagged.add(term.language)
                    return ox.Literal(str(term))
            if term.datatype is not None and str(term.datatype) != xsd.STRING:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
        if isinstance(term, BNode):
            try:
                return ox.BlankNode(str(term))
            except ValueError:
                return ox.BlankNode(hashlib.sha1(str(term).encode()).hexdigest())
        return ox.NamedNode(str(term))


#: A Turtle prefix name (PN_PREFIX, ASCII): others are left out of the file's prefixes (the IRIs are written whole).
_PREFIX_NAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
