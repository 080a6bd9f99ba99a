"""Reading input files into plain triples, with errors that name the file and the line.

Turtle, N-Triples, N-Quads/TriG (graph names dropped), JSON-LD and RDF/XML are parsed by pyoxigraph (a streaming
parser in Rust: it gives the line and column of a syntax error and reads well over 10^5 triples/s); CSV files that
follow a template of ``data/templates/`` become triples through :mod:`graph_loader.rdf.csv_templates`.

Triples are plain Python values so that mapping millions of them stays cheap: an IRI is a ``str``, a blank node a
``str`` starting with ``_:`` (made unique per file), a literal a :class:`Lit`. :func:`to_rdflib` builds an rdflib
graph from them when SHACL validation needs one.

What is read, and what is refused before the parser sees it (an :class:`~graph_loader.errors.InputError` naming the
file and, where there is one, the line; exit code 2):

* UTF-8 text only, with or without a byte-order mark (skipped; the file is still hashed as it is on disk). UTF-16
  and UTF-32 are named as such; other bytes are "not valid UTF-8" at their line, or "binary".
* RDF/XML declaring an XML entity (``<!ENTITY``), or with a DOCTYPE internal subset ``[...]``: pyoxigraph expands
  entities, so ten nested declarations in 1 KB ("billion laughs") grow to gigabytes. The scan covers the whole
  file, not only the prolog, since pyoxigraph honours a DOCTYPE met even inside the root element.
* JSON-LD (arrays and objects) or RDF/XML (elements) nested more than :data:`MAX_NESTING` levels: pyoxigraph's
  JSON-LD parser kills the process at a few thousand levels (a segfault, with no message) and takes time and memory
  growing with the square of the depth; its RDF/XML parser's time grows with about the cube of the depth (20,000
  levels: 10 s). Real data nest far less. Turtle, TriG and N-Triples nest in linear time: no limit is needed.
* A JSON-LD ``@context`` (or ``@import``) given by URL: contexts are never fetched, so a load needs no network and
  depends on no third party; the message names the URL.
* RDF 1.2 triple terms (``<<( s p o )>>``, ``<< s p o >>``), which the property graph has no place for.
* A relative IRI in a file that declares no base (``@base``, a JSON-LD ``@base``, ``xml:base``): it is not resolved
  against the file's own location, which would store ``file:///<folder>/relative/thing``, an IRI of one folder on
  one machine (and JSON-LD would drop a relative ``@id`` silently).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import warnings
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from sys import intern

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from ..errors import InputError
from ..model import Lit, Term, Triple
from ..resources import checkout_root, resources_root

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
#: Deepest nesting read: JSON arrays and objects in JSON-LD, elements in RDF/XML (see the module docstring).
MAX_NESTING = 100
UTF8_BOM = b"\xef\xbb\xbf"
#: Formats read whole and scanned before parsing; the others are streamed from the file.
SCANNED = (ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML)


@dataclass(frozen=True)
class SourceFile:
    """One input file: its ``key`` (how facts record it), path, content hash and format suffix."""

    key: str
    path: Path
    sha256: str
    suffix: str


def source_key(path: Path) -> str:
    """How a file is named in the graph's provenance: relative to the resources root for the bundled corpus (so
    ``data/seed/…`` names the same file in a checkout and in an installed package), relative to the checkout for
    other files inside it, else absolute."""
    resolved = Path(path).resolve()
    for root in (resources_root(), checkout_root()):
        if root is not None and resolved.is_relative_to(root):
            return resolved.relative_to(root).as_posix()
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
    if not path.is_file():  # reading a named pipe would wait for a writer forever
        raise InputError(str(path), "is not a regular file (a pipe, socket or device)",
                         hint="save the data to a file and name that file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read: {exc.strerror}") from exc
    if not data.removeprefix(UTF8_BOM).strip():
        raise InputError(str(path), "is empty", hint="remove it from the command or add data")
    encoding = _wide_encoding(data)
    if encoding:
        raise InputError(str(path), f"is {encoding} text; only UTF-8 is read", hint="save the file as UTF-8")
    if b"\x00" in data[:65536]:
        raise InputError(str(path), "is a binary file, not RDF or CSV text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(str(path), "is not valid UTF-8 text", line=line,
                         hint="save the file as UTF-8") from exc
    return SourceFile(source_key(path), path, hashlib.sha256(data).hexdigest(), suffix)


def _wide_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``data`` is text in one of them (by its byte-order mark, or by mostly
    ASCII characters once decoded so), else None."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = data[:4096]
    if b"\x00" not in sample:
        return None
    for name, codec in (("UTF-32", "utf-32-le"), ("UTF-32", "utf-32-be"), ("UTF-16", "utf-16-le"),
                        ("UTF-16", "utf-16-be")):
        text = sample[: len(sample) // 4 * 4].decode(codec, errors="replace")
        if text and sum(c.isascii() and (c.isprintable() or c.isspace()) for c in text) > 0.9 * len(text):
            return name
    return None


def _term(term, bnode_prefix: str, bnodes: dict[str, str]) -> Term:
    if isinstance(term, ox.NamedNode):
        return intern(term.value)  # one string per IRI, however many triples name it: memory, and faster lookups
    if isinstance(term, ox.BlankNode):
        # Parsers name anonymous nodes at random; number them by first appearance so the same file content
        # always gives the same identifiers (and a reload the same graph).
        label = bnodes.get(term.value)
        if label is None:
            label = bnodes[term.value] = f"_:{bnode_prefix}{len(bnodes)}"
        return label
    if isinstance(term, ox.Literal):
        if term.language:
            return Lit(term.value, None, intern(term.language))
        datatype = intern(term.datatype.value)
        return Lit(term.value, None if datatype == XSD_STRING else datatype, None)
    raise _TripleTerm(f"unsupported RDF term {term!r}")


class _Prefixed:
    """A binary stream whose first bytes were already read (to look for a byte-order mark): they come first."""

    def __init__(self, head: bytes, rest):
        self._head, self._rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._rest.read(size)
        if size is None or size < 0:
            head, self._head = self._head, b""
            return head + self._rest.read()
        head, self._head = self._head[:size], self._head[size:]
        return head if len(head) == size else head + self._rest.read(size - len(head))


class _TripleTerm(Exception):
    """An RDF 1.2 triple term met while reading (turned into an InputError naming the file)."""


class _Hashing:
    """A binary file whose every byte read also goes into ``digest``: the hash of exactly what was parsed."""

    def __init__(self, file, digest):
        self._file, self._digest = file, digest

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._digest.update(data)
        return data


def iter_triples(source: SourceFile, digest=None) -> Iterator[Triple]:
    """The triples of an RDF file (CSV files go through :mod:`graph_loader.rdf.csv_templates`).

    JSON-LD and RDF/XML are read whole and checked first (see the module docstring); the other formats are
    streamed. A UTF-8 byte-order mark is skipped. The file is read once: ``digest`` (a ``hashlib`` object), when
    given, receives exactly the bytes parsed, so the hash a load records is the hash of what it wrote even when
    the file changes on disk in the meantime (:attr:`SourceFile.sha256` is the hash :func:`inspect` saw).
    """
    if source.suffix == ".csv":
        from .csv_templates import csv_triples

        data = source.path.read_bytes()
        if digest is not None:
            digest.update(data)
        yield from csv_triples(source.path, data=data)
        return
    # Blank nodes of different files never merge: their labels carry the whole hash of the file (8 hex digits
    # were found to collide in 39,000 tries); the same content gives the same labels, so a reload is idempotent.
    prefix = source.sha256 + "b"
    bnodes: dict[str, str] = {}
    fmt = RDF_FORMATS[source.suffix]
    path = str(source.path)
    data = b""
    # No base but the file's own: Turtle and N-Triples then fail at a relative IRI with its line; JSON-LD and
    # RDF/XML (which drop or cannot place it) resolve it against a base that names no real place, and are refused
    # below when an IRI comes out under it.
    base = NO_BASE if fmt in SCANNED else None
    try:
        with open(source.path, "rb") as file:
            if fmt in SCANNED:
                data = file.read()
                if digest is not None:
                    digest.update(data)
                data = data.removeprefix(UTF8_BOM)
                _check_before_parsing(path, fmt, data)
                text = data
            else:
                text = _Hashing(file, digest) if digest is not None else file
                start = text.read(len(UTF8_BOM))
                if start != UTF8_BOM:
                    text = _Prefixed(start, text)
            for quad in ox.parse(text, format=fmt, base_iri=base):
                triple = (_term(quad.subject, prefix, bnodes), intern(quad.predicate.value),
                          _term(quad.object, prefix, bnodes))
                if base is not None:
                    _check_resolved(path, data, triple)
                yield triple
    except SyntaxError as exc:
        if "LoadDocumentCallback" in str(exc):  # pyoxigraph's word for "a context to fetch"
            raise _remote_context_error(path, data) from exc
        if _NO_SCHEME in str(exc):
            raise _relative_iri_error(path, _iri_at(source.path, exc), exc.lineno) from exc
        message = str(exc).split(" (", 1)[0] if "(" in str(exc) else str(exc)
        raise InputError(path, f"syntax error: {message}", line=exc.lineno,
                         hint="fix the syntax at that line (the file was not loaded)") from exc
    except _TripleTerm as exc:
        raise InputError(path, "holds an RDF 1.2 triple term (<<( s p o )>> or a << s p o >> reifier), "
                         "which the loader does not read", line=_triple_term_line(source.path, fmt),
                         hint="state it with rdf:Statement reification (rdf:subject, rdf:predicate, "
                              "rdf:object), which the loader maps") from exc
    except (ValueError, OSError) as exc:
        raise InputError(path, f"cannot be parsed: {exc}") from exc


# -- checks before parsing ------------------------------------------------------------------------------------

def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_before_parsing(path: str, fmt: ox.RdfFormat, data: bytes) -> None:
    """Refuse what would blow the parser up (see the module docstring); ``data`` is UTF-8 without its BOM."""
    if fmt == ox.RdfFormat.RDF_XML:
        entity = _XML_ENTITY.search(data)
        if entity:
            raise InputError(path, "declares an XML entity (<!ENTITY ...>): entity declarations are refused, since "
                             "a few nested ones expand to gigabytes (the \"billion laughs\")",
                             line=_line_at(data, entity.start()),
                             hint="expand the entities yourself (write each &name; out in full and delete the "
                                  "<!DOCTYPE ...> block), or convert the file to Turtle")
        subset = _XML_DOCTYPE_SUBSET.search(data)
        if subset:
            raise InputError(path, "has a DOCTYPE with an internal subset ([...]) or markup inside it, which "
                             "RDF/XML does not need",
                             line=_line_at(data, subset.start()),
                             hint="delete the <!DOCTYPE ...> block, or convert the file to Turtle")
        too_deep, what = _xml_too_deep(data), "XML elements"
        hint = "describe nested nodes at the top level (rdf:about or rdf:nodeID) and refer to them"
    else:
        too_deep, what = _json_too_deep(data), "JSON arrays and objects"
        hint = "describe nested nodes at the top level (give each an @id) and refer to them"
    if too_deep is not None:
        raise InputError(path, f"{what} nested more than {MAX_NESTING} levels deep, which can crash or stall "
                         "the parser", line=_line_at(data, too_deep), hint=hint)


#: ``<!ENTITY`` anywhere (pyoxigraph reads declarations case-sensitively; matching any case costs nothing).
_XML_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
#: A DOCTYPE whose text before its first ``>`` opens an internal subset (or holds a ``<``, which pyoxigraph counts
#: as nesting). Refusing these leaves DOCTYPEs that end at their first ``>``, as :data:`_XML_TOKEN` reads them.
_XML_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>]*?[\[<]", re.IGNORECASE)
#: XML markup as pyoxigraph's XML reader (quick-xml) splits it: a start tag (quotes may hold ``>``; group
#: ``open``, or ``empty`` when it ends in ``/>``), an end tag (group ``close``), and what may hold ``<`` without
#: being markup: comments, CDATA sections, processing instructions and a DOCTYPE. Every construct also ends at the
#: end of the data, so a scan never starts again inside an unterminated one.
_XML_TOKEN = re.compile(rb"""
    (?P<close></) [^>]* (?:>|\Z)
  | < [^\s/>!?] [^>"'/]* (?: (?: "[^"]*(?:"|\Z) | '[^']*(?:'|\Z) | /(?!>) ) [^>"'/]* )* (?: (?P<empty>/>) | (?P<open>>) | \Z)
  | <!-- .*? (?:-->|\Z)
  | <!\[CDATA\[ .*? (?:\]\]>|\Z)
  | <\? .*? (?:\?>|\Z)
  | <!DOCTYPE [^>]* (?:>|\Z)
