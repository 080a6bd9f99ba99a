"""graph_loader.rdf.synth: deterministic, structured like the article's world, valid, synthetic and marked so."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from click.testing import CliRunner

from graph_loader.cli.data import synth_command
from graph_loader.model import Lit
from graph_loader.rdf.read import inspect, iter_triples
from graph_loader.rdf.synth import (
    DATA_DIR,
    SYNTH_NS,
    SYNTHETIC_NOTE,
    synthetic_triples,
    write_synthetic,
)
from graph_loader.shacl.compiled import validate_triples

DKG = "https://w3id.org/diaspora-kg/ontology#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def corpus() -> list:
    return list(synthetic_triples(20_000, seed=7))


def by_subject(triples) -> dict[str, dict[str, list]]:
    grouped: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in triples:
        grouped[s][p].append(o)
    return grouped


def of_class(grouped, cls: str) -> list[str]:
    return [s for s, props in grouped.items() if DKG + cls in props[TYPE]]


def test_same_seed_same_triples_other_seed_other_triples():
    assert list(synthetic_triples(2_000, seed=3)) == list(synthetic_triples(2_000, seed=3))
    assert list(synthetic_triples(2_000, seed=3)) != list(synthetic_triples(2_000, seed=4))


@pytest.mark.parametrize("wanted", [1, 500, 5_000, 50_000])
def test_size_is_the_wanted_count_plus_at_most_one_hta(wanted):
    count = sum(1 for _ in synthetic_triples(wanted, seed=0))
    # The corpus stops after the HTA (with its projects) that reaches the count; a tiny request still gets the
    # skeleton of places and bodies, which is a few dozen triples.
    assert wanted <= count <= max(wanted, 400) + 4_000


def test_every_subject_is_synthetic_and_marked(corpus):
    grouped = by_subject(corpus)
    assert all(s.startswith(SYNTH_NS) for s in grouped)
    assert all(props[DKG + "note"] == [Lit(SYNTHETIC_NOTE)] for props in grouped.values())
    evidence = SYNTH_NS + "evidence-generator"
    uncited = [s for s, props in grouped.items() if props[DKG + "evidence"] != [evidence]]
    assert uncited == [evidence]  # the evidence record is the only resource that does not cite itself
    source = grouped[evidence][DKG + "source"][0]
    assert "invented" in grouped[source][DKG + "description"][0].value


def test_every_object_iri_is_synthetic_or_a_vocabulary_term(corpus):
    vocabularies = (SYNTH_NS, DKG, "http://www.w3.org/2004/02/skos/core#",
                    "https://w3id.org/diaspora-kg/id/scheme/project-category")
    objects = {o for _, _, o in corpus if isinstance(o, str)}
    assert {o for o in objects if not o.startswith(vocabularies)} == set()


def test_places_nest_country_state_municipality(corpus):
    grouped = by_subject(corpus)
    municipalities = of_class(grouped, "Municipality")
    assert municipalities
    for m in municipalities:
        (state,) = grouped[m][DKG + "partOf"]
        (country,) = grouped[state][DKG + "partOf"]
        assert {DKG + "State", DKG + "Department"} & set(grouped[state][TYPE])
        assert grouped[country][TYPE] == [DKG + "Country"]


def test_htas_have_a_home_community_a_host_city_and_join_the_federation_of_their_home_state(corpus):
    grouped = by_subject(corpus)
    htas = of_class(grouped, "HometownAssociation")
    members = 0
    for hta in htas:
        (home,) = grouped[hta][DKG + "originatesFrom"]
        (city,) = grouped[hta][DKG + "locatedIn"]
        assert grouped[home][TYPE] == [DKG + "Municipality"]
        assert grouped[city][TYPE] == [DKG + "City"]
        for federation in grouped[hta][DKG + "memberOf"]:
            if DKG + "Federation" in grouped[federation][TYPE]:
                members += 1
                assert grouped[federation][DKG + "originatesFrom"] == grouped[home][DKG + "partOf"]
    assert members > len(htas) / 10


def test_contributions_cover_each_project_cost_and_involve_htas_and_governments(corpus):
    grouped = by_subject(corpus)
    paid: dict[str, float] = defaultdict(float)
    contributor_kinds = Counter()
    for c in of_class(grouped, "Contribution"):
        (project,) = grouped[c][DKG + "recipient"]
        (who,) = grouped[c][DKG + "contributor"]
        paid[project] += float(grouped[c][DKG + "share"][0].value)
        contributor_kinds[grouped[who][TYPE][0].rsplit("#", 1)[1]] += 1
    projects = of_class(grouped, "Project")
    assert set(paid) == set(projects)
    assert all(abs(total - 1) < 1e-3 for total in paid.values())
    assert contributor_kinds["HometownAssociation"] == len(projects)
    assert contributor_kinds["MunicipalGovernment"] > 0 and contributor_kinds["InternationalOrganisation"] > 0


def test_sizes_are_heavy_tailed(corpus):
    grouped = by_subject(corpus)
    per_hta = Counter(c.rsplit("-", 1)[0] for c in of_class(grouped, "Project"))
    htas = of_class(grouped, "HometownAssociation")
    without = len(htas) - len(per_hta)
    assert without > len(htas) / 2  # most HTAs fund no project...
    assert max(per_hta.values()) >= 10  # ...a few fund many
    homes = Counter(grouped[h][DKG + "originatesFrom"][0] for h in htas)
    assert max(homes.values()) >= 5 * (len(htas) / len(homes))  # a few home communities send many HTAs


def test_small_corpus_conforms_to_the_shapes():
    report = validate_triples(synthetic_triples(5_000, seed=11))
    assert report.conforms, report.to_text()
    assert not report.results


@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
def test_written_file_parses_back_to_the_generated_triples(tmp_path, suffix):
    path = tmp_path / f"corpus{suffix}"
    written = write_synthetic(path, 3_000, seed=5)
    read_back = list(iter_triples(inspect(path)))
    assert written == len(read_back)
    assert set(read_back) == set(synthetic_triples(3_000, seed=5))


def test_refuses_data_folder_and_unknown_extensions(tmp_path):
    with pytest.raises(ValueError, match="never written"):
        write_synthetic(DATA_DIR / "synthetic.ttl", 10)
    with pytest.raises(ValueError, match=".ttl"):
        write_synthetic(tmp_path / "corpus.json", 10)
    assert not (DATA_DIR / "synthetic.ttl").exists()


def test_command_writes_the_file(tmp_path):
    out = tmp_path / "c.nt"
    result = CliRunner().invoke(synth_command, ["--triples", "800", "--seed", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sum(1 for _ in out.open()) >= 800
    refused = CliRunner().invoke(synth_command, ["--triples", "10", "--out", str(DATA_DIR / "x.ttl")])
    assert refused.exit_code == 2 and "never written" in refused.output
