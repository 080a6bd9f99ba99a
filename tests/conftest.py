"""Test fixtures: a real Neo4j over Bolt, never a mock.

A session fixture starts a throwaway managed Neo4j on a free port with its own data folder (or uses NEO4J_URI
when it is set). Tests refuse to wipe a database that holds data they did not create: the first use checks that
the database is empty or carries our marker node, as neomodel's test suite does.
"""

from __future__ import annotations

import os
import socket

import pytest

from graph_loader.neo4j.connection import Database, open_database
from graph_loader.neo4j.server import ManagedNeo4j
from graph_loader.settings import load_settings

MARKER_LABEL = "DkgTestMarker"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def neo4j_instance(tmp_path_factory):
    """A managed throwaway Neo4j with GDS (stopped at the end), or None when NEO4J_URI points at a server."""
    settings = load_settings()
    if not settings.managed:
        yield None
        return
    # With Graph Data Science (the default of `neo4j start`): the GDS cross-checks run on this instance. It adds
    # about 8 s to the session's start (17 s against 9 s on the 2-core machine) and ~15 MB of jars fetched once.
    instance = ManagedNeo4j(tmp_path_factory.mktemp("neo4j"), free_port(), settings.cache_dir, heap="1g",
                            http_port=free_port(), gds=True)
    instance.start(echo=lambda m: None)
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def neo4j_db(neo4j_instance) -> Database:
    """A session-wide connection to the test database, checked to hold nothing but test data."""
    settings = load_settings()
    if neo4j_instance is None:
        database = open_database(settings.uri, settings.user, settings.password, settings.database)
    else:
        database = open_database(neo4j_instance.uri, "neo4j", neo4j_instance.password(), "neo4j")
    counts = database.read(
        f"MATCH (n) RETURN count(n) AS nodes, count(CASE WHEN n:{MARKER_LABEL} THEN 1 END) AS markers"
    )[0]
    if counts["nodes"] and not counts["markers"]:
        database.close()
        pytest.exit(f"refusing to run: {database.uri} holds {counts['nodes']} nodes the tests did not create; "
                    "point NEO4J_URI at an empty database", returncode=2)
    if not counts["markers"]:
        database.write(f"CREATE (:{MARKER_LABEL} {{createdBy: 'diaspora-kg tests', state: 'clean'}})")
    yield database
    database.close()


def wipe(database: Database) -> None:
    """Delete everything but the marker, and every constraint and index the tests made."""
    with database.session() as session:
        session.run(f"MATCH (n) WHERE NOT n:{MARKER_LABEL} "
                    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    for row in database.read("SHOW CONSTRAINTS YIELD name RETURN name"):
        database.write(f"DROP CONSTRAINT `{row['name']}` IF EXISTS")
    for row in database.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
        database.write(f"DROP INDEX `{row['name']}` IF EXISTS")
    database.write(f"MATCH (m:{MARKER_LABEL}) SET m.state = 'clean'")


@pytest.fixture
def db(neo4j_db) -> Database:
    """A clean database for one test."""
    wipe(neo4j_db)
    neo4j_db.write(f"MATCH (m:{MARKER_LABEL}) SET m.state = 'dirty'")
    return neo4j_db


@pytest.fixture
def neo4j_env(neo4j_instance, monkeypatch, neo4j_db):
    """Environment variables that point the CLI (in-process or a subprocess) at the test database."""
    if neo4j_instance is not None:
        env = {"NEO4J_URI": neo4j_instance.uri, "NEO4J_USER": "neo4j",
               "NEO4J_PASSWORD": neo4j_instance.password(), "NEO4J_DATABASE": "neo4j"}
    else:
        s = load_settings()
        env = {"NEO4J_URI": s.uri, "NEO4J_USER": s.user, "NEO4J_PASSWORD": s.password or "",
               "NEO4J_DATABASE": s.database}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **env}


@pytest.fixture
def seed_db(neo4j_db) -> Database:
    """The test database holding exactly the seed corpus (data/gazetteer + data/seed), loaded once and reloaded
    only after another test wiped it. Tests using it must not write."""
    from graph_loader.loading import load

    state = neo4j_db.read(f"MATCH (m:{MARKER_LABEL}) RETURN m.state AS s")[0]["s"]
    if state != "seed":
        wipe(neo4j_db)
        load(None, neo4j_db)
        neo4j_db.write(f"MATCH (m:{MARKER_LABEL}) SET m.state = 'seed'")
    return neo4j_db
