"""What a constraint handler is, and what it may ask of the compiler that calls it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from rdflib import Graph

from ..shapes import CompiledShape, ValueCheck


class Compiling(Protocol):
    """The compiler as handlers see it (:class:`~graph_loader.shacl.compiled.compiler.ShapeCompiler`)."""

    def compile(self, node) -> CompiledShape:
        """The compiled form of shape ``node`` (it may still be compiling: shapes can refer to themselves)."""
        ...

    def members(self, head) -> list[CompiledShape]:
        """The shapes of the RDF list ``head`` (sh:and, sh:or, sh:xone), compiled."""
        ...

    def testers(self, shapes: list[CompiledShape]) -> list[ValueCheck]:
        """A list filled with the shapes' testers once every shape is compiled (read it only when checking)."""
        ...


#: A constraint component: ``handler(compiler, shape, value, shapes_graph, shape_node)`` is called once per
#: ``shape_node sh:<name> value`` triple while compiling, and adds checks to ``shape`` (``value_checks``,
#: ``set_checks``, ``properties``) or raises :class:`~graph_loader.shacl.compiled.shapes.Unsupported`.
Handler = Callable[[Compiling, CompiledShape, Any, Graph, Any], None]
