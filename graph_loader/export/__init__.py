"""Exporting the graph, one module per kind of file, one registry of formats (:data:`FORMATS`).

* :mod:`.rdf`: Turtle, N-Triples, JSON-LD, through :mod:`graph_loader.rdf.unmapping` (round-trips through ``load``);
* :mod:`.gephi`: GraphML and GEXF for Gephi;
* :mod:`.csv`: ``nodes.csv`` and ``relationships.csv`` for spreadsheets;
* :mod:`.files`: every format writes whole or not at all.

Export never breaks on what the database holds: odd IRIs are percent-encoded and named, XML-unsafe characters
replaced, attribute types made uniform.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import DiasporaKGError, UsageError
from ..model import PropertyGraph
from ..ontology.schema import GraphSchema
from .csv import write_csv
from .files import replacing
from .gephi import gephi_graph, write_gephi
from .rdf import RDF_FORMATS, write_rdf

#: Every format: its name -> a writer ``(graph, schema, fmt, out, prefixes, on_warning) -> files written``.
FORMATS: dict[str, Callable[..., list[Path]]] = {
    **{name: write_rdf for name in RDF_FORMATS},  # turtle, nt, jsonld
    "graphml": lambda graph, schema, fmt, out, prefixes, on_warning: write_gephi(graph, schema, fmt, out),
    "gexf": lambda graph, schema, fmt, out, prefixes, on_warning: write_gephi(graph, schema, fmt, out),
    "csv": lambda graph, schema, fmt, out, prefixes, on_warning: write_csv(graph, out, schema),
}

#: Other names users type for the same formats.
ALIASES = {"ttl": "turtle", "ntriples": "nt"}


def export(graph: PropertyGraph, schema: GraphSchema, fmt: str, out: Path,
           prefixes: dict[str, str] | None = None, *,
           on_warning: Callable[[str], None] | None = None) -> list[Path]:
    """Write ``graph`` to ``out`` in ``fmt`` (a name of :data:`FORMATS`); returns the files written.

    ``prefixes`` is ``{prefix: namespace}`` for properties outside the ontology (RDF formats).
    ``on_warning`` receives one message per thing written differently from the database (an IRI
    percent-encoded). A file that cannot be written raises :class:`DiasporaKGError`; nothing partial is left.
    """
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    try:
        return FORMATS[fmt](graph, schema, fmt, Path(out), prefixes, on_warning)
    except OSError as exc:
        raise DiasporaKGError(f"{exc.filename or out}: cannot write the export ({exc.strerror or exc})",
                              hint="check that the folder is writable and the disk has space; "
                                   "an earlier export there is left as it was") from exc


__all__ = ["FORMATS", "export", "gephi_graph", "replacing"]
