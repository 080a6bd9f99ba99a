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
