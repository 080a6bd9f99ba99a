"""Issue 19, items 10 and 11: literals are judged by XSD's lexical spaces, not by what Python's parsers accept,
and a value Neo4j cannot store is a validation Violation, in both SHACL engines; checked against TopBraid SHACL.

* ``"NaN"^^xsd:decimal`` (``INF``, ``Infinity``) crashed ``validate`` and ``load`` with ``decimal.InvalidOperation``
  in both engines; it is a Violation naming the focus node, the property and the value.
* ``"1.75972507E7"^^xsd:decimal`` and ``"31_342"^^xsd:integer`` passed because ``Decimal()`` and ``int()`` take
  them; they break ``sh:datatype`` now, with the shape's message in both engines, as TopBraid has it.
* ``dkg:memberCount 99999999999999999999999`` passed validation and died in the Neo4j write with an
  ``OverflowError``; integers beyond 64 bits, numbers that are not finite (or beyond a 64-bit float, as decimals are
  stored) and dates outside years 1-9999 are Violations of ``dkg:StorableValue``, and the database is unchanged;
  so are, since issue 25 (item 15), values that would not come back exactly: a decimal a 64-bit float rounds, a time
  zone on a date or a year, a dateTime finer than the microsecond.

The differential tests take the valid examples (``ontology/examples``) and the seed corpus (``data/seed``), inject
ill-formed, odd-but-valid and unstorable literals of every datatype the shapes use, and check that pySHACL
(:mod:`graph_loader.shacl.pyshacl_engine`), the compiled engine (:mod:`graph_loader.shacl.compiled`) and TopBraid SHACL
(``tests/reference/``, given the same data + ontology + concepts) agree on which (focus node, property) pairs
break a datatype range shape. TopBraid knows nothing of Neo4j: cases with a storage problem are left out of that
comparison, and kept in the comparison of our two engines.

Disagreements found with TopBraid, and what became of them:

* rdflib accepted forms XSD refuses (exponents, ``NaN`` and ``INF`` in decimals, ``_`` digit separators, non-ASCII
  digits, ISO week dates, a five-digit year ``02002``; gYear and anyURI it does not check at all), and reported
  ``"yes"^^xsd:boolean`` as ``'false'``: :mod:`graph_loader.rdf.xsd` now decides, with TopBraid's verdicts (the
  catalogue below), and an ill-formed value is reported as written.
* rdflib refused forms XSD accepts: surrounding whitespace of booleans and dates (XSD collapses it, so does
  TopBraid; now both engines do); dates outside years 1-9999 (``-0044-03-15``, ``0000-01-01``, ``12345-01-01``),
  which Python's dates cannot hold. These still fail ``sh:datatype`` in our engines, as pySHACL reads them through
  rdflib, and they are storage Violations too (a Neo4j date from Python needs a year 1-9999), so they are out of the
  TopBraid comparison on purpose. The same holds for integers of more than 4,300 digits (``int()`` refuses them).
* ``xsd:anyURI``: XSD 1.1 allows any string; TopBraid (Jena, XSD 1.0) wants a URI reference once unsafe characters
  are escaped (``%zz``, ``a#b#c``, ``http://[::1`` are ill-formed). We follow TopBraid.
* Beyond ``sh:datatype``, every Violation an injected value causes (ranges, patterns, ``sh:in``, ``sh:hasValue``)
  is compared by (focus node, property), except for well-formed values rdflib normalises (``" 2002 "^^xsd:gYear``,
  ``"1"^^xsd:boolean``): TopBraid compares RDF terms there (``sh:pattern`` sees the spaces, ``sh:hasValue true``
  does not take ``"1"``), pySHACL and the compiled engine the normalised literal. A real difference, older than
  this work and not about lexical spaces: left as it is, and out of that comparison.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from graph_loader import shacl
from graph_loader.model import Lit
from graph_loader.ontology.load import ontology_dir, shapes_graph
from graph_loader.rdf.mapping import python_value
from graph_loader.rdf.read import inspect, iter_triples, to_rdflib
from graph_loader.rdf.sources import prepare
from graph_loader.shacl.compiled import validate_triples
from graph_loader.shacl.pyshacl_engine import validate

# to_rdflib builds rdflib literals, and rdflib warns about every boolean it cannot read: here that is the point.
pytestmark = pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")

CLI = [sys.executable, "-m", "graph_loader"]
REPO = Path(__file__).resolve().parents[2]
EX = "https://example.org/test/"
DKG = "https://w3id.org/diaspora-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = f"""@prefix dkg: <{DKG}> .
@prefix ex: <{EX}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <{XSD}> .
"""
INT64_MAX = 2**63 - 1

#: Lexical forms and TopBraid SHACL 1.4.3's verdict under ``sh:datatype`` (tests/reference; re-checked live by
#: test_topbraid_agrees_on_the_catalogue). The storage rule is another matter (STORAGE_CASES).
CATALOGUE = {
    "integer": (
        (  # well-formed
            '42', ' 42 ', '\t42\n', '+42', '-0', '007', '99999999999999999999999', '+0', '00', '\r42\r',
        ),
        (  # ill-formed
            '\xa042', '31_342', '4 2', '1e3', '1.0', '', '١٢٣', '0x1F', '+', '-', '0.', '+.5', '- 1', '1,000',
            '\x0b42', '\x0c42', '\u200342', '42\x00', '４２', '+-1', '--1', '1_0', '0b1',
        ),
    ),
    "decimal": (
        (  # well-formed
            '1.5', ' 1.5 ', '+1.5', '-.5', '.5', '5.', '1' + '0' * 400, '+.5', '0.', '00.00', '-0.0', '+0',
            ' .5 ', '\t-5.\n',
        ),
        (  # ill-formed
            '1.75972507E7', '1e3', 'NaN', 'INF', '-INF', 'Infinity', '1_000.5', '', '.', '١.٥', '+-1', '-.',
            '1,5', '5e0', '0x1p3', '1.5.5', '١', '5d', '5f', 'inf', 'nan',
        ),
    ),
    "boolean": (
        (  # well-formed
            'true', 'false', '1', '0', ' true ', ' 1 ', '\t0\n', 'true ',
        ),
        (  # ill-formed
            'TRUE', 'True', 'yes', '', '2', 't', 'f', '\xa0true', 'on',
        ),
    ),
    "gYear": (
        (  # well-formed
            '2002', '-0044', '12345', '0000', '2002Z', '2002+05:00', '2002-14:00', ' 2002 ', '-2002', '0044',
            '2002Z ', '-0000', '-10000', '10000', '2002+00:00', '2002-00:00', '2002+13:59', '2002-13:59',
            '2002+14:00', '0001', '-0001', '\t2002',
        ),
        (  # ill-formed
            '02002', '2002+14:30', '99', '2002-01', 'abc', '+2002', '2002z', '2002 Z', '2002+5:00', '2002+05',
            '2002+05:60', '00002', '２００２',
        ),
    ),
    "date": (
        (  # well-formed
            '2001-01-01', '2001-01-01Z', '2001-01-01+05:00', '2000-02-29', ' 2001-01-01 ', '-0044-03-15',
            '12345-01-01', '0000-01-01', '-0004-02-29', '0000-02-29', '2400-02-29', '2001-01-01+00:00',
            '2001-01-01-00:00', '2001-01-01+14:00', '2001-01-01-14:00', '\t2001-01-01', '10000-01-01',
        ),
        (  # ill-formed
            '2001-02-29', '1900-02-29', '2001-13-01', '2001-1-1', '20010101', '2001-W01-1', '2001-04-31',
            '2001-01-01T00:00:00', '2001-01-01+14:01', '2001-01-01+15:00', '-0001-02-29', '-0100-02-29',
            '2100-02-29', '2001-00-10', '2001-01-00', '2001-01-32', '2001-06-31', '2001-01-1', '01-01-01',
            '2001-01-01z', '2001-01-01 Z', '2001-01-01+13:60', '+2001-01-01', '-02001-01-01', '2001/01/01',
        ),
    ),
    "anyURI": (
        (  # well-formed
            'https://example.org/x', 'not a uri', 'http://exa mple.org', '', 'urn:x', 'relative/path',
            ' https://example.org/ ', 'http://example.org/é', 'http://example.org/<>', '\\\\server\\share',
            'http://ex.org/{x}', 'mailto:a@b', '#[x]', '?[x]', 'a?b]', 'http://u@[::1]/', 'http://[::1]:/',
            'a:b?#', 'a:?', 'a:?x', 'a:/', '//[::1]', 'HTTP:x', 'a1:b', 'A-.+:b', 'mailto:a@b#x', '#a b',
            'http://[::1]#', 'http://[0:0:0:0:0:0:1.2.3.4]/', 'http://[::FFFF:129.144.52.38]:80/index.html',
            'http://[1080::8:800:200C:417A]/foo', 'http://[::]/', 'http://[::1]?x', '//[::1]:8/', 'a:[::1]',
            'a://[::1]', 'http://a/b?c[', 'a:b[', '?#', 'http://é.org/', 'a: b', 'http://user:pw@[::1]:80/',
            'file:[::1]', 'urn:a:b#c:d', 'http:/a', 'http:a', 'http:?x', 'http://ex.org:80/',
            'http://ex.org:port/', '//', '?', '#', 'http://ex.org/%41', 'http://[::1]/', 'x:y:z',
            'http://ex.org/a b#c d', 'http://user@host/', 'http://ex.org/\x7f', 'http://ex.org:99999999/',
            'http://a_b.org/', 'http://-a.org/', 'http://ex..org/', 'http://ex.org./', 'http://ex.org/a#b%20',
            '#frag', 'http://ex.org/|', 'http://ex.org/^`', '\x01', 'http://ex.org/\t', 'http://ex.org/\xa0',
            'http://ex.org:/', 'http://@/', 'http://ex.org/a:b', './a:b', 'a/b:c', 'http://1.2.3.4/',
            'http://1.2.3.999/', 'http://[1:2:3:4:5:6:7:8]/', 'http://[::ffff:1.2.3.4]/', 'HTTP://EX.ORG',
            'news:comp.x', 'urn:isbn:123', 'tel:+1-816', 'file:///c:/x', 'c:\\x', 'http://ex.org/\\',
            'http://ex.org/{}', 'http://ex.org/"', "http://ex.org/'", 'a+b:c', 'http://[::1]:80/', '?a#b',
            'a?b?c', 'http://ex.org/ %41', ' http://a.org', 'http://a.org\n', 'http://a .org',
            'http://a.org/\u2003', 'http://a@b@c/', 'http://a:b:c/', 'http://a.org:-1/', 'http://a.org:1:2/',
            '//a.org/x', '///x', 'x://', 'x:///', 'http://ex.org/#', 'http://ex.org/?', 'http://%41.org/',
        ),
        (  # ill-formed
            'http://[::1', '%zz', 'a#b#c', 'http://[::1]:x/', '[::1]', 'http://ex.org/%41%zz',
            'http://[::1]]/', 'http://[[::1]/', 'x#%', 'http://[1:2:3:4:5:6:7:8:9]/', 'http://[12345::]/',
            'http://[::1.2.3.999]/', 'http://u[@a/', '[', ']', 'x?%4', 'http://a.org/é%zz', ': a', 'a :b',
            'http://a.org/#a#', 'http://[::1]%41/', 's:#f', '1abc:def', 'http:', ':', '##',
            'http://ex.org/%4', 'http://ex.org/[x]', 'http://[v1.x]/', 'http://[zz]/', 'http://ex.org/a%',
            '%', 'http://ex.org/a#%zz', 'http://ex.org/?q=%G1', 'a:b#c#d', '::', 'a:', 'http://[1::2::3]/',
            'http://[fe80::1%25eth0]/', 'mailto:', '1:2', '-a:b', '+a:b', '.a:b', 'http://ex.org/a[b]',
            'http://[::1]x/', 'http://ex.org#a#b', 'http://ex.org/%', 'http://ex.org/%%', 'http://]/',
            'http://[/', 'http://ex.org/]', 'http://ex]org/', 'a:%zz', 'a:#', 'http://a%zz.org/',
            'http://[::1%zz]/',
        ),
    ),
    "string": (
        (  # well-formed
            'plain', 'tab\there', '\x01ctl', '\ufffe', 'a\x00b', '\ud7ff', '\ue000',
        ),
        (  # ill-formed

        ),
    ),
}

def xsd_zoned(form: str) -> bool:
    """True when a well-formed date or year ends in a time zone (``Z``, ``+05:00``, ``-00:00``)."""
    text = form.strip()
    return text.endswith("Z") or (len(text) > 6 and text[-6] in "+-" and text[-3] == ":")


#: (datatype, lexical form, a fragment of the message): well-formed values Neo4j cannot store (our rule, not XSD's).
STORAGE_CASES = [
    ("integer", "99999999999999999999999", "64 bits"),
    ("integer", "9223372036854775808", "64 bits"),
    ("integer", "-9223372036854775809", "64 bits"),
    ("integer", "1" * 5000, "64 bits"),
    ("unsignedLong", "18446744073709551615", "64 bits"),
    ("gYear", "99999999999999999999", "64 bits"),
    ("decimal", "1" + "0" * 400, "64-bit floats"),
    ("decimal", "-" + "9" * 309 + ".5", "64-bit floats"),
    ("double", "1e400", "64-bit floats"),
    ("double", "NaN", "not a finite number"),
    ("double", "INF", "not a finite number"),
    ("float", "-INF", "not a finite number"),
    ("date", "-0044-03-15", "years must lie between 1 and 9999"),
    ("date", "0000-01-01", "years must lie between 1 and 9999"),
    ("date", "12345-01-01", "years must lie between 1 and 9999"),
    ("date", "2001-01-01Z", "no time zone"),
    ("gYear", "2002+05:00", "without a time zone"),
    ("decimal", "1234567890123456.7", "cannot be stored exactly"),
    ("dateTime", "2001-01-01T10:00:00.1234567", "microsecond"),
]
#: Well-formed values at the edges of what Neo4j stores: they pass and are written.
STORABLE_EDGES = [
    ("integer", "9223372036854775807"), ("integer", "-9223372036854775808"), ("decimal", "1" + "0" * 308),
    ("double", "1.7976931348623157e308"), ("double", "-0"), ("date", "0001-01-01"), ("date", "9999-12-31"),
    ("gYear", "-0044"), ("gYear", "12345"),
]


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


def literal(form: str, datatype: str) -> str:
    """A Turtle literal of ``form`` (escaped as JSON escapes it, which Turtle reads) typed ``xsd:<datatype>``."""
    return f"{json.dumps(form, ensure_ascii=False)}^^xsd:{datatype}"


def reports(path: Path) -> dict:
    """The validation report of each engine, as ``validate`` and ``load`` build them."""
    prepared = prepare([path])
    return {name: shacl.validate(prepared, engine=engine) for name, engine in (("pyshacl", "pyshacl"),
                                                                                ("fast", "compiled"))}


def cli(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=600,
                          env={**(env or os.environ), "COLUMNS": "500"})  # wide console: lines not wrapped


def shape_message(shape: str) -> str:
    """The sh:message of a named shape of ontology/shapes.ttl (``dkg:...``)."""
    g = Graph().parse(ontology_dir() / "shapes.ttl")
    return str(g.value(URIRef(DKG + shape.split(":", 1)[1]), SH.message))


# -- 1. NaN and infinities in decimals ------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["NaN", "INF", "-INF", "Infinity"])
def test_nan_and_infinite_decimals_are_violations_not_crashes(tmp_path, form):
    path = write(tmp_path, "project.ttl",
                 f'ex:project a dkg:Project ; skos:prefLabel "P" ; dkg:totalCostUsd "{form}"^^xsd:decimal .\n')
    for engine, report in reports(path).items():
        found = {(r.focus_node, r.path, r.value, r.shape) for r in report.violations}
        assert (EX + "project", "dkg:totalCostUsd", form, "dkg:totalCostUsdRangeShape") in found, engine
    run = cli("validate", path)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    assert f"{EX}project [{path}] dkg:totalCostUsd = '{form}'" in run.stdout


# -- 2. forms Python accepts and XSD does not -----------------------------------------------------------------
@pytest.mark.parametrize("prop, form, datatype", [
    ("totalCostUsd", "1.75972507E7", "decimal"),
    ("totalCostUsd", "1e3", "decimal"),
    ("share", "1_000.5", "decimal"),
    ("memberCount", "31_342", "integer"),
    ("memberCount", "١٢٣", "integer"),
    ("memberCount", "\uff14\uff12", "integer"),
    ("inKind", "yes", "boolean"),
    ("year", "02002", "gYear"),
    ("publicationDate", "2001-W01-1", "date"),
    ("url", "http://example.org/%zz", "anyURI"),
])
def test_forms_outside_the_xsd_lexical_space_break_sh_datatype_in_both_engines(tmp_path, prop, form, datatype):
    path = write(tmp_path, "thing.ttl", f"ex:thing dkg:{prop} {literal(form, datatype)} .\n")
    shape = f"dkg:{prop}RangeShape"
    messages = {}
    for engine, report in reports(path).items():
        (result,) = [r for r in report.violations if r.shape == shape]
        assert (result.focus_node, result.path, result.value) == (EX + "thing", f"dkg:{prop}", form), engine
        messages[engine] = result.message
    assert messages["pyshacl"] == messages["fast"] == shape_message(shape)


@pytest.mark.parametrize("prop, form, datatype", [
    ("memberCount", " 42 ", "integer"),
    ("memberCount", "+42", "integer"),
    ("inKind", " true ", "boolean"),
    ("inKind", "\t0\n", "boolean"),
    ("publicationDate", " 2001-01-01 ", "date"),
    ("publicationDate", "2001-01-01+05:00", "date"),
    ("totalCostUsd", "+.5", "decimal"),
    ("year", "2002Z", "gYear"),
    ("url", "http://example.org/a b", "anyURI"),
])
def test_whitespace_signs_and_zones_xsd_allows_pass_in_both_engines(tmp_path, prop, form, datatype):
    """XSD collapses the whitespace of these types, and TopBraid accepts these forms: so do both engines."""
    path = write(tmp_path, "thing.ttl", f"ex:thing dkg:{prop} {literal(form, datatype)} .\n")
    for engine, report in reports(path).items():
        assert [r for r in report.results if r.shape == f"dkg:{prop}RangeShape"] == [], engine


@pytest.mark.parametrize("datatype", sorted(CATALOGUE))
def test_lexical_spaces_give_topbraids_verdicts(datatype):
    from graph_loader.rdf import xsd

    good, bad = CATALOGUE[datatype]
    assert [f for f in good if not xsd.well_formed(f, XSD + datatype)] == []
    assert [f for f in bad if xsd.well_formed(f, XSD + datatype)] == []


def test_derived_integer_types_keep_their_bounds():
    from graph_loader.rdf import xsd

    assert not xsd.well_formed("-1", XSD + "nonNegativeInteger") and xsd.well_formed("0", XSD + "nonNegativeInteger")
    assert not xsd.well_formed("128", XSD + "byte") and xsd.well_formed(" -128 ", XSD + "byte")
    assert xsd.well_formed("18446744073709551615", XSD + "unsignedLong")
    assert xsd.well_formed("1e3", XSD + "double")  # exponents are fine in doubles, not in decimals
    assert xsd.well_formed("+INF", XSD + "double") and not xsd.well_formed("Infinity", XSD + "double")


# -- 3. values Neo4j cannot store -----------------------------------------------------------------------------
@pytest.mark.parametrize("datatype, form, fragment", STORAGE_CASES, ids=lambda v: str(v)[:24])
def test_values_neo4j_cannot_store_are_violations_in_both_engines(tmp_path, datatype, form, fragment):
    path = write(tmp_path, "thing.ttl", f"ex:thing ex:measure {literal(form, datatype)} .\n")
    messages = {}
    for engine, report in reports(path).items():
        (result,) = [r for r in report.violations if r.shape == "dkg:StorableValue"]
        assert (result.focus_node, result.path, result.value) == (EX + "thing", EX + "measure", form), engine
        assert fragment in result.message and result.message.startswith(form[:30])
        messages[engine] = result.message
    assert messages["pyshacl"] == messages["fast"]


@pytest.mark.parametrize("datatype, form", STORABLE_EDGES, ids=lambda v: str(v)[:24])
def test_values_at_the_edge_of_what_neo4j_stores_pass(tmp_path, datatype, form):
    path = write(tmp_path, "thing.ttl", f"ex:thing ex:measure {literal(form, datatype)} .\n")
    for engine, report in reports(path).items():
        assert [r for r in report.results if r.shape == "dkg:StorableValue"] == [], engine


def test_python_value_never_raises_and_gives_only_what_neo4j_stores():
    import datetime as dt

    datatypes = [*CATALOGUE, "double", "float", "dateTime", "time", "unsignedLong", "byte", "nonNegativeInteger"]
    forms = [f for good, bad in CATALOGUE.values() for f in (*good, *bad)] + [f for _, f, _ in STORAGE_CASES]
    for datatype in datatypes:
        for form in forms:
            value = python_value(Lit(form, XSD + datatype))
            assert isinstance(value, bool | int | float | str | dt.date | dt.datetime), (datatype, form)
            if isinstance(value, int):
                assert -2**63 <= value <= INT64_MAX, (datatype, form)
            if isinstance(value, float):
                assert math.isfinite(value), (datatype, form)


def test_python_value_reads_xsd_not_python():
    import datetime as dt

    assert python_value(Lit("31_342", XSD + "integer")) == "31_342"  # ill-formed: kept as written
    assert python_value(Lit("1.75972507E7", XSD + "decimal")) == "1.75972507E7"
    assert python_value(Lit(" +42 ", XSD + "integer")) == 42
    assert python_value(Lit("-0044", XSD + "gYear")) == -44 and python_value(Lit(" 2002 ", XSD + "gYear")) == 2002
    assert python_value(Lit("2001-01-01", XSD + "date")) == dt.date(2001, 1, 1)
    # A zone would be lost: refused by validation (dkg:StorableValue), and kept as written if ever written
    assert python_value(Lit("2002Z", XSD + "gYear")) == "2002Z"
    assert python_value(Lit("2001-01-01Z", XSD + "date")) == "2001-01-01Z"
    assert python_value(Lit(" true ", XSD + "boolean")) is True and python_value(Lit("0", XSD + "boolean")) is False
    assert python_value(Lit("99999999999999999999999", XSD + "integer")) == "99999999999999999999999"
    assert python_value(Lit("NaN", XSD + "double")) == "NaN"


def test_both_engines_judge_a_normalised_literal_as_they_judged_it_first():
    """The compiled engine indexes literals as rdflib normalises them and judges them again later: a NaN that
    became rdflib's "nan" (no XSD) would turn ill-typed. Every form keeps its verdict and value."""
    from graph_loader.shacl.compiled import canonical, facts
    from graph_loader.shacl.literals import quiet_rdflib, validation_literal

    for datatype, (good, bad) in CATALOGUE.items():
        for form in (*good, *bad, *(f for d, f, _ in STORAGE_CASES if d == datatype)):
            with quiet_rdflib():
                first = validation_literal(form, XSD + datatype)
            again = facts(canonical(Lit(form, XSD + datatype)))
            assert bool(again.ill_typed) == bool(first.ill_typed), (datatype, form)
            if again.value is not None and not (isinstance(again.value, float) and math.isnan(again.value)):
                assert again.value == first.value, (datatype, form)  # (gYear and anyURI have none here)


