"""Loading benchmark: ``graph_loader.loading.load`` against rdflib-neo4j, on the same synthetic files.

For each size the script writes a synthetic corpus (N-Triples, :mod:`graph_loader.rdf.synth`) and loads it into an
empty database with

* **ours** — ``diaspora-kg load`` as it is: ``--method auto`` (Neo4j's bulk importer for a large first load into
  the managed instance, Bolt otherwise), the compiled validator;
* **ours, Bolt only** — ``--method bolt`` (what an external server, Aura or an incremental load gets);
* **reload** — ``load`` again on the unchanged file (nothing to do but hash it);
* **incremental** — then a load of a tenth as many *new* triples (a synthetic corpus of its own namespace,
  :func:`graph_loader.rdf.synth.in_part`) into that graph: Bolt, with validation against what the graph holds;
* **ours, pySHACL** (``--tools`` only) — with pySHACL validation whatever the size;
* **rdflib-neo4j** — ``Neo4jStore`` with ``HANDLE_VOCAB_URI_STRATEGY.IGNORE`` and batching on (its documented
  use: ``Graph(store=...).parse(file)``), which neither validates nor maps n-ary classes to relationships.

Each load runs in a fresh Python process and is timed as a whole process (start-up and imports included): the
goals compare those times. One unrecorded load first warms Neo4j's JVM, so that no tool pays for it alone. The table also gives ``load()``'s own time and, for ours, the time spent reading and
mapping, validating and writing (with the importer, *write* includes the CSV files, the import, the schema),
the peak resident memory of the Python process and its children, and the peak of Neo4j's JVM during the load
(psutil, every 50 ms). The managed instance runs as ``neo4j start`` runs it, with Graph Data Science loaded.
``--profile`` adds, after the measured runs, one more run of each of our loads under cProfile (so profiling does
not slow the measured ones), writes it to ``benchmarks/out/`` and prints its top functions.

Run: ``python -m benchmarks.load --sizes 10000,100000,1000000`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import contextlib
import io
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

from graph_loader.rdf.synth import write_synthetic

from .common import (
    OUT,
    PeakRss,
    emit_result,
    machine,
    mb,
    package_version,
    parser,
    resolve,
    run_worker,
    seconds_text,
    table,
    write_section,
)
from .database import BenchDatabase

SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000,)
#: Seconds one load may take (pySHACL on 10^6 triples would take hours).
LOAD_TIMEOUT = 1_800.0
TOOLS = ("ours", "reload", "incremental", "ours-bolt", "rdflib-neo4j")
LABELS = {"ours": "ours (auto)", "ours-bolt": "ours, Bolt only", "ours-pyshacl": "ours, pySHACL validation",
          "reload": "ours, reload unchanged", "incremental": "ours, incremental (new triples)",
          "rdflib-neo4j": "rdflib-neo4j"}
#: The incremental load brings this fraction of the corpus's size in new triples (10^5 into 10^6).
INCREMENT = 0.1
#: Tools that need the graph the one before left (the others start from an empty database).
FOLLOWS = {"reload": "ours", "incremental": "ours"}


# -- the workers (one process per load) -----------------------------------------------------------------------
def _timed(module, name: str, phases: dict[str, float], phase: str) -> None:
    """Wrap ``module.name`` so the seconds spent in it add up under ``phases[phase]``."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            phases[phase] += time.perf_counter() - started

    setattr(module, name, wrapper)


def load_worker(tool: str, path: Path, batch_size: int) -> dict:
    """One load by our loader, connected as the command line connects (the managed instance, or ``NEO4J_URI``);
    seconds per phase (read + map, validate, write), the method that ran and what it reported."""
    from graph_loader import loading, shacl
    from graph_loader.beside import Beside
    from graph_loader.neo4j.connection import connect

    validator = "pyshacl" if tool == "ours-pyshacl" else shacl.DEFAULT_ENGINE
    method = "bolt" if tool == "ours-bolt" else "auto"
    phases: dict[str, float] = defaultdict(float)  # timed by wrapping the phases' functions (measurement only)
    _timed(loading, "parse_sources", phases, "read_map")
    _timed(loading, "map_sources", phases, "read_map")
    _timed(Beside, "result", phases, "validate")  # beyond the mapping, when validation runs beside it
    _timed(loading, "context_from_database", phases, "validate")
    with connect(echo=lambda message: None) as db:
        started = time.perf_counter()
        report = loading.load([path], db, batch_size=batch_size, validator=validator, method=method)
        total = time.perf_counter() - started
    statuses = sorted({f.status for f in report.files})
    return {"seconds": total, "read_map": phases["read_map"], "validate": phases["validate"],
            "write": total - phases["read_map"] - phases["validate"], "status": ",".join(statuses),
            "method": report.method or "-"}


