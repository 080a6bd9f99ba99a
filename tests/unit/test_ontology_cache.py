"""The prototype cache of the parsed ontology (benchmarks/ontology_cache.py): keyed by content, signed, and never
running a planted file. Not wired into the loader; benchmarks/fixed_costs.py measures what it saves."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from benchmarks import ontology_cache as oc
from graph_loader.ontology.load import ontology_dir
from graph_loader.rdf.read import inspect, iter_triples
from graph_loader.shacl.compiled import FastValidator, default_validator

REPO = Path(__file__).resolve().parents[2]
MARKER_ENV = "DKG_TEST_PLANTED_MARKER"


@pytest.fixture
def ontology(tmp_path) -> Path:
    """A copy of the ontology folder a test may change."""
    folder = tmp_path / "ontology"
    folder.mkdir()
    for name in (*oc.ONTOLOGY_FILES, oc.SHAPES_FILE):
        shutil.copy(ontology_dir() / name, folder / name)
    return folder


def cache(tmp_path, ontology, kind="pickle", secret_name="secret") -> oc.OntologyCache:
    return oc.OntologyCache(tmp_path / "cache", kind, secret_file=tmp_path / "config" / secret_name, ontology=ontology)


def triples(graph) -> set:
    return set(graph)


def test_the_key_follows_the_content_of_every_file_and_nothing_else(ontology):
    key = oc.content_key(ontology)
    assert oc.content_key(ontology) == key
    os.utime(ontology / "shapes.ttl", (0, 0))  # a touched file, same bytes: same key
    assert oc.content_key(ontology) == key
    for name in (*oc.ONTOLOGY_FILES, oc.SHAPES_FILE):
        path = ontology / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert oc.content_key(ontology) != key, name
        path.write_bytes(original)
    assert oc.content_key(ontology) == key


def test_the_key_follows_the_format_and_the_stored_classes_source(ontology, monkeypatch):
    key = oc.content_key(ontology)
    monkeypatch.setattr(oc, "FORMAT", oc.FORMAT + 1)
    assert oc.content_key(ontology) != key


@pytest.mark.parametrize("kind", oc.KINDS)
def test_a_second_load_comes_from_the_cache_and_equals_a_parse(tmp_path, ontology, kind):
    store = cache(tmp_path, ontology, kind)
    first = store.load()
    assert store.last == "parsed" and store.path(oc.content_key(ontology)).is_file()
    again = store.load()
    assert store.last == "cached"
    fresh = oc.parse(ontology)  # another parse: other blank-node labels, the same graphs
    assert again.schema == fresh.schema == first.schema
    assert triples(again.ontology) == triples(first.ontology) and isomorphic(again.ontology, fresh.ontology)
    assert triples(again.shapes) == triples(first.shapes) and isomorphic(again.shapes, fresh.shapes)
    assert len(fresh.ontology) > 1000 and len(fresh.shapes) > 1000


@pytest.mark.parametrize("kind", oc.KINDS)
def test_shapes_compiled_from_the_cache_find_what_the_default_validator_finds(tmp_path, ontology, kind):
    store = cache(tmp_path, ontology, kind)
    store.load()
    cached = store.load()
    assert store.last == "cached"
    validator = FastValidator(cached.shapes, cached.ontology)
    for path in sorted((REPO / "tests" / "data" / "invalid").glob("*.ttl"))[:8]:
        data = list(iter_triples(inspect(path)))
        mine = {(r.focus_node, r.path, r.shape) for r in validator.validate(data).results}
        assert mine and mine == {(r.focus_node, r.path, r.shape) for r in default_validator().validate(data).results}


class Planted:
    """What someone who can write the cache folder would plant: a pickle that runs code when loaded."""

    def __reduce__(self):
        return (Path(os.environ[MARKER_ENV]).write_text, ("the planted pickle ran",))


def test_a_planted_pickle_is_never_loaded(tmp_path, ontology, monkeypatch):
    marker = tmp_path / "ran"
    monkeypatch.setenv(MARKER_ENV, str(marker))
    store = cache(tmp_path, ontology)
    path = store.path(oc.content_key(ontology))
    path.parent.mkdir(parents=True)
    payload = pickle.dumps(Planted())
    for blob in (payload, b"\0" * 32 + payload, os.urandom(32) + payload):  # unsigned, or a guessed signature
        path.write_bytes(blob)
        parsed = store.load()
        assert store.last == "refused" and not marker.exists()
        assert parsed.schema == oc.parse(ontology).schema
    pickle.loads(payload)  # the payload does run when unpickled: the test above is not vacuous
    assert marker.exists()


def test_an_entry_signed_with_another_secret_or_moved_to_another_key_is_refused(tmp_path, ontology):
    theirs = cache(tmp_path, ontology, secret_name="their-secret")
    theirs.load()
    mine = cache(tmp_path, ontology, secret_name="my-secret")
    mine.load()
    assert mine.last == "refused"
    key = oc.content_key(ontology)
    other = "0" * 64
    shutil.copy(mine.path(key), mine.path(other))
    assert mine._verified(mine.path(other).read_bytes(), other) is None
    assert mine._verified(mine.path(key).read_bytes(), key) is not None


def test_a_signed_entry_that_cannot_be_read_is_parsed_again(tmp_path, ontology):
    store = cache(tmp_path, ontology, "data")
    key = oc.content_key(ontology)
    store.folder.mkdir(parents=True)
    body = b'{"ontology": "not triples"}'
    store.path(key).write_bytes(store._mac(body, key) + body)
    parsed = store.load()
    assert store.last == "refused" and len(parsed.ontology) > 1000
    store.load()
    assert store.last == "cached"  # the bad entry was overwritten


def test_the_secret_is_made_once_and_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "config" / "secret"
    key = oc.secret(path)
    assert len(key) == 32 and oc.secret(path) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_compiled_shapes_cannot_be_pickled():
    """Why the cache stops at the parsed graphs: the compiled shapes are closures."""
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle.dumps(default_validator())


def test_the_fixed_costs_benchmark_measures_every_phase_in_every_mode(tmp_path, capsys):
    from benchmarks import fixed_costs

    results = tmp_path / "RESULTS.md"
    assert fixed_costs.main(["--quick", "--results", str(results)]) == 0
    out = capsys.readouterr().out
    for phase in fixed_costs.PHASES:
        row = next(line for line in out.splitlines() if line.startswith(f"| {phase} "))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert all(float(c) >= 0 for c in cells[1:4]), row
    parse_row = next(line for line in out.splitlines() if line.startswith("| ontology + shapes "))
    parse, pickled = (float(c) for c in parse_row.strip("|").split("|")[1:3])
    assert pickled < parse  # unpickling the graphs is cheaper than parsing them, on any machine
    assert "<!-- BEGIN fixed_costs -->" in results.read_text()