def test_a_nan_double_compared_with_a_decimal_bound_does_not_crash(tmp_path):
    """``float('nan') >= Decimal('0.10')`` raises; the Unidos rule compares dkg:share with 0.10."""
    path = write(tmp_path, "unidos.ttl", """
ex:hta a dkg:HometownAssociation ; skos:prefLabel "Club" .
ex:project a dkg:Project ; skos:prefLabel "P" ;
    dkg:inProgramme <https://w3id.org/diaspora-kg/id/programme/unidos-por-la-solidaridad> .
ex:c a dkg:Contribution ; dkg:contributor ex:hta ; dkg:recipient ex:project ; dkg:share "NaN"^^xsd:double .
""")
    found = {engine: {(r.focus_node, r.path, r.shape, r.severity) for r in report.results}
             for engine, report in reports(path).items()}
    assert found["pyshacl"] == found["fast"]
    assert (EX + "c", "dkg:share", "dkg:StorableValue", "Violation") in found["fast"]
    assert (EX + "project", None, "dkg:UnidosHtaShareRuleShape", "Warning") in found["fast"]


# -- through the command line, with a real Neo4j ---------------------------------------------------------------
def _node_count(db) -> int:
    return db.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"]


@pytest.mark.parametrize("value, shown", [
    ("99999999999999999999999", "99999999999999999999999"),
    ('"NaN"^^xsd:decimal', "NaN"),
    ('"1.75972507E7"^^xsd:decimal', "1.75972507E7"),
])
def test_load_refuses_unstorable_or_ill_formed_values_and_writes_nothing(db, neo4j_env, tmp_path, value, shown):
    prop = "memberCount" if shown.isdigit() else "totalCostUsd"
    path = write(tmp_path, "club.ttl", f"""
ex:fine a dkg:HometownAssociation ; skos:prefLabel "A club that is fine" .
ex:club a dkg:HometownAssociation ; skos:prefLabel "Club" ; dkg:{prop} {value} .
""")
    run = cli("load", path, env=neo4j_env)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    assert f"{EX}club [{path}] dkg:{prop} = '{shown}'" in run.stdout + run.stderr
    assert _node_count(db) == 0


