"""SHACL engines side by side: pyrudof (rudof, in Rust) against the compiled engine, pySHACL and TopBraid SHACL.

Two parts, each printing its tables:

* ``agreement``: rudof (:mod:`benchmarks.rudof_engine`) on the files the project's tests hold the compiled
  engine to (every example must conform, every invalid file must fail on the shape it names, the seed corpus and
  corrupted synthetic corpora must give the compiled engine's findings), then on the differential corpus of
  ``tests/faults/test_xsd_lexical.py`` (ill-formed, odd-but-valid and unstorable literals injected into the
  examples and the seed corpus), compared with TopBraid SHACL's verdicts by (focus node, property) as that test
  compares ours. TopBraid needs Java 11+ and Maven (its jars are fetched once into the cache folder); without
  them that comparison is skipped and said so.
* ``speed``: synthetic corpora (``diaspora-kg synth --triples N --seed 1``, N-Triples), each engine in a fresh
  process of its own: wall time and CPU time of the whole process (``os.wait4``: the machine is shared, CPU time
  is the fairer figure), the phases inside it, peak RSS (``ru_maxrss``), findings and whether they equal the
  compiled engine's. pySHACL runs at the smallest size only (it checks ~2,500 triples/s).

Every engine is given the same data graph: the data plus the ontology and concept schemes, no inference, as the
loader validates. rudof reports SHACL results only; the project's two checks no shape states (unknown ``dkg:``
terms, values Neo4j cannot store) are added from Python where a whole report is compared (agreement part) and
left out of the speed part (the synthetic corpora have neither).

Run: ``python -m benchmarks.shacl_engines`` (``--part agreement`` or ``--part speed``, ``--sizes``, ``--quick``).
Needs ``pip install -e '.[bench]'`` (pyrudof).
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from .common import (
    OUT,
    RESULT_PREFIX,
    ROOT,
    PeakRss,
    machine,
    package_version,
    parser,
    resolve,
    table,
    write_section,
)

#: 3 x 10^5 shows how rudof's memory grows on the way to 10^6.
SIZES = (10_000, 100_000, 300_000, 1_000_000)
QUICK_SIZES = (2_000,)
#: pySHACL runs at sizes up to this only.
PYSHACL_MAX = 10_000
#: The address space each measured process may take (bytes): the machine is shared by several engineers.
MEMORY_CAP = 6 * 2**30
ENGINES = ("compiled", "pyrudof", "pyshacl")
#: The findings of the checks no shape states (see :func:`benchmarks.rudof_engine.extra_findings`).
PYTHON_ONLY_SHAPES = ("dkg:UnknownTerm", "dkg:StorableValue")
SEED = 1

Finding = tuple  # (focus node, path, shape, severity)


def findings(report) -> set[Finding]:
    return {(r.focus_node, r.path, r.shape, r.severity) for r in report.results}


# -- agreement: the project's files ---------------------------------------------------------------------------
def _read(paths) -> list:
    from graph_loader.rdf.read import inspect, iter_triples

    return [t for p in paths for t in iter_triples(inspect(p))]


def _with_extras(rudof, triples) -> set[Finding]:
    from .rudof_engine import extra_findings

    return findings(rudof.validate(triples)) | {(r.focus_node, r.path, r.shape, r.severity)
                                                for r in extra_findings(triples)}


def file_rows(rudof) -> list[list]:
    """One row per check of the project's files: what the tests require, what rudof and the compiled engine do."""
    from graph_loader.rdf.read import expand_paths
    from graph_loader.rdf.synth import synthetic_triples
    from graph_loader.shacl.compiled import validate_triples
    from tests.unit.test_fast_validate import corrupted

    rows = []
    examples = sorted((ROOT / "ontology" / "examples").glob("*.ttl"))
    ok_rudof = ok_ours = 0
    for path in examples:
        triples = _read([path])
        ok_rudof += not [r for r in rudof.validate(triples).violations]
        ok_ours += validate_triples(triples).conforms
    rows.append(["ontology/examples: each conforms", len(examples), f"{ok_rudof}/{len(examples)}",
                 f"{ok_ours}/{len(examples)}", "-"])
    invalid = sorted((ROOT / "tests" / "data" / "invalid").glob("*.ttl"))
    alone = whole = ours = 0
    misses = []
    for path in invalid:
        expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ").strip()
        triples = _read([path])
        shacl_only = {shape for _, _, shape, severity in findings(rudof.validate(triples)) if severity == "Violation"}
        with_extras = {shape for _, _, shape, severity in _with_extras(rudof, triples) if severity == "Violation"}
        alone += shacl_only == {expected}
        whole += with_extras == {expected}
        ours += {r.shape for r in validate_triples(triples).violations} == {expected}
        if shacl_only != {expected}:
            misses.append(f"{path.name} (rudof: {', '.join(sorted(shacl_only)) or 'nothing'})")
    rows.append(["tests/data/invalid: fails on the named shape only", len(invalid),
                 f"{alone}/{len(invalid)} ({whole}/{len(invalid)} with the Python checks)",
                 f"{ours}/{len(invalid)}", "; ".join(misses) or "-"])
    data = [p for p in expand_paths([ROOT / "data"]) if p.suffix == ".ttl"]
    corpora = {f"seed corpus (data/, {len(data)} files together)": _read(data)}
    for seed in (0, 1):
        corpora[f"corrupted synthetic corpus, 2,500 triples, seed {seed}"] = corrupted(
            list(synthetic_triples(2_500, seed=seed)), seed)
    for name, triples in corpora.items():
        theirs, mine = _with_extras(rudof, triples), findings(validate_triples(triples))
        differ = Counter(f"{'rudof only' if f in theirs else 'compiled only'}: {f[2]}" for f in theirs ^ mine)
        rows.append([f"{name}: same findings as the compiled engine", f"{len(mine)} findings",
                     "yes" if theirs == mine else f"no ({len(theirs & mine)}/{len(mine)} shared)", "(reference)",
                     "; ".join(f"{k} x{n}" for k, n in sorted(differ.items())) or "-"])
    return rows


