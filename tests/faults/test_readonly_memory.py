"""A read-only query cannot take the server down (issue 25, item 2).

On the session's real Neo4j with GDS (heap 1 GB): a query that needs more memory than a transaction may use fails
alone with a clear message, and read-only mode refuses the procedures that change state although they are declared
READ (GDS's projections, mutations, writes, drops, generators; ``db.stats.collect``). After each, the same JVM still
answers. One test starts an instance of its own, to be killed: what the user is told when memory Neo4j does not
count still runs out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from graph_loader.errors import QueryError
from graph_loader.neo4j.connection import open_database
from graph_loader.neo4j.queries import run_cypher
from graph_loader.neo4j.server import ManagedNeo4j
from graph_loader.settings import load_settings

from ..conftest import free_port

CLI = [sys.executable, "-m", "graph_loader"]
#: The issue's queries: 400 million integers collected into one list; a GDS graph of 200 million nodes.
COLLECT_ALL = "UNWIND range(1, 400000000) AS x WITH collect(x) AS l RETURN size(l) AS n"
GENERATE_HUGE = "CALL gds.graph.generate('big', 200000000, 10)"


def cli(args, env) -> subprocess.CompletedProcess:
    run = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=600)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    return run


@pytest.fixture
def managed(neo4j_instance, neo4j_env, neo4j_db):
    """The session's instance (its pid, to see that the same JVM answers afterwards) and a CLI environment."""
    if neo4j_instance is None:
        pytest.skip("needs the managed test instance (NEO4J_URI points elsewhere)")
    pid = neo4j_instance.running_pid()
    yield neo4j_instance, neo4j_env, neo4j_db
    for graph in neo4j_db.read("CALL gds.graph.list() YIELD graphName RETURN graphName"):
        neo4j_db.write("CALL gds.graph.drop($g, false) YIELD graphName RETURN graphName", {"g": graph["graphName"]})
    assert neo4j_instance.running_pid() == pid, "the JVM exited (or was replaced) during the test"
    assert neo4j_db.read("RETURN 1 AS one") == [{"one": 1}]


def test_a_query_over_its_memory_limit_fails_alone(managed):
    _, env, _ = managed
    run = cli(["query", "--cypher", COLLECT_ALL], env)
    assert run.returncode == 2
    assert "needs more memory than Neo4j lets a transaction use" in run.stderr
    assert "memory.transaction" in run.stderr  # Neo4j's own words: which limit (one's, or all's)
    assert "will be retried" not in run.stderr  # a memory limit is not transient: no retry