def test_values_at_the_edges_are_written_and_read_back(db, neo4j_env, tmp_path):
    path = write(tmp_path, "edges.ttl", f"""
ex:club a dkg:HometownAssociation ; skos:prefLabel "Club" ; dkg:memberCount {INT64_MAX} ;
    dkg:foundedYear "2002"^^xsd:gYear .
ex:thing ex:year "-0044"^^xsd:gYear ; ex:low "-9223372036854775808"^^xsd:integer ; ex:big "1.7976931348623157e308"^^xsd:double ;
    ex:day " 2001-01-01 "^^xsd:date .
""")
    run = cli("load", path, env=neo4j_env)
    assert run.returncode == 0, run.stdout + run.stderr
    club = db.read("MATCH (n {uri: $uri}) RETURN properties(n) AS p", {"uri": EX + "club"})[0]["p"]
    assert club["memberCount"] == INT64_MAX and club["foundedYear"] == 2002
    thing = db.read("MATCH (n {uri: $uri}) RETURN properties(n) AS p", {"uri": EX + "thing"})[0]["p"]
    by_name = {key.split("__", 1)[1]: value for key, value in thing.items() if "__" in key}
    assert by_name["low"] == -2**63 and by_name["big"] == 1.7976931348623157e308 and by_name["year"] == -44
    assert str(by_name["day"]) == "2001-01-01"


