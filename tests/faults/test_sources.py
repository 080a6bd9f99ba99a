"""What a source is, exactly (issue 25, items 11, 13 and 14): the bytes a load parsed and hashed, the blank nodes
that belong to it alone, and every value it asserted, which `unload` takes away again.

Everything runs against the real test Neo4j (fixtures in ``tests/conftest.py``) on real files; the CLI tests run
``python -m graph_loader`` as a subprocess and check exit codes, messages and that no traceback shows.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

from graph_loader import loading
from graph_loader.loading import load
from graph_loader.neo4j import ledger

CLI = [sys.executable, "-m", "graph_loader"]
EX = "https://example.org/test/"
PREFIXES = textwrap.dedent("""\
    @prefix dkg: <https://w3id.org/diaspora-kg/ontology#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix ex: <https://example.org/test/> .
    """)
EVIDENCE = ('ex:doc a dkg:Source ; skos:prefLabel "Test notes" .\n'
            'ex:ev a dkg:Evidence ; dkg:source ex:doc ; dkg:locator "p. 1" ; dkg:quote "a test quote" .\n')


def cli(args, env, cwd) -> subprocess.CompletedProcess:
    run = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def write(path: Path, body: str) -> Path:
    path.write_text(PREFIXES + textwrap.dedent(body), encoding="utf-8")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def node(db, uri: str) -> dict | None:
    rows = db.read("MATCH (n:Resource {uri: $u}) RETURN labels(n) AS labels, properties(n) AS props", {"u": uri})
    return rows[0] if rows else None


# -- 14. a file edited while `load` runs ----------------------------------------------------------------------------
FEDERATION = EVIDENCE + ('ex:fed a dkg:Federation ; skos:prefLabel "Federación Prueba" ; '
                         'dkg:foundedYear "{year}"^^xsd:gYear ; dkg:evidence ex:ev .\n')


def test_the_ledger_hashes_the_bytes_the_graph_was_made_of(db, tmp_path, monkeypatch):
    """The file changes after the load hashed it and before it parsed it (the load asks the ledger in between:
    that is where the edit lands). The graph and the ledger must describe the same bytes, so that putting the
    old file back is a change the next load sees, not "unchanged" over a stale graph."""
    path = write(tmp_path / "fed.ttl", FEDERATION.format(year=1990))
    old_text = path.read_text(encoding="utf-8")
    old_hash = sha256(path)
    real_loaded_state = ledger.loaded_state

    def edited_meanwhile(db_, keys):
        state = real_loaded_state(db_, keys)
        write(path, FEDERATION.format(year=1995))
        return state

    monkeypatch.setattr(loading.ledger, "loaded_state", edited_meanwhile)
    load([path], db)
    monkeypatch.setattr(loading.ledger, "loaded_state", real_loaded_state)

    year = node(db, EX + "fed")["props"]["foundedYear"]
    recorded = db.read("MATCH (s:LoadedSource) RETURN s.sha256 AS sha")[0]["sha"]
    parsed_text = PREFIXES + FEDERATION.format(year=year)
    assert recorded == hashlib.sha256(parsed_text.encode()).hexdigest(), (
        f"the graph holds foundedYear {year}, but the ledger records the hash of another content")

    path.write_text(old_text, encoding="utf-8")  # the old file back
    assert sha256(path) == old_hash
    report = load([path], db)
    assert node(db, EX + "fed")["props"]["foundedYear"] == 1990
    assert report.files[0].status in ("reloaded", "unchanged")
    assert db.read("MATCH (s:LoadedSource) RETURN s.sha256 AS sha")[0]["sha"] == old_hash


def test_a_csv_file_is_hashed_as_parsed_too(db, tmp_path, monkeypatch):
    path = tmp_path / "federations.csv"
    header = "id,prefLabel,foundedYear,source,locator,quote\n"
    path.write_text(header + "org/test-fed,Federación Prueba,1990,Test notes,p. 1,a quote\n", encoding="utf-8")
    real_loaded_state = ledger.loaded_state
    new_text = header + "org/test-fed,Federación Prueba,1995,Test notes,p. 1,a quote\n"

    def edited_meanwhile(db_, keys):
        state = real_loaded_state(db_, keys)
        path.write_text(new_text, encoding="utf-8")
        return state

    monkeypatch.setattr(loading.ledger, "loaded_state", edited_meanwhile)
    load([path], db)
    year = db.read("MATCH (f:Federation) RETURN f.foundedYear AS y")[0]["y"]
    recorded = db.read("MATCH (s:LoadedSource) RETURN s.sha256 AS sha")[0]["sha"]
    assert (year, recorded) == (1995, hashlib.sha256(new_text.encode()).hexdigest())


# -- 11. blank nodes belong to their file ---------------------------------------------------------------------------
GENID = "https://w3id.org/diaspora-kg/.well-known/genid/"


def anonymous_federation(year: int, nonce: int) -> str:
    """A file whose one blank node is a federation founded in ``year``; the comment's ``nonce`` changes its hash."""
    return (PREFIXES + f"# nonce {nonce}\n"
            f'[] a dkg:Federation ; skos:prefLabel "Federación sin IRI" ; dkg:foundedYear "{year}"^^xsd:gYear .\n')


