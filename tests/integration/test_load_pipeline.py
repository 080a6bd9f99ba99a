"""`diaspora-kg load` end to end against the real Neo4j: bad input, idempotence, incremental reloads, unload,
crash recovery, concurrent loads, and error messages of the command line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from graph_loader.errors import InputError, ValidationFailed
from graph_loader.loading import load
from graph_loader.neo4j.ledger import unload

CLI = [sys.executable, "-m", "graph_loader"]
PREFIXES = textwrap.dedent("""\
    @prefix dkg: <https://w3id.org/diaspora-kg/ontology#> .
    @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix ex: <https://example.org/test/> .
    """)
SOURCE = PREFIXES + textwrap.dedent("""\
    ex:doc a dkg:Source ; skos:prefLabel "Test notes" .
    ex:ev a dkg:Evidence ; dkg:source ex:doc ; dkg:locator "p. 1" ; dkg:quote "a test quote" .
    """)


def ttl(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + textwrap.dedent(body), encoding="utf-8")
    return path


def hta(uri: str, name: str, extra: str = "") -> str:
    return f'ex:{uri} a dkg:HometownAssociation ; skos:prefLabel "{name}" ; dkg:evidence ex:ev {extra}.\n'


def snapshot(db) -> tuple[list, list]:
    """The graph minus load bookkeeping, for comparing two ways of reaching it."""
    nodes = db.read("MATCH (n:Resource) RETURN n.uri AS uri, labels(n) AS l, properties(n) AS p ORDER BY uri")
    rels = db.read("MATCH (a)-[r]->(b) RETURN r.uri AS uri, type(r) AS t, a.uri AS a, b.uri AS b, "
                   "properties(r) AS p ORDER BY uri")
    for row in nodes + rels:
        row["p"]["sources"] = sorted(row["p"].get("sources", []))
        if "l" in row:
            row["l"] = sorted(row["l"])
    return nodes, rels


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "source.ttl").write_text(SOURCE, encoding="utf-8")
    fed = ttl(tmp_path, "fed.ttl", 'ex:fed a dkg:Federation ; skos:prefLabel "Federación Test" ; dkg:evidence ex:ev .\n')
    clubs = ttl(tmp_path, "clubs.ttl", hta("c1", "Club Uno", "; dkg:memberOf ex:fed") + hta("c2", "Club Dos"))
    return tmp_path, fed, clubs


def test_load_then_reload_unchanged_is_a_no_op(db, corpus):
    folder, _, _ = corpus
    first = load([folder], db)
    assert {f.status for f in first.files} == {"loaded"}
    assert db.read("MATCH (:HometownAssociation)-[:MEMBER_OF]->(f:Federation) RETURN f.name AS n") == [
        {"n": "Federación Test"}]
    before = snapshot(db)
    second = load([folder], db)
    assert {f.status for f in second.files} == {"unchanged"}
    assert snapshot(db) == before
    forced = load([folder], db, force=True)
    assert forced.totals.nodes["created"] == 0 and snapshot(db) == before


def test_changed_file_replaces_its_facts(db, corpus):
    folder, _, clubs = corpus
    load([folder], db)
    clubs.write_text(PREFIXES + hta("c1", "Club Uno Renamed") + hta("c3", "Club Tres"), encoding="utf-8")
    report = load([folder], db)
    assert {f.key.rsplit("/", 1)[-1]: f.status for f in report.files}["clubs.ttl"] == "reloaded"
    names = [r["n"] for r in db.read("MATCH (h:HometownAssociation) RETURN h.name AS n ORDER BY n")]
    assert names == ["Club Tres", "Club Uno Renamed"]
    assert db.read("MATCH ()-[r:MEMBER_OF]->() RETURN count(r) AS c")[0]["c"] == 0


def test_unload_removes_only_what_the_source_alone_asserts(db, corpus):
    folder, fed, clubs = corpus
    also = ttl(folder, "also.ttl", hta("c1", "Club Uno"))
    load([folder], db)
    unload(db, str(clubs))
    remaining = db.read("MATCH (h:HometownAssociation) RETURN h.uri AS u, h.sources AS s")
    assert [r["u"].rsplit("/", 1)[-1] for r in remaining] == ["c1"]
    assert remaining[0]["s"][0].endswith("also.ttl") and len(remaining[0]["s"]) == 1
    assert db.read("MATCH (f:Federation) RETURN count(f) AS c")[0]["c"] == 1  # fed.ttl still asserts it
    assert also.exists()


@pytest.mark.parametrize("content, message, line", [
    ("ex:a a dkg:HometownAssociation ;\n  skos:prefLabel \"unterminated .\n", "syntax error", 7),
    ("", "is empty", None),
])
def test_bad_rdf_names_file_and_line_and_writes_nothing(db, tmp_path, content, message, line):
    path = tmp_path / "bad.ttl"
    path.write_text(PREFIXES + content if content else "", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load([path], db)
    assert message in str(info.value) and str(path) in str(info.value)
    assert info.value.line == line
    assert db.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"] == 0


def test_binary_file_is_refused(db, tmp_path):
    path = tmp_path / "image.ttl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="binary"):
        load([path], db)


def test_invalid_data_stops_the_load_with_exit_1_and_nothing_written(db, tmp_path, neo4j_env):
    path = ttl(tmp_path, "invalid.ttl", """\
        ex:c a dkg:Contribution ; dkg:contributor ex:x ; dkg:recipient ex:y ; dkg:share 1.5 .
        ex:x a dkg:HometownAssociation ; skos:prefLabel "X" .
        ex:y a dkg:Project ; skos:prefLabel "Y" .
        """)
    with pytest.raises(ValidationFailed) as info:
        load([path], db)
    assert any("share" in (r.path or "") for r in info.value.report.violations)
    run = subprocess.run([*CLI, "load", str(path)], capture_output=True, text=True, env=neo4j_env)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "share" in run.stderr
    assert db.read("MATCH (n) WHERE n:Resource OR n:LoadedSource RETURN count(n) AS c")[0]["c"] == 0


def test_csv_missing_required_column_names_column_and_file(db, tmp_path, neo4j_env):
    path = tmp_path / "hometown_associations.csv"
    path.write_text("id,altLabel\norg/x,Club X\n", encoding="utf-8")
    run = subprocess.run([*CLI, "load", str(path)], capture_output=True, text=True, env=neo4j_env)
    assert run.returncode == 2
    assert "prefLabel" in run.stderr and "hometown_associations.csv" in run.stderr
    assert db.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"] == 0


def test_csv_rows_become_validated_facts_with_evidence(db, tmp_path):
    (tmp_path / "hometown_associations.csv").write_text(
        "id,prefLabel,prefLabel@es,memberCount,memberOf,source,locator,quote\n"
        "test/club-a,Club A,Club A (es),12,test/fed,My survey,row 1,\"twelve members\"\n", encoding="utf-8")
    (tmp_path / "federations.csv").write_text("id,prefLabel\ntest/fed,Test Federation\n", encoding="utf-8")
    load([tmp_path], db)
    row = db.read("MATCH (h:HometownAssociation)-[r:MEMBER_OF]->(f:Federation) "
                  "MATCH (e:Evidence) WHERE e.uri IN r.evidence "
                  "RETURN h.memberCount AS m, h.prefLabel_es AS es, e.quote AS q, e.locator AS loc")
    assert row == [{"m": 12, "es": "Club A (es)", "q": "twelve members", "loc": "row 1"}]


def test_cli_reports_unreachable_neo4j(tmp_path):
    from ..conftest import free_port

    port = free_port()
    env = {"NEO4J_URI": f"bolt://127.0.0.1:{port}", "NEO4J_PASSWORD": "secret-password-123", "PATH": "/usr/bin"}
    run = subprocess.run([*CLI, "query", "--cypher", "RETURN 1"], capture_output=True, text=True, env=env)
    assert run.returncode == 2
    assert f"bolt://127.0.0.1:{port}" in run.stderr and "secret-password-123" not in run.stderr + run.stdout


def test_cli_reports_wrong_password_without_printing_it(neo4j_env):
    env = {**neo4j_env, "NEO4J_PASSWORD": "definitely-wrong-987"}
    run = subprocess.run([*CLI, "query", "--cypher", "RETURN 1"], capture_output=True, text=True, env=env)
    assert run.returncode == 2
    assert "refused the credentials" in run.stderr
    assert "definitely-wrong-987" not in run.stderr + run.stdout


def test_hostile_names_round_trip_through_the_cli(db, tmp_path, neo4j_env):
    names = ['Robert"); MATCH (n) DETACH DELETE n; //', "<img src=x onerror=alert(1)>", "{x} `y` $z",
             "Ассоциация 墨西哥 جمعية"]
    body = "".join(f'ex:h{i} a dkg:HometownAssociation ; skos:prefLabel """{n}""" .\n' for i, n in enumerate(names))
    path = ttl(tmp_path, "hostile.ttl", body)
    subprocess.run([*CLI, "load", str(path)], check=True, capture_output=True, env=neo4j_env)
    stored = [r["n"] for r in db.read("MATCH (h:HometownAssociation) RETURN h.name AS n ORDER BY h.uri")]
    assert stored == names


def big_corpus(tmp_path: Path, clubs: int) -> Path:
    lines = [SOURCE]
    lines += [f'ex:f{i} a dkg:Federation ; skos:prefLabel "Fed {i}" ; dkg:evidence ex:ev .' for i in range(50)]
    lines += [f'ex:h{i} a dkg:HometownAssociation ; skos:prefLabel "Club {i}" ; dkg:memberOf ex:f{i % 50} ; '
              f'dkg:evidence ex:ev .' for i in range(clubs)]
    path = tmp_path / "big.ttl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_killed_neo4j_mid_load_then_load_again_gives_the_clean_graph(tmp_path):
    """Fault injection on a throwaway instance: SIGKILL the JVM while a load runs, restart, load again."""
    from graph_loader.neo4j.connection import open_database
    from graph_loader.neo4j.server import ManagedNeo4j
    from graph_loader.settings import load_settings

    from ..conftest import free_port

    path = big_corpus(tmp_path, 20000)
    instance = ManagedNeo4j(tmp_path / "neo4j", free_port(), load_settings().cache_dir, heap="1g")
    instance.start(echo=lambda m: None)
    env = {"NEO4J_URI": instance.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": instance.password(),
           "PATH": "/usr/bin:/bin"}
    try:
        loader = subprocess.Popen([*CLI, "load", "--batch-size", "500", str(path)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        db = open_database(instance.uri, "neo4j", instance.password(), "neo4j")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait until part of the data is in, then pull the plug
            count = db.read("MATCH (h:HometownAssociation) RETURN count(h) AS c")[0]["c"]
            if count >= 2000:
                break
            time.sleep(0.2)
        db.close()
        instance.kill()
        _, err = loader.communicate(timeout=120)
        assert loader.returncode != 0, "the load should have failed when Neo4j died"
        instance.start(echo=lambda m: None)
        db = open_database(instance.uri, "neo4j", instance.password(), "neo4j")
        assert db.read("MATCH (s:LoadedSource) RETURN s.complete AS c") == [{"c": False}]
        subprocess.run([*CLI, "load", str(path)], env=env, check=True, capture_output=True)
        recovered = snapshot(db)
        db.write("MATCH (n) DETACH DELETE n")
        subprocess.run([*CLI, "load", str(path)], env=env, check=True, capture_output=True)
        assert snapshot(db) == recovered
        assert db.read("MATCH (h:HometownAssociation) RETURN count(h) AS c")[0]["c"] == 20000
        assert db.read("MATCH ()-[r:MEMBER_OF]->() RETURN count(r) AS c")[0]["c"] == 20000
        db.close()
    finally:
        instance.stop()


def test_two_concurrent_loads_give_the_clean_graph(db, tmp_path, neo4j_env):
    path = big_corpus(tmp_path, 3000)
    # The second file describes every third club again (same nodes, written by both loads at once) and ties it
    # to federations of its own, so each file is valid alone whichever load commits first.
    other = ttl(tmp_path, "other.ttl", SOURCE.replace(PREFIXES, "")
                + "".join(f'ex:g{i} a dkg:Federation ; skos:prefLabel "G {i}" ; dkg:evidence ex:ev .\n'
                          for i in range(10))
                + "".join(hta(f"h{i}", f"Club {i}", f"; dkg:memberOf ex:g{i % 10}") for i in range(0, 3000, 3)))
    procs = [subprocess.Popen([*CLI, "load", "--batch-size", "200", str(p)], env=neo4j_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for p in (path, other)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()[-2000:]
    concurrent = snapshot(db)
    db.write("MATCH (n) WHERE NOT n:DkgTestMarker DETACH DELETE n")
    for p in (path, other):
        subprocess.run([*CLI, "load", str(p)], env=neo4j_env, check=True, capture_output=True)
    assert snapshot(db) == concurrent
    assert db.read("MATCH (h:HometownAssociation) RETURN count(h) AS c")[0]["c"] == 3000
    assert db.read("MATCH (:HometownAssociation)-[r:MEMBER_OF]->() RETURN count(r) AS c")[0]["c"] == 4000
