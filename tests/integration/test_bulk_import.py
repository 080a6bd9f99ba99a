"""First loads through Neo4j's bulk importer, against real Neo4j instances: the graph equals the Bolt writer's, and
every load guarantee holds (validation before any write, reloads, unload, a killed import, concurrent loads)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest
from rdflib.compare import to_isomorphic

from graph_loader import loading
from graph_loader.errors import ServerError, UsageError, ValidationFailed
from graph_loader.loading import load
from graph_loader.neo4j import ledger
from graph_loader.neo4j.connection import open_database
from graph_loader.neo4j.read import read_property_graph
from graph_loader.neo4j.server import ManagedNeo4j
from graph_loader.ontology.schema import load_schema
from graph_loader.rdf.sources import DEFAULT_PATHS, from_files
from graph_loader.rdf.synth import write_synthetic
from graph_loader.rdf.unmapping import RdfExporter
from graph_loader.settings import load_settings

from ..conftest import free_port, wipe
from .test_load_pipeline import CLI, PREFIXES, SOURCE, big_corpus, hta, snapshot, ttl

LEDGER = ("MATCH (s:LoadedSource) RETURN s.key AS key, s.sha256 AS sha, s.complete AS complete, s.path AS path, "
          "s.triples AS triples, s.nodes AS nodes, s.relationships AS rels, s.prefixes AS prefixes ORDER BY key")
SCHEMA = "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, owningConstraint " \
         "RETURN name, type, entityType, labelsOrTypes, properties, owningConstraint ORDER BY name"


@pytest.fixture(scope="module")
def importer(tmp_path_factory):
    """A managed instance of its own: the importer replaces its database, so the session's shared one is not used."""
    instance = ManagedNeo4j(tmp_path_factory.mktemp("importer"), free_port(), load_settings().cache_dir, heap="1g")
    instance.start(echo=lambda m: None)
    yield instance
    instance.stop()


def wipe_all(db) -> None:
    with db.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def empty_out(db) -> None:
    """Delete every node, constraint and index."""
    wipe_all(db)
    for row in db.read("SHOW CONSTRAINTS YIELD name RETURN name"):
        db.write(f"DROP CONSTRAINT `{row['name']}`")
    for row in db.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
        db.write(f"DROP INDEX `{row['name']}`")


@pytest.fixture
def empty(importer):
    """A connection to the importer instance's database, emptied of everything (nodes, constraints, indexes)."""
    db = open_database(importer.uri, "neo4j", importer.password(), "neo4j", instance=importer)
    empty_out(db)
    yield db
    db.close()


def exported(db):
    """The graph as RDF, through the export (what a user gets back from either load); compared up to blank node
    names (reified statements carry the notes on ties)."""
    exporter = RdfExporter(load_schema(), ledger.namespace_prefixes(db))
    return to_isomorphic(exporter.to_rdflib(read_property_graph(db)))


def test_import_and_bolt_write_the_same_graph(db, empty, tmp_path):
    """The seed corpus and a synthetic corpus, loaded both ways: the same nodes, relationships, properties,
    labels, ledger, indexes and export; the same counts in the report."""
    synthetic = tmp_path / "synthetic.nt"
    write_synthetic(synthetic, 30_000, seed=3)
    paths = [*DEFAULT_PATHS, synthetic]  # the gazetteer places carry coordinates: points in both ways
    by_import = load(paths, empty, method="import")
    by_bolt = load(paths, db, method="bolt")
    assert (by_import.method, by_bolt.method) == ("import", "bolt")
    assert snapshot(empty) == snapshot(db)
    assert exported(empty) == exported(db)
    assert empty.read(LEDGER) == db.read(LEDGER)
    assert [f.counts.to_dict() for f in by_import.files] == [f.counts.to_dict() for f in by_bolt.files]
    assert empty.read(SCHEMA) == db.read(SCHEMA)
    assert len(snapshot(empty)[1]) > 5_000


def as_sets(graph) -> tuple[dict, dict]:
    """A property graph as comparable values: nodes by uri (label set, properties), relationships by uri (type,
    ends, properties)."""
    return ({uri: (frozenset(n["labels"]), n["props"]) for uri, n in graph.nodes.items()},
            {uri: (r["type"], r["start"], r["end"], r["props"]) for uri, r in graph.relationships.items()})