""", re.DOTALL | re.VERBOSE | re.IGNORECASE)


def _xml_too_deep(data: bytes) -> int | None:
    """The offset of the first start tag nested deeper than :data:`MAX_NESTING`, or None."""
    depth = 0
    for token in _XML_TOKEN.finditer(data):
        kind = token.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                return token.start()
        elif kind == "close":
            depth -= 1
        elif kind == "empty" and depth >= MAX_NESTING:
            return token.start()
    return None


#: A JSON string, ending at the end of the data when unterminated (as the parser reads it).
_JSON_STRING = rb'"[^"\\]*(?:\\(?:.|\Z)[^"\\]*)*(?:"|\Z)'
_JSON_TOKEN = re.compile(_JSON_STRING + rb"|(?P<open>[\[{])|(?P<close>[\]}])", re.DOTALL)
#: Every byte but quotes and brackets (dropped first: what is left is small).
_NOT_QUOTES_OR_BRACKETS = bytes(sorted(set(range(256)) - set(b'"[]{}')))
#: Brackets as depth steps: an opening one +1, a closing one -1 (0xff read as a signed byte).
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def _json_too_deep(data: bytes) -> int | None:
    """The offset of the first bracket nested deeper than :data:`MAX_NESTING`, or None.

    In bulk bytes operations (50 MB in about half a second): escapes are blanked (a backslash pair first, so
    ``\\\\"`` still closes its string); only quotes and brackets are kept; adjacent quotes are dropped (an empty
    string, or two strings with nothing between them: either way no bracket is lost or gained); the brackets
    between the quotes left are dropped (every other piece; an unterminated string runs to the end, as for the
    parser); the rest are summed as steps of +1 and -1. A stray closing bracket makes the parser stop there, so
    the running sum never undercounts what it reads. Only a file found too deep is walked token by token for the
    offset.
    """
    unescaped = data.replace(b"\\\\", b"__").replace(b'\\"', b"__") if b"\\" in data else data
    marks = unescaped.translate(None, _NOT_QUOTES_OR_BRACKETS).replace(b'""', b"")
    outside_strings = b"".join(marks.split(b'"')[::2])
    if max(accumulate(array("b", outside_strings.translate(_BRACKET_STEPS)), initial=0)) <= MAX_NESTING:
        return None
    depth = 0
    for token in _JSON_TOKEN.finditer(data):
        if token.lastgroup == "open":
            depth += 1
            if depth > MAX_NESTING:
                return token.start()
        elif token.lastgroup == "close":
            depth -= 1
    return len(data)  # the two counts differ only on malformed JSON (a backslash outside strings)


# -- errors found while parsing -------------------------------------------------------------------------------

#: The base JSON-LD and RDF/XML are parsed against: ``.invalid`` names no host (RFC 2606), so an IRI under it was
#: relative in the file, which declared no base of its own.
NO_BASE = "https://no-base.invalid/"
#: pyoxigraph's complaint about a relative IRI where there is no base to resolve it against.
_NO_SCHEME = "No scheme found in an absolute IRI"
_COLUMNS = re.compile(r"between columns (\d+) and (\d+)")


def _relative_iri_error(path: str, relative: str | None, line: int | None) -> InputError:
    shown = f"the relative IRI <{relative}>" if relative else "a relative IRI"
    return InputError(path, f"holds {shown} and no base to resolve it against", line=line,
                      hint="declare a base (Turtle: @base <https://example.org/data/> . ; JSON-LD: \"@base\" in "
                           "the @context; RDF/XML: xml:base) or write the IRI in full. The loader does not resolve "
                           "it against the file's own location, which would tie the IRIs to one folder of one "
                           "machine")


def _iri_at(path: Path, exc: SyntaxError) -> str | None:
    """The IRI a Turtle-family syntax error points at (pyoxigraph gives its line and columns), without ``<>``."""
    columns = _COLUMNS.search(str(exc))
    if columns is None or not exc.lineno:
        return None
    try:
        with open(path, encoding="utf-8-sig") as file:
            text = next((line for number, line in enumerate(file, 1) if number == exc.lineno), "")
    except (OSError, UnicodeDecodeError):
        return None
    found = text[int(columns[1]) - 1:int(columns[2]) - 1].strip()
    return found.strip("<>") or None


def _check_resolved(path: str, data: bytes, triple: Triple) -> None:
    """Refuse a triple with an IRI resolved against :data:`NO_BASE` (relative in the file, no base declared)."""
    s, p, o = triple
    for term in (s, p, o.datatype if isinstance(o, Lit) else o):
        if term and term.startswith(NO_BASE):
            relative = term[len(NO_BASE):]
            quoted = [data.find(f'{q}{relative.lstrip("#")}{q}'.encode()) for q in "\"'"]
            found = min((i for i in quoted if i >= 0), default=-1)
            raise _relative_iri_error(path, relative, _line_at(data, found) if found >= 0 else None)


#: ``"@context": "<url>"``, ``"@context": [..., "<url>"]`` (after flat objects) or ``"@import": "<url>"``.
_REMOTE_CONTEXT = re.compile(rb'"@(?:context|import)"\s*:\s*(?:\[\s*(?:\{[^{}]*\}\s*,\s*)*)?'
                             rb'"((?:[^"\\]|\\.)*)"')


def _remote_context_error(path: str, data: bytes) -> InputError:
    """The error for a JSON-LD file whose context is given by URL, naming the URL and its line when found."""
    found = _REMOTE_CONTEXT.search(data)
    url = json.loads(b'"' + found.group(1) + b'"') if found else None
    return InputError(path, f"remote @context {url or '(a URL)'} is not fetched: a load never downloads a "
                      "context (it would need the network and depend on a third party)",
                      line=_line_at(data, found.start(1)) if found else None,
                      hint="inline the context: put the context object itself in place of the URL, "
                           '"@context": {"name": "https://schema.org/name", ...}, with the terms this file uses')


#: Turtle-family text that may hold ``<<`` without it being a triple term: strings, IRIs and comments.
_TURTLE_TOKEN = re.compile(rb'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                           rb'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*|(?P<term><<)',
                           re.DOTALL)


def _triple_term_line(path: Path, fmt: ox.RdfFormat) -> int | None:
    """The line of the first ``<<`` outside strings, IRIs and comments (Turtle, TriG, N-Triples, N-Quads)."""
    if fmt in SCANNED:
        return None
    data = path.read_bytes()
    for token in _TURTLE_TOKEN.finditer(data):
        if token.lastgroup == "term":
            return _line_at(data, token.start())
    return None


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's traceback and warning for each literal it cannot convert: here that is an answer."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = logging.getLogger("rdflib.term")
        was_disabled, log.disabled = log.disabled, True
        try:
            yield
        finally:
            log.disabled = was_disabled


def to_rdflib_term(term: Term):
    if isinstance(term, Lit):
        # The lexical form as written: validation checks it against XSD (rdflib would rewrite "31_342"^^xsd:integer
        # as "31342"); graph_loader.shacl.pyshacl_engine normalises the well-formed ones itself.
        return Literal(term.value, lang=term.lang, datatype=URIRef(term.datatype) if term.datatype else None,
                       normalize=False)
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
