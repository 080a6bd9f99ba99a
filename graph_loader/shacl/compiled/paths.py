"""SHACL property paths compiled into functions from a node to its value nodes (:func:`compile_path`)."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from .data import DataIndex
from .shapes import PathFn, Unsupported
from .values import Node, unique


def compile_path(shapes: Graph, path, inverse_predicates: set[str]) -> PathFn:
    """A function giving the value nodes of ``path`` from a node (distinct, in order).

    The predicates followed backwards (``sh:inversePath``) are added to ``inverse_predicates``: the
    :class:`~.data.DataIndex` must index their subjects by object.
    """
    if isinstance(path, URIRef):
        predicate = str(path)

        def forward(data: DataIndex, node: Node) -> list[Node]:
            values = data.values(node, predicate)
            return values if len(values) < 2 else unique(values)

        return forward
    if (path, RDF.first, None) in shapes:
        steps = [compile_path(shapes, step, inverse_predicates) for step in Collection(shapes, path)]

        def sequence(data: DataIndex, node: Node) -> list[Node]:
            current = [node]
            for step in steps:
                current = unique(v for n in current for v in step(data, n))
            return current

        return sequence
    inner = shapes.value(path, SH.inversePath)
    if inner is not None:
        if not isinstance(inner, URIRef):
            raise Unsupported("sh:inversePath of a complex path")
        predicate = str(inner)
        inverse_predicates.add(predicate)
        return lambda data, node: unique(data.subjects(predicate, node))
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        branches = [compile_path(shapes, b, inverse_predicates) for b in Collection(shapes, alternatives)]
        return lambda data, node: unique(v for branch in branches for v in branch(data, node))
    for link, include_start, repeat in ((SH.zeroOrMorePath, True, True), (SH.oneOrMorePath, False, True),
                                        (SH.zeroOrOnePath, True, False)):
        inner = shapes.value(path, link)
        if inner is not None:
            return closure_path(compile_path(shapes, inner, inverse_predicates), include_start, repeat)
    raise Unsupported(f"path {path!r}")


def closure_path(step: PathFn, include_start: bool, repeat: bool) -> PathFn:
    """``step`` repeated: sh:zeroOrMorePath (``include_start`` and ``repeat``), sh:oneOrMorePath (``repeat``),
    sh:zeroOrOnePath (``include_start``)."""

    def walk(data: DataIndex, node: Node) -> list[Node]:
        found: dict[Node, None] = {node: None} if include_start else {}
        frontier = [node]
        while frontier:
            nxt = []
            for current in frontier:
                for value in step(data, current):
                    if value not in found:
                        found[value] = None
                        nxt.append(value)
            frontier = nxt if repeat else []
        return list(found)

    return walk
