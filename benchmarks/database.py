"""The Neo4j the benchmarks load into: a dedicated managed instance, or the server ``NEO4J_URI`` names.

Without ``NEO4J_URI`` the benchmark starts its own managed Neo4j 5.26 on a free port with a new store under
``benchmarks/out/neo4j`` (git-ignored, replaced at each run) and stops it at the end, so it never touches the
project's instance.
With ``NEO4J_URI`` set (the test fixtures do this) it uses that server, but only if the database is empty or
holds nothing but marker nodes (of the tests or of an earlier benchmark): :meth:`BenchDatabase.reset` deletes
everything else, as neomodel's test suite refuses to wipe data it did not create.
"""

from __future__ import annotations

import os
import shutil
import socket

from graph_loader.neo4j.connection import Database, open_database
from graph_loader.neo4j.server import ManagedNeo4j
from graph_loader.settings import load_settings

from .common import OUT

#: Labels of marker nodes that say "this database is for tests or benchmarks"; reset keeps them.
MARKER_LABELS = ("DkgTestMarker", "DkgBenchMarker")
BENCH_MARKER = "DkgBenchMarker"


class RefusedDatabase(RuntimeError):
    """The configured database holds data the benchmarks did not create."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BenchDatabase:
    """A context manager: the database to benchmark on, with its connection details for worker processes."""

    def __init__(self, *, gds: bool = False):
        """``gds``: the managed instance loads Graph Data Science (the engine benchmark needs it)."""
        self.gds = gds
        self.instance: ManagedNeo4j | None = None
        self.db: Database | None = None

    def __enter__(self) -> BenchDatabase:
        settings = load_settings()
        if settings.managed:
            data_dir = OUT / "neo4j"
            self.instance = ManagedNeo4j(data_dir, free_port(), settings.cache_dir, heap=settings.heap, gds=self.gds)
            if self.instance.running_pid() is not None:
                raise RefusedDatabase(f"a benchmark Neo4j already runs from {data_dir} (another benchmark?)")
            # A new store each run: empty by construction (and the launcher cannot restart on an old store: it
            # sets the same password again, which Neo4j refuses).
            shutil.rmtree(data_dir, ignore_errors=True)
            self.instance.start(echo=lambda message: print(message, flush=True))
            self.uri, self.user, self.password = self.instance.uri, "neo4j", self.instance.password()
            self.database = "neo4j"
        else:
            self.uri, self.user, self.password = settings.uri, settings.user, settings.password or ""
            self.database = settings.database
        self.db = open_database(self.uri, self.user, self.password, self.database, instance=self.instance)
        if self.instance is None:
            self._check_empty()  # an external server; our own instance stays empty, so first loads can import
        return self

    def __exit__(self, *exc) -> None:
        if self.db is not None:
            self.db.close()
        if self.instance is not None:
            self.instance.stop()

    @property
    def env(self) -> dict[str, str]:
        """Environment variables that point a worker process at this database over Bolt (``NEO4J_URI``)."""
        return {"NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password,
                "NEO4J_DATABASE": self.database}

    def env_for(self, *, bolt_only: bool = False) -> dict[str, str]:
        """The whole environment of a worker process: the managed instance as the command line finds it (so that
        our loader may use its bulk importer), or ``NEO4J_URI`` (an external server, or ``bolt_only``)."""
        if self.instance is None or bolt_only:
            return {**os.environ, **self.env}
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
        return {**env, "DKG_NEO4J_DATA_DIR": str(self.instance.data_dir), "DKG_NEO4J_PORT": str(self.instance.port)}

    @property
    def version(self) -> str:
        return self.db.read("CALL dbms.components() YIELD versions RETURN versions[0] AS v")[0]["v"]

    @property
    def jvm_pid(self) -> int | None:
        """The managed instance's process id (None for an external server)."""
        return self.instance.running_pid() if self.instance else None

    def _check_empty(self) -> None:
        markers = " OR ".join(f"n:{label}" for label in MARKER_LABELS)
        row = self.db.read(f"MATCH (n) RETURN count(n) AS nodes, count(CASE WHEN {markers} THEN 1 END) AS markers")[0]
        if row["nodes"] and not row["markers"]:
            raise RefusedDatabase(f"{self.uri} holds {row['nodes']} nodes the benchmarks did not create; "
                                  "point NEO4J_URI at an empty database (or unset it to use a managed one)")
        if not row["markers"]:
            self.db.write(f"CREATE (:{BENCH_MARKER} {{createdBy: 'diaspora-kg benchmarks'}})")

    def reset(self) -> None:
        """Empty the database for the next run: all nodes but the markers, every constraint and index.

        The connection is opened again first: a bulk import replaced the store under the old one.
        """
        self.db.reconnect()
        keep = " AND ".join(f"NOT n:{label}" for label in MARKER_LABELS)
        with self.db.session() as session:
            session.run(f"MATCH (n) WHERE {keep} CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS"
                        ).consume()
        for row in self.db.read("SHOW CONSTRAINTS YIELD name RETURN name"):
            self.db.write(f"DROP CONSTRAINT `{row['name']}` IF EXISTS")
        for row in self.db.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
            self.db.write(f"DROP INDEX `{row['name']}` IF EXISTS")

    def counts(self) -> tuple[int, int]:
        """Nodes (markers excluded) and relationships in the database."""
        self.db.reconnect()
        keep = " AND ".join(f"NOT n:{label}" for label in MARKER_LABELS)
        nodes = self.db.read(f"MATCH (n) WHERE {keep} RETURN count(n) AS c")[0]["c"]
        relationships = self.db.read("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
        return nodes, relationships
