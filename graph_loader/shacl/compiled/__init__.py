"""SHACL validation of large inputs: the shapes compiled into Python checks over triples grouped by subject.

pySHACL evaluates every constraint through rdflib graph look-ups: with this project's 180 shapes it checks about
2,500 triples/s (400 s and 2.6 GB for 10^6 triples, ``benchmarks/RESULTS.md``). This validator reads ``ontology/shapes.ttl`` once and turns
every shape into a tree of small Python functions; the data (plain triples, as :mod:`graph_loader.rdf.read`
yields them) are indexed once by subject, then each shape runs over its focus nodes. It returns the same
:class:`~graph_loader.shacl.pyshacl_engine.ValidationReport` as :func:`graph_loader.shacl.pyshacl_engine.validate`, with the
same focus node, path text, shape name and severity for each result, including the "unknown dkg: term" check.

Semantics follow pySHACL as :mod:`graph_loader.shacl.pyshacl_engine` runs it (no inference, the ontology merged into the
data): ``sh:targetClass`` and ``sh:class`` follow ``rdfs:subClassOf`` in data plus ontology; literals are
judged as :func:`graph_loader.shacl.pyshacl_engine.validation_literal` makes them (ill-formed by XSD's lexical spaces,
:mod:`graph_loader.rdf.xsd`, else normalised as rdflib normalises them) and compared as rdflib compares them
(numbers by value); values Neo4j cannot store are Violations of shape ``dkg:StorableValue``, as there.

Supported: targets ``sh:targetClass`` (and implicit class targets), ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``; paths of predicates, ``sh:inversePath`` (of a predicate), sequences,
``sh:alternativePath``, ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``, ``sh:zeroOrOnePath``; constraints
``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:minCount``, ``sh:maxCount``, ``sh:min/maxInclusive``,
``sh:min/maxExclusive``, ``sh:min/maxLength``, ``sh:pattern`` (with ``sh:flags``), ``sh:languageIn``,
``sh:uniqueLang``, ``sh:in``, ``sh:hasValue``, ``sh:equals``, ``sh:disjoint``, ``sh:node``, ``sh:property``,
``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:qualifiedValueShape`` (without sibling disjointness), with
``sh:severity``, ``sh:message`` and ``sh:deactivated``. Anything else (SHACL-SPARQL constraints and targets,
``sh:closed``, ``sh:lessThan``, an inverse of a complex path, custom components) is listed by
:meth:`FastValidator.unsupported_shapes` and left out; the validator warns when it is built with such shapes,
so nothing is skipped silently.

Layout, each module importing only those before it: :mod:`.values` (literals as validation sees them:
:func:`canonical`, :func:`facts`), :mod:`.data` (:class:`DataIndex`, the indexed data), :mod:`.shapes`
(:class:`CompiledShape`, :class:`UnsupportedShape`), :mod:`.paths` (:func:`compile_path`), :mod:`.constraints`
(one module per family of constraint components, and :data:`~.constraints.CONSTRAINTS`, the registry of their
handlers by sh: name), :mod:`.compiler` (:class:`ShapeCompiler`, which looks each constraint up in that
registry while compiling) and :mod:`.validator` (:class:`FastValidator` and the report).

Examples
--------
>>> from graph_loader.ontology.terms import DKG_NS
>>> report = validate_triples([
...     ("https://example.org/hta", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", DKG_NS + "HometownAssociation"),
... ])
>>> [(r.shape, r.path) for r in report.violations]
[('dkg:AgentShape', '(skos:prefLabel|rdfs:label)')]
"""

from __future__ import annotations

from .compiler import ShapeCompiler
from .constraints import CONSTRAINTS, NOT_CONSTRAINTS, Handler
from .data import DataIndex
from .paths import compile_path
from .shapes import CompiledShape, Finding, PathFn, SetCheck, Unsupported, UnsupportedShape, ValueCheck
from .validator import FastValidator, default_validator, unsupported_shapes, validate_triples
from .values import LiteralFacts, Node, canonical, facts

__all__ = [
    "CONSTRAINTS",
    "NOT_CONSTRAINTS",
    "CompiledShape",
    "DataIndex",
    "FastValidator",
    "Finding",
    "Handler",
    "LiteralFacts",
    "Node",
    "PathFn",
    "SetCheck",
    "ShapeCompiler",
    "Unsupported",
    "UnsupportedShape",
    "ValueCheck",
    "canonical",
    "compile_path",
    "default_validator",
    "facts",
    "unsupported_shapes",
    "validate_triples",
]
