"""What Neo4j cannot index is refused before anything is written (issue 25, item 10).

A name or an IRI over about 8 KB passed validation; then the Bolt writer died with "internal error ... Property
value is too large to index", and the bulk importer left the ``resource_name`` index FAILED, so that every later
load failed until someone dropped the index by hand. Neo4j 5.26's RANGE indexes (the ``uri`` uniqueness
constraint, ``resource_name``, the per-type ``rel_uri_*``) hold keys of at most
:data:`graph_loader.rdf.xsd.INDEXED_BYTES` bytes of UTF-8: the first test measures that against the real server,
with characters of one to four bytes, so the limit the messages state is Neo4j's, not a guess. Names and IRIs
over it are Violations of ``dkg:StorableValue`` in both SHACL engines (and a CSV cell is refused at its line);
values at the limit load, through Bolt and through the importer, and the indexes stay ONLINE.

A node's ``sources`` list had a RANGE index too (``resource_sources``), which no query uses (``$key IN n.sources``
is a label scan: its plan is checked here) and which broke at about 200 sources of 40 characters on one node
(a place every CSV file points at): it is gone, and a node with 61 sources of 300 characters (18 KB) loads.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graph_loader import shacl
from graph_loader.errors import ValidationFailed
from graph_loader.loading import load
from graph_loader.neo4j.connection import open_database
from graph_loader.neo4j.server import ManagedNeo4j
from graph_loader.rdf.sources import prepare
from graph_loader.rdf.xsd import INDEXED_BYTES
from graph_loader.settings import load_settings

from ..conftest import free_port

CLI = [sys.executable, "-m", "graph_loader"]
EX = "https://example.org/test/"
PREFIXES = textwrap.dedent("""\
    @prefix dkg: <https://w3id.org/diaspora-kg/ontology#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix ex: <https://example.org/test/> .
    """)
#: Characters of 1, 2, 3 and 4 bytes in UTF-8.
WIDE = ["a", "é", "€", "😀"]


def of_bytes(size: int, char: str) -> str:
    """A string of exactly ``size`` bytes of UTF-8: ``char`` repeated, topped up with ASCII."""
    width = len(char.encode())
    text = char * (size // width) + "a" * (size % width)
    assert len(text.encode()) == size
    return text


def cli(args, env, cwd=None) -> subprocess.CompletedProcess:
    run = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    return run


def club(name: str, uri: str = EX + "club") -> str:
    return PREFIXES + f'<{uri}> a dkg:HometownAssociation ; skos:prefLabel {json.dumps(name, ensure_ascii=False)} .\n'


def storable_findings(path: Path) -> dict[str, set]:
    prepared = prepare([path])
    return {engine: {(r.focus_node, r.path, r.message) for r in shacl.validate(prepared, engine=engine).violations
                     if r.shape == "dkg:StorableValue"} for engine in ("pyshacl", "compiled")}


# -- the limit is Neo4j's -----------------------------------------------------------------------------------------
def test_the_limit_is_what_neo4j_indexes(db):
    """A RANGE index (as the loader's) takes a string of INDEXED_BYTES bytes and refuses one more, whatever the
    width of its characters; a TEXT index would take four times as much (not used: equality lookups and
    uniqueness need RANGE)."""
    db.write("CREATE INDEX probe_range IF NOT EXISTS FOR (n:IndexProbe) ON (n.v)")
    db.write("CALL db.awaitIndexes(60)")

    def accepted(value: str) -> bool:
        try:
            db.write("CREATE (:IndexProbe {v: $v})", {"v": value})
        except Exception as exc:  # noqa: BLE001 — the refusal is the answer
            assert "too large to index" in str(exc), exc
            return False
        db.write("MATCH (n:IndexProbe) DELETE n")
        return True

    for char in WIDE:
        at_limit = of_bytes(INDEXED_BYTES - INDEXED_BYTES % len(char.encode()), char)
        assert accepted(char * (INDEXED_BYTES // len(char.encode()))), char
        assert accepted(at_limit + "a" * (INDEXED_BYTES - len(at_limit.encode()))), char
        assert not accepted(of_bytes(INDEXED_BYTES + 1, char)), char
        assert not accepted(char * (INDEXED_BYTES // len(char.encode()) + 1)), char


def test_no_query_of_the_loader_needs_an_index_on_sources(db):
    db.write("CREATE INDEX probe_sources IF NOT EXISTS FOR (n:Resource) ON (n.sources)")
    db.write("CALL db.awaitIndexes(60)")
    with db.session() as session:
        plan = session.run("EXPLAIN MATCH (n:Resource) WHERE $key IN n.sources RETURN n", key="x").consume().plan

    def operators(p):
        return [p["operatorType"].split("@")[0], *(o for child in p.get("children", []) for o in operators(child))]

    assert "NodeIndexSeek" not in operators(plan) and "NodeByLabelScan" in operators(plan)


# -- validation, both engines -------------------------------------------------------------------------------------
@pytest.mark.parametrize("char", WIDE)
def test_a_name_over_the_limit_is_a_violation_in_both_engines(tmp_path, char):
    at = tmp_path / "at.ttl"
    at.write_text(club(of_bytes(INDEXED_BYTES, char)), encoding="utf-8")
    assert storable_findings(at) == {"pyshacl": set(), "compiled": set()}
    over = tmp_path / "over.ttl"
    over.write_text(club(of_bytes(INDEXED_BYTES + 1, char)), encoding="utf-8")
    found = storable_findings(over)
    assert found["pyshacl"] == found["compiled"] and len(found["compiled"]) == 1, found
    ((focus, path, message),) = found["compiled"]
    assert (focus, path) == (EX + "club", "skos:prefLabel")
    assert f"{INDEXED_BYTES + 1:,} bytes" in message and f"{INDEXED_BYTES:,}" in message


@pytest.mark.parametrize("where", ["subject", "object", "n-ary"])
def test_an_iri_over_the_limit_is_a_violation_in_both_engines(tmp_path, where):
    long_iri = EX + of_bytes(INDEXED_BYTES + 1 - len(EX), "é")
    body = {
        "subject": club("Club", long_iri),
        "object": club("Club") + f"ex:club dkg:memberOf <{long_iri}> .\n",
        "n-ary": club("Club") + f"<{long_iri}> a dkg:Membership ; dkg:member ex:club ; dkg:organisation ex:club .\n",
    }[where]
    path = tmp_path / "iri.ttl"
    path.write_text(body, encoding="utf-8")
    found = storable_findings(path)
    assert found["pyshacl"] == found["compiled"], found
    assert any(f"{INDEXED_BYTES + 1:,} bytes" in message for _, _, message in found["compiled"]), found


# -- through the command line: nothing written; at the limit, loaded ---------------------------------------------
def test_load_refuses_a_long_name_and_writes_nothing(db, neo4j_env, tmp_path):
    path = tmp_path / "long.ttl"
    path.write_text(club("n" * 9005), encoding="utf-8")
    run = cli(["load", path], neo4j_env)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{INDEXED_BYTES:,} bytes" in run.stdout + run.stderr
    assert db.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"] == 0


def test_a_long_csv_cell_is_refused_at_its_line(db, neo4j_env, tmp_path):
    path = tmp_path / "hometown_associations.csv"
    path.write_text("id,prefLabel,source,locator,quote\n"
                    "org/fine,A fine club,Test notes,p. 1,a quote\n"
                    f"org/long,{'n' * 9005},Test notes,p. 1,a quote\n", encoding="utf-8")
    run = cli(["load", path], neo4j_env)
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"{path}:3" in run.stderr and "prefLabel" in run.stderr and f"{INDEXED_BYTES:,} bytes" in run.stderr
    assert db.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"] == 0
    long_id = tmp_path / "places.csv"
    long_id.write_text("id,type,prefLabel,partOf\n"
                       f"place/{'x' * 9000},Municipality,Somewhere,place/elsewhere\n", encoding="utf-8")
    run = cli(["validate", long_id], neo4j_env)
    assert run.returncode == 2 and f"{long_id}:2" in run.stderr and "column id" in run.stderr, run.stderr


def test_a_name_and_an_iri_at_the_limit_load_and_are_found(db, neo4j_env, tmp_path):
    name = of_bytes(INDEXED_BYTES, "€")
    uri = EX + of_bytes(INDEXED_BYTES - len(EX), "😀")
    path = tmp_path / "at.ttl"
    path.write_text(club(name, uri), encoding="utf-8")
    run = cli(["load", path], neo4j_env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert db.read("MATCH (n:Resource {name: $name}) RETURN n.uri AS uri", {"name": name}) == [{"uri": uri}]


def test_a_node_with_many_sources_loads(db, tmp_path):
    """Every file points at one place: its ``sources`` list grows past what a RANGE index holds (~8 KB)."""
    folder = tmp_path / ("a-long-folder-name-for-the-sources-" * 6)  # keys of some 300 characters
    folder.mkdir()
    for i in range(60):
        (folder / f"club-{i:03}.ttl").write_text(
            PREFIXES + f'ex:club{i} a dkg:HometownAssociation ; skos:prefLabel "Club {i}" ; dkg:locatedIn ex:place .\n',
            encoding="utf-8")
    (folder / "place.ttl").write_text(PREFIXES + 'ex:place a dkg:Municipality ; skos:prefLabel "Place" .\n',
                                      encoding="utf-8")
    load([folder], db)
    sources = db.read("MATCH (n:Resource {uri: $u}) RETURN n.sources AS s", {"u": EX + "place"})[0]["s"]
    assert len(sources) == 61 and sum(len(s.encode()) for s in sources) > 2 * INDEXED_BYTES
    states = {r["name"]: r["state"] for r in db.read("SHOW INDEXES YIELD name, state")}
    assert "resource_sources" not in states and set(states.values()) == {"ONLINE"}


# -- through the bulk importer ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def importer(tmp_path_factory):
    """A managed instance of this module's own: the importer replaces its database."""
    instance = ManagedNeo4j(tmp_path_factory.mktemp("importer"), free_port(), load_settings().cache_dir,
                            heap="512m")
    instance.start(echo=lambda m: None)
    yield instance
    instance.stop()


def test_the_importer_never_leaves_a_failed_index(importer, tmp_path):
    db = open_database(importer.uri, "neo4j", importer.password(), "neo4j", instance=importer)
    try:
        over = tmp_path / "over.ttl"
        over.write_text(club("n" * 9005), encoding="utf-8")
        with pytest.raises(ValidationFailed) as info:
            load([over], db, method="import")
        assert [r.shape for r in info.value.report.violations] == ["dkg:StorableValue"]
        assert db.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0
        at = tmp_path / "at.ttl"
        at.write_text(club(of_bytes(INDEXED_BYTES, "é")), encoding="utf-8")
        assert load([at], db, method="import").method == "import"
        states = {r["name"]: r["state"] for r in db.read("SHOW INDEXES YIELD name, state")}
        assert set(states.values()) == {"ONLINE"}, states
        later = tmp_path / "later.ttl"
        later.write_text(club("Later", EX + "later"), encoding="utf-8")
        assert load([later], db).method == "bolt"
    finally:
        db.close()
