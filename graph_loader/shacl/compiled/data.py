"""The data graph indexed for validation: :class:`DataIndex` (values by subject and predicate, inverse values,
classes with their rdfs:subClassOf closure, target instances), and what it notes on the way in (unknown dkg:
terms, values Neo4j cannot store)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from rdflib.namespace import RDFS

from ...model import RDF_TYPE, Lit, Triple
from ...ontology.terms import DKG_NS
from ...rdf import xsd
from ...rdf.mapping import NAME_PREDICATES
from .values import XSD_NS, Node, canonical

SUBCLASS_OF = str(RDFS.subClassOf)


class DataIndex:
    """Triples grouped by subject, with the class closure and the target and inverse indexes the shapes need.

    Parameters
    ----------
    inverse_predicates, target_predicates, target_object_predicates : set of str
        Predicates that shapes follow backwards, whose subjects are focus nodes, whose objects are focus nodes.
    """

    def __init__(self, inverse_predicates: set[str], target_predicates: set[str],
                 target_object_predicates: set[str]):
        self.out: dict[str, dict[str, list[Node]]] = {}
        self.inverse: dict[str, dict[Node, list[str]]] = {p: defaultdict(list) for p in inverse_predicates}
        self.target_predicates = frozenset(target_predicates)
        self._subjects_of: dict[str, list[str]] | None = None
        self.objects_of: dict[str, dict[Node, None]] = {p: {} for p in target_object_predicates}
        self.types: dict[str, list[str]] = defaultdict(list)
        self.superclasses: dict[str, set[str]] = defaultdict(set)
        self._closures: dict[tuple[str, ...], frozenset[str]] = {}
        self._up_closures: dict[str, frozenset[str]] = {}
        self._node_classes: dict[Node, frozenset[str]] = {}
        #: Conformance of nodes to named shapes, by shape name (see :meth:`.shapes.CompiledShape.tester`).
        self.answers: dict[str, dict[Node, bool]] = {}
        #: ``(subject, predicate, term)`` for each use of a dkg: IRI outside ``known`` (see :meth:`add`).
        self.unknown_terms: list[tuple[str, str, str]] = []
        #: ``(subject, predicate, lexical form or IRI) -> why`` for each value Neo4j cannot store or index, and
        #: ``(IRI, None, None) -> why`` for a subject IRI it cannot index (see :meth:`add`).
        self.unstorable: dict[tuple[str, str | None, str | None], str] = {}
        # What else to record of a triple, by predicate: one dict lookup per triple instead of five tests.
        self._hooks: dict[str, list[Callable[[str, Node], None]]] = defaultdict(list)
        self._hooks[RDF_TYPE].append(lambda s, o: self.types[s].append(o))
        self._hooks[SUBCLASS_OF].append(lambda s, o: self.superclasses[s].add(o))
        for p, index in self.inverse.items():
            self._hooks[p].append(lambda s, o, index=index: index[o].append(s))
        for p, objects in self.objects_of.items():
            self._hooks[p].append(lambda s, o, objects=objects: objects.__setitem__(o, None))
        self._hooks = dict(self._hooks)

    def add(self, triples: Iterable[Triple], known: frozenset[str] | None = None) -> None:
        """Index ``triples`` (typed literals as :func:`canonical` makes them); with ``known`` (the data, not the
        ontology), note unknown dkg: terms, values Neo4j cannot store, and IRIs and names it cannot index.

        A term is looked for as subject, predicate, object and in an ``xsd:anyURI`` literal, as
        :func:`graph_loader.shacl.pyshacl_engine.unknown_terms` does; values are judged as
        :func:`graph_loader.shacl.pyshacl_engine.unstorable_values` judges them.
        """
        out, unknown, unstorable = self.out, self.unknown_terms, self.unstorable
        lit_type, prefix, any_uri = Lit, DKG_NS, XSD_NS + "anyURI"
        storage_checked, storage_problem = xsd.STORAGE_CHECKED, xsd.storage_problem
        index_problem, names, short = xsd.index_problem, NAME_PREDICATES, xsd.INDEXED_BYTES // 4
        hooks = self._hooks
        last_subject, by_predicate = None, None
        for s, p, o in triples:
            if known is not None:  # what Neo4j indexes: IRIs (uri) and names; a length test first, it is cheap
                if o.__class__ is lit_type:  # (the value, over 8 KB, is reported by its start and length)
                    if p in names and len(o.value) > short and (problem := index_problem(o.value)):
                        unstorable[(s, p, xsd.shown(o.value))] = problem
                elif len(o) > short and not o.startswith("_:") and (problem := index_problem(o)):
                    unstorable[(s, p, xsd.shown(o))] = problem
                if s != last_subject and len(s) > short and (problem := index_problem(s)):
                    unstorable[(s, None, None)] = problem
            if o.__class__ is lit_type:
                if o.datatype is not None:
                    if known is not None and o.datatype in storage_checked:
                        problem = storage_problem(o.value, o.datatype)
                        if problem is not None:
                            unstorable[(s, p, o.value)] = problem
                    o = canonical(o)
                    if known is not None and o.datatype == any_uri:
                        term = xsd.normal_form(o.value, any_uri)  # an ill-formed one keeps its whitespace
                        if term.startswith(prefix) and term not in known:
                            unknown.append((s, p, term))
            elif known is not None and o.startswith(prefix) and o not in known:
                unknown.append((s, p, o))
            if s != last_subject:
                if known is not None and s.startswith(prefix) and s not in known:
                    unknown.append((s, p, s))
                by_predicate = out.get(s)
                if by_predicate is None:
                    by_predicate = out[s] = {}
                last_subject = s
            values = by_predicate.get(p)
            if values is None:
                by_predicate[p] = [o]
                if known is not None and p.startswith(prefix) and p not in known:
                    unknown.append((s, p, p))
            else:
                values.append(o)
            hook = hooks.get(p)
            if hook is not None:
                for action in hook:
                    action(s, o)

    def mixed_datatypes(self) -> dict[tuple[str, str], str]:
        """``(subject, predicate) -> why`` where untagged literal values have different datatypes (see
        :func:`graph_loader.rdf.xsd.mixed_datatypes_problem`)."""
        found = {}
        lit_type = Lit
        for s, by_predicate in self.out.items():
            for p, values in by_predicate.items():
                if len(values) > 1:
                    kinds = {v.datatype for v in values if v.__class__ is lit_type and v.lang is None}
                    if len(kinds) > 1 and (problem := xsd.mixed_datatypes_problem(kinds)):
                        found[(s, p)] = problem
        return found

    def subjects_of(self, predicate: str) -> list[str]:
        """The subjects of ``predicate`` (a predicate given as ``target_predicates``), in first-seen order."""
        if self._subjects_of is None:
            # One pass over the index once everything is added: cheaper than a hook on each of 10^6 triples.
            self._subjects_of = {p: [] for p in self.target_predicates}
            for s, by_predicate in self.out.items():
                for p in by_predicate:
                    found = self._subjects_of.get(p)
                    if found is not None:
                        found.append(s)
        return self._subjects_of[predicate]

    # -- lookups -----------------------------------------------------------------------------------------------
    def values(self, node: Node, predicate: str) -> list[Node]:
        by_predicate = self.out.get(node) if node.__class__ is str else None
        return by_predicate.get(predicate, []) if by_predicate else []

    def subjects(self, predicate: str, node: Node) -> list[str]:
        """The subjects of ``(?, predicate, node)`` triples (``predicate`` one of ``inverse_predicates``)."""
        return self.inverse[predicate].get(node, [])

    def classes(self, node: Node) -> frozenset[str]:
        """Every class ``node`` is an instance of: its types and their superclasses (rdfs:subClassOf*)."""
        found = self._node_classes.get(node)
        if found is None:
            direct = self.types.get(node) if node.__class__ is str else None
            key = tuple(direct or ())
            found = self._closures.get(key)
            if found is None:
                found = self._closures[key] = frozenset(c for t in key for c in self._up(t))
            self._node_classes[node] = found
        return found

    def _up(self, cls: str) -> frozenset[str]:
        """``cls`` and its superclasses (computed once per class)."""
        closure = self._up_closures.get(cls)
        if closure is None:
            seen, stack = {cls}, [cls]
            while stack:
                for sup in self.superclasses.get(stack.pop(), ()):
                    if sup not in seen:
                        seen.add(sup)
                        stack.append(sup)
            closure = self._up_closures[cls] = frozenset(seen)
        return closure

    def instances(self, classes: set[str]) -> dict[str, list[str]]:
        """Focus nodes of ``sh:targetClass`` for each class in ``classes``."""
        found: dict[str, list[str]] = {c: [] for c in classes}
        for node in self.types:
            for cls in self.classes(node) & classes:
                found[cls].append(node)
        return found
