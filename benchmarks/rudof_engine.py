"""pyrudof (rudof's SHACL engine, in Rust) behind this project's validation report: for evaluation only.

Not a validator of the loader (:mod:`graph_loader.shacl` is): :mod:`benchmarks.shacl_engines` uses it to compare
rudof with the compiled engine, pySHACL and TopBraid SHACL on the same data, shapes and ontology.

The data graph is built as the loader builds it for validation: the data plus the ontology (``diaspora.ttl`` and
``concepts.ttl``) merged in, no inference. Both go to rudof as N-Triples, literals with their lexical form as
written (as :func:`graph_loader.rdf.read.iter_triples` reads them), so rudof judges ``"31_342"^^xsd:integer``
itself.

Naming the results as our engines do needs one trick: a finding of a nested property shape names a blank node
(``sh:sourceShape _:…``), whose label rudof invents when it parses the shapes. So the shapes graph given to
rudof has every blank-node *shape* replaced by an IRI of :data:`SKOLEM` (lists and paths stay blank nodes);
each such IRI maps back to the named shape it is nested in (:func:`graph_loader.shacl.report.shape_owners`)
and to the path text of the shape (:func:`graph_loader.shacl.report.path_text`), so a result reads
``(focus, "dkg:memberOf", "dkg:HometownAssociationShape", "Violation")`` whichever engine found it.

What rudof does not do: the project's two checks that no shape states (a ``dkg:`` term the ontology does not
define, a value Neo4j cannot store); :func:`extra_findings` adds them with the compiled engine's index, so a
report can be compared whole.

>>> from graph_loader.model import RDF_TYPE
>>> from graph_loader.ontology.terms import DKG_NS
>>> validator = RudofValidator()
>>> report = validator.validate([("https://example.org/hta", RDF_TYPE, DKG_NS + "HometownAssociation")])
>>> [(r.shape, r.path) for r in report.violations]
[('dkg:AgentShape', '(skos:prefLabel|rdfs:label)')]
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from graph_loader.model import XSD_NS, Lit, Triple
from graph_loader.ontology.load import ontology_graph, shapes_graph
from graph_loader.rdf.read import from_rdflib
from graph_loader.shacl.report import (
    SEVERITIES,
    ValidationReport,
    ValidationResult,
    compact,
    path_text,
    shape_owners,
)

#: The namespace of the IRIs that stand for blank-node shapes in the shapes graph given to rudof.
SKOLEM = "urn:x-dkg-bench:shape:"
XSD_STRING = XSD_NS + "string"


def rudof_version() -> str:
    import pyrudof

    return pyrudof.__version__


def nt_term(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A plain term (:mod:`graph_loader.model`) as pyoxigraph's, the literal's lexical form unchanged."""
    if term.__class__ is Lit:
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype)) if term.datatype else ox.Literal(term.value)
    return ox.BlankNode(term[2:]) if term.startswith("_:") else ox.NamedNode(term)


def ntriples(triples: Iterable[Triple]) -> bytes:
    """``triples`` written as N-Triples."""
    return ox.serialize((ox.Triple(nt_term(s), ox.NamedNode(p), nt_term(o)) for s, p, o in triples),
                        format=ox.RdfFormat.N_TRIPLES)


@dataclass
class ShapeName:
    """How our engines name a result of one shape: its top-level shape and its path text."""

    shape: str
    path: str | None


@dataclass
class Timings:
    """CPU seconds (of every thread of the process) spent by the last :meth:`RudofValidator.validate_ntriples`:
    reading the shapes, reading the data, validating."""

    data: float = 0.0
    shapes: float = 0.0
    validate: float = 0.0
    extra: dict = field(default_factory=dict)


