"""Two CSV files for spreadsheets: ``nodes.csv`` and ``relationships.csv`` (lists and maps as JSON text).

A relationship names its ends by URI and, so that a spreadsheet reads without a lookup, by name and kind (most
specific label): ``start_name``, ``start_kind``, ``end_name``, ``end_kind``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..model import RESOURCE_LABEL, PropertyGraph
from ..ontology.schema import GraphSchema
from .files import replacing
from .gephi import flat_value


def write_csv(graph: PropertyGraph, directory: Path, schema: GraphSchema | None = None) -> list[Path]:
    """``nodes.csv`` and ``relationships.csv`` (lists as JSON) in ``directory``; both or neither replaced.

    ``schema`` orders each node's labels, most specific first, for the ends' kinds (the labels as read otherwise).
    """
    node_keys = sorted({k for n in graph.nodes.values() for k in n["props"]} - {"uri", "name"})
    ends = ("start_name", "start_kind", "end_name", "end_kind")
    rel_keys = sorted({k for r in graph.relationships.values() for k in r["props"]} - {"uri", *ends})
    paths = [directory / "nodes.csv", directory / "relationships.csv"]
    with replacing(paths[0]) as nodes_tmp, replacing(paths[1]) as rels_tmp:
        with open(nodes_tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["uri", "labels", "name", *node_keys])
            for uri, node in sorted(graph.nodes.items(), key=lambda item: str(item[0])):
                props = node["props"]
                writer.writerow([uri, ";".join(node["labels"]), props.get("name", ""),
                                 *(flat_value(props[k]) if props.get(k) is not None else "" for k in node_keys)])
        with open(rels_tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["uri", "type", "start", "end", *ends, *rel_keys])
            for uri, rel in sorted(graph.relationships.items(), key=lambda item: str(item[0])):
                props = rel["props"]
                writer.writerow([uri, rel["type"], rel["start"], rel["end"],
                                 *_named(graph, rel["start"], schema), *_named(graph, rel["end"], schema),
                                 *(flat_value(props[k]) if props.get(k) is not None else "" for k in rel_keys)])
    return paths


def _named(graph: PropertyGraph, uri: str, schema: GraphSchema | None) -> tuple[str, str]:
    """The name and kind (most specific label) of the node ``uri``; the kind is empty for a node with no class
    (a concept of the ontology's schemes, only referenced), both are empty when the graph lacks the node."""
    node = graph.nodes.get(uri)
    if node is None:
        return "", ""
    labels = schema.sort_labels(node["labels"]) if schema is not None else node["labels"]
    labels = [label for label in labels if label != RESOURCE_LABEL]
    return str(node["props"].get("name") or ""), labels[0] if labels else ""