# -- differential: pySHACL, the compiled engine and TopBraid on mutated corpora --------------------------------
CORPORA = {
    "examples": sorted((REPO / "ontology" / "examples").glob("*.ttl")),
    "seed": sorted((REPO / "data" / "seed").glob("*.ttl")),
}
#: (datatype of the property, datatype of the literal, form): a literal of another type, and unstorable ones.
FOREIGN = [("decimal", "double", "NaN"), ("decimal", "double", "INF"), ("decimal", "float", "1e400"),
           ("decimal", "integer", "42"), ("integer", "decimal", "42.0"), ("integer", "double", "42"),
           ("gYear", "integer", "2002"), ("date", "dateTime", "2001-01-01T00:00:00"), ("boolean", "integer", "1")]
FORMS_PER_DATATYPE = 14  # catalogue forms injected into each mutated corpus, per datatype (seeded sample)


def datatype_range_shapes() -> dict[str, tuple[str, set[str]]]:
    """Shape IRI -> (property IRI, datatypes allowed) for the range shapes that check a datatype."""
    g = shapes_graph()
    found = {}
    for shape in set(g.subjects(SH.targetSubjectsOf, None)):
        datatypes = {str(d) for d in g.objects(shape, SH.datatype)}
        for head in g.objects(shape, SH["or"]):
            datatypes |= {str(d) for member in Collection(g, head) for d in g.objects(member, SH.datatype)}
        if datatypes:
            found[str(shape)] = (str(g.value(shape, SH.path)), datatypes)
    return found