def rdflib_neo4j_worker(path: Path, batch_size: int) -> dict:
    """One load by rdflib-neo4j (parse and write are interleaved: one time)."""
    from rdflib import Graph
    from rdflib_neo4j import HANDLE_VOCAB_URI_STRATEGY, Neo4jStore, Neo4jStoreConfig

    from graph_loader.settings import load_settings

    settings = load_settings()
    auth = {"uri": settings.uri, "database": settings.database, "user": settings.user, "pwd": settings.password}
    config = Neo4jStoreConfig(auth_data=auth, handle_vocab_uri_strategy=HANDLE_VOCAB_URI_STRATEGY.IGNORE,
                              batching=True, batch_size=batch_size)
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # it prints its progress
        graph = Graph(store=Neo4jStore(config=config))
        graph.parse(str(path), format="nt")
        graph.close(True)
    return {"seconds": time.perf_counter() - started}


def worker_main(argv: list[str]) -> None:
    tool, path, batch_size, profile = argv[0], Path(argv[1]), int(argv[2]), argv[3] if len(argv) > 3 else ""
    if tool == "rdflib-neo4j":
        emit_result(rdflib_neo4j_worker(path, batch_size))
        return
    if not profile:
        emit_result(load_worker(tool, path, batch_size))
        return
    import cProfile

    profiler = cProfile.Profile()
    result = profiler.runcall(load_worker, tool, path, batch_size)
    profiler.dump_stats(profile)
    emit_result(result)


# -- the benchmark ---------------------------------------------------------------------------------------------
def top_functions(profile: Path, count: int = 15) -> str:
    """The functions of a cProfile file that took the most time themselves (header lines dropped)."""
    out = io.StringIO()
    pstats.Stats(str(profile), stream=out).sort_stats("tottime").print_stats(count)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "function calls" in line)
    return "\n".join(line for line in lines[start:] if line.strip() and "Ordered by" not in line
                     and "List reduced" not in line) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        worker_main(argv[1:])
        return 0
    p = parser(__doc__.split("\n", 1)[0], SIZES, QUICK_SIZES, timeout=LOAD_TIMEOUT)
    p.add_argument("--batch-size", type=int, default=5000, help="rows per transaction for both loaders")
    p.add_argument("--tools", default=",".join(TOOLS), help=f"which loads to run (default {','.join(TOOLS)})")
    p.add_argument("--profile", action="store_true", help="cProfile our loads (benchmarks/out/*.prof)")
    args = resolve(p.parse_args(argv))
    tools = [t for t in args.tools.split(",") if t]
    if "rdflib-neo4j" in tools and package_version("rdflib-neo4j") == "not installed":
        print("rdflib-neo4j is not installed (pip install -e '.[bench]'): it is left out", file=sys.stderr)
        tools.remove("rdflib-neo4j")

    rows, notes = [], []
    with BenchDatabase(gds=True) as bench:
        about = machine(**{"neo4j": bench.version, "rdflib-neo4j": package_version("rdflib-neo4j"),
                           "rdflib": package_version("rdflib"), "pyshacl": package_version("pyshacl")})
        # A first load warms Neo4j's JVM (class loading, JIT) that every measured run then finds warm: otherwise the
        # first tool measured pays for it alone.
        warm_up = OUT / "synthetic-warm-up.nt"
        write_synthetic(warm_up, min(args.sizes), seed=2)
        bench.reset()
        run_worker(["benchmarks.load", "--worker", "ours-bolt", str(warm_up), str(args.batch_size)],
                   bench.env_for(), args.timeout)
        for size in args.sizes:
            path = OUT / f"synthetic-{size}.nt"
            triples = write_synthetic(path, size, seed=0)
            increment = OUT / f"synthetic-{size}-increment.nt"
            increment_triples = write_synthetic(increment, max(int(size * INCREMENT), 100), seed=1, part="increment")
            print(f"\n{triples} synthetic triples in {path.relative_to(OUT.parent.parent)}", flush=True)
            measured = {}
            for tool in tools:
                if tool in FOLLOWS and FOLLOWS[tool] not in measured:
                    continue  # a reload needs a load before it
                if tool not in FOLLOWS:
                    bench.reset()
                env = {**bench.env_for(bolt_only=tool == "rdflib-neo4j")}
                file, count = (increment, increment_triples) if tool == "incremental" else (path, triples)
                with PeakRss(bench.jvm_pid) if bench.jvm_pid else contextlib.nullcontext() as jvm:
                    run = run_worker(["benchmarks.load", "--worker", tool, str(file), str(args.batch_size)], env,
                                     args.timeout)
                nodes, relationships = bench.counts()
                measured[tool] = run
                rows.append(_row(count, tool, run, args.timeout, nodes, relationships, jvm.peak if jvm else None))
                print(table(COLUMNS, [rows[-1]]).splitlines()[-1], flush=True)
            ratios = _ratios(size, measured)
            if ratios:
                notes.append(ratios)
            if args.profile and "ours" in tools:
                bench.reset()
                profile = OUT / f"profile-ours-{size}.prof"
                run_worker(["benchmarks.load", "--worker", "ours", str(path), str(args.batch_size), str(profile)],
                           env, args.timeout)
                if profile.exists():
                    notes.append(f"Profile of a separate run of ours at {size:,} triples ({profile.name}; cProfile "
                                 f"slows it down), functions by own time:\n\n```\n{top_functions(profile)}```")

    body = "## Loading\n\n" + table(COLUMNS, rows) + "\n\n" + "\n\n".join(notes) + "\n\n" + EXPLANATION
    print("\n" + table(COLUMNS, rows))
    for note in notes:
        print("\n" + note)
    if args.results:
        write_section(args.results, "load", body, about)
        print(f"\nwritten to {args.results}")
    return 0


