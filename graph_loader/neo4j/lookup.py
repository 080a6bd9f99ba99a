"""What ``diaspora-kg lookup`` reads from Neo4j: the names to match a text against, and the part of the graph
around the matches that says where they are and what their evidence quotes. The matching itself is
:mod:`graph_loader.lookup`'s, the same online and offline.

Up to :data:`ALL_NAMES` named resources every name is read and scored, so the answer is the one the files give
offline. Beyond, only the resources the full-text index of names (``resource_names``) proposes for the text's
words (each also as a prefix and, from four letters, with an edit distance of up to two) and the exact folded
names (``nameKeys``) are scored: a name further from the text than that is not found in a graph that large.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import PropertyGraph, fold
from ..ontology.schema import NAMES_INDEX, RESOURCE_LABEL
from .connection import Database
from .read import read_property_graph

#: The full-text index of ``name`` and ``altNames`` (``standard-folding``: case and accents ignored), made with
#: the schema (:data:`graph_loader.ontology.schema.NAMES_INDEX`).
NAME_INDEX = NAMES_INDEX.name
#: Candidates asked of the index; the matching ranks them.
CANDIDATES = 200
#: Up to this many named resources, all names are read and scored.
ALL_NAMES = 50_000
#: How far along the ties that place a resource the graph is read (a municipality, its state, its country).
DEPTH = 4

SEARCH = ("CALL db.index.fulltext.queryNodes($index, $query, {limit: $limit}) YIELD node "
          "RETURN node.uri AS uri")
EXACT = f"MATCH (n:{RESOURCE_LABEL}) WHERE $key IN n.nameKeys RETURN n.uri AS uri"
NAMES = (f"MATCH (n:{RESOURCE_LABEL}) WHERE n.name IS NOT NULL RETURN n.uri AS uri, labels(n) AS labels, "
         "n {.name, .altNames, .acronyms} AS props LIMIT $limit")
AROUND = f"""
MATCH (n:{RESOURCE_LABEL}) WHERE n.uri IN $uris
OPTIONAL MATCH (n)-[rs*1..{DEPTH}]->(m:{RESOURCE_LABEL}) WHERE all(r IN rs WHERE type(r) IN $types)
WITH n, collect(DISTINCT m.uri) AS reached
OPTIONAL MATCH (e:{RESOURCE_LABEL})-[q]->(s:{RESOURCE_LABEL}) WHERE e.uri IN coalesce(n.evidence, []) AND type(q) = $quoted
RETURN reached, collect(DISTINCT e.uri) AS evidence, collect(DISTINCT s.uri) AS cited
"""


def fulltext_query(text: str) -> str | None:
    """The index query for ``text``: each folded word as itself, as a prefix and, from four letters on, with
    Lucene's edit-distance fuzziness (``escobeda~``), any of them matching; None when ``text`` has no word.

    >>> fulltext_query("Monte Escobeda")
    'monte OR monte* OR monte~ OR escobeda OR escobeda* OR escobeda~'
    >>> fulltext_query("  ¿? ") is None
    True
    """
    terms = []
    for word in re.findall(r"\w+", fold(text)):  # letters and digits only: nothing Lucene would read as syntax
        terms += [word, f"{word}*"] + ([f"{word}~"] if len(word) >= 4 else [])
    return " OR ".join(terms) or None


def all_names(db: Database, limit: int | None = None) -> list[tuple[str, tuple[str, ...], dict]] | None:
    """``(uri, labels, {name, altNames, acronyms})`` of every named resource, or None when there are more than
    ``limit`` (default :data:`ALL_NAMES`; then :func:`candidate_uris` proposes the ones to score)."""
    limit = ALL_NAMES if limit is None else limit
    rows = db.read(NAMES, {"limit": limit + 1})
    if len(rows) > limit:
        return None
    return [(r["uri"], tuple(r["labels"]), r["props"]) for r in rows if r["uri"]]


def candidate_uris(db: Database, text: str, limit: int = CANDIDATES) -> list[str]:
    """The URIs whose names may match ``text``: the exact folded name first, then the index's best."""
    found = [r["uri"] for r in db.read(EXACT, {"key": fold(text)})]
    query = fulltext_query(text)
    if query:
        found += [r["uri"] for r in db.read(SEARCH, {"index": NAME_INDEX, "query": query, "limit": limit})]
    return list(dict.fromkeys(u for u in found if u))


def around(db: Database, uris: Iterable[str], types: Iterable[str], quoted: str) -> PropertyGraph:
    """The resources ``uris``, the places and organisations their ``types`` ties reach (up to :data:`DEPTH`
    steps), their evidence and the sources it is ``quoted`` from, with the relationships among all of these."""
    uris = list(dict.fromkeys(uris))
    if not uris:
        return PropertyGraph()
    wanted = set(uris)
    for row in db.read(AROUND, {"uris": uris, "types": sorted(set(types)), "quoted": quoted}):
        wanted.update(u for key in ("reached", "evidence", "cited") for u in row[key] if u)
    return read_property_graph(db, uris=sorted(wanted))
