"""The entity-resolution benchmark at a small size: its synthetic records are labelled and kept out of data/, they
hold the look-alikes it claims, and the script measures, prints and writes its section (benchmarks/resolution.py).
The figures at full size are in benchmarks/RESULTS.md."""

from __future__ import annotations

import re
from collections import Counter

from benchmarks import resolution
from benchmarks.name_variants import RESOLUTION_NS, VARIANT_TYPES, corpus_records, generate, read_towns
from graph_loader.rdf.synth import SYNTH_NS
from graph_loader.resolution.candidates import find_candidates


def test_the_records_are_synthetic_except_the_corpus_references_and_the_towns_are_real():
    bench = generate(3000, seed=11)
    corpus = {r.uri for r in corpus_records()}
    for record in bench.records:
        assert record.uri in corpus or record.uri.startswith(RESOLUTION_NS), record.uri
        assert record.uri in corpus or all(s.startswith("synthetic:") for s in record.sources)
    assert RESOLUTION_NS.startswith(SYNTH_NS)
    towns = {t.name for t in read_towns()}
    clubs = [e for e in bench.entities.values() if e.category == "club"]
    assert clubs and all(e.town.name in towns and e.name.endswith(e.town.name) for e in clubs)
    assert set(bench.variant_of.values()) == {"reference", *VARIANT_TYPES}
    assert bench.neighbours  # clubs of neighbouring towns are in the data
    states = Counter(e.state for e in bench.entities.values() if e.category == "federation")
    assert max(states.values()) >= 2  # federations of one state in different US places too


def test_the_same_seed_gives_the_same_records():
    assert [r.names for r in generate(800, seed=4).records] == [r.names for r in generate(800, seed=4).records]


def test_the_evaluation_counts_what_is_right_and_wrong():
    bench = generate(800, seed=4)
    candidates = [(c.left, c.right, c.score, c.reasons_text) for c in find_candidates(bench.records, min_score=0.3)]
    ev = resolution.evaluate(bench, candidates)
    threshold, proposed, precision, recall, _ = ev.at(0.5)
    assert proposed == sum(1 for c in candidates if c[2] >= 0.5)
    assert precision > 0.9 and recall > 0.85
    perfect = resolution.evaluate(bench, [(*sorted((uri, bench.reference_of[bench.entity_of[uri]])), 1.0, "")
                                          for uri, kind in bench.variant_of.items() if kind != "reference"])
    assert perfect.at(0.5)[2:4] == (1.0, 1.0)


def test_the_script_prints_and_writes_its_section(tmp_path, capsys):
    results = tmp_path / "RESULTS.md"
    assert resolution.main(["--quick", "--results", str(results)]) == 0
    text = results.read_text(encoding="utf-8")
    assert "<!-- BEGIN resolution -->" in text and "## Entity resolution (issue 29)" in text
    assert re.search(r"\| precision >= 0\.95 at recall >= 0\.9 .*\| (yes|\*\*no\*\*) +\|", text)
    assert "| threshold | pairs proposed | precision | recall |" in text and "SYNTHETIC" in text
    assert "records (" in capsys.readouterr().out
