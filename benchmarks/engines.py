"""Engine benchmark: brokers and coalitions under GDS (inside Neo4j) against igraph and NetworkX (in Python).

For each size *n* (agents of the organisation network, 10^5 and 10^6 by default) a synthetic corpus
(:mod:`graph_loader.rdf.synth`, sized as ``benchmarks.analysis`` sizes it) is built into a Neo4j 5.26 with Graph
Data Science 2.13: the benchmark's own managed instance, by the bulk importer in parts of 10^5 agents
(:mod:`benchmarks.big_graph`), or ``NEO4J_URI``, by ``load``. Then, one worker process each, on the same database:

* ``gds``: :func:`graph_loader.engines.gds.analyse_gds` end to end (projection in Neo4j, betweenness sampled as
  the engine samples it, Louvain, k-core, components, Burt's measures on the streamed ties, roles of the top 15,
  scores not written back);
* ``igraph``: what ``--engine networkx`` runs: the full graph read from Neo4j, then ``rank_brokers`` and
  ``find_coalitions`` (igraph above 5,000 agents; stability across 10 seeds as the command runs it);
* ``networkx``: the full graph read from Neo4j, the organisation network, then plain NetworkX: sampled
  ``nx.betweenness_centrality`` (as many sources as ours) and ``nx.community.louvain_communities``.

Each row gives the wall time of the worker (reading or projecting included), the peak resident memory of the
Python worker, and the peak resident memory of the Neo4j JVM during that worker (managed instance only). Each
worker's address space is capped at :data:`WORKER_MEMORY_CAP`: an engine that needs more reports the
``MemoryError`` and the stage it reached.
Run: ``python -m benchmarks.engines --sizes 100000`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from .analysis import triples_for
from .big_graph import import_synthetic
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

SIZES = (100_000, 1_000_000)
QUICK_SIZES = (300,)
ENGINES = ("gds", "igraph", "networkx")
#: Address-space cap of each worker (bytes), two thirds of the 24 GB machine: the Python engines' full graph at
#: 10^6 agents needs more than the machine has, and they are to fail with MemoryError, not take Neo4j down with them.
WORKER_MEMORY_CAP = 16 * 2**30


def _worker(engine: str) -> None:
    """Run one engine on the database of the environment and print its measurements (one JSON line)."""
    from graph_loader.neo4j.connection import open_database
    from graph_loader.settings import load_settings

    settings = load_settings()
    db = open_database(settings.uri, settings.user, settings.password, settings.database)
    started = time.perf_counter()
    if engine == "gds":
        from graph_loader.engines.gds import analyse_gds

        result = analyse_gds(db, top=15, write=False, stability_runs=0)
        info = result.broker_info
        emit_result({"seconds": time.perf_counter() - started, "agents": info.nodes, "ties": info.edges,
                     "project": info.seconds["project"], "method": info.betweenness.method,
                     "k": info.betweenness.k, "top": [r["uri"] for r in result.brokers[:10]],
                     "coalitions": result.coalition_info.count})
        return
    from graph_loader.neo4j.read import read_property_graph
    from graph_loader.ontology.schema import load_schema

    stage, out_of_memory = "reading the full graph", None
    try:
        G_full = read_property_graph(db).to_networkx(load_schema())
        read = time.perf_counter() - started
        stage = "analysing it"
        if engine == "igraph":
            from graph_loader.analysis import find_coalitions, rank_brokers

            brokers = rank_brokers(G_full)
            coalitions = find_coalitions(G_full)
            emit_result({"seconds": time.perf_counter() - started, "read": read,
                         "agents": brokers.metadata["nodes"], "ties": brokers.metadata["edges"],
                         "method": brokers.metadata["betweenness"]["method"],
                         "k": brokers.metadata["betweenness"]["k"], "top": [r["uri"] for r in brokers[:10]],
                         "coalitions": len(coalitions["coalitions"])})
            return
        import networkx as nx

        from graph_loader.analysis import organisation_network
        from graph_loader.analysis.brokers import default_sample_size

        G = organisation_network(G_full)
        del G_full
        k = min(len(G), default_sample_size(G))
        scores = nx.betweenness_centrality(G, k=k, weight="distance", seed=0)
        communities = nx.community.louvain_communities(G, weight="strength", seed=0)
        top = sorted(scores, key=scores.get, reverse=True)[:10]
        emit_result({"seconds": time.perf_counter() - started, "read": read, "agents": len(G),
                     "ties": G.number_of_edges(), "method": "sampled", "k": k,
                     "top": [G.nodes[v].get("uri", v) for v in top],
                     "coalitions": sum(1 for c in communities if len(c) > 1)})
    except MemoryError:
        out_of_memory = stage  # reported below, once the traceback and the frames holding the graph are gone
    if out_of_memory:
        emit_result({"seconds": time.perf_counter() - started, "out_of_memory": out_of_memory})


def _load(bench, agents: int) -> dict:
    """Fill the benchmark's database with a synthetic graph of about ``agents`` agents.

    The managed instance is built by the bulk importer, part by part (:mod:`benchmarks.big_graph`: 10^6 agents are
    about 34 million triples); an external server (``NEO4J_URI``) gets one corpus through ``load``.
    """
    triples = triples_for(agents)
    bench.reset()
    started = time.perf_counter()
    if bench.instance is not None:
        built = import_synthetic(bench.db, triples, agents, OUT / "engines")
        return {"triples": built["triples"], "parts": built["parts"], "load": time.perf_counter() - started}
    from graph_loader.loading import load
    from graph_loader.rdf.synth import write_synthetic

    path = OUT / f"engines-{triples}.nt"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_synthetic(path, triples, seed=0)
    load([path], bench.db)
    return {"triples": triples, "parts": 1, "load": time.perf_counter() - started}


def measure_size(bench, agents: int, timeout: float) -> tuple[list[list], dict]:
    about = _load(bench, agents)
    env = {**os.environ, **bench.env}
    from graph_loader.engines.gds import tie_spec
    from graph_loader.neo4j import gds_procedures as gds

    with gds.projection(bench.db, tie_spec()):  # warm-up: GDS's classes, Cypher's plan
        pass
    rows = []
    tops = {}
    for engine in ENGINES:
        jvm = bench.jvm_pid
        if jvm is not None:
            with PeakRss(jvm) as jvm_rss:
                measured = run_worker(["benchmarks.engines", "--worker", engine], env, timeout, WORKER_MEMORY_CAP)
            jvm_peak = jvm_rss.peak
        else:
            measured = run_worker(["benchmarks.engines", "--worker", engine], env, timeout, WORKER_MEMORY_CAP)
            jvm_peak = None
        value = measured.value or {}
        tops[engine] = value.get("top")
        note = measured.error or ""
        time_text = measured.time_text(timeout)
        if value.get("out_of_memory"):
            time_text = f"failed after {seconds_text(value['seconds'])}"
            note = f"MemoryError at the {WORKER_MEMORY_CAP / 2**30:.0f} GB cap while {value['out_of_memory']}"
        elif value:
            note = f"betweenness {value['method']}" + (f" k={value['k']}" if value.get("k") else "")
            if "project" in value:
                note += f"; projection {seconds_text(value['project'])}"
            if "read" in value:
                note += f"; reading the full graph {seconds_text(value['read'])}"
            about.setdefault("agents", value["agents"])
            about.setdefault("ties", value["ties"])
        rows.append([f"{about.get('agents', agents):,}", engine, time_text, mb(measured.peak_rss),
                     mb(jvm_peak), note])
        print(" | ".join(rows[-1]), flush=True)
    if tops.get("gds") and tops.get("igraph"):
        about["overlap"] = len(set(tops["gds"]) & set(tops["igraph"]))
    return rows, about


COLUMNS = ("agents", "engine", "time (end to end)", "peak RSS (Python)", "peak RSS (Neo4j JVM)", "note")


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--worker"]:
        _worker(argv[1])
        return 0
    args = resolve(parser(__doc__.split("\n", 1)[0], SIZES, QUICK_SIZES, timeout=1800).parse_args(argv))
    from graph_loader.neo4j.plugins import GDS_VERSION

    from .database import BenchDatabase

    about = machine(networkx=package_version("networkx"), igraph=package_version("igraph"),
                    gds=GDS_VERSION)
    rows, sizes = [], []
    with BenchDatabase(gds=True) as bench:
        about["neo4j"] = bench.version
        for agents in args.sizes:
            size_rows, graph = measure_size(bench, agents, args.timeout)
            rows += size_rows
            sizes.append(f"- {graph.get('agents', agents):,} agents / {graph.get('ties', '?'):,} ties: synthetic "
                         f"corpus of {graph['triples']:,} triples in {graph['parts']} part(s), built in "
                         f"{seconds_text(graph['load'])}; top-10 brokers "
                         f"shared by GDS and igraph (both sampled): {graph.get('overlap', 'n/a')}/10")
    print("\n" + table(COLUMNS, rows))
    body = "## Engines: GDS inside Neo4j against igraph and NetworkX in Python\n\n" + table(COLUMNS, rows) + \
        "\n\nGraphs:\n" + "\n".join(sizes) + "\n\n" + EXPLANATION
    if args.results:
        write_section(Path(args.results), "engines", body, about)
        print(f"\nwritten to {args.results}")
    return 0


EXPLANATION = """\
Each graph is built by Neo4j's bulk importer from synthetic parts of 10^5 agents (`benchmarks/big_graph.py`; at
10^6, ten disjoint synthetic diasporas with seeds 0-9). One worker process per engine, on the same database, one
after the other; the time is the worker's whole wall time (reading the full graph, or projecting it in Neo4j,
included), the Python peak is the worker's, the JVM peak that of the managed Neo4j while the worker ran (after one
untimed projection that loads GDS's classes and plans the projection query; its heap is 2 GB, the rest is page
cache and GDS's off-heap arrays). Each worker's address space is capped at 16 GB: past it, allocation fails with
`MemoryError`, which the worker reports with the stage it reached. `gds`: `analyse_gds` (top 15 brokers and
coalitions described), without writing scores and without Leiden stability runs (Louvain); `igraph`:
`rank_brokers` and `find_coalitions` on the full graph, as `--engine networkx` runs them above 5,000 agents;
`networkx`: plain NetworkX (sampled betweenness with as many sources, Louvain)."""


if __name__ == "__main__":
    sys.exit(main())
