"""Finding a resource by the name a user types (``diaspora-kg lookup``): case and accents ignored, spelling
forgiven, every name counted (the preferred name, alternative names in any language, acronyms).

What it answers, for each match: the IRI, the **short id** a CSV template takes (``org/fedecmi``,
``place/MX-ZAC``: :func:`graph_loader.rdf.csv_templates.short_id`), the kind (most specific class), the home
country (:func:`graph_loader.analysis.groups.home_country`, the rule the analyses use), where it is (located in,
originates from, part of), and its source: the documents its evidence quotes, else the files it was loaded from.

It works on a :class:`graph_loader.model.PropertyGraph`: the whole graph read from files (``--offline``), or the
part of Neo4j around the candidates the full-text index proposes (:mod:`graph_loader.neo4j.lookup`).

How a name is scored against the text (0-100), with rapidfuzz:

* 100 when the text *is* the name, an alternative name or an acronym (after folding case and accents);
* otherwise each word of the text is matched to the closest word of the name (rapidfuzz's normalised
  Indel similarity; a word the name's word starts with counts 90), and the mean over the text's words
  (*coverage*, weight 3/4) is combined with the same mean over the name's words (*precision*, 1/4), so that
  ``monte escobedo`` ranks the place Monte Escobedo above the Club Monte Escobedo, and both above Montana.
  Words such as *de*, *la*, *of*, *the* count for neither.

>>> name_score("fedecmi", "FEDECMI")
100.0
>>> name_score("monte escobeda", "Club Monte Escobedo") > name_score("monte escobeda", "Montana")
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .analysis.groups import home_country
from .model import PropertyGraph, fold
from .ontology.schema import GraphSchema
from .ontology.terms import DKG
from .rdf.csv_templates import short_id
from .rdf.mapping import MERGED_URIS_KEY

#: Words that tell names apart too little to count (English and Spanish articles and prepositions).
STOPWORDS = frozenset("a an and at by de del el en for from in la las los of on para por the to y".split())
#: Kinds never offered: records about the sources (evidence, table cells, programme rules), not things named.
SKIPPED_LABELS = frozenset({"Evidence", "Observation", "ProgrammeRule"})
#: Scores below this are not matches.
THRESHOLD = 75.0
#: A word of the text that begins a word of the name scores this much (``salvador`` in ``Salvadoreñas``).
PREFIX_SCORE = 90.0


@dataclass
class Found:
    """One match: the resource and why it matched (``matched``: the name that scored ``score``)."""

    uri: str
    name: str
    id: str
    kind: str
    country: str | None
    place: str
    source: str
    matched: str
    score: float
    also_known_as: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: The URIs accepted decisions merged into this node (``resolve --apply``): their names are among its names.
    merged: list[str] = field(default_factory=list)

    def row(self) -> dict:
        """The match as a result row (names first, the IRI last)."""
        return {"name": self.name, "id": self.id, "kind": self.kind, "country": self.country, "place": self.place,
                "source": self.source, "matched": self.matched, "score": round(self.score, 1),
                "also_known_as": self.also_known_as, "files": self.files, "merged": self.merged, "uri": self.uri}


def words(text: str) -> list[str]:
    """The folded words of ``text`` that count (stopwords dropped, unless nothing else is left).

    >>> words("Federación de Clubes MICHOACANOS")
    ['federacion', 'clubes', 'michoacanos']
    """
    found = [w for w in re.split(r"[^\w]+", fold(text)) if w]
    kept = [w for w in found if w not in STOPWORDS]
    return kept or found


def _word_similarity(a: str, b: str) -> float:
    from rapidfuzz.fuzz import ratio

    if a == b:
        return 100.0
    if len(a) >= 3 and b.startswith(a):
        return PREFIX_SCORE
    if min(len(a), len(b)) <= 2:  # two letters are too few to forgive a typo in
        return 0.0
    return ratio(a, b)


def name_score(text: str, name: str) -> float:
    """How well ``name`` matches ``text``, 0-100 (see the module docstring)."""
    if fold(text) == fold(name):
        return 100.0
    asked, offered = words(text), words(name)
    if not asked or not offered:
        return 0.0
    coverage = sum(max(_word_similarity(a, o) for o in offered) for a in asked) / len(asked)
    precision = sum(max(_word_similarity(a, o) for a in asked) for o in offered) / len(offered)
    return min(99.0, 0.75 * coverage + 0.25 * precision)


def names_of(props: dict) -> list[str]:
    """Every name of a node: its display name, alternative names and acronyms, each once."""
    names = [props.get("name"), *_as_list(props.get("altNames")), *_as_list(props.get("acronyms"))]
    return list(dict.fromkeys(str(n) for n in names if n))


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def score(text: str, nodes: Iterable[tuple[str, Iterable[str], dict]], *,
          kinds: Iterable[str] | None = None) -> list[tuple[float, str, str]]:
    """``(score, uri, the name that matched)`` of the ``nodes`` (``(uri, labels, props)``) whose names match
    ``text``, best first (ties: the shorter name, then the URI). ``kinds``: keep nodes having one of these labels
    (case ignored)."""
    wanted = {k.casefold() for k in kinds} if kinds else None
    scored: list[tuple[float, str, str, int]] = []
    for uri, node_labels, props in nodes:
        labels = [lab for lab in node_labels if lab != "Resource"]
        if not labels or SKIPPED_LABELS.intersection(labels):
            continue
        if wanted is not None and not wanted.intersection(lab.casefold() for lab in labels):
            continue
        best = max(((name_score(text, n), n) for n in names_of(props)), default=(0.0, ""))
        if best[0] >= THRESHOLD:
            scored.append((best[0], uri, best[1], len(str(props.get("name") or ""))))
    scored.sort(key=lambda item: (-item[0], item[3], item[1]))
    return [(s, uri, matched) for s, uri, matched, _ in scored]


def find(text: str, graph: PropertyGraph, schema: GraphSchema, *, limit: int = 10,
         kinds: Iterable[str] | None = None, candidates: Iterable[str] | None = None) -> list[Found]:
    """The resources of ``graph`` whose names match ``text``, best first, at most ``limit`` (see :func:`score`).

    ``candidates``: the URIs to score (default: every node of ``graph``; the others only serve to say where a
    match is).
    """
    uris = candidates if candidates is not None else graph.nodes
    nodes = ((u, graph.nodes[u]["labels"], graph.nodes[u]["props"]) for u in uris if u in graph.nodes)
    scored = score(text, nodes, kinds=kinds)
    if not scored:
        return []
    G = graph.to_networkx(schema)
    return [_found(G, schema, uri, matched, score) for score, uri, matched in scored[:limit]]


def context_types(schema: GraphSchema) -> list[str]:
    """The relationship types a match's country and place are read along (see
    :func:`graph_loader.analysis.groups.home_country`): what the graph around a candidate must hold."""
    return [schema.object_properties[str(p)].type for p in (DKG.homeCountry, DKG.originatesFrom, DKG.locatedIn,
                                                             DKG.partOf, DKG.subOrganisationOf, DKG.executiveArmOf)]


def quoted_type(schema: GraphSchema) -> str:
    """The type of the tie from a piece of evidence to the source it quotes."""
    return schema.object_properties[str(DKG.source)].type


def where_ties(schema: GraphSchema) -> list[tuple[str, str]]:
    """The relationship types that say where something is, each with the word that says it."""
    return [(schema.object_properties[str(prop)].type, word)
            for prop, word in ((DKG.locatedIn, "in"), (DKG.originatesFrom, "from"), (DKG.partOf, "part of"))]


def _found(G, schema: GraphSchema, uri: str, matched: str, score: float) -> Found:
    data = G.nodes[uri]
    name = str(data.get("name") or uri)
    quoted = quoted_type(schema)
    return Found(uri=uri, name=name, id=short_id(uri), kind=data.get("kind") or "Resource",
                 country=home_country(G, uri), place=_where(G, uri, where_ties(schema)),
                 source=_source(G, data, quoted), matched=matched, score=score,
                 also_known_as=sorted(n for n in names_of(data) if n != name),
                 files=sorted(map(str, _as_list(data.get("sources")))),
                 merged=sorted(map(str, _as_list(data.get(MERGED_URIS_KEY)))))


def _where(G, uri: str, ties: list[tuple[str, str]]) -> str:
    """``in Los Angeles; from Cuscatlán``: the places a resource is located in, originates from, is part of."""
    parts = []
    for tie, word in ties:
        places = sorted({str(G.nodes[v].get("name") or v) for _, v, d in G.out_edges(uri, data=True)
                         if d.get("type") == tie})
        if places:
            parts.append(f"{word} {', '.join(places)}")
    return "; ".join(parts)


def _source(G, data: dict, quoted: str) -> str:
    """The documents the resource's evidence quotes, else the files it was loaded from (each sorted)."""
    documents = []
    for evidence in _as_list(data.get("evidence")):
        if evidence in G:
            documents += [str(G.nodes[v].get("name") or v) for _, v, d in G.out_edges(evidence, data=True)
                          if d.get("type") == quoted]
    return "; ".join(sorted(set(documents))) or ", ".join(sorted(map(str, _as_list(data.get("sources")))))
