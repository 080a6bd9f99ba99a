"""Export: Turtle round trip (relationship properties and provenance included), GraphML/GEXF that Gephi and
NetworkX read, CSV."""

from __future__ import annotations

import csv
import subprocess
import sys

import networkx as nx

from graph_loader.loading import load
from graph_loader.neo4j.read import read_property_graph

from ..conftest import wipe

CLI = [sys.executable, "-m", "graph_loader"]


def graph_state(db):
    """Nodes and relationships with every property but ``sources`` (which names the file a fact came from)."""
    pg = read_property_graph(db)
    strip = lambda p: {k: v for k, v in p.items() if k != "sources"}  # noqa: E731
    nodes = {u: (sorted(n["labels"]), strip(n["props"])) for u, n in pg.nodes.items()}
    rels = {(r["type"], r["start"], r["end"], strip(r["props"]).get("uri") if not u.startswith("_") else u):
            strip(r["props"]) for u, r in pg.relationships.items()}
    return nodes, rels


def test_turtle_round_trip_gives_the_same_graph(db, tmp_path, neo4j_env):
    load(None, db)
    original = graph_state(db)
    assert len(original[0]) > 600 and len(original[1]) > 900
    out = tmp_path / "export.ttl"
    subprocess.run([*CLI, "export", "--format", "turtle", "--out", str(out)], env=neo4j_env, check=True,
                   capture_output=True)
    wipe(db)
    load([out], db)
    again = graph_state(db)
    for before, after in zip(original, again, strict=True):
        assert before.keys() == after.keys()
        diffs = {k: {p: (before[k][-1].get(p), after[k][-1].get(p)) for p in set(before[k][-1]) | set(after[k][-1])
                     if before[k][-1].get(p) != after[k][-1].get(p)} for k in before if before[k] != after[k]}
        assert not diffs, f"{len(diffs)} differ, e.g. {next(iter(diffs.items()))}"
    funds = [p for (t, *_), p in again[1].items() if t == "FUNDS" and p.get("share") == 0.53]
    assert funds and funds[0]["evidence"]  # IFAD's 53% share kept its amount, share and evidence


def test_graphml_gexf_and_csv_exports_open(seed_db, tmp_path, neo4j_env):
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"graph.{fmt}"
        run = subprocess.run([*CLI, "export", "--format", fmt, "--out", str(out)], env=neo4j_env,
                             capture_output=True, text=True, check=True)
        assert "Exported" in run.stderr
        graph = reader(out)
        assert graph.number_of_nodes() > 600
        fedecmi = [a for _, a in graph.nodes(data=True) if a.get("acronyms") == '["FEDECMI"]']
        assert fedecmi and fedecmi[0]["label"].startswith("Federación de Clubes Michoacanos")
    subprocess.run([*CLI, "export", "--format", "csv", "--out", str(tmp_path / "csv")], env=neo4j_env,
                   check=True, capture_output=True)
    with open(tmp_path / "csv" / "relationships.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {"uri", "type", "start", "end", "evidence"} <= set(rows[0]) and len(rows) > 900


def test_csv_relationships_name_their_ends(seed_db, tmp_path, neo4j_env):
    """A spreadsheet of relationships reads without a lookup: each end by URI, name and kind."""
    subprocess.run([*CLI, "export", "--format", "csv", "--out", str(tmp_path / "csv")], env=neo4j_env,
                   check=True, capture_output=True)
    with open(tmp_path / "csv" / "relationships.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:8] == ["uri", "type", "start", "end", "start_name", "start_kind", "end_name", "end_kind"]
    sala = [r for r in rows if r["start"].endswith("/org/sala") and r["type"] == "ORIGINATES_FROM"]
    assert [(r["start_name"], r["start_kind"], r["end_name"], r["end_kind"]) for r in sala] == [
        ("SALA", "HometownAssociation", "Cuscatlán", "Department")]
    assert all(r["start_name"] and r["end_name"] and r["start_kind"] for r in rows)
    assert {r["end_kind"] for r in rows if "/concept/" not in r["end"]} >= {"Country", "Programme", "Source"}
    assert "" not in {r["end_kind"] for r in rows if "/concept/" not in r["end"]}  # only the schemes' concepts
    gov = [r for r in rows if r["start"].endswith("/org/gov-MX") and r["type"] == "FUNDS"]
    assert gov and gov[0]["start_kind"] == "NationalGovernment"  # the most specific label, not Agent