FILE_COLUMNS = ("check", "cases", "pyrudof", "compiled", "differences")


# -- agreement: SHACL features, one probe each ------------------------------------------------------------------
PROBE_PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
#: (feature, the term that shows it in ontology/shapes.ttl (``re:`` a regular expression), shapes, data):
#: ``ex:bad`` must fail, ``ex:good`` pass.
FEATURES = [
    ("sh:class through rdfs:subClassOf", "sh:class",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:class ex:D ] .",
     "ex:E rdfs:subClassOf ex:D . ex:bad a ex:C ; ex:a ex:x . ex:good a ex:C ; ex:a ex:y . ex:y a ex:E ."),
    ("sh:targetClass of a subclass", "sh:targetClass",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:minCount 1 ] .",
     "ex:D rdfs:subClassOf ex:C . ex:bad a ex:D . ex:good a ex:D ; ex:a 1 ."),
    ("sh:targetSubjectsOf + sh:datatype", "sh:targetSubjectsOf",
     "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:a ; sh:path ex:a ; sh:datatype xsd:integer .",
     'ex:bad ex:a "x" . ex:good ex:a 1 .'),
    ("sh:targetObjectsOf + sh:nodeKind", "sh:nodeKind",
     "ex:S a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:nodeKind sh:IRI .",
     "ex:z ex:p ex:good . ex:y ex:p 'bad' ."),
    ("sh:minCount / sh:maxCount", "sh:maxCount",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:maxCount 1 ] .",
     "ex:bad a ex:C ; ex:a 1, 2 . ex:good a ex:C ; ex:a 1 ."),
    ("sh:inversePath", "sh:inversePath",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] .",
     "ex:bad a ex:C . ex:good a ex:C . ex:z ex:p ex:good ."),
    ("sh:alternativePath", "sh:alternativePath",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:alternativePath (ex:a ex:b) ] ; "
     "sh:minCount 1 ] .", "ex:bad a ex:C . ex:good a ex:C ; ex:b 1 ."),
    ("sh:zeroOrMorePath", "sh:zeroOrMorePath",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:class ex:C ] .",
     "ex:bad a ex:C ; ex:p ex:x . ex:good a ex:C ; ex:p ex:y . ex:y a ex:C ."),
    ("sequence path", r"re:sh:path\s*\(",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path (ex:a ex:b) ; sh:minCount 1 ] .",
     "ex:bad a ex:C ; ex:a ex:m . ex:good a ex:C ; ex:a ex:n . ex:n ex:b 1 ."),
    ("sh:minInclusive (decimal bound, integer value)", "sh:minInclusive",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:minInclusive 0.10 ] .",
     'ex:bad a ex:C ; ex:a 0 . ex:good a ex:C ; ex:a 1 .'),
    ("sh:maxInclusive (gYear bound)", r're:sh:m(?:in|ax)(?:In|Ex)clusive\s+"[^"]*"\^\^xsd:gYear',
     'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:maxInclusive "2100"^^xsd:gYear ] .',
     'ex:bad a ex:C ; ex:a "2200"^^xsd:gYear . ex:good a ex:C ; ex:a "2000"^^xsd:gYear .'),
    ("sh:maxLength", "sh:maxLength",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:maxLength 2 ] .",
     'ex:bad a ex:C ; ex:a "abc" . ex:good a ex:C ; ex:a "ab" .'),
    ("sh:pattern (with sh:flags)", "sh:pattern",
     'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:pattern "^ab" ; sh:flags "i" ] .',
     'ex:bad a ex:C ; ex:a "xab" . ex:good a ex:C ; ex:a "ABc" .'),
    ("sh:languageIn", "sh:languageIn",
     'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:languageIn ("en" "es") ] .',
     'ex:bad a ex:C ; ex:a "x"@fr . ex:good a ex:C ; ex:a "x"@en-GB .'),
    ("sh:uniqueLang", "sh:uniqueLang",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:uniqueLang true ] .",
     'ex:bad a ex:C ; ex:a "x"@en, "y"@en . ex:good a ex:C ; ex:a "x"@en, "y"@es .'),
    ("sh:in", "sh:in",
     'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:in ("x" "y") ] .',
     'ex:bad a ex:C ; ex:a "z" . ex:good a ex:C ; ex:a "x" .'),
    ("sh:hasValue", "sh:hasValue",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:hasValue true ] .",
     "ex:bad a ex:C ; ex:a false . ex:good a ex:C ; ex:a true ."),
    ("sh:disjoint", "sh:disjoint",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:disjoint ex:b ] .",
     "ex:bad a ex:C ; ex:a 1 ; ex:b 1 . ex:good a ex:C ; ex:a 1 ; ex:b 2 ."),
    ("sh:not", "sh:not", "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:not [ sh:class ex:D ] .",
     "ex:bad a ex:C, ex:D . ex:good a ex:C ."),
    ("sh:or", "sh:or",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( [ sh:class ex:D ] [ sh:class ex:E ] ) .",
     "ex:bad a ex:C . ex:good a ex:C, ex:E ."),
    ("sh:node", "sh:node",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:node ex:T ] . "
     "ex:T a sh:NodeShape ; sh:property [ sh:path ex:b ; sh:minCount 1 ] .",
     "ex:bad a ex:C ; ex:a ex:x . ex:good a ex:C ; ex:a ex:y . ex:y ex:b 1 ."),
    ("sh:qualifiedValueShape + sh:qualifiedMinCount", "sh:qualifiedValueShape",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:qualifiedValueShape "
     "[ sh:class ex:D ] ; sh:qualifiedMinCount 1 ] .",
     "ex:bad a ex:C ; ex:a ex:x . ex:good a ex:C ; ex:a ex:y . ex:y a ex:D ."),
    ("sh:severity sh:Warning (on a property shape)", "sh:severity",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:minCount 1 ; "
     "sh:severity sh:Warning ] .", "ex:bad a ex:C . ex:good a ex:C ; ex:a 1 ."),
    # Not in our shapes, for what a change of them may bring:
    ("sh:xone", "sh:xone",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:xone ( [ sh:class ex:D ] [ sh:class ex:E ] ) .",
     "ex:bad a ex:C, ex:D, ex:E . ex:good a ex:C, ex:D ."),
    ("sh:closed", "sh:closed",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:ignoredProperties "
     "(<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>) ; sh:property [ sh:path ex:q ] .",
     "ex:bad a ex:C ; ex:p 1 . ex:good a ex:C ; ex:q 1 ."),
    ("sh:lessThan", "sh:lessThan",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:lessThan ex:b ] .",
     "ex:bad a ex:C ; ex:a 5 ; ex:b 1 . ex:good a ex:C ; ex:a 1 ; ex:b 5 ."),
    ("sh:qualifiedValueShapesDisjoint", "sh:qualifiedValueShapesDisjoint",
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:qualifiedValueShape [ sh:class "
     "ex:D ] ; sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ], [ sh:path ex:a ; "
     "sh:qualifiedValueShape [ sh:class ex:E ] ; sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ] .",
     "ex:bad a ex:C ; ex:a ex:x . ex:x a ex:D, ex:E . ex:good a ex:C ; ex:a ex:y, ex:z . ex:y a ex:D . ex:z a ex:E ."),
    ("sh:sparql (SPARQL-based constraint)", "sh:sparql",
     'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select '
     '"SELECT $this WHERE { $this <http://ex.org/p> ?o }" ] .', "ex:bad a ex:C ; ex:p 1 . ex:good a ex:C ."),
    ("SPARQL-based target (sh:target)", "sh:target",
     'ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select '
     '"SELECT ?this WHERE { ?this <http://ex.org/p> ?o }" ] ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .',
     "ex:bad ex:p 1 . ex:good ex:p 1 ; ex:q 1 ."),
    ("custom constraint component (SPARQL ASK validator)", "sh:ConstraintComponent",
     'ex:Forbid a sh:ConstraintComponent ; sh:parameter [ sh:path ex:forbid ] ; sh:validator '
     '[ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER ($this != <http://ex.org/bad>) }" ] . '
     "ex:S a sh:NodeShape ; sh:targetClass ex:C ; ex:forbid true .", "ex:bad a ex:C . ex:good a ex:C ."),
]


