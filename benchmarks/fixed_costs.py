"""The fixed costs of a validation at 10^4 triples, phase by phase, in fresh processes: the ontology parse, the
shapes' compilation, and what the prototype cache of :mod:`benchmarks.ontology_cache` saves.

Each mode runs ``--repeat`` times as a fresh process (``python -m benchmarks.fixed_costs --worker MODE``), which
does what a ``diaspora-kg validate`` of a synthetic corpus does before, and while, it validates:

1. imports (rdflib, pyoxigraph, the ontology loader, the compiled engine);
2. the ontology (``diaspora.ttl`` + ``concepts.ttl``) and ``shapes.ttl``: parsed by rdflib (mode ``parse``), or
   read from the cache (``pickle``: HMAC-checked pickle; ``data``: HMAC-checked JSON, graphs rebuilt);
3. the GraphSchema derived from the ontology (in the cache in both cached modes);
4. ``import pyshacl.rdfutil.compare``, which the compiled engine does while compiling its range checks (it pulls in
   pySHACL, rdflib's SPARQL engine and pyparsing), timed apart from
5. the compilation of the shapes (``FastValidator(shapes, ontology)``);
6. reading the 10^4-triple synthetic corpus (pyoxigraph) and 7. validating it.

Each phase's CPU time is the process's own (``getrusage``: single-threaded, and fair on a loaded machine), the
whole process's wall and CPU time come from ``os.wait4``. Medians over the repeats.

Run: ``python -m benchmarks.fixed_costs`` (``--repeat 7``, ``--quick`` for a smoke run).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import (
    OUT,
    RESULT_PREFIX,
    ROOT,
    emit_result,
    machine,
    package_version,
    parser,
    resolve,
    table,
    write_section,
)

MODES = ("parse", "pickle", "data")
SIZES = (10_000,)
QUICK_SIZES = (1_000,)
FOLDER = OUT / "fixed_costs"
PHASES = ("start-up (Python, the harness's imports)", "imports", "ontology + shapes", "schema", "import pyshacl (range checks)", "compile shapes",
          "read corpus", "validate corpus")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(mode: str, corpus: Path, folder: Path) -> dict:
    """One fresh process's phases: ``{phase: [wall s, CPU s]}``."""
    import psutil

    # What the process spent before this function: Python's start-up and the import of this harness.
    phases: dict[str, list[float]] = {PHASES[0]: [time.time() - psutil.Process().create_time(), _cpu()]}
    mark = [time.perf_counter(), _cpu()]

    def done(phase: str) -> None:
        wall, cpu = time.perf_counter(), _cpu()
        phases[phase] = [wall - mark[0], cpu - mark[1]]
        mark[:] = [wall, cpu]

    import pyoxigraph  # noqa: F401  (the loader's parser: imported by every command)
    import rdflib  # noqa: F401

    from graph_loader.rdf.read import inspect, iter_triples
    from graph_loader.shacl.compiled import FastValidator

    from . import ontology_cache as oc
    done("imports")
    if mode == "parse":
        from graph_loader.ontology.load import ontology_graph, shapes_graph
        from graph_loader.ontology.schema import load_schema

        ontology, shapes = ontology_graph(), shapes_graph()
        done("ontology + shapes")
        load_schema()
        done("schema")
    else:
        cache = oc.OntologyCache(folder / "cache", mode, secret_file=folder / "secret")
        parsed = cache.load()
        if cache.last != "cached":
            raise RuntimeError(f"the {mode} cache was not warm ({cache.last})")
        ontology, shapes = parsed.ontology, parsed.shapes
        done("ontology + shapes")
        phases["schema"] = [0.0, 0.0]  # in the cache entry
    import pyshacl.rdfutil.compare  # noqa: F401
    done("import pyshacl (range checks)")
    validator = FastValidator(shapes, ontology)
    done("compile shapes")
    triples = list(iter_triples(inspect(corpus)))
    done("read corpus")
    report = validator.validate(triples)
    done("validate corpus")
    return {"phases": phases, "findings": len(report.results), "triples": len(triples)}