RANGE_SHAPES = datatype_range_shapes()
PROPERTIES = {dt: sorted(p for p, dts in RANGE_SHAPES.values() if dts == {XSD + dt}) for dt in CATALOGUE}


#: (datatype, form) of the injected literals whose value has a storage problem: STORAGE_CASES, and the catalogue's.
UNSTORABLE = {(dt, form) for dt, form, _ in STORAGE_CASES} | {
    ("integer", "99999999999999999999999"), ("decimal", "1" + "0" * 400), ("float", "1e400"),
    *(("date", form) for form in ("-0044-03-15", "12345-01-01", "0000-01-01", "-0004-02-29", "0000-02-29",
                                  "10000-01-01")),
    # a time zone on a date or a year: Neo4j's dates and our years have none (issue 25, item 15)
    *(("gYear", form) for form in CATALOGUE["gYear"][0] if xsd_zoned(form)),
    *(("date", form) for form in CATALOGUE["date"][0] if xsd_zoned(form)),
}


class Case:
    """One injected literal: where it went and whether its value has a storage problem (not TopBraid's)."""

    def __init__(self, focus: str, path: str, form: str, datatype: str):
        self.focus, self.path, self.form, self.datatype = focus, path, form, datatype
        self.unstorable = (datatype, form) in UNSTORABLE


