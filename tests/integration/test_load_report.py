"""What ``load`` reports, as a newcomer reads it (issue 26): a CSV row about a resource already in the graph
reported "created 0, updated 1" beside "Resource created 2". The two were the places the row points at: reference
rows that only add the file to the places' sources. They are counted apart now and said so in words."""

from __future__ import annotations

import json
import subprocess
import sys

CLI = [sys.executable, "-m", "graph_loader"]

CLUB = """\
@prefix dkg: <https://w3id.org/diaspora-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix id: <https://w3id.org/diaspora-kg/id/> .

id:place\\/XX a dkg:Country ; skos:prefLabel "Testland"@en ; dkg:isoCode "XX" .
id:place\\/XX-AB a dkg:State ; skos:prefLabel "Abia"@en ; dkg:partOf id:place\\/XX .
id:org\\/club-test a dkg:HometownAssociation ; skos:prefLabel "Club de Prueba"@es ;
    dkg:originatesFrom id:place\\/XX-AB ; dkg:homeCountry id:place\\/XX .
"""
ROW = """\
id,prefLabel,prefLabel@es,altLabel,acronym,originatesFrom,locatedIn,memberOf,homeCountry,foundedYear,memberCount,\
unnamed,source,locator,quote
org/club-test,,Club de Prueba,,,place/XX-AB,,,place/XX,,,,Interview with the club's treasurer,"notes, p. 2",
"""


def cli(args, env, cwd):
    run = subprocess.run([*CLI, *args], capture_output=True, text=True, env={**env, "COLUMNS": "200"}, cwd=cwd,
                         timeout=300)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    return run


def test_a_row_about_a_known_club_reports_the_places_it_points_at_as_references(db, neo4j_env, tmp_path):
    (tmp_path / "first").mkdir()
    (tmp_path / "first" / "club.ttl").write_text(CLUB, encoding="utf-8")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "hometown_associations.csv").write_text(ROW, encoding="utf-8")
    cli(["load", "first"], neo4j_env, tmp_path)

    dry = cli(["load", "--dry-run", "mine"], neo4j_env, tmp_path).stderr
    assert "Nothing written (dry run); a load would write with Bolt transactions" in dry
    assert "Written with" not in dry

    report = json.loads(cli(["load", "--format", "json", "mine"], neo4j_env, tmp_path).stdout)
    (mine,) = report["files"]
    assert mine["nodes_by_label"] == {"HometownAssociation": {"updated": 1}, "Evidence": {"created": 1},
                                      "Source": {"created": 1}, "(referenced)": {"updated": 2}}
    cli(["unload", "mine"], neo4j_env, tmp_path)  # the folder, as load took it

    text = cli(["load", "mine"], neo4j_env, tmp_path).stderr
    line = next(x for x in text.splitlines() if "hometown_associations.csv" in x)
    assert "created 2, updated 1" in line  # the club updated; its evidence and source created
    assert "Resource" not in text
    assert "Nodes created (2): Evidence 1, Source 1." in " ".join(text.split())
    assert "Referenced, not described: 2 node(s) already in the graph" in " ".join(text.split())


def test_unload_takes_a_folder_as_load_does(db, neo4j_env, tmp_path):
    (tmp_path / "data" / "more").mkdir(parents=True)
    (tmp_path / "data" / "club.ttl").write_text(CLUB, encoding="utf-8")
    (tmp_path / "data" / "more" / "hometown_associations.csv").write_text(ROW, encoding="utf-8")
    cli(["load", "data"], neo4j_env, tmp_path)
    unloaded = cli(["unload", "data"], neo4j_env, tmp_path).stderr
    assert "Unloaded 2 sources" in unloaded and "club.ttl" in unloaded and "hometown_associations.csv" in unloaded
    left = json.loads(cli(["sources", "--format", "json"], neo4j_env, tmp_path).stdout)
    assert left == []
    count = db.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"]
    assert count == 0
    gone = subprocess.run([*CLI, "unload", "data"], capture_output=True, text=True, env=neo4j_env, cwd=tmp_path)
    assert gone.returncode == 2 and "no loaded source is inside this folder" in gone.stderr