def _probe_rudof(shapes: str, data: str) -> str:
    from pyrudof import RDFFormat, Rudof, ShaclFormat

    rudof = Rudof()
    try:
        rudof.read_shacl(PROBE_PREFIXES + shapes, format=ShaclFormat.Turtle)
        rudof.read_data(PROBE_PREFIXES + data, format=RDFFormat.Turtle)
        failed = {e.focus_node.rsplit("/", 1)[-1].strip('"') for e in rudof.validate_shacl()}
    except Exception as exc:  # rudof's error classes: reported in the table
        return f"error: {str(exc).splitlines()[0][:80]}"
    return _probe_verdict(failed)


def _probe_compiled(shapes: str, data: str) -> str:
    import warnings

    from rdflib import Graph

    from graph_loader.rdf.read import from_rdflib
    from graph_loader.shacl.compiled import FastValidator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        validator = FastValidator(Graph().parse(data=PROBE_PREFIXES + shapes, format="turtle"), Graph())
    if validator.unsupported_shapes():
        return "left out, with a warning"
    report = validator.validate(list(from_rdflib(Graph().parse(data=PROBE_PREFIXES + data, format="turtle"))))
    return _probe_verdict({r.focus_node.rsplit("/", 1)[-1] for r in report.results})


def _probe_verdict(failed: set[str]) -> str:
    if failed == {"bad"}:
        return "yes"
    if not failed:
        return "no: ignored silently"
    return f"no: fails {', '.join(sorted(failed))}"