def typed(form: str, datatype: str) -> Lit:
    """A literal as graph_loader.rdf.read gives it (an xsd:string is plain text)."""
    return Lit(form, None if datatype == "string" else XSD + datatype)


def mutate(triples: list, seed: int, label: str) -> tuple[list, list[Case]]:
    """``triples`` with literals replaced (or added on fresh subjects when a datatype runs out of slots)."""
    rng = random.Random(seed)
    slots: dict[str, list[int]] = {dt: [] for dt in CATALOGUE}
    taken: set[tuple[str, str]] = set()
    for i, (s, p, o) in enumerate(triples):
        if isinstance(o, Lit) and o.datatype and not s.startswith("_:") and (s, p) not in taken:
            dt = o.datatype[len(XSD):]
            if p in PROPERTIES.get(dt, ()):
                slots[dt].append(i)
                taken.add((s, p))
    for indexes in slots.values():
        rng.shuffle(indexes)
    wanted = []
    for dt, (good, bad) in CATALOGUE.items():
        if PROPERTIES[dt]:
            sample = rng.sample([*good, *bad], min(FORMS_PER_DATATYPE, len(good) + len(bad)))
            wanted += [(dt, dt, form) for form in sample]
    wanted += [(dt, dt, form) for dt, form, _ in STORAGE_CASES if dt in PROPERTIES and PROPERTIES[dt]]
    wanted += FOREIGN
    out, cases, fresh = list(triples), [], 0
    for prop_dt, lit_dt, form in wanted:
        if slots[prop_dt]:
            i = slots[prop_dt].pop()
            s, p, _ = out[i]
            out[i] = (s, p, typed(form, lit_dt))
        else:
            fresh += 1
            s, p = f"{EX}{label}/case/{fresh}", rng.choice(PROPERTIES[prop_dt])
            out.append((s, p, typed(form, lit_dt)))
        cases.append(Case(s, p, form, lit_dt))
    return out, cases


