"""What the compiler builds: :class:`CompiledShape` (a shape's constraints as functions over a
:class:`~.data.DataIndex`), the function types of its checks, and what it cannot compile
(:class:`Unsupported` while compiling, :class:`UnsupportedShape` in the validator's list)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import BNode

from .data import DataIndex
from .values import Node, unique

#: One finding before it becomes a ValidationResult: severity, focus, path text, value, message, shape name.
Finding = tuple[str, Node, str | None, Node | None, str, str]
#: The value nodes of a path from a focus node (distinct, in order); see :func:`.paths.compile_path`.
PathFn = Callable[[DataIndex, Node], list[Node]]
#: A constraint on each value node: does it pass?
ValueCheck = Callable[[DataIndex, Node], bool]
#: A constraint on the set of value nodes of a focus node: the failing values (None: one failure with no value).
SetCheck = Callable[[DataIndex, Node, list[Node]], list[Node | None]]
_NONE: list[Node] = []


class Unsupported(Exception):
    """A shape feature the validator cannot compile; carries what it is."""


@dataclass(frozen=True)
class UnsupportedShape:
    """A shape (named by its top-level shape) with a feature the validator leaves out."""

    shape: str
    feature: str


@dataclass
class CompiledShape:
    """One shape: its constraints as functions, its property shapes, and how its results are named."""

    node: object
    name: str
    severity: str
    message: str
    path: PathFn | None = None
    path_text: str | None = None
    #: The path's predicate when the path is one predicate (the common case, read straight from the index).
    predicate: str | None = None
    value_checks: list[ValueCheck] = field(default_factory=list)
    set_checks: list[SetCheck] = field(default_factory=list)
    properties: list[CompiledShape] = field(default_factory=list)
    deactivated: bool = False

    def values_of(self, data: DataIndex, focus: Node, by_predicate: dict | None) -> list[Node]:
        """The value nodes of ``focus`` (``by_predicate``: the focus node's entry in the index, or None)."""
        predicate = self.predicate
        if predicate is not None:
            values = by_predicate.get(predicate) if by_predicate else None
            if not values:
                return _NONE
            return values if len(values) == 1 else unique(values)
        return self.path(data, focus) if self.path else [focus]

    def conforms(self, data: DataIndex, focus: Node) -> bool:
        """True when ``focus`` satisfies every constraint of the shape (used for nested shapes)."""
        if self.deactivated:
            return True
        by_predicate = data.out.get(focus) if focus.__class__ is str else None
        values = self.values_of(data, focus, by_predicate)
        for check in self.value_checks:
            for value in values:
                if not check(data, value):
                    return False
        for check in self.set_checks:
            if check(data, focus, values):
                return False
        for prop in self.properties:
            if not prop.conforms(data, focus):
                return False
        return True

    def tester(self) -> ValueCheck:
        """A function telling whether a node conforms, as direct as the shape allows (for sh:or, sh:not, ...).

        A named shape (an IRI, such as a helper several rules use) remembers its answer per node.
        """
        if self.deactivated:
            return lambda data, v: True
        if self.path is None and not self.set_checks and not self.properties:
            checks = tuple(self.value_checks)
            if len(checks) == 1:
                test = checks[0]
            else:
                def test(data: DataIndex, v: Node) -> bool:
                    for check in checks:
                        if not check(data, v):
                            return False
                    return True
        else:
            test = self.conforms
        if isinstance(self.node, BNode):
            return test
        key = self.name

        def remembered(data: DataIndex, v: Node) -> bool:
            answers = data.answers.get(key)
            if answers is None:
                answers = data.answers[key] = {}
            answer = answers.get(v)
            if answer is None:
                answer = answers[v] = test(data, v)
            return answer

        return remembered

    def units(self) -> list[tuple[CompiledShape, str | None, tuple[ValueCheck, ...]]]:
        """How a top-level validation runs this shape: ``(shape, predicate, checks)`` per shape to report.

        A property shape with a one-predicate path and only value-node checks gets its predicate and checks,
        which :meth:`.validator.FastValidator.validate` applies straight to the index; any other shape gets
        ``(shape, None, ())`` and reports through :meth:`report_own`. Nested property shapes come as units of
        their own, so every shape that can fail is visited once per focus node.
        """
        if self.deactivated:
            return []
        found = []
        if self.predicate is not None and not self.set_checks:
            found.append((self, self.predicate, tuple(self.value_checks)))
        elif self.value_checks or self.set_checks:
            found.append((self, None, ()))
        for prop in self.properties:
            found += prop.units() if prop.path is not None and self.path is None else [(prop, None, ())]
        return found

    def report_own(self, data: DataIndex, focus: Node, by_predicate: dict | None, out: list[Finding]) -> None:
        """Findings of this shape's own constraints (:meth:`report` without the nested property shapes)."""
        values = self.values_of(data, focus, by_predicate)
        for check in self.value_checks:
            for value in values:
                if not check(data, value):
                    out.append((self.severity, focus, self.path_text, value, self.message, self.name))
        for check in self.set_checks:
            for value in check(data, focus, values):
                out.append((self.severity, focus, self.path_text, value, self.message, self.name))

    def report(self, data: DataIndex, focus: Node, by_predicate: dict | None, out: list[Finding]) -> None:
        """Append a finding for every failure of ``focus`` (a top-level validation)."""
        if self.deactivated:
            return
        self.report_own(data, focus, by_predicate, out)
        for prop in self.properties:
            prop.report(data, focus, by_predicate, out)