def feature_rows() -> list[list]:
    """One row per SHACL feature: how often our shapes use it, and whether each engine checks it right."""
    text = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")

    def uses(term: str) -> int:
        pattern = term[3:] if term.startswith("re:") else re.escape(term) + r"(?![A-Za-z])"
        return len(re.findall(pattern, text))

    return [[feature, uses(term),
             _probe_rudof(shapes, data), _probe_compiled(shapes, data)]
            for feature, term, shapes, data in FEATURES]


FEATURE_COLUMNS = ("feature", "uses in shapes.ttl", "pyrudof", "compiled")


# -- agreement: the TopBraid differential corpus ------------------------------------------------------------------
def differential(rudof) -> tuple[list[list], list[list], list[str]]:
    """rudof, the compiled engine and TopBraid on the mutated corpora of ``tests/faults/test_xsd_lexical.py``.

    Returns the per-corpus table, the table of forms rudof judges otherwise than TopBraid, and notes.
    """
    from graph_loader.ontology.load import ontology_dir
    from graph_loader.shacl.compiled import canonical, validate_triples
    from tests.faults import test_xsd_lexical as lexical
    from tests.reference import topbraid as reference

    corpora = {"catalogue": lexical.catalogue_corpus()}
    for name, files in lexical.CORPORA.items():
        base = lexical.read_corpus(files)
        for seed in (0, 1):
            corpora[f"{name}-{seed}"] = lexical.mutate(base, seed, f"{name}-{seed}")
    notes = []
    missing = reference.missing_tools()
    tb: dict[str, list] = {}
    if missing:
        notes.append(f"TopBraid SHACL cannot run here ({missing}): the comparison with it is left out.")
    else:
        folder = Path(tempfile.mkdtemp(prefix="dkg-topbraid-"))
        files = {name: lexical.write_ntriples(triples, folder / f"{name}.nt") for name, (triples, _) in corpora.items()}
        where = ontology_dir()
        results = reference.validate(files.values(), where / "shapes.ttl", [where / "diaspora.ttl", where / "concepts.ttl"])
        tb = {name: results[path.resolve()] for name, path in files.items()}
    rows = []
    for name, (triples, cases) in corpora.items():
        ours = validate_triples(triples)
        theirs = rudof.validate(triples)
        excluded = {(c.focus, c.path) for c in cases if c.unstorable}
        ours_dt = lexical.datatype_pairs_of_ours(ours) - excluded
        rudof_dt = lexical.datatype_pairs_of_ours(theirs) - excluded
        # Every Violation on an injected pair (ranges, patterns, sh:in, ...), as the fault test compares them.
        injected = {(c.focus, c.path) for c in cases if not c.unstorable
                    and not (c.datatype in lexical.CATALOGUE and c.form in lexical.CATALOGUE[c.datatype][0]
                             and canonical(lexical.typed(c.form, c.datatype)) != lexical.typed(c.form, c.datatype))}

        def on_injected(report, injected=injected):
            return {(r.focus_node, lexical.DKG + r.path[len("dkg:"):]) for r in report.violations
                    if r.path and r.path.startswith("dkg:")} & injected

        compared = sum(1 for c in cases if not c.unstorable)
        row = [name, compared]
        if tb:
            tb_dt = lexical.datatype_pairs_of_topbraid(tb[name]) - excluded
            tb_all = {(r.focus, r.path) for r in tb[name] if r.severity == "Violation"} & injected
            row += [len(tb_dt), _agree(ours_dt, tb_dt), _agree(rudof_dt, tb_dt),
                    _agree(on_injected(ours), tb_all), _agree(on_injected(theirs), tb_all)]
        else:
            row += ["-", "-", _agree(rudof_dt, ours_dt), "-", _agree(on_injected(theirs), on_injected(ours))]
        rows.append(row)
        if name == "catalogue":
            catalogue = _verdicts(cases, rudof_dt, lexical.datatype_pairs_of_topbraid(tb[name]) if tb else None,
                                  lexical.CATALOGUE)
    return rows, catalogue, notes