COLUMNS = ("triples", "loader", "process", "triples/s", "load()", "read+map", "validate", "write", "method",
           "peak RSS (PSS), Python", "peak RSS (Neo4j)", "nodes", "relationships", "status")


def _row(triples, tool, run, timeout, nodes, relationships, jvm) -> list:
    """One table row; the time and rate are the whole process's (start-up and imports included)."""
    value = run.value or {}
    failed = run.timed_out or run.error
    rate = f"{triples / run.seconds:,.0f}" if not failed and run.seconds else "-"

    def phase(name):
        return seconds_text(value[name]) if name in value else "-"

    status = "timed out" if run.timed_out else ("failed: " + run.error[:80]) if run.error else \
        value.get("status", "loaded")
    return [f"{triples:,}", LABELS[tool], run.time_text(timeout) if failed else seconds_text(run.seconds), rate,
            phase("seconds"), phase("read_map"), phase("validate"), phase("write"), value.get("method", "-"),
            f"{mb(run.peak_rss)} ({mb(run.peak_pss)})", mb(jvm), f"{nodes:,}", f"{relationships:,}", status]


def _ratios(size: int, measured: dict) -> str:
    """The speed-ups the goals are about, for one size."""
    def seconds(tool):
        """The whole process's wall time: what a user waits for."""
        run = measured.get(tool)
        if run is None or run.timed_out or run.error:
            return None
        return run.seconds

    lines = []
    ours, bolt, theirs = seconds("ours"), seconds("ours-bolt"), seconds("rdflib-neo4j")
    slow, reload, incremental = seconds("ours-pyshacl"), seconds("reload"), seconds("incremental")
    if ours and theirs:
        method = (measured["ours"].value or {}).get("method", "?")
        lines.append(f"ours ({method}) is {theirs / ours:.2f}x as fast as rdflib-neo4j, {size / ours:,.0f} triples/s")
    if bolt and theirs:
        lines.append(f"Bolt only {theirs / bolt:.2f}x")
    if ours and slow:
        lines.append(f"with pySHACL validation the load takes {slow / ours:.1f}x as long")
    if ours and reload:
        lines.append(f"reload of unchanged input is {ours / reload:.0f}x as fast as the first load")
    if incremental:
        added = max(int(size * INCREMENT), 100)
        lines.append(f"the incremental load of ~{added:,} new triples runs at {added / incremental:,.0f} triples/s")
    return f"At {size:,} triples: " + "; ".join(lines) + "." if lines else ""


EXPLANATION = """\
Each load runs in a fresh Python process; *process* is that process's wall time (start-up, imports and the
connection included: what a user waits for, and what the ratios compare), *load()* the time inside `load()` (or
rdflib-neo4j's parse-and-write). Every first load goes into an empty database (constraints and indexes dropped; ours
creates its own, rdflib-neo4j its `n10s_unique_uri`); *reload* and *incremental* follow the first load of *ours
(auto)*. *read+map* is the pyoxigraph parse and the mapping to rows; *validate* is the context query and the time
`shacl.validate()` adds to them (from 50,000 triples it runs in a forked process beside the mapping, and adds only
what it takes longer), *write* the rest: with the importer the plan, the CSV files, the import and the DBMS rebuild
in the warm JVM, the schema and the ledger; with Bolt the schema, batched writes (CREATE of the plan into an empty
graph, MERGE into another) and the ledger. *method* is what `--method auto` chose. Peak RSS is sampled every 50 ms
with psutil, over the loading process and its children (summed: the pages the validation process shares with the
loader count twice; PSS, read every 0.5 s, shares them out, and is the physical memory the two take together), and
over Neo4j's JVM (heap 2 GB, page cache 1 GB, Graph Data Science loaded as `neo4j start` loads it) during the load.
rdflib-neo4j runs with its defaults otherwise: multivalued properties overwrite each other
(HANDLE_MULTIVAL_STRATEGY.OVERWRITE), n-ary classes become nodes, nothing is validated; its node and relationship
counts differ from ours for those reasons."""


if __name__ == "__main__":
    sys.exit(main())
