"""Literals as validation sees them (canonical forms and :class:`LiteralFacts`), and small helpers on value nodes.

A value node is a :data:`Node`: an IRI or blank node (``"_:b0"``) as a string, or a :class:`~graph_loader.model.Lit`.
Literals are judged as :func:`graph_loader.shacl.pyshacl_engine.validation_literal` makes them: ill-formed by XSD's
lexical spaces (:mod:`graph_loader.rdf.xsd`), else normalised as rdflib normalises them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from rdflib import BNode, Literal
from rdflib.namespace import XSD
from rdflib.term import XSDToPython

from ...model import Lit
from ...rdf import xsd
from ..literals import quiet_rdflib, validation_literal

XSD_NS = str(XSD)
XSD_STRING = XSD_NS + "string"

Node = str | Lit


# -- literals as rdflib sees them ------------------------------------------------------------------------------
class LiteralFacts(NamedTuple):
    """What the constraints need to know of a literal: rdflib's ill-typed flag and its Python value."""

    ill_typed: bool | None
    value: object


# Lexical forms that rdflib keeps as they are and parses without complaint: they skip the (slow) rdflib path.
# (Not integers of more than 4,300 digits, which int() refuses.)
_CANONICAL_FORMS = {
    XSD_NS + "decimal": (re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?"), Decimal),
    XSD_NS + "integer": (re.compile(r"0|-?[1-9][0-9]{0,3000}"), int),
    XSD_NS + "boolean": (re.compile(r"true|false"), lambda text: text == "true"),
}
#: Datatypes rdflib has no Python value for (xsd:gYear, ...): it keeps their lexical form and never flags them.
_UNCONVERTED = frozenset(str(dt) for dt, converter in XSDToPython.items() if dt is not None and converter is None)
_OPAQUE = LiteralFacts(None, None)


@functools.lru_cache(maxsize=1 << 12)
def rdflib_literal(lit: Lit) -> Literal:
    """The rdflib literal both engines judge (:func:`graph_loader.shacl.pyshacl_engine.validation_literal`)."""
    with quiet_rdflib():
        return validation_literal(lit.value, lit.datatype, lit.lang)


@functools.lru_cache(maxsize=1 << 16)
def _normalised(lit: Lit) -> tuple[Lit, LiteralFacts]:
    literal = rdflib_literal.__wrapped__(lit)  # not through the small cache: this one is the large one
    datatype = str(literal.datatype) if literal.datatype is not None else None
    return Lit(str(literal), datatype, literal.language), LiteralFacts(literal.ill_typed, literal.value)


def _as_written(lit: Lit) -> bool:
    """True for a literal of a datatype rdflib does not convert whose lexical form validation keeps as it is."""
    return lit.datatype in _UNCONVERTED and (not xsd.checks(lit.datatype) or _well_formed_as_is(lit))


@functools.lru_cache(maxsize=1 << 16)
def _well_formed_as_is(lit: Lit) -> bool:
    return xsd.well_formed(lit.value, lit.datatype) and xsd.normal_form(lit.value, lit.datatype) == lit.value


def canonical(lit: Lit) -> Lit:
    """The literal as validation sees it: typed lexical forms normalised (``"01"^^xsd:integer`` -> ``"1"``).

    An ill-formed one (:func:`graph_loader.rdf.xsd.well_formed`) keeps its lexical form.

    >>> canonical(Lit("01", XSD_NS + "integer")).value
    '1'
    """
    if lit.datatype is None or _as_written(lit):
        return lit
    form = _CANONICAL_FORMS.get(lit.datatype)
    if form is not None and form[0].fullmatch(lit.value):
        return lit
    return _normalised(lit)[0]


def facts(lit: Lit) -> LiteralFacts:
    """Validation's view of a (canonical) literal: plain text has its string as value and is never ill-typed.

    An ill-formed literal is ill-typed and has no value, as :class:`graph_loader.shacl.pyshacl_engine.IllFormedLiteral`.
    """
    if lit.datatype is None:
        return LiteralFacts(None, lit.value)
    if _as_written(lit):
        return _OPAQUE
    form = _CANONICAL_FORMS.get(lit.datatype)
    if form is not None and form[0].fullmatch(lit.value):
        return LiteralFacts(False, form[1](lit.value))
    return _normalised(lit)[1]


# -- terms of the shapes graph ---------------------------------------------------------------------------------
def plain(term) -> Node:
    """An rdflib term from the shapes graph as a plain value (xsd:string literals become plain, as in read.py)."""
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return canonical(Lit(str(term), None if datatype == XSD_STRING else datatype, term.language))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def is_true(term) -> bool:
    """True for the literal ``true`` (an rdflib term of the shapes graph, or None)."""
    return isinstance(term, Literal) and term.value is True


# -- value nodes -----------------------------------------------------------------------------------------------
def unique(values: Iterable[Node]) -> list[Node]:
    """``values`` without repeats, in first-seen order."""
    return list(dict.fromkeys(values))


def node_kind(v: Node) -> str:
    """``"literal"``, ``"bnode"`` or ``"iri"``."""
    if v.__class__ is Lit:
        return "literal"
    return "bnode" if v.startswith("_:") else "iri"


def is_bnode(v: Node) -> bool:
    return v.__class__ is str and v.startswith("_:")


def node_text(v: Node) -> str:
    """The lexical form of a literal, the IRI (or ``_:`` label) of any other node."""
    return v.value if v.__class__ is Lit else v
