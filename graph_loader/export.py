"""Exporting the graph: back to RDF (Turtle, N-Triples, JSON-LD) through the ontology, or to GraphML, GEXF
and CSV for Gephi and spreadsheets.

The RDF export reverses :mod:`graph_loader.rdf.mapping`: labels become ``rdf:type`` (most specific classes
only), properties become literals typed by the ontology's ranges (``p_es`` becomes ``"…"@es``), direct ties become
triples with their evidence reified, and n-ary relationships become instances of their class. Loading the export
into an empty database gives the same graph (``sources`` aside: they name the file a fact was read from).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import networkx as nx
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef

from .property_graph import PropertyGraph
from .rdf.mapping import GENID, KNOWN_PREFIXES, TIE_PREFIX, as_list
from .schema import DERIVED_NAME_KEYS, DKG_NS, GraphSchema

RDF_FORMATS = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "jsonld": "json-ld"}
FORMATS = ("turtle", "nt", "jsonld", "graphml", "gexf", "csv")
SKIP_NODE_KEYS = {"uri", "sources", "evidence", "stub", "rdfType", *DERIVED_NAME_KEYS}
SKIP_REL_KEYS = {"uri", "sources", "evidence"}
LANG_SUFFIX = re.compile(r"^(?P<base>.+?)_(?P<lang>[a-z]{2,3}(?:_[A-Za-z0-9]{1,8})*)$")
DKG = Namespace(DKG_NS)


def _plain(value):
    """Neo4j temporal values and tuples as plain Python."""
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class RdfExporter:
    """Turns a property graph back into triples, using ``schema`` for predicates and datatypes."""

    def __init__(self, schema: GraphSchema, prefixes: dict[str, str] | None = None):
        self.schema = schema
        self.prefixes = {**{v: k for k, v in KNOWN_PREFIXES.items()}, **(prefixes or {})}

    def _predicate(self, key: str) -> str | None:
        iri = self.schema.iri_for_property_name(key)
        if iri:
            return iri
        if "__" in key:
            prefix, local = key.split("__", 1)
            namespace = self.prefixes.get(prefix)
            return namespace + local if namespace else None
        return None

    def _literals(self, key: str, value) -> list[tuple[str, Literal]]:
        match = LANG_SUFFIX.match(key)
        if match and self._predicate(match["base"]) and not self._predicate(key):
            predicate = self._predicate(match["base"])
            return [(predicate, Literal(str(v), lang=match["lang"].replace("_", "-"))) for v in as_list(value)]
        predicate = self._predicate(key)
        if predicate is None:
            raise ValueError(f"property {key!r} has no predicate in the ontology")
        datatype = self.schema.datatype_of(key)
        literals = []
        for item in as_list(value):
            item = _plain(item)
            if datatype and datatype.endswith("gYear"):
                literals.append(Literal(str(item), datatype=URIRef(datatype)))
            elif datatype:
                literals.append(Literal(item, datatype=URIRef(datatype)))
            else:
                literals.append(Literal(item))
        return [(predicate, lit) for lit in literals]

    def _value_triples(self, subject, props: dict, skip: set) -> list:
        triples = []
        tagged_values = {}
        for key, value in props.items():
            match = LANG_SUFFIX.match(key)
            if match and self._predicate(match["base"]) and not self._predicate(key):
                tagged_values.setdefault(match["base"], set()).update(map(str, as_list(value)))
        for key, value in props.items():
            if key in skip or value is None or key.startswith("score_"):
                continue  # score_* are computed by the analyses, not asserted by a source
            if key in tagged_values and all(str(v) in tagged_values[key] for v in as_list(value)):
                continue  # the display copy of a language-tagged value
            prop = self.schema.object_properties.get(self.schema.iri_for_property_name(key) or "")
            if prop is not None:
                triples += [(subject, URIRef(prop.iri), URIRef(v)) for v in as_list(value)]
                continue
            triples += [(subject, URIRef(p), lit) for p, lit in self._literals(key, value)]
        return triples

    def triples(self, graph: PropertyGraph):
        """Yield the RDF triples of ``graph``."""
        schema = self.schema
        for uri, node in graph.nodes.items():
            props = node["props"]
            if props.get("stub"):
                continue
            subject = URIRef(uri)
            for label in schema.most_specific(node["labels"]):
                yield (subject, RDF.type, URIRef(schema.class_for_label(label).iri))
            for rdf_type in as_list(props.get("rdfType")):
                yield (subject, RDF.type, URIRef(rdf_type))
            yield from self._value_triples(subject, props, SKIP_NODE_KEYS)
            for evidence in as_list(props.get("evidence")):
                yield (subject, DKG.evidence, URIRef(evidence))
        for uri, rel in graph.relationships.items():
            props = rel["props"]
            start, end = URIRef(rel["start"]), URIRef(rel["end"])
            if uri.startswith(TIE_PREFIX):
                prop = schema.property_for_type(rel["type"])
                yield (start, URIRef(prop.iri), end)
                if props.get("evidence"):
                    statement = BNode()
                    yield (statement, RDF.type, RDF.Statement)
                    yield (statement, RDF.subject, start)
                    yield (statement, RDF.predicate, URIRef(prop.iri))
                    yield (statement, RDF.object, end)
                    for evidence in as_list(props["evidence"]):
                        yield (statement, DKG.evidence, URIRef(evidence))
                continue
            nary = schema.nary_for_type(rel["type"])
            subject = BNode(uri[len(GENID):]) if uri.startswith(GENID) else URIRef(uri)
            yield (subject, RDF.type, URIRef(nary.class_iri))
            yield (subject, URIRef(nary.source_property), start)
            yield (subject, URIRef(nary.target_property), end)
            yield from self._value_triples(subject, props, SKIP_REL_KEYS)
            for evidence in as_list(props.get("evidence")):
                yield (subject, DKG.evidence, URIRef(evidence))

    def to_rdflib(self, graph: PropertyGraph) -> Graph:
        rdf = Graph()
        rdf.bind("dkg", DKG_NS)
        rdf.bind("dkgid", "https://w3id.org/diaspora-kg/id/")
        for namespace, prefix in self.prefixes.items():
            if prefix and not prefix.startswith("ns"):
                rdf.bind(prefix, namespace)
        for triple in self.triples(graph):
            rdf.add(triple)
        return rdf


def _flat(value):
    """A GraphML/GEXF-safe scalar: lists and maps as JSON text, None dropped by the caller."""
    value = _plain(value)
    if isinstance(value, list | tuple | set | dict):
        return json.dumps([_plain(v) for v in value] if not isinstance(value, dict) else value,
                          ensure_ascii=False, default=str)
    return value


def gephi_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes GraphML and GEXF writers accept (NetworkX's reject lists and None)."""
    flat = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **{k: _flat(v) for k, v in attrs.items() if v is not None})
        flat.nodes[node]["label"] = str(attrs.get("name", node))
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, **{k: _flat(val) for k, val in attrs.items() if val is not None})
        flat.edges[u, v, key]["label"] = attrs.get("type", "")
    return flat


