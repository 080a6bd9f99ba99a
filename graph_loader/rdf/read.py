"""Reading input files into plain triples, with errors that name the file and the line.

Turtle, N-Triples, N-Quads/TriG (graph names dropped), JSON-LD and RDF/XML are parsed by pyoxigraph (a streaming
parser in Rust: it gives the line and column of a syntax error and reads well over 10^5 triples/s); CSV files that
follow a template of ``data/templates/`` become triples through :mod:`graph_loader.rdf.csv_templates`.

Triples are plain Python values so that mapping millions of them stays cheap: an IRI is a ``str``, a blank node a
``str`` starting with ``_:`` (made unique per file), a literal a :class:`Lit`. :func:`to_rdflib` builds an rdflib
graph from them when SHACL validation needs one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from ..errors import InputError
from ..settings import PROJECT_ROOT

RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}
SUPPORTED = (*RDF_FORMATS, ".csv")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Lit(NamedTuple):
    """A literal: its lexical ``value``, ``datatype`` IRI (None for plain strings) and ``lang`` tag."""

    value: str
    datatype: str | None = None
    lang: str | None = None


Term = str | Lit
Triple = tuple[str, str, Term]


@dataclass(frozen=True)
class SourceFile:
    """One input file: its ``key`` (how facts record it), path, content hash and format suffix."""

    key: str
    path: Path
    sha256: str
    suffix: str


def source_key(path: Path) -> str:
    """How a file is named in the graph's provenance: relative to the project when inside it, else absolute."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the supported files under folders named (sorted; hidden files skipped)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        else:
            files.append(path)
    return files


def inspect(path: Path) -> SourceFile:
    """Check that ``path`` is a readable, non-empty text file of a supported kind; hash it."""
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "no such file", hint="check the path")
    if path.is_dir():
        raise InputError(str(path), "is a folder; name the files, or pass the folder to load all inside")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(str(path), f"unsupported file type {suffix or '(none)'}",
                         hint=f"use one of {', '.join(SUPPORTED)}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read: {exc.strerror}") from exc
    if not data.strip():
        raise InputError(str(path), "is empty", hint="remove it from the command or add data")
    if b"\x00" in data[:65536]:
        raise InputError(str(path), "is a binary file, not RDF or CSV text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(str(path), "is not valid UTF-8 text", line=line,
                         hint="save the file as UTF-8") from exc
    return SourceFile(source_key(path), path, hashlib.sha256(data).hexdigest(), suffix)


def _term(term, bnode_prefix: str, bnodes: dict[str, str]) -> Term:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        # Parsers name anonymous nodes at random; number them by first appearance so the same file content
        # always gives the same identifiers (and a reload the same graph).
        label = bnodes.get(term.value)
        if label is None:
            label = bnodes[term.value] = f"_:{bnode_prefix}{len(bnodes)}"
        return label
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return Lit(term.value, None, term.language)
        return Lit(term.value, None if datatype == XSD_STRING else datatype, None)
    raise TypeError(f"unsupported RDF term {term!r}")  # RDF-star triple terms


def iter_triples(source: SourceFile) -> Iterator[Triple]:
    """The triples of an RDF file (CSV files go through :mod:`graph_loader.rdf.csv_templates`)."""
    if source.suffix == ".csv":
        from .csv_templates import csv_triples

        yield from csv_triples(source.path)
        return
    prefix = source.sha256[:8] + "b"  # blank nodes of different files never merge
    bnodes: dict[str, str] = {}
    try:
        for quad in ox.parse(path=str(source.path), format=RDF_FORMATS[source.suffix],
                             base_iri=source.path.resolve().as_uri()):
            yield (_term(quad.subject, prefix, bnodes), quad.predicate.value, _term(quad.object, prefix, bnodes))
    except SyntaxError as exc:
        message = str(exc).split(" (", 1)[0] if "(" in str(exc) else str(exc)
        raise InputError(str(source.path), f"syntax error: {message}", line=exc.lineno,
                         hint="fix the syntax at that line (the file was not loaded)") from exc
    except (ValueError, OSError) as exc:
        raise InputError(str(source.path), f"cannot be parsed: {exc}") from exc


def to_rdflib_term(term: Term):
    if isinstance(term, Lit):
        return Literal(term.value, lang=term.lang, datatype=URIRef(term.datatype) if term.datatype else None)
    if term.startswith("_:"):
        return BNode(term[2:])
    return URIRef(term)


def to_rdflib(triples: Iterable[Triple], graph: Graph | None = None) -> Graph:
    """Add ``triples`` to an rdflib graph (a new one by default)."""
    graph = graph if graph is not None else Graph()
    add = graph.add
    for s, p, o in triples:
        add((to_rdflib_term(s), URIRef(p), to_rdflib_term(o)))
    return graph


def from_rdflib(graph: Graph) -> Iterator[Triple]:
    """The triples of an rdflib graph as plain values."""
    for s, p, o in graph:
        yield (_from_rdflib_term(s), str(p), _from_rdflib_term(o))


def _from_rdflib_term(term) -> Term:
    if isinstance(term, Literal):
        if term.language:
            return Lit(str(term), None, term.language)
        datatype = str(term.datatype) if term.datatype else None
        return Lit(str(term), None if datatype == XSD_STRING else datatype, None)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)
