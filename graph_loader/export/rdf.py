"""RDF (Turtle, N-Triples, JSON-LD) through :mod:`graph_loader.rdf.unmapping`; round-trips through ``load``.

pyoxigraph writes the files (the parser the loader reads them with): every literal goes out as the exporter
spells it, in its datatype's lexical space (:func:`graph_loader.rdf.xsd.lexical_form`), control characters escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ..model import PropertyGraph
from ..ontology.schema import GraphSchema
from ..rdf.unmapping import RdfExporter
from .files import replacing

#: Our format names -> pyoxigraph's formats.
RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


def write_rdf(graph: PropertyGraph, schema: GraphSchema, fmt: str, out: Path, prefixes: dict[str, str] | None,
              on_warning: Callable[[str], None] | None) -> list[Path]:
    """``graph`` as RDF in ``out``; ``on_warning`` hears of every IRI written percent-encoded (and of every
    language tag, taken from a property key another tool wrote, that is none)."""
    exporter = RdfExporter(schema, prefixes)
    with replacing(out) as tmp:
        with open(tmp, "wb") as file:
            ox.serialize(exporter.to_oxigraph(graph), file, RDF_FORMATS[fmt],
                         prefixes=exporter.namespaces() if fmt == "turtle" else None)
    if on_warning:
        for stored, written in sorted(exporter.encoded.items()):
            on_warning(f"<{stored}> is not a valid IRI; written percent-encoded as <{written}>")
        for tag in sorted(exporter.untagged):
            on_warning(f"@{tag} is not a valid language tag; its values were written without a tag")
    return [out]