def test_the_importer_bolt_and_offline_graphs_of_the_seed_are_one(db, empty):
    """The ways to "the graph a load writes" give one graph: the seed imported by Neo4j's importer; written by Bolt
    into an empty graph (the plan created whole), into one that holds a node (nodes and ties created whole, since
    none exists), and file by file (the article's files merged into what the gazetteer wrote); read back from real
    Neo4j; and the offline graph made from the files with no server."""
    offline = as_sets(from_files(DEFAULT_PATHS))
    assert len(offline[0]) > 900 and len(offline[1]) > 1_000

    def same_as_offline(database) -> None:
        graph = as_sets(read_property_graph(database))
        for part in (0, 1):  # nodes, then relationships; the differing keys first, for a readable failure
            assert {u for u in offline[part] if offline[part][u] != graph[part].get(u)} == set()
            assert offline[part] == graph[part]

    assert load(DEFAULT_PATHS, empty, method="import").method == "import"
    same_as_offline(empty)
    empty_out(empty)
    assert load(DEFAULT_PATHS, empty, method="bolt").method == "bolt"  # the empty graph: the plan, created whole
    same_as_offline(empty)
    assert load(DEFAULT_PATHS, db, method="bolt").method == "bolt"  # the test database holds its marker node
    same_as_offline(db)
    wipe(db)
    *gazetteer, article = DEFAULT_PATHS
    load(gazetteer, db, method="bolt")
    assert load([article], db, method="bolt").method_reason == "--method bolt"
    same_as_offline(db)


def test_after_an_import_reloads_changes_and_unloads_work_as_after_bolt(empty, tmp_path, monkeypatch):
    big = big_corpus(tmp_path, 12_000)
    monkeypatch.setattr(loading, "IMPORT_MIN_ROWS", 20_000)  # a corpus small enough for a test
    first = load([big], empty, method="auto")  # 24,000 rows: above the threshold, into an empty managed database
    assert first.method == "import" and "empty database" in first.method_reason
    assert [f.status for f in load([big], empty).files] == ["unchanged"]
    clean = snapshot(empty)
    big.write_text(big.read_text().replace('"Club 7"', '"Club Siete"'), encoding="utf-8")
    again = load([big], empty)
    assert again.method == "bolt" and "holds data" in again.method_reason
    assert [f.status for f in again.files] == ["reloaded"]
    assert empty.read("MATCH (h {uri: 'https://example.org/test/h7'}) RETURN h.name AS n") == [{"n": "Club Siete"}]
    assert len(snapshot(empty)[0]) == len(clean[0])
    ledger.unload(empty, str(big))
    assert empty.read("MATCH (n:Resource) RETURN count(n) AS c") == [{"c": 0}]


def test_a_violation_stops_the_import_with_the_database_untouched(empty, tmp_path):
    bad = ttl(tmp_path, "bad.ttl", 'ex:x a dkg:HometownAssociation ; dkg:foundedYear "soon"^^xsd:gYear .\n')
    with pytest.raises(ValidationFailed):
        load([bad], empty, method="import")
    assert empty.read("MATCH (n) RETURN count(n) AS c") == [{"c": 0}]


def test_import_is_refused_where_it_cannot_run(db, empty, tmp_path):
    small = big_corpus(tmp_path, 10)
    with pytest.raises(UsageError, match="not the managed instance"):
        load([small], db, method="import")  # the session database: reached by URI, not as the managed instance
    load([small], empty, method="bolt")
    with pytest.raises(UsageError, match="holds data"):
        load([small], empty, method="import", force=True)


def test_small_first_loads_use_bolt_and_say_why(empty, tmp_path):
    report = load([big_corpus(tmp_path, 10)], empty)
    assert report.method == "bolt" and "below" in report.method_reason


def test_a_value_the_importer_cannot_carry_falls_back_to_bolt(empty, tmp_path, monkeypatch):
    odd = ttl(tmp_path, "odd.ttl", 'ex:s a dkg:Source ; skos:prefLabel "S" ; skos:altLabel "one", "two\\u001Fthree" .\n')
    with pytest.raises(UsageError, match="U\\+001F"):
        load([odd], empty, method="import")
    assert empty.read("MATCH (n) RETURN count(n) AS c") == [{"c": 0}]
    monkeypatch.setattr(loading, "IMPORT_MIN_ROWS", 0)
    report = load([odd], empty)
    assert report.method == "bolt" and "cannot be used" in report.method_reason
    assert empty.read("MATCH (s:Source) RETURN s.altLabel AS a") == [{"a": ["one", "two\x1fthree"]}]


