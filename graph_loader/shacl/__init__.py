"""SHACL validation of parsed inputs, by one of two engines that find the same things.

* ``compiled`` (default, :mod:`.compiled`): the shapes compiled once into Python functions over plain triples;
  about 1 s per 10^5 triples.
* ``pyshacl`` (:mod:`.pyshacl_engine`): pySHACL on an rdflib graph; the reference, minutes at 10^6 triples.

The differential tests (``tests/unit/test_fast_validate.py``, ``tests/faults/test_xsd_lexical.py``) hold the
compiled engine to pySHACL's findings on the examples, every invalid file, the seed corpus and corrupted
synthetic corpora. :mod:`.report` holds the result types both return; :mod:`.literals` how both read literals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import chain

from ..errors import UsageError
from ..model import Triple
from ..rdf.mapping import blank_form
from ..rdf.sources import ParsedSource
from .report import ValidationReport, ValidationResult


def _compiled(triples: Iterable[Triple], origins: Mapping[str, str]) -> ValidationReport:
    from .compiled import validate_triples

    return validate_triples(triples, origins=origins)


def _pyshacl(triples: Iterable[Triple], origins: Mapping[str, str]) -> ValidationReport:
    from ..rdf.read import to_rdflib
    from .pyshacl_engine import validate

    return validate(to_rdflib(triples), origins=origins)


#: The engines by name: each takes plain triples and ``{focus node: source file}`` and returns a report.
ENGINES: dict[str, Callable[[Iterable[Triple], Mapping[str, str]], ValidationReport]] = {
    "compiled": _compiled,
    "pyshacl": _pyshacl,
}
DEFAULT_ENGINE = "compiled"


def validate(parsed: list[ParsedSource], context: Iterable[Triple] = (), *,
             engine: str = DEFAULT_ENGINE) -> ValidationReport:
    """Validate the inputs together, with ``context`` (what they point at or touch in the graph).

    Findings about resources only the context describes are not the inputs' to answer for and are left out; each
    finding names the file its focus node was read from. A blank node and the IRI the graph gives it
    (``…/.well-known/genid/…``, as the context and an exported file name it) are one node, as in the graph
    (:func:`graph_loader.rdf.mapping.blank_form`).
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown validator {engine!r}", hint=f"choose one of {', '.join(ENGINES)}")
    context = list(blank_form(context))
    origins: dict[str, str] = {}
    for item in parsed:
        for s, _, _ in blank_form(item.triples):
            origins.setdefault(s, item.source.key)  # a blank node's focus text is "_:<label>" in both engines
    report = ENGINES[engine](chain(context, *(blank_form(item.triples) for item in parsed)), origins)
    context_only = {s for s, _, _ in context} - origins.keys()
    return ValidationReport([r for r in report.results if r.focus_node not in context_only])


__all__ = ["DEFAULT_ENGINE", "ENGINES", "ValidationReport", "ValidationResult", "validate"]
