"""TopBraid SHACL as a reference validator: fetched once from Maven Central, run on data files, results read back.

TopBraid SHACL (``org.topbraid:shacl``, TopQuadrant's open-source SHACL engine on Apache Jena) judges literals
by Jena's XSD datatypes. ``tests/faults/test_xsd_lexical.py`` gives it the same union our engines validate
(data + ``ontology/diaspora.ttl`` + ``ontology/concepts.ttl``) and compares which values break ``sh:datatype``.

The jars are resolved by Maven from ``pom.xml`` beside this file into ``<cache>/topbraid/<version>/lib`` (the
git-ignored ``.cache/`` by default, ``$DKG_CACHE_DIR`` when set), once; ``TopBraidValidate.java`` runs from
source (Java 11+ source-file mode) and validates several files in one JVM.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from graph_loader.neo4j.server import java_major_version
from graph_loader.settings import load_settings

TOPBRAID_VERSION = "1.4.3"
HERE = Path(__file__).resolve().parent
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class Result(NamedTuple):
    """One sh:ValidationResult of TopBraid: IRIs as strings, a blank node as ``_:label``, a literal's lexical form.

    ``path`` is None for a complex path (a blank node); ``component`` the local name, e.g.
    ``"DatatypeConstraintComponent"``.
    """

    focus: str
    path: str | None
    component: str
    shape: str
    value: str | None
    severity: str


def missing_tools() -> str | None:
    """Why TopBraid cannot run here (no Java 11+, no Maven), or None when it can."""
    version = java_major_version()
    if version is None:
        return "java is not on the PATH"
    if version < 11:
        return f"Java {version} found; TopBraid SHACL {TOPBRAID_VERSION} needs Java 11 or newer"
    if shutil.which("mvn") is None:
        return "Maven (mvn) is not on the PATH"
    return None


def lib_dir(cache_dir: Path | None = None) -> Path:
    """Where the jars of TopBraid SHACL and its dependencies (Jena 4.10, ...) are kept."""
    cache = Path(cache_dir) if cache_dir is not None else load_settings().cache_dir
    return cache.resolve() / "topbraid" / TOPBRAID_VERSION / "lib"


def ensure_jars(cache_dir: Path | None = None) -> Path:
    """The jars' folder, resolved with Maven the first time (about 20 s and 30 jars); raises RuntimeError."""
    lib = lib_dir(cache_dir)
    if any(lib.glob("shacl-*.jar")):
        return lib
    partial = lib.with_name("lib.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    mvn = subprocess.run(
        ["mvn", "-q", "-B", "-f", str(HERE / "pom.xml"), "dependency:copy-dependencies",
         f"-DoutputDirectory={partial}", f"-Dtopbraid.version={TOPBRAID_VERSION}"],
        capture_output=True, text=True, timeout=900)
    if mvn.returncode != 0:
        raise RuntimeError(f"Maven could not resolve org.topbraid:shacl:{TOPBRAID_VERSION}:\n"
                           f"{(mvn.stdout + mvn.stderr)[-3000:]}")
    shutil.rmtree(lib, ignore_errors=True)
    partial.rename(lib)
    return lib


def validate(data_files: Iterable[Path], shapes: Path, base: Iterable[Path], *,
             cache_dir: Path | None = None, timeout: float = 600) -> dict[Path, list[Result]]:
    """Validate each data file (together with the ``base`` files) against ``shapes``; results per file.

    Each data file's report is written beside it as ``<file>.report.nt``.
    """
    data_files = [Path(f).resolve() for f in data_files]
    lib = ensure_jars(cache_dir)
    run = subprocess.run(
        ["java", "-cp", str(lib / "*"), str(HERE / "TopBraidValidate.java"), str(Path(shapes).resolve()),
         ",".join(str(Path(b).resolve()) for b in base), *map(str, data_files)],
        capture_output=True, text=True, timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"TopBraid SHACL failed (exit {run.returncode}):\n{(run.stdout + run.stderr)[-3000:]}")
    return {f: read_report(f.with_name(f.name + ".report.nt")) for f in data_files}


def read_report(path: Path) -> list[Result]:
    """The results of a validation report in N-Triples."""
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)

    def one(subject, predicate: str):
        found = [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(SH + predicate), None)]
        return found[0] if found else None

    def text(term) -> str | None:
        if term is None:
            return None
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value

    results = []
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SH + "ValidationResult")):
        node = quad.subject
        path = one(node, "resultPath")
        results.append(Result(
            focus=text(one(node, "focusNode")),
            path=path.value if isinstance(path, ox.NamedNode) else None,
            component=text(one(node, "sourceConstraintComponent")).rsplit("#", 1)[-1],
            shape=text(one(node, "sourceShape")),
            value=text(one(node, "value")),
            severity=text(one(node, "resultSeverity")).rsplit("#", 1)[-1],
        ))
    return results
