"""Decisions files that ``resolve --apply`` must refuse (issue 29), through the real command line against the
real Neo4j: a decision naming a node the graph does not hold, a decision value that is none, two kinds that
cannot be one thing (directly, or through a third node). Each is refused with the file and line, what is wrong
and what to do, the documented exit code, no traceback, and the database exactly as it was (nodes,
relationships, ledger). All data are synthetic (``https://example.org/test/``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from graph_loader.loading import load

CLI = [sys.executable, "-m", "graph_loader"]
EX = "https://example.org/test/"
CORPUS = textwrap.dedent("""\
    @prefix dkg: <https://w3id.org/diaspora-kg/ontology#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix ex: <https://example.org/test/> .
    ex:doc a dkg:Source ; skos:prefLabel "Test notes" .
    ex:ev a dkg:Evidence ; dkg:source ex:doc ; dkg:locator "p. 1" ; dkg:quote "a test quote" .
    ex:fed a dkg:Federation ; skos:prefLabel "Federación de Clubes Test" ; dkg:evidence ex:ev .
    ex:fed2 a dkg:Federation ; skos:prefLabel "Fed. Clubes Test" ; dkg:evidence ex:ev .
    ex:club a dkg:HometownAssociation ; skos:prefLabel "Club Test" ; dkg:memberOf ex:fed ; dkg:evidence ex:ev .
    """)
HEADER = "left,right,decision,who,when,note\n"
GOOD = f"{EX}fed,{EX}fed2,yes,ana,2026-12-07,same federation\n"

CASES = [
    # (what, rows after the header, exit code, line, fragments of the message)
    ("unknown id", GOOD + f"{EX}fed,{EX}nowhere,yes,ana,2026-12-07,\n", 1, 3,
     [f"{EX}nowhere is not in the graph", "load the file that states it first"]),
    ("not a decision", GOOD.replace(",yes,", ",maybe,"), 2, 2, ["'maybe' is not a decision", "unsure"]),
    ("kinds", f"{EX}club,{EX}fed,yes,ana,2026-12-07,\n", 1, 2,
     ["cannot be one thing", "Federation", "HometownAssociation", "decide no"]),
    ("kinds through a third", GOOD + f"{EX}club,{EX}fed2,yes,ana,2026-12-07,\n", 1, 3, ["cannot be one thing"]),
]


def everything(db) -> list:
    """Every node (the ledger's too) and relationship, with labels and properties."""
    nodes = db.read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = db.read("MATCH (a)-[r]->(b) RETURN type(r) AS t, a.uri AS a, b.uri AS b, properties(r) AS p")
    return sorted(map(repr, nodes)) + sorted(map(repr, rels))


@pytest.fixture
def corpus(db, tmp_path):
    path = tmp_path / "corpus.ttl"
    path.write_text(CORPUS, encoding="utf-8")
    load([path], db)
    return path


@pytest.mark.parametrize(("what", "rows", "code", "line", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_decisions_file_is_refused_and_changes_nothing(db, neo4j_env, corpus, tmp_path, what, rows, code,
                                                             line, fragments):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(HEADER + rows, encoding="utf-8")
    before = everything(db)
    result = subprocess.run([*CLI, "resolve", "--apply", str(decisions)], capture_output=True, text=True,
                            env={**neo4j_env, "COLUMNS": "500"}, timeout=300)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.returncode == code, result.stdout + result.stderr
    assert f"{decisions}:{line}:" in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "hint:" in result.stderr
    assert everything(db) == before


def test_unloading_a_decisions_file_never_applied_is_refused(db, neo4j_env, corpus, tmp_path):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(HEADER + GOOD, encoding="utf-8")
    before = everything(db)
    result = subprocess.run([*CLI, "unload", str(decisions)], capture_output=True, text=True, env=neo4j_env,
                            timeout=300)
    assert result.returncode == 2 and "no loaded source has this key or path" in result.stderr, result.stderr
    assert everything(db) == before


def test_decisions_are_undone_in_the_reverse_order_of_their_application(db, neo4j_env, corpus, tmp_path):
    """A later decisions file may merge what an earlier one made: the earlier one is unloaded only after it."""
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(HEADER + GOOD, encoding="utf-8")
    second.write_text(HEADER + f"{EX}fed2,{EX}doc-not-used,no,ana,2026-12-07,\n", encoding="utf-8")
    before = everything(db)
    env = {**neo4j_env, "COLUMNS": "500"}
    for path in (first, second):
        applied = subprocess.run([*CLI, "resolve", "--apply", str(path)], capture_output=True, text=True, env=env,
                                 timeout=300)
        assert applied.returncode == 0, applied.stderr
    during = everything(db)
    refused = subprocess.run([*CLI, "unload", str(first)], capture_output=True, text=True, env=env, timeout=300)
    assert refused.returncode == 2 and f"unload {second}" in refused.stderr, refused.stderr
    assert everything(db) == during
    for path in (second, first):
        undone = subprocess.run([*CLI, "unload", str(path)], capture_output=True, text=True, env=env, timeout=300)
        assert undone.returncode == 0, undone.stderr
    assert everything(db) == before
    # a folder holding data and decisions files unloads whole: the decisions first, the latest first
    for path in (first, second):
        assert subprocess.run([*CLI, "resolve", "--apply", str(path)], capture_output=True, env=env,
                              timeout=300).returncode == 0
    folder = subprocess.run([*CLI, "unload", str(tmp_path)], capture_output=True, text=True, env=env, timeout=300)
    assert folder.returncode == 0, folder.stderr
    assert db.read("MATCH (n) WHERE n:Resource OR n:LoadedSource RETURN count(n) AS n")[0]["n"] == 0


def test_a_decisions_file_given_to_load_says_how_it_is_applied(tmp_path):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(HEADER + GOOD, encoding="utf-8")
    result = subprocess.run([*CLI, "validate", str(decisions)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "a decisions file is no CSV template" in result.stderr
    assert f"resolve --apply {decisions}" in result.stderr


def test_a_changed_decisions_file_is_applied_again_from_the_graph_before_it(db, neo4j_env, corpus, tmp_path):
    """Editing an applied file and applying it again undoes its old merges and makes the new ones, in one
    transaction; a bad edit leaves the old merges in place."""
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(HEADER + GOOD, encoding="utf-8")
    before = everything(db)
    env = {**neo4j_env, "COLUMNS": "500"}

    def apply() -> subprocess.CompletedProcess:
        return subprocess.run([*CLI, "resolve", "--apply", str(decisions)], capture_output=True, text=True, env=env,
                              timeout=300)

    assert apply().returncode == 0
    merged = everything(db)
    decisions.write_text(HEADER + GOOD + f"{EX}club,{EX}fed,yes,ana,2026-12-08,\n", encoding="utf-8")
    refused = apply()
    assert refused.returncode == 1 and f"{decisions}:3:" in refused.stderr, refused.stderr
    assert everything(db) == merged
    decisions.write_text(HEADER + GOOD.replace("same federation", "same federation and board"), encoding="utf-8")
    again = apply()
    assert again.returncode == 0 and "its earlier version undone first" in again.stderr, again.stderr
    notes = db.read("MATCH (n:Resource {uri: $uri}) RETURN n.mergedBy AS records", {"uri": f"{EX}fed"})
    assert "same federation and board" in notes[0]["records"][0]
    assert len(db.read("MATCH (n:Resource) WHERE n.uri IN $uris RETURN n", {"uris": [f"{EX}fed", f"{EX}fed2"]})) == 1
    assert subprocess.run([*CLI, "unload", str(decisions)], capture_output=True, env=env,
                          timeout=300).returncode == 0
    assert everything(db) == before
