"""CSV templates: the files in data/templates are what the code writes, example CSVs of every template load into
Neo4j with their ties and provenance and unload again, and a bad value is reported by file, line and column.

The examples in ``tests/data/csv/examples/`` are invented (``https://example.org/``), never facts of the corpus.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph_loader.errors import InputError
from graph_loader.loading import load
from graph_loader.neo4j.ledger import unload
from graph_loader.rdf.csv_templates import (
    TEMPLATES,
    TEMPLATES_DIR,
    csv_triples,
    template_for,
    write_templates,
)

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "data" / "csv" / "examples"
ERRORS_DIR = Path(__file__).resolve().parents[1] / "data" / "csv" / "errors"
CLI = [sys.executable, "-m", "graph_loader"]
EX = "https://example.org/"
SOURCE_NAME = "Example survey (hypothetical)"


def test_template_files_are_what_write_templates_writes(tmp_path):
    written = {p.name: p.read_bytes() for p in write_templates(tmp_path)}
    committed = {p.name: p.read_bytes() for p in TEMPLATES_DIR.glob("*.csv")}
    assert committed == written


def test_every_template_has_an_example_named_after_it():
    examples = sorted(EXAMPLES_DIR.glob("*.csv"))
    assert sorted(template_for(p).name for p in examples) == sorted(TEMPLATES)


def test_examples_load_with_their_nodes_ties_and_evidence(db):
    report = load([EXAMPLES_DIR], db)
    assert sorted(f.status for f in report.files) == ["loaded"] * len(TEMPLATES)

    labels = {row["uri"]: set(row["labels"]) for row in db.read(
        "MATCH (n:Resource) WHERE n.uri STARTS WITH $ex RETURN n.uri AS uri, labels(n) AS labels", {"ex": EX})}
    assert {"HometownAssociation", "DiasporaOrganisation", "Organisation"} <= labels[EX + "org/example-club"]
    assert "Federation" in labels[EX + "org/example-federation"]
    assert "Locality" in labels[EX + "place/villa-ejemplo"]
    assert "DevelopmentProgramme" in labels[EX + "programme/example-fund"]
    assert "Project" in labels[EX + "project/example-clinic"]
    # n-ary rows (membership, contribution, registration) become relationships, not nodes; a record row makes
    # several nodes: the registered club and its two board members, the 3x1 project (its governments and
    # municipio are not under EX: the 3x1 template names governments org/gov-…, places come from the gazetteer).
    assert "Consulate" in labels[EX + "org/example-consulate"]
    assert "Person" in labels[EX + "org/example-registered-club/person/example-president-hypothetical"]
    assert len(labels) == 13

    club = db.read("MATCH (c:Resource {uri: $uri}) RETURN c.name AS name, c.prefLabel_es AS es, "
                   "c.memberCount AS members, c.foundedYear AS founded, c.altNames AS alt, c.unnamed AS unnamed",
                   {"uri": EX + "org/example-club"})[0]
    assert club["name"] == "Example Hometown Club of Villa Ejemplo (hypothetical)"
    assert club["es"] == "Club Ejemplo de Villa Ejemplo (hipotético)"
    assert (club["members"], club["founded"], club["unnamed"]) == (1200, 1998, False)  # "1,200" read as 1200
    assert {"Villa Ejemplo Club", "Example Club", "ECVE"} <= set(club["alt"])

    ties = {(r["a"], r["type"], r["b"]) for r in db.read(
        "MATCH (a:Resource)-[r]->(b:Resource) WHERE a.uri STARTS WITH $ex "
        "RETURN a.uri AS a, type(r) AS type, b.uri AS b", {"ex": EX})}
    expected = {
        ("org/example-club", "MEMBER_OF", "org/example-federation"),
        ("org/example-second-club", "MEMBER_OF", "org/example-federation"),
        ("org/example-club", "ORIGINATES_FROM", "place/villa-ejemplo"),
        ("org/example-club", "LOCATED_IN", "place/example-city"),
        ("place/villa-ejemplo", "PART_OF", "place/example-state"),
        ("project/example-clinic", "IN_PROGRAMME", "programme/example-fund"),
        ("org/example-club", "FUNDS", "project/example-clinic"),
        ("org/example-club", "PARTNERS_WITH", "org/example-second-club"),
    }
    assert {(EX + a, t, EX + b) for a, t, b in expected} <= ties

    funds = db.read("MATCH (:Resource {uri: $club})-[f:FUNDS]->(:Resource {uri: $clinic}) RETURN f.amountUsd AS usd, "
                    "f.share AS share, f.year AS year, f.currency AS currency, f.inKind AS in_kind",
                    {"club": EX + "org/example-club", "clinic": EX + "project/example-clinic"})
    assert funds == [{"usd": 10000.0, "share": 0.25, "year": 2003, "currency": "USD", "in_kind": False}]
    role = db.read("MATCH (:Resource {uri: $m})-[r:MEMBER_OF]->() RETURN r.role AS role, r.startYear AS start, "
                   "r.endYear AS end", {"m": EX + "org/example-second-club"})
    assert role == [{"role": "member club", "start": 2001, "end": 2004}]

    # Every tie stated by a row carries that row's evidence: locator and quote, quoted from the named source.
    evidence = db.read(
        "MATCH (a:Resource)-[r]->(b:Resource) WHERE a.uri STARTS WITH $ex "
        "UNWIND coalesce(r.evidence, [null]) AS uri "
        "OPTIONAL MATCH (e:Evidence {uri: uri})-[:QUOTED_FROM]->(s) "
        "RETURN type(r) AS type, e.locator AS locator, e.quote AS quote, s.name AS source", {"ex": EX})
    assert evidence and all(row["source"] == SOURCE_NAME and row["locator"] for row in evidence)
    partnership = [row for row in evidence if row["type"] == "PARTNERS_WITH"]
    assert partnership == [{"type": "PARTNERS_WITH", "locator": "survey p. 6",
                            "quote": "the two clubs work together (invented)", "source": SOURCE_NAME}]
    node_evidence = db.read("MATCH (c:Resource {uri: $uri}) UNWIND c.evidence AS uri "
                            "MATCH (e:Evidence {uri: uri}) RETURN e.locator AS locator, e.quote AS quote",
                            {"uri": EX + "org/example-club"})
    assert {"locator": "survey p. 3", "quote": "an invented quote for the example"} in node_evidence

    # The 3x1 row: the project in its municipio, paid in four quarters; the registration with its folio.
    paid = db.read("MATCH (p:Project {uri: $uri})<-[f:FUNDS]-(g) RETURN g.uri AS funder, f.amount AS amount, "
                   "f.currency AS currency ORDER BY funder", {"uri": EX + "project/example-3x1-road"})
    gov = "https://w3id.org/diaspora-kg/id/org/gov-"
    assert paid == [{"funder": f, "amount": 100000.0, "currency": "MXN"}
                    for f in (EX + "org/example-club", gov + "MX", gov + "MX-32031", gov + "MX-ZAC")]
    assert db.read("MATCH (:Project {uri: $uri})-[:LOCATED_IN]->(m:Municipality) RETURN m.inegiCode AS code",
                   {"uri": EX + "project/example-3x1-road"}) == [{"code": "32031"}]
    assert db.read("MATCH ()-[r:REGISTERED_WITH]->(c) RETURN r.registrationNumber AS folio, "
                   "toString(r.validUntil) AS until, c.uri AS consulate") == [
        {"folio": "EX-2004-001", "until": "2006-01-14", "consulate": EX + "org/example-consulate"}]

    for path in sorted(EXAMPLES_DIR.glob("*.csv")):
        unload(db, str(path))
    assert db.read("MATCH (n) WHERE n:Resource OR n:LoadedSource RETURN count(n) AS c")[0]["c"] == 0


def test_bad_number_names_file_line_and_column(db, neo4j_env):
    path = ERRORS_DIR / "contributions_bad_amount.csv"
    run = subprocess.run([*CLI, "load", str(path)], capture_output=True, text=True,
                         env={**neo4j_env, "COLUMNS": "500"})  # wide console: the message is not wrapped
    assert run.returncode == 2 and "Traceback" not in run.stderr
    # Line 3 of the file (the header is line 1), column amountUsd.
    assert f"{path.name}:3: column amountUsd: 'ten thousand' is not a number" in run.stderr
    assert db.read("MATCH (n) WHERE n:Resource OR n:LoadedSource RETURN count(n) AS c")[0]["c"] == 0


def test_validate_command_accepts_the_examples(neo4j_env):
    run = subprocess.run([*CLI, "validate", str(EXAMPLES_DIR)], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "500"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 violation(s)" in run.stderr + run.stdout


def test_line_number_counts_blank_lines(tmp_path):
    path = tmp_path / "contributions.csv"
    path.write_text("contributor,recipient,amountUsd\n\nx/a,x/b,12\nx/a,x/b,ten\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(csv_triples(path))
    assert info.value.line == 4


def test_a_row_may_point_at_a_corpus_resource(tmp_path):
    path = tmp_path / "hometown_associations.csv"
    path.write_text("id,prefLabel,memberOf,source\n"
                    f"{EX}org/example-club,Example Club (hypothetical),org/fedecmi,{SOURCE_NAME}\n",
                    encoding="utf-8")
    run = subprocess.run([*CLI, "validate", str(path)], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "500"})
    assert run.returncode == 0, run.stdout + run.stderr