def _verdicts(cases, rudof_broken: set, topbraid_broken: set | None, catalogue: dict) -> list[list]:
    """Per datatype of the catalogue (each form once, on a subject of its own): the forms rudof judges otherwise
    than TopBraid (or, without TopBraid, than the catalogue's verdicts, which a test holds TopBraid to)."""
    rows = []
    for datatype, (good, bad) in catalogue.items():
        mine = [c for c in cases if c.datatype == datatype]
        refused = {c.form for c in mine if (c.focus, c.path) in rudof_broken}
        ill = {c.form for c in mine if (c.focus, c.path) in topbraid_broken} if topbraid_broken is not None else set(bad)
        passed = [f for f in bad if f in ill and f not in refused]
        wrongly = [f for f in good if f not in ill and f in refused]
        rows.append([datatype, f"{len(ill) - len(passed)}/{len(ill)}", _forms(passed),
                     f"{len(good) - len(wrongly)}/{len(good)}", _forms(wrongly)])
    return rows


def _forms(forms: list[str], shown: int = 8) -> str:
    """The first ``shown`` forms as JSON strings, and how many more."""
    text = " ".join(f"`{json.dumps(f, ensure_ascii=False)}`" for f in forms[:shown]) or "-"
    return text + (f" and {len(forms) - shown} more" if len(forms) > shown else "")