class RudofValidator:
    """The project's shapes and ontology, prepared once for rudof; :meth:`validate` runs it on plain triples.

    Parameters
    ----------
    shapes, ontology : rdflib.Graph, optional
        Default: ``ontology/shapes.ttl`` and ``diaspora.ttl`` + ``concepts.ttl``.
    """

    def __init__(self, shapes: Graph | None = None, ontology: Graph | None = None):
        shapes = shapes if shapes is not None else shapes_graph()
        ontology = ontology if ontology is not None else ontology_graph()
        self.names: dict[str, ShapeName] = {}
        self.shapes_nt = self._skolemised(shapes)
        self.ontology_nt = ntriples(from_rdflib(ontology))
        self.timings = Timings()

    def _skolemised(self, shapes: Graph) -> bytes:
        owners = shape_owners(shapes)
        iri = {node: f"{SKOLEM}{n}" for n, node in enumerate(sorted(owners, key=str))}
        for node, owner in owners.items():
            path = shapes.value(node, SH.path)
            self.names[iri[node]] = ShapeName(compact(owner), path_text(shapes, path) if path is not None else None)
        for node in set(shapes.subjects()) | set(shapes.objects()):
            if isinstance(node, URIRef):
                path = shapes.value(node, SH.path)
                self.names[str(node)] = ShapeName(compact(node),
                                                  path_text(shapes, path) if path is not None else None)

        def term(node):
            return f"_:{node}" if isinstance(node, BNode) and node not in iri else iri.get(node, node)

        return ntriples((term(s) if isinstance(s, BNode) else str(s), str(p),
                         term(o) if isinstance(o, BNode) else _plain(o)) for s, p, o in shapes)

    # -- running -----------------------------------------------------------------------------------------------
    def session(self):
        """A rudof session holding the shapes (read once per session)."""
        from pyrudof import Rudof, ShaclFormat

        started = time.process_time()
        rudof = Rudof()
        rudof.read_shacl(self.shapes_nt.decode("utf-8"), format=ShaclFormat.NTriples)
        self.timings.shapes = time.process_time() - started
        return rudof

    def validate(self, triples: Iterable[Triple]) -> ValidationReport:
        """Validate plain triples (the ontology merged in): rudof's SHACL findings, named as our engines do."""
        return self.validate_ntriples(ntriples(triples))

    def validate_ntriples(self, data: bytes | str | Path) -> ValidationReport:
        """Validate N-Triples text, or an N-Triples file (read by rudof itself), with the ontology merged in."""
        from pyrudof import RDFFormat

        rudof = self.session()
        started = time.process_time()
        rudof.read_data(self.ontology_nt.decode("utf-8"), format=RDFFormat.NTriples)
        if isinstance(data, Path):
            rudof.read_data(str(data), format=RDFFormat.NTriples, merge=True)
        else:
            rudof.read_data(data.decode("utf-8") if isinstance(data, bytes) else data, format=RDFFormat.NTriples,
                            merge=True)
        self.timings.data = time.process_time() - started
        started = time.process_time()
        report = rudof.validate_shacl()
        entries = list(report)
        self.timings.validate = time.process_time() - started
        return ValidationReport(self._sorted([self._result(e) for e in entries]))

    def _result(self, entry) -> ValidationResult:
        source = entry.source_shape or ""
        name = self.names.get(source, ShapeName(source, None))
        severity = entry.severity.rsplit("#", 1)[-1]
        value = entry.value
        focus = entry.focus_node
        return ValidationResult(severity=severity, focus_node=focus, path=name.path,
                                value=None if value is None or value == focus else _lexical(value),
                                message=_unquoted(entry.message), shape=name.shape)

    @staticmethod
    def _sorted(results: list[ValidationResult]) -> list[ValidationResult]:
        rank = {severity: i for i, severity in enumerate(SEVERITIES)}
        return sorted(results, key=lambda r: (rank.get(r.severity, 9), r.shape, r.focus_node, r.path or "",
                                              r.value or ""))


def _plain(node):
    """An rdflib IRI or literal as a plain term (as :func:`graph_loader.rdf.read.from_rdflib` makes them)."""
    if isinstance(node, Literal):
        if node.language:
            return Lit(str(node), None, node.language)
        datatype = str(node.datatype) if node.datatype else None
        return Lit(str(node), None if datatype == XSD_STRING else datatype)
    return str(node)


def _unquoted(message: str) -> str:
    """rudof writes ``sh:message`` as an N-Triples literal (``"An agent needs a name"``): its text."""
    first = (message or "").split("\n", 1)[0]
    if first.startswith('"'):
        return first[1:first.rfind('"')] if first.rfind('"') > 0 else first[1:]
    return first


def _lexical(value: str) -> str:
    """A value as our reports write it: an IRI bare, a literal by its lexical form."""
    if value.startswith('"'):
        return value[1:value.rfind('"')]
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    return value


def extra_findings(triples: Iterable[Triple]) -> list[ValidationResult]:
    """The findings no shape states (unknown ``dkg:`` terms, values Neo4j cannot store), as the compiled engine
    finds them: what an engine in Rust would still need from Python."""
    from graph_loader.shacl.compiled import default_validator

    validator = default_validator()
    report = validator.validate(triples)
    return [r for r in report.results if r.shape in ("dkg:UnknownTerm", "dkg:StorableValue")]


__all__ = ["SKOLEM", "RudofValidator", "extra_findings", "ntriples", "rudof_version"]
