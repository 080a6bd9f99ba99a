"""What a node's or an edge's tooltip says: name, kind, main facts and where the facts come from.

Tooltips are plain data (strings), never markup: the page builds them with ``textContent``, so an organisation
named ``<img src=x onerror=alert(1)>`` shows as that text. The sources are the node's or tie's Evidence
records, spelt out as "source, locator: “quote”" when an ``evidence`` mapping (Evidence URI -> {"locator",
"quote", "source"}) is given, else their URIs; the dataset files a fact was loaded from come last.

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_node("fisdl", name="FISDL", kind="GovernmentAgency", acronym="FISDL", evidence=["ev1"])
>>> evidence = {"ev1": {"source": "ARI 16/2005", "locator": "p. 6", "quote": "FISDL"}}
>>> tip = node_tip(G, "fisdl", evidence=evidence)
>>> tip["name"], tip["kind"], tip["facts"], tip["sources"]
('FISDL', 'GovernmentAgency', [['acronym', 'FISDL']], ['ARI 16/2005, p. 6: “FISDL”'])
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping

import networkx as nx

from ..model import as_list
from .encoding import node_kind, node_names

#: At most this many facts and sources per tooltip; the rest are counted, not listed.
MAX_FACTS = 14
MAX_SOURCES = 6
#: Longest text shown for one value, in characters.
MAX_VALUE_CHARS = 240

#: Attributes that are not facts to list: names and provenance have their own lines, the rest is bookkeeping.
_NOT_FACTS = frozenset(
    {
        "name",
        "labels",
        "kind",
        "evidence",
        "sources",
        "altNames",
        "nameKeys",
        "acronyms",
        "uri",
        "type",
        "kinds",
    }
)

#: RDF label properties the loader keeps next to ``name`` and ``altNames`` (``docs/architecture.md``).
_LABEL_PROPERTIES = frozenset({"prefLabel", "altLabel", "hiddenLabel", "label"})
#: The ``_en``/``_es`` suffix of a per-language copy of a property.
_LANGUAGE_SUFFIX = re.compile(r"_[a-z]{2,3}$")


def format_value(value) -> str:
    """A property value as short text: numbers with thousands separators, lists joined, long text cut.

    >>> format_value(1307342.09), format_value(0.000123), format_value(True), format_value(["SV", "US"])
    ('1,307,342.09', '0.000123', 'yes', 'SV, US')
    """
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            text = str(value)
        elif value.is_integer() and abs(value) < 1e15:
            text = f"{int(value):,}"
        elif abs(value) >= 1:
            text = f"{value:,.2f}"
        else:
            text = f"{value:.3g}"
    elif isinstance(value, list | tuple | set | frozenset):
        text = ", ".join(format_value(item) for item in value)
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def describe_evidence(uri: str, evidence: Mapping[str, Mapping] | None) -> str:
    """One Evidence record as "source, locator: “quote”", or its URI when ``evidence`` lacks it."""
    record = (evidence or {}).get(uri)
    if not record:
        return str(uri)
    where = ", ".join(str(part) for part in (record.get("source"), record.get("locator")) if part)
    quote = f"“{record['quote']}”" if record.get("quote") else ""
    if where and quote:
        return format_value(f"{where}: {quote}")
    return format_value(where or quote or str(uri))


def _sources(data: Mapping, evidence: Mapping | None) -> tuple[list[str], int]:
    lines = [describe_evidence(uri, evidence) for uri in as_list(data.get("evidence"))]
    loaded_from = as_list(data.get("sources"))
    if loaded_from:
        lines.append("loaded from " + format_value(loaded_from))
    return lines[:MAX_SOURCES], max(0, len(lines) - MAX_SOURCES)


def is_repeat(key: str, value, data: Mapping) -> bool:
    """True for a property that says again what the tooltip already shows.

    That is: a label property (the names have their own lines), a per-language copy ``P_en`` equal to the
    display value ``P`` (the loader's convention for language-tagged literals), or ``unnamed`` when false.

    >>> data = {"description": "HTA", "description_en": "HTA", "description_es": "club", "prefLabel": "SALA"}
    >>> [key for key, value in data.items() if is_repeat(key, value, data)]
    ['description_en', 'prefLabel']
    """
    base = _LANGUAGE_SUFFIX.sub("", key)
    if base in _LABEL_PROPERTIES:
        return True
    if base != key and data.get(base) == value:
        return True
    return key == "unnamed" and not value


def _facts(data: Mapping, extra: list[list[str]]) -> tuple[list[list[str]], int]:
    facts = list(extra)
    facts.extend(
        [str(key), format_value(value)]
        for key, value in sorted(data.items(), key=lambda item: str(item[0]))
        if key not in _NOT_FACTS
        and value is not None
        and value != []
        and value != ""
        and not is_repeat(str(key), value, data)
    )
    if data.get("uri"):
        facts.append(["uri", str(data["uri"])])
    return facts[:MAX_FACTS], max(0, len(facts) - MAX_FACTS)


def node_tip(
    G: nx.Graph,
    node: Hashable,
    *,
    evidence: Mapping[str, Mapping] | None = None,
    scores: Mapping[str, Mapping] | None = None,
) -> dict:
    """The tooltip of ``node``: ``{"name", "kind", "facts": [[key, text], ...], "sources": [text], "more"}``.

    ``facts`` lists alternative names, the node's scores (``scores[measure][node]``), its other properties and
    its URI; ``more`` counts the facts and sources left out for length.
    """
    data = G.nodes[node]
    scored = [
        [measure, format_value(values[node])]
        for measure, values in sorted((scores or {}).items())
        if node in values and values[node] is not None
    ]
    names = node_names(data, node)
    also_known_as = [["also known as", format_value(names[1:])]] if len(names) > 1 else []
    facts, more_facts = _facts(data, also_known_as + scored)
    sources, more_sources = _sources(data, evidence)
    return {
        "name": names[0],
        "kind": node_kind(data),
        "facts": facts,
        "sources": sources,
        "more": more_facts + more_sources,
    }


def edge_label(data: Mapping) -> str:
    """An edge's label: its relationship ``type``, else the ``kinds`` a projection merged into it.

    >>> edge_label({"type": "MEMBER_OF"}), edge_label({"kinds": ["FUNDS", "CO_FUNDING"]}), edge_label({})
    ('MEMBER_OF', 'FUNDS, CO_FUNDING', '')
    """
    if data.get("type"):
        return str(data["type"])
    return ", ".join(str(kind) for kind in as_list(data.get("kinds")))


def edge_tip(
    G: nx.Graph, u: Hashable, v: Hashable, data: Mapping, *, evidence: Mapping[str, Mapping] | None = None
) -> dict:
    """The tooltip of the edge ``u -> v`` with attributes ``data``, shaped like :func:`node_tip`'s.

    ``name`` is the relationship label and ``kind`` reads "from → to" with the endpoints' names.
    """
    arrow = "→" if G.is_directed() else "–"
    ends = f"{node_names(G.nodes[u], u)[0]} {arrow} {node_names(G.nodes[v], v)[0]}"
    facts, more_facts = _facts(data, [])
    sources, more_sources = _sources(data, evidence)
    return {
        "name": edge_label(data) or "tie",
        "kind": format_value(ends),
        "facts": facts,
        "sources": sources,
        "more": more_facts + more_sources,
    }