def write_csv(graph: PropertyGraph, directory: Path) -> list[Path]:
    """``nodes.csv`` and ``relationships.csv`` (lists as JSON) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    node_keys = sorted({k for n in graph.nodes.values() for k in n["props"]} - {"uri", "name"})
    rel_keys = sorted({k for r in graph.relationships.values() for k in r["props"]} - {"uri"})
    paths = [directory / "nodes.csv", directory / "relationships.csv"]
    with open(paths[0], "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["uri", "labels", "name", *node_keys])
        for uri, node in sorted(graph.nodes.items()):
            props = node["props"]
            writer.writerow([uri, ";".join(node["labels"]), props.get("name", ""),
                             *(_flat(props[k]) if props.get(k) is not None else "" for k in node_keys)])
    with open(paths[1], "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["uri", "type", "start", "end", *rel_keys])
        for uri, rel in sorted(graph.relationships.items()):
            props = rel["props"]
            writer.writerow([uri, rel["type"], rel["start"], rel["end"],
                             *(_flat(props[k]) if props.get(k) is not None else "" for k in rel_keys)])
    return paths


def export(graph: PropertyGraph, schema: GraphSchema, fmt: str, out: Path,
           prefixes: dict[str, str] | None = None) -> list[Path]:
    """Write ``graph`` to ``out`` in ``fmt``; returns the files written."""
    out = Path(out)
    if fmt in RDF_FORMATS:
        out.parent.mkdir(parents=True, exist_ok=True)
        RdfExporter(schema, prefixes).to_rdflib(graph).serialize(out, format=RDF_FORMATS[fmt], encoding="utf-8")
        return [out]
    if fmt in ("graphml", "gexf"):
        out.parent.mkdir(parents=True, exist_ok=True)
        flat = gephi_graph(graph.to_networkx(schema))
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(flat, out)
        return [out]
    if fmt == "csv":
        return write_csv(graph, out)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