def catalogue_corpus() -> tuple[list, list[Case]]:
    """Every catalogue form on a fresh subject (the range shapes target the subjects of their property)."""
    triples, cases = [], []
    for dt, (good, bad) in CATALOGUE.items():
        prop = (PROPERTIES[dt] or [DKG + "approximation"])[0]
        for n, form in enumerate((*good, *bad)):
            s = f"{EX}catalogue/{dt}/{n}"
            triples.append((s, prop, typed(form, dt)))
            cases.append(Case(s, prop, form, dt))
    return triples, cases


def read_corpus(files: list[Path]) -> list:
    return [t for f in files for t in iter_triples(inspect(f))]


@pytest.fixture(scope="module")
def mutated() -> dict[str, tuple[list, list[Case]]]:
    corpora = {"catalogue": catalogue_corpus()}
    for name, files in CORPORA.items():
        if files:
            base = read_corpus(files)
            for seed in (0, 1):
                corpora[f"{name}-{seed}"] = mutate(base, seed, f"{name}-{seed}")
    return corpora


@pytest.fixture(scope="module")
def ours(mutated) -> dict[str, dict]:
    """Each corpus's reports from both engines, as ``validate`` builds them (pySHACL: rdflib graph of the triples)."""
    return {name: {"pyshacl": validate(to_rdflib(triples)), "fast": validate_triples(triples)}
            for name, (triples, _) in mutated.items()}


def findings(report) -> set[tuple]:
    return {(r.focus_node, r.path, r.shape, r.severity) for r in report.results}


def test_both_engines_agree_on_mutated_corpora(mutated, ours):
    from graph_loader.rdf import xsd

    compared = 0
    for name, (_, cases) in mutated.items():
        assert all(c.unstorable == (xsd.storage_problem(c.form, XSD + c.datatype) is not None) for c in cases)
        assert findings(ours[name]["pyshacl"]) == findings(ours[name]["fast"]), name
        compared += len(cases)
        unstorable = {(c.focus, "dkg:" + c.path[len(DKG):]) for c in cases if c.unstorable}
        reported = {(r.focus_node, r.path) for r in ours[name]["fast"].results if r.shape == "dkg:StorableValue"}
        assert unstorable <= reported, name
    assert compared > 400


