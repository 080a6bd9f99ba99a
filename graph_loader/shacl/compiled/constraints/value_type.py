"""Value type constraint components (SHACL 4.1): sh:class, sh:datatype, sh:nodeKind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rdflib.namespace import RDF, RDFS, SH

from ....model import Lit
from ..data import DataIndex
from ..shapes import Unsupported, ValueCheck
from ..values import XSD_NS, XSD_STRING, Node, facts, node_kind
from .base import Handler


def class_constraint(compiler, shape, value, g, node):
    cls = str(value)
    shape.value_checks.append(lambda data, v: cls in data.classes(v))


def datatype_constraint(compiler, shape, value, g, node):
    shape.value_checks.append(_datatype_check(str(value)))


def node_kind_constraint(compiler, shape, value, g, node):
    allowed = {SH.IRI: ("iri",), SH.BlankNode: ("bnode",), SH.Literal: ("literal",),
               SH.BlankNodeOrIRI: ("bnode", "iri"), SH.BlankNodeOrLiteral: ("bnode", "literal"),
               SH.IRIOrLiteral: ("iri", "literal")}.get(value)
    if allowed is None:
        raise Unsupported(f"sh:nodeKind {value}")
    shape.value_checks.append(lambda data, v: node_kind(v) in allowed)


#: The handlers by sh: local name.
HANDLERS: dict[str, Handler] = {
    "class": class_constraint,
    "datatype": datatype_constraint,
    "nodeKind": node_kind_constraint,
}


#: The datatypes whose Python value pySHACL checks (others pass when not ill-typed).
_DATATYPE_VALUE_TYPES = {XSD_NS + "integer": int, XSD_NS + "float": float, XSD_NS + "decimal": Decimal,
                         XSD_NS + "boolean": bool, XSD_NS + "date": dt.date, XSD_NS + "time": dt.time,
                         XSD_NS + "dateTime": dt.datetime}
_RDF_LANGSTRING = str(RDF.langString)
_RDFS_LITERAL = str(RDFS.Literal)
_RDFS_DATATYPE = str(RDFS.Datatype)


def _datatype_check(datatype: str) -> ValueCheck:
    """sh:datatype as pySHACL decides it: same IRI, not ill-typed, and a Python value of the expected type."""
    expected = _DATATYPE_VALUE_TYPES.get(datatype)

    def check(data: DataIndex, v: Node) -> bool:
        if v.__class__ is not Lit:
            return False
        if datatype == _RDFS_LITERAL:
            return True
        if v.datatype == datatype:
            info = facts(v)
            if info.ill_typed is True:
                return False
            return expected is None or isinstance(info.value, expected)
        if datatype == _RDFS_DATATYPE:
            return v.datatype is not None
        if datatype == XSD_STRING:
            return v.datatype is None and v.lang is None
        if datatype == _RDF_LANGSTRING:
            return bool(v.lang)
        return False

    return check