def test_empty_strings_and_typed_values_survive_the_import(db, empty, tmp_path, monkeypatch):
    notes = '; dkg:foundedYear "1990"^^xsd:gYear ; dkg:note "", "a \\"quoted\\" line\\nand a second, with ; and |" '
    path = ttl(tmp_path, "typed.ttl", SOURCE.replace(PREFIXES, "") + hta("c1", "Club Uno", notes))
    load([path], empty, method="import")
    load([path], db, method="bolt")
    assert snapshot(empty) == snapshot(db)


def _control(importer: ManagedNeo4j, lines: list[str]) -> list[str]:
    """Every line the control port answers to ``lines``, until it hangs up."""
    port = importer._run_record()["control_port"]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(("\n".join(lines) + "\n").encode())
        sock.shutdown(socket.SHUT_WR)
        return [line.strip() for line in sock.makefile()]


def test_the_control_port_answers_only_the_password_and_files_in_the_staging_folder(empty, importer):
    assert _control(importer, ["not the password", "IMPORT", "END"]) == ["FAILED not authorised"]
    for line in ["NODES /etc/passwd", f"NODES {importer.bulk_dir}/../../credentials", "NODES ../../credentials",
                 "--additional-config=x", "--nodes=/etc/passwd"]:
        replies = _control(importer, [importer.password(), "IMPORT", line, "RUN"])
        assert replies[0].startswith("STAGE ") and replies[1].startswith(f"FAILED refused {line}"), replies
    assert empty.read("MATCH (n) RETURN count(n) AS c") == [{"c": 0}]


def test_an_importer_failure_leaves_an_empty_working_database(empty, importer):
    with importer.begin_import() as session:
        broken = session.folder / "broken.csv"
        broken.write_text('uri:ID,:LABEL,n:long\n"a","Resource","not a number"\n')
        with pytest.raises(ServerError, match="importer failed"):
            session.run([f"--nodes={broken}"])
    assert not session.folder.exists()
    empty.reconnect()
    assert empty.read("MATCH (n) RETURN count(n) AS c") == [{"c": 0}]
    assert empty.write("CREATE (n:Probe) RETURN count(n) AS c") == [{"c": 1}]


def test_an_import_not_committed_is_undone(empty, importer):
    """The importing client goes away after the store swap, before its schema and ledger: the JVM empties the
    database again, and writes are allowed once more."""
    with importer.begin_import() as session:
        nodes = session.folder / "nodes.csv"
        nodes.write_text('uri:ID,:LABEL\n"https://example.org/a","Resource"\n')
        session.run([f"--nodes={nodes}"])
        empty.reconnect()
        assert empty.read("MATCH (n) RETURN count(n) AS c") == [{"c": 1}]
        with pytest.raises(ServerError, match="an import is running"):
            empty.write("CREATE (n:Probe)")
    deadline = time.monotonic() + 60
    while importer.import_running() and time.monotonic() < deadline:
        time.sleep(0.1)
    empty.reconnect()
    assert empty.read("MATCH (n) RETURN count(n) AS c") == [{"c": 0}]
    assert empty.write("CREATE (n:Probe) RETURN count(n) AS c") == [{"c": 1}]


def _managed_env(instance: ManagedNeo4j) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return {**env, "DKG_NEO4J_DATA_DIR": str(instance.data_dir), "DKG_NEO4J_PORT": str(instance.port),
            "DKG_NEO4J_HTTP_PORT": str(free_port())}