def datatype_pairs_of_ours(report) -> set[tuple[str, str]]:
    shapes = {"dkg:" + iri[len(DKG):] for iri in RANGE_SHAPES}
    return {(r.focus_node, DKG + r.path[len("dkg:"):]) for r in report.results
            if r.shape in shapes and r.severity == "Violation" and not r.focus_node.startswith("_:")}


def datatype_pairs_of_topbraid(results) -> set[tuple[str, str]]:
    return {(r.focus, r.path) for r in results
            if r.shape in RANGE_SHAPES and r.severity == "Violation" and not r.focus.startswith("_:")}


def write_ntriples(triples: list, path: Path) -> Path:
    def term(t):
        if isinstance(t, Lit):
            if t.lang:
                return ox.Literal(t.value, language=t.lang)
            return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype)) if t.datatype else ox.Literal(t.value)
        return ox.BlankNode(t[2:]) if t.startswith("_:") else ox.NamedNode(t)

    ox.serialize([ox.Triple(term(s), ox.NamedNode(p), term(o)) for s, p, o in triples], output=str(path),
                 format=ox.RdfFormat.N_TRIPLES)
    return path


@pytest.fixture(scope="module")
def topbraid(mutated, tmp_path_factory) -> dict[str, list]:
    from tests.reference import topbraid as reference

    missing = reference.missing_tools()
    if missing:
        pytest.skip(f"TopBraid SHACL cannot run: {missing} (install a JDK 11+ and Maven)")
    folder = tmp_path_factory.mktemp("topbraid")
    files = {name: write_ntriples(triples, folder / f"{name}.nt") for name, (triples, _) in mutated.items()}
    folder_of = ontology_dir()
    results = reference.validate(files.values(), folder_of / "shapes.ttl",
                                 [folder_of / "diaspora.ttl", folder_of / "concepts.ttl"])
    return {name: results[path.resolve()] for name, path in files.items()}


def test_topbraid_agrees_on_the_catalogue(mutated, ours, topbraid):
    """TopBraid's verdicts are still the catalogue's (a TopBraid or Jena upgrade that changes one shows here)."""
    _, cases = mutated["catalogue"]
    broken = datatype_pairs_of_topbraid(topbraid["catalogue"])
    expected = {(c.focus, c.path) for c in cases if c.form in CATALOGUE[c.datatype][1]}
    assert broken == expected


def test_our_engines_and_topbraid_agree_on_which_values_break_sh_datatype(mutated, ours, topbraid):
    compared = 0
    for name, (_, cases) in mutated.items():
        # Storage problems are our rule, not XSD's (and rdflib cannot read dates outside 1-9999): left out.
        excluded = {(c.focus, c.path) for c in cases if c.unstorable}
        theirs = datatype_pairs_of_topbraid(topbraid[name]) - excluded
        for engine in ("pyshacl", "fast"):
            assert datatype_pairs_of_ours(ours[name][engine]) - excluded == theirs, (name, engine)
        ill_formed = {(c.focus, c.path) for c in cases
                      if not c.unstorable and c.datatype in CATALOGUE and c.form in CATALOGUE[c.datatype][1]}
        assert ill_formed <= theirs, name  # the comparison is not vacuous: every ill-formed injection is seen
        compared += sum(1 for c in cases if not c.unstorable)
    print(f"compared with TopBraid SHACL: {compared} injected literals in {len(mutated)} corpora")
    assert compared > 400


def test_our_engines_and_topbraid_agree_on_every_violation_an_injected_value_causes(mutated, ours, topbraid):
    """Beyond sh:datatype: ranges, patterns, sh:in and sh:hasValue on the injected (focus, property) pairs.

    Left out, besides storage problems: well-formed values our engines normalise as rdflib does (``" 2002 "``,
    ``"1"^^xsd:boolean``). TopBraid compares RDF terms there: ``sh:pattern`` sees the spaces of ``" 2002 "``,
    ``sh:hasValue true`` does not take ``"1"`` for ``true``; pySHACL, hence both our engines, judge the normalised
    literal (the value). That predates this work and is not about lexical spaces.
    """
    from graph_loader.shacl.compiled import canonical

    compared = 0
    for name, (_, cases) in mutated.items():
        injected = {(c.focus, c.path) for c in cases if not c.unstorable
                    and not (c.datatype in CATALOGUE and c.form in CATALOGUE[c.datatype][0]
                             and canonical(typed(c.form, c.datatype)) != typed(c.form, c.datatype))}
        theirs = {(r.focus, r.path) for r in topbraid[name] if r.severity == "Violation"} & injected
        for engine in ("pyshacl", "fast"):
            mine = {(r.focus_node, DKG + r.path[len("dkg:"):]) for r in ours[name][engine].violations
                    if r.path and r.path.startswith("dkg:")} & injected
            assert mine == theirs, (name, engine)
        compared += len(injected)
    assert compared > 400