def _agree(mine: set, reference: set) -> str:
    """``"yes"``, or how many pairs are missed and how many are extra."""
    if mine == reference:
        return "yes"
    return f"no: {len(reference - mine)} missed, {len(mine - reference)} extra"


DIFF_COLUMNS = ("corpus", "injected literals", "TopBraid: sh:datatype breaks", "compiled = TopBraid (datatype)",
                "pyrudof = TopBraid (datatype)", "compiled = TopBraid (all)", "pyrudof = TopBraid (all)")
VERDICT_COLUMNS = ("datatype", "ill-formed refused", "ill-formed that pyrudof lets pass", "well-formed accepted",
                   "well-formed that pyrudof refuses")


# -- speed ------------------------------------------------------------------------------------------------------
def corpus(size: int, folder: Path, corrupt: bool = False) -> Path:
    """The synthetic corpus of ``size`` triples (seed :data:`SEED`), written once by ``diaspora-kg synth``;
    ``corrupt``: with about 8 % of its triples corrupted as ``tests/unit/test_fast_validate.py`` does."""
    if corrupt:
        from graph_loader.rdf.read import inspect, iter_triples
        from tests.unit.test_fast_validate import corrupted

        from .rudof_engine import ntriples

        path = folder / f"synth-{size}-seed{SEED}-corrupted.nt"
        if not path.is_file():
            path.write_bytes(ntriples(corrupted(list(iter_triples(inspect(corpus(size, folder)))), SEED)))
        return path
    path = folder / f"synth-{size}-seed{SEED}.nt"
    if not path.is_file():
        partial = path.with_suffix(".partial.nt")
        subprocess.run([sys.executable, "-m", "graph_loader", "synth", "--triples", str(size), "--seed", str(SEED),
                        "--out", str(partial)], check=True, cwd=ROOT, capture_output=True)
        partial.rename(path)
    return path


