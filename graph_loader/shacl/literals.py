"""Literals as validation must see them: judged by XSD's lexical spaces (:mod:`graph_loader.rdf.xsd`), not by what
Python's parsers accept. Both engines build their data through :func:`validation_literal`.
"""

from __future__ import annotations

import math

from rdflib import Literal, URIRef

from ..rdf import xsd
from ..rdf.read import quiet_rdflib

__all__ = ["IllFormedLiteral", "NaNLiteral", "quiet_rdflib", "validation_literal"]


class IllFormedLiteral(Literal):
    """A typed literal outside its datatype's XSD lexical space: ill-typed and without a value.

    rdflib reads ``"31_342"^^xsd:integer`` as 31342 and ``"NaN"^^xsd:decimal`` as ``Decimal('NaN')``; SPARQL,
    SHACL and TopBraid read them as ill-typed literals, which ``sh:datatype`` rejects and no range can compare.
    The lexical form and datatype stay as written, so reports show the value as the data give it.
    """

    __slots__ = ()

    @property
    def ill_typed(self) -> bool:
        return True

    @property
    def value(self) -> None:
        return None


class _NotANumber(float):
    """NaN whose order comparisons are false with anything, as a float NaN's are with numbers; with a Decimal a
    float NaN raises instead (``float('nan') > Decimal('0.10')``: ``decimal.InvalidOperation``)."""

    def __lt__(self, other) -> bool:
        return False

    __le__ = __gt__ = __ge__ = __lt__


_NAN = _NotANumber("nan")


class NaNLiteral(Literal):
    """A well-formed ``"NaN"^^xsd:double`` (or ``xsd:float``) whose value compares with no number without raising,
    Decimal bounds included: pySHACL ranks it below every bound. (It cannot be stored: ``dkg:StorableValue``.)"""

    __slots__ = ()

    @property
    def value(self) -> float:
        return _NAN


def validation_literal(lexical: str, datatype: str | None, lang: str | None = None) -> Literal:
    """The literal as both SHACL engines judge it (call within :func:`quiet_rdflib`).

    An :class:`IllFormedLiteral` when :func:`graph_loader.rdf.xsd.well_formed` says so; else the literal as
    rdflib normalises it (``"007"^^xsd:integer`` is ``"7"``), after XSD's whitespace collapse; a
    :class:`NaNLiteral` for NaN.
    """
    if lang or datatype is None:
        return Literal(lexical, lang=lang)
    datatype = str(datatype)
    if not xsd.well_formed(lexical, datatype):
        return IllFormedLiteral(lexical, datatype=URIRef(datatype), normalize=False)
    text = xsd.normal_form(lexical, datatype)
    literal = Literal(text, datatype=URIRef(datatype))
    if isinstance(literal.value, float) and not math.isfinite(literal.value):
        # Not rdflib's "nan" and "inf", which are no XSD: a literal read again must be judged the same.
        kind = NaNLiteral if math.isnan(literal.value) else Literal
        return kind(text, datatype=URIRef(datatype), normalize=False)
    return literal