def measure(mode: str, corpus: Path, folder: Path) -> dict:
    """Run :func:`worker` in a fresh process; its phases, and the whole process's wall and CPU seconds."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "benchmarks.fixed_costs", "--worker", mode, str(corpus),
                                 str(folder)], stdout=out, stderr=err, cwd=ROOT, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        lines = [line[len(RESULT_PREFIX):] for line in out.read().splitlines() if line.startswith(RESULT_PREFIX)]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"the {mode} worker failed: {err.read()[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, **json.loads(lines[-1])}


def prepare(size: int, folder: Path) -> Path:
    """The synthetic corpus (seed 1) and warm caches of both kinds, in ``folder``."""
    from . import ontology_cache as oc
    from .shacl_engines import corpus

    folder.mkdir(parents=True, exist_ok=True)
    for kind in ("pickle", "data"):
        oc.OntologyCache(folder / "cache", kind, secret_file=folder / "secret").load()
    return corpus(size, folder)


def rows_for(runs: dict[str, list[dict]]) -> list[list]:
    def median(mode: str, pick) -> float:
        return statistics.median(pick(run) for run in runs[mode])

    def cell(mode: str, pick) -> str:
        return f"{median(mode, pick):.3f}"

    rows = []
    for phase in PHASES:
        rows.append([phase, *(cell(m, lambda r, p=phase: r["phases"][p][1]) for m in MODES),
                     cell("parse", lambda r, p=phase: r["phases"][p][0])])
    rest = {m: median(m, lambda r: r["cpu"] - sum(c for _, c in r["phases"].values())) for m in MODES}
    rows.append(["exit (freeing everything) and the rest", *(f"{rest[m]:.3f}" for m in MODES), "-"])
    rows.append(["**whole process, CPU**", *(f"**{median(m, lambda r: r['cpu']):.3f}**" for m in MODES), "-"])
    rows.append(["whole process, wall", *(cell(m, lambda r: r["wall"]) for m in MODES), "-"])
    return rows


COLUMNS = ("phase (median of fresh processes)", "CPU s: parse", "CPU s: pickle cache", "CPU s: JSON cache",
           "wall s: parse")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        emit_result(worker(argv[1], Path(argv[2]), Path(argv[3])))
        return 0
    p = parser(__doc__.split("\n", 1)[0], SIZES, QUICK_SIZES)
    p.add_argument("--repeat", type=int, default=7, help="fresh processes per mode (default 7)")
    args = resolve(p.parse_args(argv))
    about = machine(rdflib=package_version("rdflib"), pyshacl=package_version("pyshacl"))
    size = args.sizes[0]
    corpus = prepare(size, FOLDER)
    runs: dict[str, list[dict]] = {mode: [] for mode in MODES}
    for _ in range(2 if args.quick else args.repeat):
        for mode in MODES:  # interleaved, so that a change of the machine's load touches every mode alike
            runs[mode].append(measure(mode, corpus, FOLDER))
    triples = runs["parse"][0]["triples"]
    rows = rows_for(runs)
    print(table(COLUMNS, rows))
    sizes = {kind: (FOLDER / "cache").glob(f"*.{kind}") for kind in ("pickle", "data")}
    entry = ", ".join(f"{kind} {sum(f.stat().st_size for f in found) / 2**10:,.0f} KiB"
                      for kind, found in sizes.items())
    print(f"\n{triples:,} triples; cache entries: {entry}")
    if args.results:
        body = (f"## Fixed costs of a validation at {triples:,} triples, and the ontology cache (prototype)\n\n"
                + table(COLUMNS, rows) + f"\n\nCache entries: {entry}.\n\n" + NOTE)
        write_section(args.results, "fixed_costs", body, about)
        print(f"written to {args.results}")
    return 0


NOTE = """\
`python -m benchmarks.fixed_costs`: each mode run as fresh processes, interleaved; CPU seconds per phase are the
process's own (`getrusage`), medians. *parse*: rdflib parses `diaspora.ttl` + `concepts.ttl` and `shapes.ttl`, the
GraphSchema is derived. *pickle cache* / *JSON cache*: the prototype of `benchmarks/ontology_cache.py` (keyed by
the SHA-256 of the files, versions and the stored classes' source; signed with HMAC-SHA256 under a secret kept
outside the cache folder; not wired into the loader). The compiled shapes are not cached (closures do not pickle):
their compilation is timed apart from the import of pySHACL's literal comparison, which the compiled engine's range
checks import while compiling."""


if __name__ == "__main__":
    sys.exit(main())
