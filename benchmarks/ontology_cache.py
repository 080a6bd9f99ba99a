"""A prototype, not wired into the loader: the parsed ontology, the shapes and the GraphSchema cached by content.

Every process of the loader parses ``ontology/diaspora.ttl`` + ``concepts.ttl`` (the ontology) and ``shapes.ttl``
with rdflib, derives the :class:`~graph_loader.ontology.schema.GraphSchema`, and compiles the shapes
(:mod:`graph_loader.shacl.compiled`). :mod:`benchmarks.fixed_costs` measures what each costs in a fresh process and
what this cache saves.

What is cached, and how it is kept safe:

* The key (:func:`content_key`) is the SHA-256 of the three files' names and bytes, of this cache's
  :data:`FORMAT`, of the versions of Python, rdflib and diaspora-kg, and of the source of the modules whose
  classes are stored (a changed dataclass is a new key, even at the same package version). Reading and hashing the
  files costs well under a millisecond; nothing is trusted by name or date.
* Two ways of storing, measured side by side:

  - ``"pickle"``: the rdflib graphs and the GraphSchema pickled, and signed with HMAC-SHA256. Unpickling runs
    code named in the file, so a file is unpickled only when its signature verifies with a secret kept *outside*
    the cache folder (:func:`secret`): a ``.env`` may point ``DKG_CACHE_DIR`` at a folder someone else wrote, and
    a planted pickle must not run. A wrong signature is a miss (the files are parsed again), never an error.
  - ``"data"``: no code at all, plain JSON: the triples of the two graphs as strings and the schema's fields.
    Loading rebuilds the rdflib graphs (``Graph.addN``) and the schema from them. A planted file cannot run
    code; it could still lie about the ontology, so it is signed with the same HMAC.

* The compiled shapes are *not* cached: they are Python closures, which pickle refuses (``Can't pickle local
  object``), and compiling them from a parsed shapes graph costs little (:mod:`benchmarks.fixed_costs`).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> cache = OntologyCache(folder / "cache", secret_file=folder / "key")
>>> first = cache.load()                   # a miss: parsed, then stored
>>> cache.last == "parsed" and cache.load() is not None and cache.last == "cached"
True
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import platform
import secrets
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from graph_loader.ontology import schema as schema_module
from graph_loader.ontology.load import ONTOLOGY_FILES, SHAPES_FILE, ontology_dir
from graph_loader.ontology.schema import (
    ClassInfo,
    DatatypeProperty,
    GraphSchema,
    NaryRelationship,
    ObjectProperty,
    schema_from_graph,
)

#: Bumped whenever what is stored changes shape.
FORMAT = 1
#: The modules whose classes are stored: their source is part of the key.
STORED_MODULES = (schema_module,)
#: Where the signing secret is kept by default: the user's own configuration, never the cache folder.
DEFAULT_SECRET = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "diaspora-kg" / "cache-secret"
KINDS = ("pickle", "data")
_MAC_SIZE = 32


@dataclass
class Parsed:
    """What a process needs before its first validation: the ontology and shapes graphs, and the schema."""

    ontology: Graph
    shapes: Graph
    schema: GraphSchema


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "none"


def content_key(folder: Path | None = None) -> str:
    """SHA-256 of the ontology files' names and bytes, :data:`FORMAT`, the versions and the stored modules' source."""
    folder = Path(folder) if folder is not None else ontology_dir()
    digest = hashlib.sha256()
    for part in (f"format {FORMAT}", f"python {platform.python_version()}", f"rdflib {_version('rdflib')}",
                 f"diaspora-kg {_version('diaspora-kg')}"):
        digest.update(part.encode() + b"\0")
    for module in STORED_MODULES:
        digest.update(Path(module.__file__).read_bytes() + b"\0")
    for name in (*ONTOLOGY_FILES, SHAPES_FILE):
        data = (folder / name).read_bytes()
        digest.update(f"{name} {len(data)}".encode() + b"\0" + data)
    return digest.hexdigest()


def secret(path: Path = DEFAULT_SECRET) -> bytes:
    """The signing secret (32 random bytes), made on first use, readable by its owner only."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(key)
        return key


def parse(folder: Path | None = None) -> Parsed:
    """The uncached way: rdflib parses the three files, the schema is derived."""
    folder = Path(folder) if folder is not None else ontology_dir()
    ontology = Graph()
    for name in ONTOLOGY_FILES:
        ontology.parse(folder / name, format="turtle")
    shapes = Graph().parse(folder / SHAPES_FILE, format="turtle")
    return Parsed(ontology, shapes, schema_from_graph(ontology))


