"""Records from RDF and CSV files, no server: what ``resolve --offline`` reads.

The files are read and mapped as a load would (``rdf.sources.prepare``) and merged into the one property graph
a load of them would write (``rdf.sources.from_prepared``); each node's ``sources`` are the files that state it
(their source keys: the path relative to the project, else absolute), so that a reviewer sees where each record
of a pair comes from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from ..model import PropertyGraph
from ..ontology.schema import GraphSchema, load_schema
from ..rdf.sources import DEFAULT_PATHS, from_prepared, prepare
from .records import Record, Vocabulary, records_from_graph


def graph_from_files(paths: Iterable[Path], schema: GraphSchema | None = None) -> tuple[PropertyGraph, int]:
    """The property graph a load of the files would write (each node's ``sources``: the files that state it),
    and how many files were read."""
    schema = schema or load_schema()
    prepared = prepare(list(paths), schema)
    graph = from_prepared(prepared)
    stated_in: dict[str, list[str]] = defaultdict(list)
    for item in prepared:
        for uri in item.mapped.nodes:
            stated_in[uri].append(item.source.key)
    for uri, node in graph.nodes.items():
        if uri in stated_in:
            node["props"]["sources"] = sorted(set(stated_in[uri]))
    return graph, len(prepared)


def records_from_files(paths: Iterable[Path], schema: GraphSchema | None = None) -> tuple[list[Record], int]:
    """The records of the organisations, people and places the files state, and how many files were read."""
    schema = schema or load_schema()
    graph, files = graph_from_files(paths, schema)
    return records_from_graph(graph, Vocabulary.from_schema(schema)), files


def seed_and(paths: Iterable[Path], with_seed: bool = True) -> list[Path]:
    """The seed corpus (gazetteer and the article's facts) and ``paths``, each once."""
    chosen = [*(DEFAULT_PATHS if with_seed else []), *paths]
    return list(dict.fromkeys(Path(p) for p in chosen))
