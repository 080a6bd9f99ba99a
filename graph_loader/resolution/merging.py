"""Accepted decisions as merges: which nodes become one, which of them stays, and what the one node holds.

Plain data in and out, no server (:mod:`graph_loader.neo4j.merges` reads and writes Neo4j with these):

* :func:`groups`: the ``yes`` rows of a decisions file joined into groups (``a = b`` and ``b = c`` make one group
  of three); each group's **canonical** node is the lexicographically first URI of the group (deterministic: the
  same file always keeps the same node, whatever the order of its rows);
* :func:`merged_node`: the canonical node after the others are merged into it: labels of all (the kinds are
  compatible, so these are the most specific kind's), every value of every one (different values become lists,
  nothing overwritten: :func:`graph_loader.merge.union_props`), every source and piece of evidence, the
  canonical name kept and every other name in ``altNames`` (``nameKeys`` folded with :func:`graph_loader.model.fold`,
  the one folding that lookups use), the merged URIs in ``owl__sameAs`` (exported as ``owl:sameAs``) and
  :data:`MERGED_URIS`, and the decisions file among the ``sources``.

What is needed to undo a merge exactly (each node as it was, with its own relationships) is kept by
:mod:`graph_loader.neo4j.merges` on the canonical node.

Examples
--------
>>> from graph_loader.resolution.decisions import Decision
>>> [(g.canonical, g.others) for g in groups([Decision("ex:b", "ex:c", "yes", "ana", "2026-12-07"),
...                                             Decision("ex:a", "ex:b", "yes", "ana", "2026-12-07"),
...                                             Decision("ex:d", "ex:e", "no", "ana", "2026-12-07")])]
[('ex:a', ('ex:b', 'ex:c'))]
>>> labels, props = merged_node(
...     ("ex:a", ["Federation", "Resource"], {"uri": "ex:a", "name": "FEDECMI", "altNames": [],
...      "prefLabel": "FEDECMI", "sources": ["seed.ttl"], "evidence": ["ev:1"]}),
...     [("ex:b", ["Organisation", "Resource"], {"uri": "ex:b", "name": "Fed. Clubes Michoacanos",
...       "prefLabel": "Fed. Clubes Michoacanos", "sources": ["list.csv"], "evidence": []})], "decisions.csv")
>>> props["name"], props["altNames"], props["owl__sameAs"], props["sources"]
('FEDECMI', ['Fed. Clubes Michoacanos'], ['ex:b'], ['decisions.csv', 'list.csv', 'seed.ttl'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..merge import ASSERTED_KEY, LOCATION_KEY, SCORE_PREFIX, derive_location, union_props
from ..model import as_list, fold
from ..rdf.mapping import IRI_KEYS, MERGE_RECORDS_KEY, MERGE_SOURCES_KEY, MERGED_URIS_KEY
from .decisions import Decision

#: The property that lists, on a canonical node, the URIs merged into it (by every decisions file applied).
MERGED_URIS = MERGED_URIS_KEY
#: The property that lists, on a canonical node, the decisions files whose merges it holds, oldest first.
MERGE_SOURCES = MERGE_SOURCES_KEY
#: The property that holds what undoing the merges needs (one JSON text per decisions file; see
#: :mod:`graph_loader.neo4j.merges`). Bookkeeping: neither exported nor shown.
MERGE_RECORDS = MERGE_RECORDS_KEY
#: The property (a foreign predicate under the well-known prefix ``owl``) that the RDF export writes as
#: ``owl:sameAs``: a round trip keeps the merges as facts.
SAME_AS = "owl__sameAs"
#: The namespace of :data:`SAME_AS`'s prefix, recorded with the decisions source (``LoadedSource.prefixes``).
OWL = "http://www.w3.org/2002/07/owl#"

#: Keys computed again for the merged node (never unioned).
_RECOMPUTED = {"uri", "sources", "evidence", "name", "altNames", "acronyms", "nameKeys", ASSERTED_KEY, LOCATION_KEY,
               MERGED_URIS, MERGE_SOURCES, MERGE_RECORDS, SAME_AS, IRI_KEYS, "stub"}


@dataclass(frozen=True)
class Group:
    """Nodes that accepted decisions make one: the ``canonical`` URI (kept), the ``others`` (merged into it,
    sorted), and the decisions that join them (each with its line in the file)."""

    canonical: str
    others: tuple[str, ...]
    decisions: tuple[Decision, ...]

    @property
    def uris(self) -> tuple[str, ...]:
        return (self.canonical, *self.others)


def accepted(decisions: Iterable[Decision]) -> list[Decision]:
    """The ``yes`` rows."""
    return [d for d in decisions if d.decision == "yes"]


def groups(decisions: Iterable[Decision], weight: Callable[[str], int] | None = None) -> list[Group]:
    """The groups the ``yes`` rows of ``decisions`` make (union-find), sorted by canonical URI.

    The canonical node of a group: the one of greatest ``weight`` (:func:`graph_loader.neo4j.merges.apply_file`
    weighs a node by its sources, evidence and ties, so that a corpus's node stays rather than a list's row), then
    the lexicographically first URI."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    yes = accepted(decisions)
    for d in yes:
        a, b = find(d.left), find(d.right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = {}
    for uri in list(parent):
        members.setdefault(find(uri), []).append(uri)
    out = []
    for root, uris in members.items():
        uris = sorted(uris, key=lambda u: (-(weight(u) if weight else 0), u))
        out.append(Group(uris[0], tuple(sorted(uris[1:])), tuple(d for d in yes if find(d.left) == root)))
    return sorted(out, key=lambda g: g.canonical)


Node = tuple[str, Iterable[str], dict]


def merged_node(canonical: Node, others: Iterable[Node], decisions_key: str) -> tuple[list[str], dict]:
    """``(labels, props)`` of the ``canonical`` node ``(uri, labels, props)`` once ``others`` are merged into it
    by the decisions file ``decisions_key`` (see the module docstring)."""
    uri, labels, props = canonical
    nodes = [(uri, list(labels), dict(props)), *((u, list(ls), dict(p)) for u, ls, p in others)]
    merged_labels = list(dict.fromkeys(label for _, ls, _ in nodes for label in ls))
    values = union_props({k: v for k, v in p.items() if k not in _RECOMPUTED and not k.startswith(SCORE_PREFIX)}
                         for _, _, p in nodes)
    name = str(props.get("name") or uri)
    names = [str(n) for _, _, p in nodes for n in [p.get("name"), *as_list(p.get("altNames"))] if n]
    alt = [n for n in dict.fromkeys(names) if n != name]
    acronyms = list(dict.fromkeys(str(a) for _, _, p in nodes for a in as_list(p.get("acronyms"))))
    merged_uris = [u for u, _, _ in nodes[1:]]
    iri_keys = list(dict.fromkeys([*(k for _, _, p in nodes for k in as_list(p.get(IRI_KEYS))), SAME_AS]))
    out = {
        **values,
        "uri": uri,
        "name": name, "altNames": alt, "acronyms": acronyms,
        "nameKeys": list(dict.fromkeys(fold(n) for n in [name, *alt])),
        "sources": sorted({str(s) for _, _, p in nodes for s in as_list(p.get("sources"))} | {decisions_key}),
        "evidence": sorted({str(e) for _, _, p in nodes for e in as_list(p.get("evidence"))}),
        SAME_AS: list(dict.fromkeys([*as_list(props.get(SAME_AS)), *merged_uris])),
        MERGED_URIS: list(dict.fromkeys([*as_list(props.get(MERGED_URIS)), *merged_uris])),
        MERGE_SOURCES: [*[s for s in as_list(props.get(MERGE_SOURCES)) if s != decisions_key], decisions_key],
        IRI_KEYS: iri_keys,
    }
    if all(p.get("stub") for _, _, p in nodes):
        out["stub"] = True
    out.update(derive_location(out))
    return merged_labels, out