# -- the two ways of storing -------------------------------------------------------------------------------------
def _term(node) -> list:
    if isinstance(node, Literal):
        return ["l", str(node), str(node.datatype) if node.datatype else None, node.language]
    return ["b", str(node)] if isinstance(node, BNode) else ["i", str(node)]


def _node(code: list):
    kind = code[0]
    if kind == "l":
        return Literal(code[1], datatype=URIRef(code[2]) if code[2] else None, lang=code[3], normalize=False)
    if kind in ("b", "i"):
        return BNode(code[1]) if kind == "b" else URIRef(code[1])
    raise ValueError(f"not a term: {code!r}")


def _graph(triples: list, graph: Graph) -> Graph:
    graph.addN((_node(s), _node(p), _node(o), graph) for s, p, o in triples)
    return graph


def to_data(parsed: Parsed) -> bytes:
    """The ``"data"`` form: JSON, no code."""
    schema = parsed.schema
    return json.dumps({
        "ontology": [[_term(s), _term(p), _term(o)] for s, p, o in parsed.ontology],
        "shapes": [[_term(s), _term(p), _term(o)] for s, p, o in parsed.shapes],
        "classes": [asdict(c) for c in schema.classes.values()],
        "object_properties": [asdict(p) for p in schema.object_properties.values()],
        "datatype_properties": [asdict(p) for p in schema.datatype_properties.values()],
    }, separators=(",", ":")).encode()


def from_data(data: bytes) -> Parsed:
    """Rebuild :class:`Parsed` from :func:`to_data`'s JSON (raises ValueError, KeyError or TypeError if malformed)."""
    raw = json.loads(data)
    classes = {}
    for c in raw["classes"]:
        relationship = NaryRelationship(**c["relationship"]) if c["relationship"] else None
        classes[c["iri"]] = ClassInfo(**{**c, "labels": tuple(c["labels"]), "relationship": relationship})
    schema = GraphSchema(classes, {p["iri"]: ObjectProperty(**p) for p in raw["object_properties"]},
                         {p["iri"]: DatatypeProperty(**p) for p in raw["datatype_properties"]})
    return Parsed(_graph(raw["ontology"], Graph()), _graph(raw["shapes"], Graph()), schema)


class OntologyCache:
    """The cache folder's entries, one per :func:`content_key` and kind.

    Parameters
    ----------
    folder : Path
        Where the entries go (in production: ``<DKG_CACHE_DIR>/ontology``).
    kind : {"pickle", "data"}
    secret_file : Path
        The signing secret (:func:`secret`); keep it outside ``folder``.
    ontology : Path, optional
        The folder of the ontology files (default :func:`~graph_loader.ontology.load.ontology_dir`).
    """

    def __init__(self, folder: Path, kind: str = "pickle", secret_file: Path = DEFAULT_SECRET,
                 ontology: Path | None = None):
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
        self.folder, self.kind, self.secret_file, self.ontology = Path(folder), kind, Path(secret_file), ontology
        #: What the last :meth:`load` did: ``"cached"``, ``"parsed"`` or ``"refused"`` (a bad entry, parsed again).
        self.last = ""

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.{self.kind}"

    def load(self) -> Parsed:
        """The ontology, shapes and schema: from the cache when a signed entry for the files' content is there,
        else parsed (and stored)."""
        key = content_key(self.ontology)
        path = self.path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            blob = None
        if blob is not None:
            body = self._verified(blob, key)
            if body is not None:
                try:
                    parsed = pickle.loads(body) if self.kind == "pickle" else from_data(body)
                except Exception:  # a signed entry that cannot be read back: parse (and overwrite it)
                    parsed = None
                if isinstance(parsed, Parsed):
                    self.last = "cached"
                    return parsed
            self.last = "refused"
        else:
            self.last = "parsed"
        parsed = parse(self.ontology)
        self.store(parsed, key)
        return parsed

    def store(self, parsed: Parsed, key: str | None = None) -> Path:
        """Write the signed entry for ``parsed`` (atomically: a temporary file renamed)."""
        key = key or content_key(self.ontology)
        body = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL) if self.kind == "pickle" else to_data(parsed)
        path = self.path(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.write_bytes(self._mac(body, key) + body)
        partial.replace(path)
        return path

    def _mac(self, body: bytes, key: str) -> bytes:
        # The key and kind are signed too: an entry cannot be moved to another key's name.
        return hmac.new(secret(self.secret_file), f"{self.kind} {key}\0".encode() + body, hashlib.sha256).digest()

    def _verified(self, blob: bytes, key: str) -> bytes | None:
        mac, body = blob[:_MAC_SIZE], blob[_MAC_SIZE:]
        return body if hmac.compare_digest(mac, self._mac(body, key)) else None


__all__ = ["FORMAT", "KINDS", "OntologyCache", "Parsed", "content_key", "from_data", "parse", "secret", "to_data"]