def test_a_jvm_killed_mid_import_restarts_empty_and_the_next_load_completes(tmp_path):
    instance = ManagedNeo4j(tmp_path / "neo4j", free_port(), load_settings().cache_dir, heap="1g")
    instance.start(echo=lambda m: None)
    corpus = tmp_path / "synthetic.nt"
    write_synthetic(corpus, 100_000, seed=1)
    env = _managed_env(instance)
    try:
        loader = subprocess.Popen([*CLI, "load", "--method", "import", str(corpus)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        while "import: Import starting" not in instance._log_text() and time.monotonic() < deadline:
            assert loader.poll() is None, loader.communicate()
            time.sleep(0.02)
        instance.kill()
        _, err = loader.communicate(timeout=120)
        assert loader.returncode == 2, err
        assert "Traceback" not in err and "import" in err
        instance.start(echo=lambda m: None)
        assert "interrupted import was found" in instance._log_text()
        db = open_database(instance.uri, "neo4j", instance.password(), "neo4j", instance=instance)
        assert db.read("MATCH (n) RETURN count(n) AS c") == [{"c": 0}]
        done = subprocess.run([*CLI, "load", "--method", "import", str(corpus)], env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert "bulk importer" in done.stdout + done.stderr
        db.reconnect()
        assert db.read("MATCH (s:LoadedSource) RETURN s.complete AS c") == [{"c": True}]
        assert db.read("MATCH (n:Resource) RETURN count(n) > 5000 AS many") == [{"many": True}]
        db.close()
    finally:
        instance.stop()


def test_two_concurrent_first_loads_give_the_clean_graph(tmp_path):
    """Both see an empty database; one imports, the other waits for it, finds data and writes with Bolt."""
    instance = ManagedNeo4j(tmp_path / "neo4j", free_port(), load_settings().cache_dir, heap="1g")
    instance.start(echo=lambda m: None)
    first, second = tmp_path / "a.nt", tmp_path / "b.ttl"
    write_synthetic(first, 60_000, seed=1)
    (tmp_path / "b").mkdir()
    big = big_corpus(tmp_path / "b", 12_000)
    big.rename(second)
    env = _managed_env(instance)
    try:
        procs = [subprocess.Popen([*CLI, "load", str(p)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for p in (first, second)]
        outputs = [proc.communicate(timeout=600) for proc in procs]
        assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
        db = open_database(instance.uri, "neo4j", instance.password(), "neo4j", instance=instance)
        concurrent = snapshot(db)
        wipe_all(db)
        for path in (first, second):
            subprocess.run([*CLI, "load", "--method", "bolt", str(path)], env=env, check=True, capture_output=True)
        assert snapshot(db) == concurrent
        db.close()
    finally:
        instance.stop()


def test_cli_load_says_which_method_ran(empty, importer, tmp_path):
    result = subprocess.run([sys.executable, "-m", "graph_loader", "load", str(big_corpus(tmp_path, 10))],
                            env=_managed_env(importer), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert "Written with Bolt transactions:" in said and "below 80,000" in said


def test_an_instance_started_without_an_import_port_loads_with_bolt(empty, importer, tmp_path):
    """A JVM started by an older version of the package has no control port: auto uses Bolt and says why."""
    record = json.loads(importer.pid_file.read_text())
    older = {k: v for k, v in record.items() if k not in ("control_port", "protocol")}
    importer.pid_file.write_text(json.dumps(older))
    try:
        report = load([big_corpus(tmp_path, 12_000)], empty)
    finally:
        importer.pid_file.write_text(json.dumps(record))
    assert report.method == "bolt" and "without an import port" in report.method_reason


def test_the_engine_benchmark_builds_its_graph_part_by_part(empty, tmp_path):
    """``benchmarks.big_graph`` (how the engine benchmark reaches 10^6 agents): three parts staged one after the
    other and imported at once hold every part's nodes and relationships, each part under its own namespace, each
    in the ledger."""
    from benchmarks.big_graph import import_synthetic
    from graph_loader.rdf.synth import SYNTH_NS

    built = import_synthetic(empty, 6_000, 300, tmp_path, part_agents=100)
    assert built["parts"] == 3 and built["triples"] >= 6_000
    assert empty.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"] == built["nodes"]
    assert empty.read("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"] == built["relationships"]
    per_part = [empty.read("MATCH (n:Resource) WHERE n.uri STARTS WITH $ns RETURN count(n) AS c",
                           {"ns": f"{SYNTH_NS}part{i}/"})[0]["c"] for i in range(3)]
    assert all(per_part) and sum(per_part) == built["nodes"]  # nothing outside the parts' namespaces
    crossing = empty.read("MATCH (a)-[r]->(b) WHERE split(a.uri, '/')[5] <> split(b.uri, '/')[5] "
                          "RETURN count(r) AS c")[0]["c"]
    assert crossing == 0  # the parts are disjoint graphs
    keys = [str((tmp_path / f"big-2000-part{i}.nt").resolve()) for i in range(3)]
    assert set(ledger.loaded_state(empty, keys).values()) == {(s, True) for s in built["sha256"]}