def test_concurrent_queries_over_the_limit_fail_alone(managed):
    _, env, _ = managed
    runs = [subprocess.Popen([*CLI, "query", "--cypher", COLLECT_ALL], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outcomes = [(run.wait(timeout=600), run.stderr.read()) for run in runs]
    for code, stderr in outcomes:
        assert code == 2 and "needs more memory" in stderr, stderr


def test_the_huge_gds_graph_is_refused_in_read_only_mode(managed):
    _, env, db = managed
    run = cli(["query", "--cypher", GENERATE_HUGE], env)
    assert run.returncode == 2
    assert "calls gds.graph.generate" in run.stderr and "read-only mode refuses it" in run.stderr
    assert "--write" in run.stderr
    assert db.read("CALL gds.graph.list() YIELD graphName RETURN graphName") == []


@pytest.mark.parametrize("text, name", [
    ("CALL gds.graph.project('g', '*', '*')", "gds.graph.project"),
    ("MATCH (n) WITH gds.graph.project('g', n, null) AS g RETURN g.graphName", "gds.graph.project"),
    ("CALL gds.graph.project.cypher('g', 'MATCH (n) RETURN id(n) AS id', "
     "'MATCH (a)-->(b) RETURN id(a) AS source, id(b) AS target')", "gds.graph.project.cypher"),
    ("CALL gds.graph.drop('g', false)", "gds.graph.drop"),
    ("CALL gds.pageRank.mutate('g', {mutateProperty: 'pr'})", "gds.pageRank.mutate"),
    ("CALL gds.pageRank.write('g', {writeProperty: 'pr'})", "gds.pageRank.write"),
    ("CALL gds.graph.sample.rwr('s', 'g', {samplingRatio: 0.5})", "gds.graph.sample.rwr"),
    ("CALL gds.graph.filter('f', 'g', '*', '*')", "gds.graph.filter"),
    ("CALL { CALL gds.graph.generate('x', 10, 2) YIELD name RETURN name } RETURN name", "gds.graph.generate"),
    ("CALL db.stats.collect('QUERIES')", "db.stats.collect"),
    ("CALL db.stats.clear('QUERIES')", "db.stats.clear"),
])
def test_read_only_mode_refuses_procedures_that_change_state(managed, text, name):
    _, _, db = managed
    stats = "CALL db.stats.status() YIELD section, status, data RETURN section, status, data"
    before = db.read(stats)
    with pytest.raises(QueryError) as refused:
        run_cypher(db, text)
    assert f"calls {name}," in refused.value.message and "read-only mode refuses it" in refused.value.message
    assert db.read("CALL gds.graph.list() YIELD graphName RETURN graphName") == []
    assert db.read(stats) == before


def test_read_only_mode_refuses_turning_off_gds_memory_guard(managed):
    _, _, db = managed
    run_cypher(db, "CALL gds.graph.generate('small', 100, 2)", write=True)
    for text, params in [("CALL gds.fastRP.stream('small', {embeddingDimension: 8, sudo: true})", None),
                         ("CALL gds.fastRP.stream('small', $config)", {"config": {"embeddingDimension": 8,
                                                                                  "sudo": True}})]:
        with pytest.raises(QueryError, match="memory guard"):
            run_cypher(db, text, params)


def test_reads_still_run_in_read_only_mode(managed):
    _, _, db = managed
    run_cypher(db, "CALL gds.graph.generate('small', 100, 2)", write=True)
    rows = run_cypher(db, "CALL gds.pageRank.stream('small') YIELD nodeId RETURN count(nodeId) AS n")
    assert rows == [{"n": 100}]
    assert run_cypher(db, "CALL gds.pageRank.stats('small') YIELD ranIterations RETURN ranIterations > 0 AS ran") \
        == [{"ran": True}]
    assert run_cypher(db, "CALL gds.pageRank.stream.estimate('small', {}) YIELD requiredMemory "
                          "RETURN requiredMemory IS NOT NULL AS ok") == [{"ok": True}]
    assert run_cypher(db, "CALL gds.graph.list() YIELD graphName RETURN graphName") == [{"graphName": "small"}]
    assert run_cypher(db, "RETURN gds.version() STARTS WITH '2.' AS v, gds.similarity.cosine([1.0], [1.0]) AS c,"
                          " point.distance(point({x: 0, y: 0}), point({x: 3, y: 4})) AS d") \
        == [{"v": True, "c": 1.0, "d": 5.0}]
    assert run_cypher(db, "CALL db.labels() YIELD label RETURN count(label) >= 0 AS ok") == [{"ok": True}]


def test_with_write_gds_memory_guard_refuses_what_does_not_fit(managed):
    _, _, db = managed
    run_cypher(db, "CALL gds.graph.generate('small', 1000, 2)", write=True)
    with pytest.raises(QueryError, match="exceeds available memory"):
        run_cypher(db, "CALL gds.fastRP.stream('small', {embeddingDimension: 100000000}) YIELD nodeId "
                       "RETURN count(nodeId)", write=True)


def test_when_uncounted_memory_runs_out_the_user_is_told(tmp_path):
    """Neo4j does not count a list built inside one row: the JVM still exits (-XX:+ExitOnOutOfMemoryError), and
    the query says so, with the log to read, rather than "lost the connection"."""
    settings = load_settings()
    data_dir = tmp_path / "neo4j"
    instance = ManagedNeo4j(data_dir, free_port(), settings.cache_dir, heap="512m", http_port=free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "DKG_"))}
    env.update({"DKG_NEO4J_PORT": str(instance.port), "DKG_NEO4J_DATA_DIR": str(data_dir),
                "DKG_NEO4J_HEAP": "512m", "DKG_CACHE_DIR": str(settings.cache_dir),
                "DKG_NEO4J_HTTP_PORT": str(instance.http_port)})
    instance.start(echo=lambda m: None)
    try:
        # The limits follow the heap: 60 % of it, for all transactions together and for one.
        with open_database(instance.uri, "neo4j", instance.password(), "neo4j") as db:
            limits = {r["name"]: r["value"] for r in db.read(
                "CALL dbms.listConfig() YIELD name, value WHERE name IN "
                "['dbms.memory.transaction.total.max', 'db.memory.transaction.max'] RETURN name, value")}
        assert limits == {"dbms.memory.transaction.total.max": "307.00MiB", "db.memory.transaction.max": "307.00MiB"}
        run = cli(["query", "--format", "json", "--cypher", "RETURN size([x IN range(1, 200000000) | x]) AS n"],
                  env)
        assert run.returncode == 2
        assert "Neo4j ran out of memory and exited while running the query" in run.stderr
        assert str(instance.log_file) in run.stderr
        assert instance.running_pid() is None
        # The next command starts it again, as the hint says.
        again = cli(["query", "--format", "json", "--cypher", "RETURN 1 AS one"], env)
        assert again.returncode == 0 and json.loads(again.stdout) == [{"one": 1}]
    finally:
        instance.stop()
