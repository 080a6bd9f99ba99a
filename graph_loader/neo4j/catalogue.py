"""The named Cypher queries in ``cypher/``: one query per file, each with a header.

A header is a block of ``// key: value`` lines at the top of the file::

    // name: federations_to_municipalities
    // description: Each federation with the home communities of its member associations.
    // params: $country (string, optional, default null): ISO code of the home country
    // returns: federation, place, place_level, via
    // mode: read

``params`` may span several ``// params:`` lines or continuation lines (``//   $x ...``); ``none`` when there is
no parameter. ``mode`` is ``read`` or ``write``; write queries run only when the caller allows it.

A name parameter declared ``folded`` (``// params: $name (string, folded): ...``) comes with its folded form,
``$nameKey``: :func:`graph_loader.model.fold` of the value (lower case, accents dropped, single spaces), the form
the loader stores in ``nameKeys``. So a query matches names with ``$nameKey IN n.nameKeys``, and accent folding is
done once, in Python, not written into each query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..errors import QueryError
from ..model import fold
from ..resources import cypher_dir

#: The query library (:func:`graph_loader.resources.cypher_dir`, found once when this module is imported).
CYPHER_DIR = cypher_dir()
REQUIRED_KEYS = ("name", "description", "params", "returns", "mode")
_HEADER = re.compile(r"^//\s*(\w+):\s*(.*)$")
_CONTINUATION = re.compile(r"^//\s{2,}(\S.*)$")
_PARAM_DECL = re.compile(r"\$(\w+)\s*\(([^)]*)\)")
_PARAM_USE = re.compile(r"\$(\w+)")
_STRING_OR_COMMENT = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*")


@dataclass(frozen=True)
class Param:
    """A declared parameter: its type, whether it may be omitted, and its default (as Cypher sees it)."""

    name: str
    type: str
    optional: bool
    default: object = None
    #: The query also takes ``$<name>Key``, the value folded (:attr:`key`).
    folded: bool = False

    @property
    def key(self) -> str | None:
        """The name of the folded form's parameter (``nameKey`` for ``name``), or None when not ``folded``."""
        return f"{self.name}Key" if self.folded else None

    def folded_value(self, value):
        """``value`` folded as ``nameKeys`` are (None for None or a value that is not text)."""
        return fold(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class NamedQuery:
    """One ``.cypher`` file of the library."""

    name: str
    description: str
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    mode: str
    text: str
    path: Path
    header: dict = field(repr=False, default_factory=dict)

    @property
    def theme(self) -> str:
        return self.path.parent.name

    def used_params(self) -> set[str]:
        """Every ``$name`` used in the body (strings and comments excluded)."""
        return set(_PARAM_USE.findall(_STRING_OR_COMMENT.sub("", self.text)))

    def param_names(self) -> set[str]:
        """The parameters the body may use: the declared ones and the folded forms of the ``folded`` ones."""
        return {p.name for p in self.params} | {p.key for p in self.params if p.folded}

    def bind(self, given: dict) -> dict:
        """Complete ``given`` with defaults and the folded forms; raise QueryError for unknown or missing
        parameters.

        >>> query = NamedQuery("q", "", (Param("name", "string", False, folded=True),), (), "read", "", Path("q"))
        >>> query.bind({"name": "  Federación  MICHOACANA"})
        {'name': '  Federación  MICHOACANA', 'nameKey': 'federacion michoacana'}
        """
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise QueryError(f"query {self.name}: unknown parameter(s) {', '.join(unknown)}",
                             hint=f"it takes: {', '.join(declared) or 'no parameters'}")
        bound = {}
        for name, param in declared.items():
            if name in given:
                bound[name] = given[name]
            elif param.optional:
                bound[name] = param.default
            else:
                raise QueryError(f"query {self.name}: missing parameter ${name} ({param.type})",
                                 hint=f"add --param {name}=VALUE")
            if param.folded:
                if bound[name] is not None and not isinstance(bound[name], str):
                    raise QueryError(f"query {self.name}: ${name} expected a string (a name to match), "
                                     f"not {bound[name]!r}",
                                     hint=f"give the name as text; a number as a JSON string: -p '{name}=\"5\"'")
                bound[param.key] = param.folded_value(bound[name])
        return bound


def _parse_default(text: str):
    import json

    text = text.strip()
    if text in ("null", "none", ""):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text.strip("'\"")


def parse_query_file(path: Path) -> NamedQuery:
    """Parse one file; raise QueryError naming the file when its header is incomplete."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        if not line.startswith("//"):
            if line.strip():
                break
            continue
        cont = _CONTINUATION.match(line)
        match = _HEADER.match(line)
        if match and match.group(1) in (*REQUIRED_KEYS, "notes", "example"):
            last = match.group(1)
            header[last] = (header.get(last, "") + " " + match.group(2)).strip()
        elif cont and last:
            header[last] = (header[last] + " " + cont.group(1)).strip()
    missing = [k for k in REQUIRED_KEYS if not header.get(k)]
    if missing:
        raise QueryError(f"{path}: header lacks {', '.join(missing)}",
                         hint="start the file with // name:, // description:, // params:, // returns:, // mode:")
    mode = header["mode"].strip().lower()
    if mode not in ("read", "write"):
        raise QueryError(f"{path}: mode must be read or write, not {mode!r}")
    params = []
    for name, spec in _PARAM_DECL.findall(header["params"]):
        parts = [p.strip() for p in spec.split(",")]
        optional = any(p.startswith("optional") or p.startswith("default") for p in parts[1:])
        default = next((_parse_default(p.split("default", 1)[1]) for p in parts if p.startswith("default")), None)
        params.append(Param(name, parts[0], optional, default, folded="folded" in parts[1:]))
    returns = tuple(c.strip() for c in header["returns"].split(",") if c.strip())
    return NamedQuery(header["name"].strip(), header["description"], tuple(params), returns, mode, text, path,
                      header)


@cache
def catalogue(root: Path = CYPHER_DIR) -> dict[str, NamedQuery]:
    """All named queries under ``root`` by name (schema files under ``cypher/schema`` included)."""
    queries: dict[str, NamedQuery] = {}
    for path in sorted(root.rglob("*.cypher")):
        query = parse_query_file(path)
        if query.name in queries:
            raise QueryError(f"{path}: query name {query.name!r} is also used by {queries[query.name].path}")
        queries[query.name] = query
    return queries


def get(name: str) -> NamedQuery:
    """The named query, or a QueryError listing near names."""
    queries = catalogue()
    if name not in queries:
        import difflib

        near = difflib.get_close_matches(name, queries, n=3)
        raise QueryError(f"no query named {name!r}",
                         hint=f"did you mean {', '.join(near)}?" if near else "`diaspora-kg queries` lists them")
    return queries[name]
