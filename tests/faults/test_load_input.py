"""What a load decides about its inputs as a whole (issue 19, items 9, 10 and 16): warnings that need every file,
conflicts with what the graph already holds, and a folder with one bad file among good ones."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

CLI = [sys.executable, "-m", "graph_loader"]
PREFIXES = textwrap.dedent("""\
    @prefix dkg: <https://w3id.org/diaspora-kg/ontology#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix ex: <https://example.org/test/> .
    """)
EVIDENCE = ('ex:doc a dkg:Source ; skos:prefLabel "Test notes" .\n'
            'ex:ev a dkg:Evidence ; dkg:source ex:doc ; dkg:locator "p. 1" ; dkg:quote "a test quote" .\n')


def cli(args, env, cwd) -> subprocess.CompletedProcess:
    run = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def write(path: Path, body: str) -> Path:
    path.write_text(PREFIXES + textwrap.dedent(body), encoding="utf-8")
    return path


def counts(db) -> tuple[int, int]:
    row = db.read("MATCH (n) WHERE NOT n:DkgTestMarker WITH count(n) AS nodes "
                  "OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS rels")[0]
    return row["nodes"], row["rels"]


# -- 16. untyped subjects ------------------------------------------------------------------------------------------
def test_untyped_subjects_are_counted_in_one_warning_per_file(db, neo4j_env, tmp_path):
    lines = [f'ex:u{i} skos:prefLabel "U {i}" .' for i in range(2000)]
    untyped = write(tmp_path / "untyped.ttl", "\n".join(lines) + "\n")
    checked = cli(["validate", str(untyped)], neo4j_env, tmp_path)
    assert checked.returncode == 0
    assert "2000 subject(s) have properties but no rdf:type" in checked.stderr
    loaded = cli(["load", "--format", "json", str(untyped)], neo4j_env, tmp_path)
    warnings = json.loads(loaded.stdout)["files"][0]["warnings"]
    assert any("2000 subject(s)" in w for w in warnings)


def test_a_subject_typed_by_another_file_or_the_graph_is_not_untyped(db, neo4j_env, tmp_path):
    write(tmp_path / "a.ttl", EVIDENCE + 'ex:club a dkg:HometownAssociation ; skos:prefLabel "Club" ; '
                                         'dkg:evidence ex:ev .\n')
    write(tmp_path / "b.ttl", 'ex:club skos:altLabel "El Club" .\n')
    together = cli(["load", "--format", "json", str(tmp_path)], neo4j_env, tmp_path)
    assert together.returncode == 0
    assert not any("no rdf:type" in w for f in json.loads(together.stdout)["files"] for w in f["warnings"])
    (tmp_path / "later").mkdir()
    later = write(tmp_path / "later" / "c.ttl", 'ex:club skos:altLabel "Club de la Prueba" .\n')
    alone = cli(["load", "--format", "json", str(later)], neo4j_env, tmp_path)
    assert alone.returncode == 0
    assert not any("no rdf:type" in w for w in json.loads(alone.stdout)["files"][0]["warnings"])


# -- 9. a file loaded after another is validated with what the graph holds ------------------------------------------
def test_second_value_from_a_later_file_is_a_violation(db, neo4j_env, tmp_path):
    first = write(tmp_path / "a.ttl", EVIDENCE + 'ex:fed a dkg:Federation ; skos:prefLabel "Federación Prueba" ; '
                                                 'dkg:foundedYear "1990"^^xsd:gYear ; dkg:evidence ex:ev .\n')
    assert cli(["load", str(first)], neo4j_env, tmp_path).returncode == 0
    before = counts(db)
    (tmp_path / "b").mkdir()
    second = write(tmp_path / "b" / "b.ttl", 'ex:fed dkg:foundedYear "1995"^^xsd:gYear .\n')
    together = cli(["validate", str(first), str(second)], neo4j_env, tmp_path)
    assert together.returncode == 1
    later = cli(["load", str(second)], neo4j_env, tmp_path)
    assert later.returncode == 1, later.stderr
    assert "foundedYear" in later.stdout + later.stderr
    assert counts(db) == before
    assert db.read("MATCH (f:Federation) RETURN f.foundedYear AS y") == [{"y": 1990}]


def test_a_class_disjoint_with_the_stored_one_is_a_violation(db, neo4j_env, tmp_path):
    first = write(tmp_path / "a.ttl", EVIDENCE + 'ex:x a dkg:Federation ; skos:prefLabel "X" ; dkg:evidence ex:ev .\n')
    assert cli(["load", str(first)], neo4j_env, tmp_path).returncode == 0
    (tmp_path / "b").mkdir()
    second = write(tmp_path / "b" / "b.ttl", EVIDENCE + 'ex:x a dkg:Municipality ; skos:prefLabel "X" ; '
                                                        'dkg:evidence ex:ev .\n')
    assert cli(["validate", str(first), str(second)], neo4j_env, tmp_path).returncode == 1
    later = cli(["load", str(second)], neo4j_env, tmp_path)
    assert later.returncode == 1
    assert db.read("MATCH (n {uri: 'https://example.org/test/x'}) RETURN labels(n) AS l")[0]["l"].count(
        "Municipality") == 0


def test_one_contribution_never_gets_two_funds_edges(db, neo4j_env, tmp_path):
    """The synthetic-corpus case: one contribution IRI described by two files with two contributors."""
    def contribution(contributor: str) -> str:
        return (f'ex:c1 a dkg:Contribution ; dkg:contributor ex:{contributor} ; dkg:recipient ex:p ; '
                'dkg:amountUsd "1000.00"^^xsd:decimal ; dkg:evidence ex:ev .\n')

    base = EVIDENCE + ('ex:p a dkg:Project ; skos:prefLabel "Proyecto" ; dkg:evidence ex:ev .\n'
                       'ex:h1 a dkg:HometownAssociation ; skos:prefLabel "Club 1" ; dkg:evidence ex:ev .\n'
                       'ex:h2 a dkg:HometownAssociation ; skos:prefLabel "Club 2" ; dkg:evidence ex:ev .\n')
    first = write(tmp_path / "a.ttl", base + contribution("h1"))
    assert cli(["load", str(first)], neo4j_env, tmp_path).returncode == 0
    (tmp_path / "b").mkdir()
    second = write(tmp_path / "b" / "b.ttl", contribution("h2"))
    assert cli(["load", str(second)], neo4j_env, tmp_path).returncode == 1
    assert db.read("MATCH ()-[r:FUNDS]->() RETURN count(r) AS n, count(DISTINCT r.uri) AS uris") == [
        {"n": 1, "uris": 1}]


def test_restating_and_reloading_is_not_a_conflict(db, neo4j_env, tmp_path):
    """Context must not count a value twice: the same fact again (even written differently) and a changed file's
    own previous facts are fine."""
    first = write(tmp_path / "a.ttl", EVIDENCE + 'ex:fed a dkg:Federation ; skos:prefLabel "Fed" ; '
                                                 'dkg:memberCount "12"^^xsd:integer ; dkg:evidence ex:ev .\n')
    assert cli(["load", str(first)], neo4j_env, tmp_path).returncode == 0
    (tmp_path / "b").mkdir()
    again = write(tmp_path / "b" / "b.ttl", 'ex:fed dkg:memberCount "012"^^xsd:integer .\n')
    assert cli(["load", str(again)], neo4j_env, tmp_path).returncode == 0
    first.write_text(first.read_text().replace('"12"', '"13"'), encoding="utf-8")
    changed = cli(["load", str(first)], neo4j_env, tmp_path)
    assert changed.returncode == 1  # b.ttl still states 12 for the node it shares: two counts is a conflict
    assert cli(["unload", str(again)], neo4j_env, tmp_path).returncode == 0
    assert cli(["load", str(first)], neo4j_env, tmp_path).returncode == 0


def test_forced_reload_of_the_seed_corpus_passes(seed_db, neo4j_env, tmp_path):
    run = cli(["load", "--force", "--dry-run"], neo4j_env, tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
