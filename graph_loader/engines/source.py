"""Where the graph an analysis or a picture reads is: Neo4j, or RDF/CSV files read without a server.

:func:`open_source` gives a :class:`GraphSource` for the command line's ``--from-rdf`` / ``--offline`` (files) or
the configured Neo4j (connected for the ``with`` block, then closed); :meth:`GraphSource.full_graph` reads the full
NetworkX graph once, from whichever it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from ..neo4j.connection import Database


@dataclass
class GraphSource:
    """The graph to analyse or draw.

    Attributes
    ----------
    db : Database or None
        The Neo4j holding it (None: files, or a graph already read).
    files : tuple of Path or None
        RDF/CSV files to read (``()``: the seed corpus); None when the graph is in Neo4j or already read.
    graph : nx.MultiDiGraph or None
        The full graph, once read (or given).
    """

    db: Database | None = None
    files: tuple[Path, ...] | None = None
    graph: nx.MultiDiGraph | None = field(default=None, repr=False)

    @property
    def has_server(self) -> bool:
        """Neo4j is there: the GDS engine, named queries and writing scores back can run."""
        return self.db is not None

    def full_graph(self) -> nx.MultiDiGraph:
        """The full NetworkX graph (read once: from the files, else from Neo4j)."""
        if self.graph is None:
            from ..ontology.schema import load_schema

            schema = load_schema()
            if self.files is not None:
                from ..rdf.sources import from_files

                self.graph = from_files(self.files or None, schema).to_networkx(schema)
            else:
                from ..neo4j.read import read_property_graph

                self.graph = read_property_graph(self.db).to_networkx(schema)
        return self.graph


@contextmanager
def open_source(files: tuple[Path, ...] | None, *, echo: Callable[[str], None] = print) -> Iterator[GraphSource]:
    """The files ``files`` (``()``: the seed corpus), or with None the configured Neo4j, connected for the block."""
    if files is not None:
        yield GraphSource(files=tuple(files))
        return
    from ..neo4j.connection import connect

    db = connect(echo=echo)
    try:
        yield GraphSource(db=db)
    finally:
        db.close()