#: Two contents whose SHA-256 share their first 8 hex digits (5b6ee594), found by a birthday search over 2 x 10^5
#: nonces (a few seconds): the blank-node prefix was sha256[:8], so their blank nodes were one node.
COLLIDING = (anonymous_federation(1990, 182472), anonymous_federation(1995, 66279))


def test_blank_nodes_of_two_files_never_merge(db, neo4j_env, tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_text(COLLIDING[0], encoding="utf-8")
    b.write_text(COLLIDING[1], encoding="utf-8")
    assert sha256(a)[:8] == sha256(b)[:8] and sha256(a) != sha256(b)
    together = cli(["validate", a, b], neo4j_env, tmp_path)
    assert cli(["load", a], neo4j_env, tmp_path).returncode == 0
    after = cli(["load", b], neo4j_env, tmp_path)
    assert after.returncode == together.returncode, (together.stdout, after.stdout)
    years = db.read("MATCH (f:Federation) RETURN f.foundedYear AS year, f.uri AS uri ORDER BY year")
    assert [r["year"] for r in years] == [1990, 1995], years  # two federations, one year each
    assert all(r["uri"].startswith(GENID) for r in years)


def test_a_blank_node_named_by_its_iri_elsewhere_is_validated_with_it(db, neo4j_env, tmp_path):
    """A file may name a loaded blank node by the IRI the graph (and the Turtle export) gives it. Whichever is
    loaded first, the second is checked with the first, as validating both together checks them."""
    a = tmp_path / "a.ttl"
    a.write_text(anonymous_federation(1990, 0), encoding="utf-8")
    (tmp_path / "later").mkdir()
    c = tmp_path / "later" / "c.ttl"

    def genid_of_a() -> str:
        from graph_loader.rdf.read import inspect, iter_triples

        (blank,) = {s for s, _, _ in iter_triples(inspect(a))}
        return GENID + blank[2:]

    c.write_text(PREFIXES + f'<{genid_of_a()}> dkg:foundedYear "1995"^^xsd:gYear .\n', encoding="utf-8")
    together = cli(["validate", a, c], neo4j_env, tmp_path)
    assert together.returncode == 1 and "foundedYear" in together.stdout, together.stdout + together.stderr
    assert cli(["load", c], neo4j_env, tmp_path).returncode == 0  # alone, c is fine (an untyped subject)
    later = cli(["load", a], neo4j_env, tmp_path)
    assert later.returncode == 1, later.stdout + later.stderr
    assert "foundedYear" in later.stdout + later.stderr
    assert db.read("MATCH (f:Federation) RETURN count(f) AS n")[0]["n"] == 0
    assert cli(["unload", c], neo4j_env, tmp_path).returncode == 0
    assert cli(["load", a], neo4j_env, tmp_path).returncode == 0
    assert cli(["load", c], neo4j_env, tmp_path).returncode == 1


# -- 13. unload takes away every value only that source asserted -----------------------------------------------------
A_FACTS = EVIDENCE + ('ex:x a dkg:Federation ; skos:prefLabel "Federación X" ; dkg:foundedYear "{year}"^^xsd:gYear ; '
                      'dkg:acronym "FX" ; dkg:evidence ex:ev .\n')
B_POINTS = ('ex:club a dkg:HometownAssociation ; skos:prefLabel "Club B" ; dkg:memberOf ex:x .\n'
            'ex:x skos:altLabel "La X de B" .\n')


def stored_node(db, uri: str) -> dict:
    found = node(db, uri)
    return {"labels": sorted(found["labels"]), **found["props"]} if found else {}


def test_unload_removes_the_values_only_that_source_asserted(db, neo4j_env, tmp_path):
    """a.ttl states X's type, name, foundedYear and acronym; b.ttl points at X and gives it an altLabel. After
    `unload a.ttl`, X is what b.ttl says of it, nothing more; a corrected a.ttl then loads."""
    a = write(tmp_path / "a.ttl", A_FACTS.format(year=1990))
    (tmp_path / "b").mkdir()
    b = write(tmp_path / "b" / "b.ttl", B_POINTS)
    assert cli(["load", a], neo4j_env, tmp_path).returncode == 0
    assert cli(["load", b], neo4j_env, tmp_path).returncode == 0
    x = stored_node(db, EX + "x")
    assert "Federation" in x["labels"] and x["foundedYear"] == 1990 and x["altNames"] == ["FX", "La X de B"]

    run = cli(["unload", a], neo4j_env, tmp_path)
    assert run.returncode == 0, run.stderr
    x = stored_node(db, EX + "x")
    assert x["labels"] == ["Resource"], x
    assert {k: v for k, v in x.items() if k not in ("labels", "uri", "nameKeys")} == {
        "altLabel": "La X de B", "name": "La X de B", "sources": [b.resolve().as_posix()]}
    assert db.read("MATCH (:HometownAssociation)-[r:MEMBER_OF]->(:Resource {uri: $x}) RETURN count(r) AS n",
                   {"x": EX + "x"}) == [{"n": 1}]

    write(a, A_FACTS.format(year=1995))  # the corrected file
    run = cli(["load", a], neo4j_env, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    x = stored_node(db, EX + "x")
    assert x["foundedYear"] == 1995 and "Federation" in x["labels"]


def test_unload_of_the_pointing_file_takes_its_values_and_leaves_the_rest(db, neo4j_env, tmp_path):
    a = write(tmp_path / "a.ttl", A_FACTS.format(year=1990))
    (tmp_path / "b").mkdir()
    b = write(tmp_path / "b" / "b.ttl", B_POINTS)
    assert cli(["load", a, b], neo4j_env, tmp_path).returncode == 0  # both in one load
    with_both = stored_node(db, EX + "x")
    assert cli(["unload", b], neo4j_env, tmp_path).returncode == 0
    x = stored_node(db, EX + "x")
    assert "altLabel" not in x and x["altNames"] == ["FX"] and x["foundedYear"] == 1990 and "assertedBy" not in x
    assert x["sources"] == [a.resolve().as_posix()] and "Federation" in x["labels"]
    assert cli(["load", b], neo4j_env, tmp_path).returncode == 0  # one after the other: the same node
    assert stored_node(db, EX + "x") == with_both


def test_a_changed_file_replaces_its_values_on_a_node_another_file_points_at(db, neo4j_env, tmp_path):
    """Was a known limit: the changed file's old foundedYear stayed beside the new one (and the load said so)."""
    a = write(tmp_path / "a.ttl", A_FACTS.format(year=1990))
    (tmp_path / "b").mkdir()
    b = write(tmp_path / "b" / "b.ttl", B_POINTS)
    assert cli(["load", a, b], neo4j_env, tmp_path).returncode == 0
    write(a, A_FACTS.format(year=1995))
    run = cli(["load", a, b], neo4j_env, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert stored_node(db, EX + "x")["foundedYear"] == 1995


def test_unload_takes_a_note_off_a_tie_another_file_states(db, neo4j_env, tmp_path):
    a = write(tmp_path / "a.ttl", A_FACTS.format(year=1990) + B_POINTS)
    (tmp_path / "c").mkdir()
    c = write(tmp_path / "c" / "c.ttl", '@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n'
              'ex:club dkg:memberOf ex:x .\n'
              'ex:evc a dkg:Evidence ; dkg:source ex:doc ; dkg:locator "p. 9" ; dkg:quote "c says so" .\n'
              '[] a rdf:Statement ; rdf:subject ex:club ; rdf:predicate dkg:memberOf ; rdf:object ex:x ;\n'
              '   dkg:evidence ex:evc ; dkg:note "Said by c only." .\n')
    assert cli(["load", a], neo4j_env, tmp_path).returncode == 0
    assert cli(["load", c], neo4j_env, tmp_path).returncode == 0
    tie = "MATCH (:Resource {uri: $club})-[r:MEMBER_OF]->() RETURN properties(r) AS p"
    assert db.read(tie, {"club": EX + "club"})[0]["p"]["note"] == "Said by c only."
    assert cli(["unload", c], neo4j_env, tmp_path).returncode == 0
    props = db.read(tie, {"club": EX + "club"})[0]["p"]
    assert "note" not in props and "evidence" not in props and "assertedBy" not in props
    assert props["sources"] == [a.resolve().as_posix()]


def test_the_importers_plan_keeps_what_each_source_asserted_as_bolt_does(db, tmp_path):
    """plan_graph merges with the writer's own functions: the graph it plans for the importer, per-source
    records included, is the one the Bolt writer leaves."""
    from graph_loader.merge import plan_graph
    from graph_loader.neo4j.read import plain_props
    from graph_loader.rdf.sources import inspect_paths, prepare_sources

    a = write(tmp_path / "a.ttl", A_FACTS.format(year=1990))
    b = write(tmp_path / "b.ttl", B_POINTS)
    report = load([a, b], db, method="bolt")
    assert report.method == "bolt"
    prepared = prepare_sources(inspect_paths([a, b]))
    plan = plan_graph((key, *rows) for key, rows in loading.load_rows(prepared).items())
    planned = plan.graph.nodes[EX + "x"]
    stored = node(db, EX + "x")
    assert sorted(planned["labels"]) == sorted(stored["labels"])
    assert planned["props"] == plain_props(stored["props"]) and "assertedBy" in stored["props"]