def worker(engine: str, path: Path) -> dict:
    """Validate ``path`` with ``engine`` in this (fresh) process; the phases' CPU seconds and the findings."""
    phases: dict[str, float] = {}
    clock = time.process_time  # every thread of the process: fair on a loaded machine, and rudof may use several
    started = clock()
    if engine == "pyrudof":
        from .rudof_engine import RudofValidator

        validator = RudofValidator()
        phases["setup"] = clock() - started
        report = validator.validate_ntriples(path)
        phases["shapes"] = validator.timings.shapes
        phases["read"] = validator.timings.data
        phases["validate"] = validator.timings.validate
    else:
        from graph_loader.rdf.read import inspect, iter_triples

        triples = list(iter_triples(inspect(path)))
        phases["read"] = clock() - started
        mark = clock()
        if engine == "compiled":
            from graph_loader.shacl.compiled import default_validator

            validator = default_validator()
            phases["setup"] = clock() - mark
            mark = clock()
            report = validator.validate(triples)
        elif engine == "pyshacl":
            from graph_loader.rdf.read import to_rdflib
            from graph_loader.shacl.pyshacl_engine import validate

            report = validate(to_rdflib(triples))
        else:
            raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        phases["validate"] = clock() - mark
    # The checks no shape states (rudof has none of them) are left out of every engine's findings here.
    shacl = {f for f in findings(report) if f[2] not in PYTHON_ONLY_SHAPES}
    return {"phases": phases, "findings": sorted(map(list, shacl), key=str), "rss": own_peak_rss()}


def own_peak_rss() -> int | None:
    """This process's peak resident memory in bytes since it started (``VmHWM``; ``ru_maxrss`` would also count
    the parent's pages it was forked with before ``exec``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def measure(engine: str, path: Path, timeout: float, memory_cap: int = MEMORY_CAP) -> dict:
    """Run :func:`worker` in a fresh process: wall and CPU seconds (``os.wait4``), peak RSS, its result.

    ``memory_cap``: the process's address space in bytes (``RLIMIT_AS``), so that an engine that needs more fails
    rather than pushing a shared machine into swap or the OOM killer.
    """
    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))

    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "benchmarks.shacl_engines", "--worker", engine, str(path)],
                                stdout=out, stderr=err, cwd=ROOT, text=True, preexec_fn=capped)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            with PeakRss(proc.pid) as sampled:  # for a run that dies before it can say its own peak
                _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        lines = [line[len(RESULT_PREFIX):] for line in out.read().splitlines() if line.startswith(RESULT_PREFIX)]
        error = None if proc.returncode == 0 and lines else _why(err.read(), proc.returncode)
        result = json.loads(lines[-1]) if lines else {}
        rss = result.pop("rss", None) or sampled.peak
        if error and rss > memory_cap * 0.6:
            error = f"out of memory at the cap of {memory_cap / 2**30:.3g} GiB ({error[:70]})"
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": rss, "timed_out": wall >= timeout,
            "error": error, **result}


def _why(stderr: str, returncode: int) -> str:
    """The line of a failed worker's error output that says why (a Rust panic or a Python exception)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "memory allocation" in line or "panicked" in line or "MemoryError" in line:
            return line[:100]
    return lines[-1][:100] if lines else f"ended by signal {-returncode}" if returncode < 0 else "no output"


def speed_rows(sizes: list[int], timeout: float, folder: Path) -> list[list]:
    rows = []
    runs_of = [(size, False) for size in sizes] + [(min(sizes), True)]
    for size, corrupt in runs_of:
        path = corpus(size, folder, corrupt)
        triples = sum(1 for _ in path.open("rb"))
        runs = {engine: measure(engine, path, timeout) for engine in ENGINES
                if engine != "pyshacl" or size <= PYSHACL_MAX}
        reference = runs["compiled"].get("findings")
        for engine, run in runs.items():
            done = not (run["error"] or run["timed_out"])
            same = "-" if not done or reference is None else (
                _agree(set(map(tuple, run["findings"])), set(map(tuple, reference))))
            phases = ", ".join(f"{k} {v:.2f}" for k, v in run.get("phases", {}).items()) if done else ""
            rows.append([f"{triples:,}" + (" (corrupted)" if corrupt else ""), engine,
                         f"> {timeout:.0f} s" if run["timed_out"] else f"failed after {run['wall']:.0f} s"
                         if run["error"] else f"{run['wall']:.2f} s",
                         f"{run['cpu']:.2f} s", f"{triples / run['cpu']:,.0f}" if done and run["cpu"] else "-",
                         f"{run['rss'] / 2**20:.0f} MB", phases or (run["error"] or "-"),
                         len(run["findings"]) if done else "-", same])
            print(" | ".join(map(str, rows[-1])), flush=True)
    return rows


