"""Two CSV files for spreadsheets: ``nodes.csv`` and ``relationships.csv`` (lists and maps as JSON text)."""

from __future__ import annotations

import csv
from pathlib import Path

from ..model import PropertyGraph
from .files import replacing
from .gephi import flat_value


def write_csv(graph: PropertyGraph, directory: Path) -> list[Path]:
    """``nodes.csv`` and ``relationships.csv`` (lists as JSON) in ``directory``; both or neither replaced."""
    node_keys = sorted({k for n in graph.nodes.values() for k in n["props"]} - {"uri", "name"})
    rel_keys = sorted({k for r in graph.relationships.values() for k in r["props"]} - {"uri"})
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
            writer.writerow(["uri", "type", "start", "end", *rel_keys])
            for uri, rel in sorted(graph.relationships.items(), key=lambda item: str(item[0])):
                props = rel["props"]
                writer.writerow([uri, rel["type"], rel["start"], rel["end"],
                                 *(flat_value(props[k]) if props.get(k) is not None else "" for k in rel_keys)])
    return paths
