"""Issue 29, "Done when", against the real Neo4j: a list that names a seed federation in two other spellings is
loaded with the seed corpus; ``resolve`` (online) proposes the pairs with reasons; ``resolve --review`` (answers
piped to stdin) accepts them; ``resolve --apply`` merges the three nodes into the seed's (facts, ties, evidence and
sources of all kept, counts checked), ``lookup`` finds it by a merged name and the RDF export states
``owl:sameAs``; ``unload`` of the decisions file gives back exactly the graph before.

The list's rows are synthetic (``https://example.org/test/``, "Test list (hypothetical)"); the seed is the corpus.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "graph_loader"]
EX = "https://example.org/test/org/"
FEDECMI = "https://w3id.org/diaspora-kg/id/org/fedecmi"
VARIANTS = {f"{EX}fed-mich-1": "Federacion de Clubes Michoacanos de Illinois",
            f"{EX}fed-mich-2": "FED. CLUBES MICHOACANOS IL"}
LIST = ("id,prefLabel,originatesFrom,source,locator,quote\n"
        + "".join(f"{uri},{name},place/MX-MIC,Test list (hypothetical),row {i},{name}\n"
                  for i, (uri, name) in enumerate(VARIANTS.items(), 1)))


def run(args: list[str], env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600, input=stdin,
                          env={**env, "COLUMNS": "100", "USER": "tester"})


def snapshot(db) -> tuple[list, list]:
    """Every node and relationship with its labels and properties (bookkeeping included): the whole graph."""
    nodes = db.read("MATCH (n:Resource) RETURN n.uri AS uri, labels(n) AS l, properties(n) AS p ORDER BY uri")
    rels = db.read("MATCH (a)-[r]->(b) RETURN r.uri AS uri, type(r) AS t, a.uri AS a, b.uri AS b, "
                   "properties(r) AS p ORDER BY uri, t, a, b")
    for row in nodes:
        row["l"] = sorted(row["l"])
    return nodes, rels


@pytest.fixture
def loaded(db, tmp_path):
    from graph_loader.loading import load

    data = tmp_path / "federations.csv"
    data.write_text(LIST, encoding="utf-8")
    load(None, db)
    load([data], db)
    return data


def test_resolve_review_apply_and_unload(db, neo4j_env, loaded, tmp_path):
    before = snapshot(db)
    decisions = tmp_path / "decisions.csv"
    found = run(["resolve", "--decisions", str(decisions)], neo4j_env)
    assert found.returncode == 0, found.stderr
    assert "Read the loaded graph" in found.stderr
    rows = list(csv.DictReader(decisions.open(encoding="utf-8")))
    by_pair = {(r["left"], r["right"]): r for r in rows}
    wanted = {tuple(sorted((FEDECMI, v))) for v in VARIANTS} | {tuple(sorted(VARIANTS))}
    proposed = wanted & set(by_pair)
    assert {tuple(sorted((FEDECMI, v))) for v in VARIANTS} <= proposed, rows
    spelling = by_pair[tuple(sorted((FEDECMI, f"{EX}fed-mich-1")))]
    assert "names" in spelling["reasons"] and "same home state" in spelling["reasons"]
    assert float(spelling["score"]) >= 0.9

    # The review asks best score first; answer yes (with a note) to our pairs, skip the others.
    order = sorted(rows, key=lambda r: (-float(r["score"]), r["left"], r["right"]))
    answers = "".join("y\nsame federation, other spelling\n" if (r["left"], r["right"]) in proposed else "s\n"
                      for r in order)
    review = run(["resolve", "--decisions", str(decisions), "--review"], neo4j_env, answers)
    assert review.returncode == 0, review.stderr
    assert "Federación de Clubes Michoacanos en Illinois" in review.stdout and "score" in review.stdout
    assert f"Reviewed {len(proposed)} pair(s) as tester" in review.stderr
    decided = {(r["left"], r["right"]): r for r in csv.DictReader(decisions.open(encoding="utf-8"))}
    for pair in proposed:
        assert decided[pair]["decision"] == "yes" and decided[pair]["who"] == "tester"
        assert decided[pair]["when"].endswith("+00:00") and decided[pair]["note"] == "same federation, other spelling"
    assert sum(1 for r in decided.values() if r["decision"]) == len(proposed)
    assert snapshot(db) == before  # finding and reviewing write nothing to the graph

    fed_rels = db.read("MATCH (n:Resource)-[r]-() WHERE n.uri IN $uris RETURN count(DISTINCT r) AS n",
                       {"uris": [FEDECMI, *VARIANTS]})[0]["n"]
    applied = run(["resolve", "--apply", str(decisions)], neo4j_env)
    assert applied.returncode == 0, applied.stderr
    assert "made 1 node(s) of 3 (2 merged" in applied.stderr
    merged = db.read("MATCH (n:Resource {uri: $uri}) RETURN labels(n) AS l, properties(n) AS p", {"uri": FEDECMI})
    props = merged[0]["p"]
    assert "Federation" in merged[0]["l"]
    assert props["name"] == "Federación de Clubes Michoacanos en Illinois"
    assert set(VARIANTS.values()) <= set(props["altNames"]) and "FEDECMI" in props["altNames"]
    assert sorted(props["mergedUris"]) == sorted(VARIANTS) == sorted(props["owl__sameAs"])
    key = str(decisions)
    old = {r["uri"]: r["p"] for r in before[0]}
    assert set(props["sources"]) == set(old[FEDECMI]["sources"]) | {s for v in VARIANTS for s in old[v]["sources"]} \
        | {key}
    assert set(props["evidence"]) == set(old[FEDECMI].get("evidence", [])) | \
        {e for v in VARIANTS for e in old[v].get("evidence", [])}
    assert not db.read("MATCH (n:Resource) WHERE n.uri IN $uris RETURN n", {"uris": list(VARIANTS)})
    nodes_after, rels_after = snapshot(db)
    assert len(nodes_after) == len(before[0]) - 2 and len(rels_after) == len(before[1])
    assert db.read("MATCH (n:Resource {uri: $uri})-[r]-() RETURN count(DISTINCT r) AS n",
                   {"uri": FEDECMI})[0]["n"] == fed_rels
    origins = db.read("MATCH (:Resource {uri: $uri})-[r:ORIGINATES_FROM]->(p) RETURN r.uri AS r, p.uri AS p",
                      {"uri": FEDECMI})
    assert {r["r"] for r in origins} >= {r["uri"] for r in before[1] if r["a"] in VARIANTS}

    found = run(["lookup", "FED. CLUBES MICHOACANOS IL", "--format", "json"], neo4j_env)
    assert found.returncode == 0, found.stderr
    match = json.loads(found.stdout)[0]
    assert match["uri"] == FEDECMI and match["matched"] == VARIANTS[f"{EX}fed-mich-2"]
    assert match["merged"] == sorted(VARIANTS)
    turtle = tmp_path / "graph.ttl"
    exported = run(["export", "--format", "turtle", "--out", str(turtle)], neo4j_env)
    assert exported.returncode == 0, exported.stderr
    text = turtle.read_text(encoding="utf-8")
    assert "sameAs" in text and "fed-mich-1" in text and "mergedBy" not in text

    from graph_loader.ontology.schema import load_schema
    from graph_loader.pipeline import Run, RunResult, _merges
    from graph_loader.report.blocks import render_markdown

    report = RunResult(out=tmp_path / "out")
    _merges(Run(report, load_schema(), db, echo=lambda message: None))
    section = render_markdown(report.sections)
    assert "Same thing, other names" in section and "2 nodes merged into 1 node" in section
    assert "Federación de Clubes Michoacanos en Illinois" in section and "tester" in section
    assert f"{decisions}:" in section and "still open" in section

    again = run(["resolve", "--apply", str(decisions)], neo4j_env)
    assert again.returncode == 0 and "nothing to do" in again.stderr
    sources = run(["sources", "--format", "json"], neo4j_env)
    assert key in sources.stdout

    undone = run(["unload", str(decisions)], neo4j_env)
    assert undone.returncode == 0, undone.stderr
    assert "undid 1 merge(s); 2 merged node(s)" in undone.stderr
    assert snapshot(db) == before
    assert not db.read("MATCH (s:LoadedSource {key: $key}) RETURN s", {"key": key})
    report = RunResult(out=tmp_path / "out")
    _merges(Run(report, load_schema(), db, echo=lambda message: None))
    assert report.sections == []  # nothing applied: no section


def test_a_load_that_would_change_merged_nodes_is_refused(db, neo4j_env, loaded, tmp_path):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("left,right,decision,who,when,note\n"
                         f"{FEDECMI},{EX}fed-mich-1,yes,ana,2026-12-07,same federation\n", encoding="utf-8")
    assert run(["resolve", "--apply", str(decisions)], neo4j_env).returncode == 0
    during = snapshot(db)
    reload = run(["load", "--force", str(loaded)], neo4j_env)
    assert reload.returncode == 2 and "Traceback" not in reload.stderr
    assert "merged" in reload.stderr and f"unload {decisions}" in reload.stderr
    unload = run(["unload", str(loaded)], neo4j_env)
    assert unload.returncode == 2 and f"unload {decisions}" in unload.stderr
    assert snapshot(db) == during
    assert run(["unload", str(decisions)], neo4j_env).returncode == 0
    assert run(["load", "--force", str(loaded)], neo4j_env).returncode == 0
