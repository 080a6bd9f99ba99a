"""RDF (Turtle, N-Triples, JSON-LD) through :mod:`graph_loader.rdf.unmapping`; round-trips through ``load``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..model import PropertyGraph
from ..ontology.schema import GraphSchema
from ..rdf.unmapping import RdfExporter
from .files import replacing

#: Our format names -> rdflib's serializer names.
RDF_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}


def write_rdf(graph: PropertyGraph, schema: GraphSchema, fmt: str, out: Path, prefixes: dict[str, str] | None,
              on_warning: Callable[[str], None] | None) -> list[Path]:
    """``graph`` as RDF in ``out``; ``on_warning`` hears of every IRI written percent-encoded."""
    exporter = RdfExporter(schema, prefixes)
    rdf = exporter.to_rdflib(graph)
    with replacing(out) as tmp:
        rdf.serialize(tmp, format=RDF_FORMATS[fmt], encoding="utf-8")
    for stored, written in sorted(exporter.encoded.items()):
        if on_warning:
            on_warning(f"<{stored}> is not a valid IRI; written percent-encoded as <{written}>")
    return [out]