SPEED_COLUMNS = ("triples", "engine", "wall", "CPU", "triples/CPU-s", "peak RSS", "phases inside (CPU s)",
                 "findings", "same as compiled")


# -- the script --------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        from .common import emit_result as emit

        emit(worker(argv[1], Path(argv[2])))
        return 0
    p = parser(__doc__.split("\n", 1)[0], SIZES, QUICK_SIZES, timeout=1200)
    p.add_argument("--part", default="agreement,speed", help="agreement, speed or both (comma-separated)")
    args = resolve(p.parse_args(argv))
    parts = set(args.part.split(","))
    about = machine(pyrudof=package_version("pyrudof"), pyshacl=package_version("pyshacl"),
                    rdflib=package_version("rdflib"), pyoxigraph=package_version("pyoxigraph"))
    body = ["## SHACL engines: pyrudof against the compiled engine, pySHACL and TopBraid"]
    if "agreement" in parts:
        from .rudof_engine import RudofValidator

        rudof = RudofValidator()
        features = feature_rows()
        print(table(FEATURE_COLUMNS, features), flush=True)
        rows = file_rows(rudof)
        print("\n" + table(FILE_COLUMNS, rows), flush=True)
        diff_rows, verdict_rows, notes = differential(rudof)
        print("\n" + table(DIFF_COLUMNS, diff_rows))
        print("\n" + table(VERDICT_COLUMNS, verdict_rows))
        for note in notes:
            print(note)
        body += ["### SHACL features (one probe each: `ex:bad` must fail, `ex:good` pass)",
                 table(FEATURE_COLUMNS, features), "### The project's files", table(FILE_COLUMNS, rows),
                 "### The TopBraid differential corpus (tests/faults/test_xsd_lexical.py)", table(DIFF_COLUMNS, diff_rows)]
        body += ["pyrudof's `sh:datatype` verdicts on the catalogue (every form once; TopBraid's verdicts as the "
                 "reference):", table(VERDICT_COLUMNS, verdict_rows)]
        body += notes
    if "speed" in parts:
        folder = OUT / "shacl_engines"
        folder.mkdir(parents=True, exist_ok=True)
        rows = speed_rows(args.sizes, args.timeout, folder)
        print("\n" + table(SPEED_COLUMNS, rows))
        body += ["### Speed (each engine a fresh process; synthetic corpus, seed 1)", table(SPEED_COLUMNS, rows),
                 SPEED_NOTE]
    if args.results:
        write_section(args.results, "shacl_engines", "\n\n".join(body), about)
        print(f"\nwritten to {args.results}")
    return 0


SPEED_NOTE = """\
Wall and CPU time are those of the whole process (Python's start-up and imports included), CPU time from
`os.wait4`: on this shared machine CPU time is the fairer figure; the phases are CPU seconds too
(`time.process_time`, every thread). Each process may take 6 GiB of address space (`RLIMIT_AS`). Phases: `read`
parses the N-Triples (pyoxigraph into plain triples for the compiled engine and pySHACL; rudof's own parser,
ontology included, for pyrudof),
`setup` parses the ontology and shapes and compiles them (for pyrudof: rdflib reads them and they are rewritten
for rudof), `shapes` is rudof reading the shapes, `validate` the validation proper. The synthetic corpus
conforms; the corrupted one (about 8 % of its triples dropped, redirected, retyped or mistyped, as in
`tests/unit/test_fast_validate.py`) gives every engine findings to agree on. Findings are SHACL results only: the
two checks no shape states (`dkg:UnknownTerm`, `dkg:StorableValue`), which rudof does not make, are left out of
every engine's count."""


if __name__ == "__main__":
    sys.exit(main())
