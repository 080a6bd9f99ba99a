"""GraphML and GEXF for Gephi (and anything that reads them: igraph, NetworkX, yEd).

GraphML and GEXF are XML 1.0, which cannot carry control characters other than tab and newlines: those are written
as U+FFFD; a key whose values mix numbers and text is written as text (numbers mixing int and float as float), so
that every value reads back under one declared type.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx

from ..model import PropertyGraph
from ..ontology.schema import GraphSchema
from ..rdf.unmapping import plain_value
from .files import replacing

#: Characters XML 1.0 cannot carry at all (GraphML and GEXF are XML).
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: Attribute names NetworkX's GEXF writer takes as structure (ids, labels, time spans, layout), not as data.
GEXF_NODE_KEYS = {"id", "pid", "start", "end", "viz", "parents", "slices", "spells"}
GEXF_EDGE_KEYS = {"id", "weight", "start", "end", "slices", "spells", "networkx_key"}
#: Attribute names NetworkX's GEXF writer takes as structure (ids, labels, time spans, layout), not as data.
GEXF_NODE_KEYS = {"id", "pid", "start", "end", "viz", "parents", "slices", "spells"}
GEXF_EDGE_KEYS = {"id", "weight", "start", "end", "slices", "spells", "networkx_key"}

def flat_value(value):
    """A GraphML/GEXF/CSV-safe scalar: lists and maps as JSON text, other values plain; None dropped by the caller."""
    value = plain_value(value)
    if isinstance(value, list | tuple | set | dict):
        return json.dumps([plain_value(v) for v in value] if not isinstance(value, dict) else value,
                          ensure_ascii=False, default=str)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)  # e.g. a Neo4j point


def _xml_safe(value):
    return NOT_IN_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _one_type_per_key(rows: list[dict]) -> None:
    """Make each key's values one type across ``rows`` (in place): int and float -> float, a mix with text or
    booleans -> text (JSON spelling), as GraphML and GEXF declare one type per attribute."""
    kinds = defaultdict(set)
    for attrs in rows:
        for key, value in attrs.items():
            kinds[key].add(type(value))
    for key, found in kinds.items():
        if len(found) < 2:
            continue
        numeric = found <= {int, float}
        for attrs in rows:
            if key in attrs:
                value = attrs[key]
                attrs[key] = float(value) if numeric else value if isinstance(value, str) else json.dumps(value)


def gephi_graph(graph: nx.MultiDiGraph, *, gexf: bool = False) -> nx.MultiDiGraph:
    """A copy whose attributes the GraphML (or, with ``gexf``, GEXF) writer accepts and its reader gives back.

    NetworkX's writers reject lists and None; XML cannot carry most control characters; an attribute has one
    type; and the GEXF writer takes some names (``id``, ``start``, ``viz``…) as structure, so such data keys are
    written as ``<key>Value``.
    """
    def attrs_of(data: dict, reserved: set) -> dict:
        out = {}
        for key, value in data.items():
            if value is None:
                continue
            key = f"{key}Value" if gexf and key in reserved else key
            out[_xml_safe(str(key))] = _xml_safe(flat_value(value))
        return out

    ids = {node: _xml_safe(str(node)) for node in graph.nodes}
    nodes = [(ids[n], attrs_of(a, GEXF_NODE_KEYS), str(a.get("name", n))) for n, a in graph.nodes(data=True)]
    edges = [(ids[u], ids[v], _xml_safe(str(k)), attrs_of(a, GEXF_EDGE_KEYS), str(a.get("type", "")))
             for u, v, k, a in graph.edges(keys=True, data=True)]
    for attrs, label in [(n[1], n[2]) for n in nodes] + [(e[3], e[4]) for e in edges]:
        attrs["label"] = _xml_safe(label)
    _one_type_per_key([n[1] for n in nodes])
    _one_type_per_key([e[3] for e in edges])
    flat = nx.MultiDiGraph()
    for node, attrs, _ in nodes:
        flat.add_node(node, **attrs)
    for u, v, key, attrs, _ in edges:
        flat.add_edge(u, v, key=key, **attrs)
    return flat


def write_gephi(graph: PropertyGraph, schema: GraphSchema, fmt: str, out: Path) -> list[Path]:
    """``graph`` as GraphML (``fmt`` ``graphml``) or GEXF (``gexf``) in ``out``."""
    flat = gephi_graph(graph.to_networkx(schema), gexf=fmt == "gexf")
    with replacing(out) as tmp:
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(flat, tmp)
    return [out]
