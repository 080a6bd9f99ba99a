"""Analysis benchmark: :mod:`graph_loader.analysis` against plain NetworkX calls, on synthetic networks.

For each size *n* the script builds the full graph of a synthetic corpus (:mod:`graph_loader.rdf.synth`, mapped as a
load would map it, no server) whose organisation network has about *n* agents, then times on that same network

* projections: ``organisation_network`` (ours only); the Newman-weighted projection of the affiliation graph,
  ours (``affiliation_projection``) against ``nx.bipartite.collaboration_weighted_projected_graph``;
* betweenness: ours (exact up to 5,000 nodes, sampled sources with igraph above) against
  ``nx.betweenness_centrality`` (exact), with the top-50 overlap of ours and the exact scores;
* structural holes: ours against ``nx.constraint`` and ``nx.effective_size``;
* communities: ours ``louvain`` and ``leiden`` against ``nx.community.louvain_communities``;
* end to end: ``rank_brokers`` and ``find_coalitions`` on the full graph (what the command line runs).

Every call runs in a forked process and is stopped after ``--timeout`` seconds (reported as "> N s").
Run: ``python -m benchmarks.analysis --sizes 1000,10000,100000`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import sys
import time

import networkx as nx

from graph_loader.analysis import (
    betweenness,
    find_coalitions,
    leiden,
    louvain,
    organisation_network,
    rank_brokers,
    structural_holes,
)
from graph_loader.analysis.projections import affiliation_network, affiliation_projection
from graph_loader.ontology.schema import load_schema
from graph_loader.rdf.mapping import map_triples
from graph_loader.rdf.sources import from_mapped
from graph_loader.rdf.synth import synthetic_triples

from .common import (
    Measured,
    machine,
    package_version,
    parser,
    resolve,
    run_forked,
    seconds_text,
    table,
    write_section,
)

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (300,)
#: Top-k nodes compared between sampled and exact betweenness.
TOP_K = 50
CALIBRATION_TRIPLES = 50_000


def full_graph(triples: int, seed: int = 0) -> nx.MultiDiGraph:
    """The full graph (NetworkX contract) of a synthetic corpus of ``triples`` triples."""
    schema = load_schema()
    return from_mapped(map_triples(synthetic_triples(triples, seed), schema)).to_networkx(schema)


def triples_for(agents: int) -> int:
    """Corpus size whose organisation network has about ``agents`` agents (calibrated on a small corpus)."""
    sample = organisation_network(full_graph(CALIBRATION_TRIPLES)).number_of_nodes()
    return max(1_000, round(agents * CALIBRATION_TRIPLES / sample))


def top_overlap(estimate: dict, exact: dict, k: int = TOP_K) -> float:
    """Share of the ``k`` highest exact scores that are also among the ``k`` highest estimates.

    >>> top_overlap({"a": 3, "b": 2, "c": 1}, {"a": 3, "b": 1, "c": 2}, k=2)
    0.5
    """
    def top(scores):
        return set(sorted(scores, key=lambda v: (-scores[v], str(v)))[:k])

    return len(top(estimate) & top(exact)) / min(k, len(exact)) if exact else float("nan")


def measure_size(agents: int, timeout: float) -> tuple[list[list], dict]:
    """The rows of one size, and its graph's description."""
    triples = triples_for(agents)
    started = time.perf_counter()
    G_full = full_graph(triples)
    built = time.perf_counter() - started
    G = organisation_network(G_full)
    B = affiliation_network(G_full)
    agent_nodes = [v for v, side in B.nodes(data="bipartite") if side == 0]
    about = {"triples": triples, "full_nodes": G_full.number_of_nodes(), "nodes": G.number_of_nodes(),
             "edges": G.number_of_edges(), "build": built}
    print(f"\n{about['nodes']:,} agents, {about['edges']:,} ties (full graph {about['full_nodes']:,} nodes, "
          f"from {triples:,} triples, built in {seconds_text(built)})", flush=True)

    def run(fn) -> Measured:
        return run_forked(fn, timeout)

    rows = []

    def row(measure, ours: Measured, theirs: Measured | None, note=""):
        speedup = "-"
        if theirs is not None and not (ours.timed_out or ours.error) and ours.seconds > 0:
            bound = ">" if theirs.timed_out else ""
            speedup = "-" if theirs.error else f"{bound}{theirs.seconds / ours.seconds:,.1f}x"
        rows.append([f"{about['nodes']:,}", f"{about['edges']:,}", measure, ours.time_text(timeout),
                     theirs.time_text(timeout) if theirs else "-", speedup, note or (ours.error or "")])
        print(" | ".join(map(str, rows[-1])), flush=True)

    row("organisation network (projection)", run(lambda: organisation_network(G_full).number_of_nodes()), None)
    row("affiliation projection (Newman)", run(lambda: affiliation_projection(B).number_of_edges()),
        run(lambda: nx.bipartite.collaboration_weighted_projected_graph(B, agent_nodes).number_of_edges()))

    ours = run(lambda: _betweenness(G))
    exact = ours if ours.value and ours.value[0] == "exact" else \
        run(lambda: _betweenness(G, k=len(G)))
    plain = run(lambda: len(nx.betweenness_centrality(G, weight="distance")))
    note = ""
    if ours.value and ours.value[0] == "sampled":
        overlap = top_overlap(ours.value[1], exact.value[1]) if exact.value else None
        note = f"sampled k={ours.value[2]}; top-{TOP_K} overlap with exact " + \
            (f"{overlap:.0%}" if overlap is not None else f"n/a (exact {exact.time_text(timeout)})")
    elif ours.value:
        note = "exact"
    row("betweenness", ours, plain, note)

    row("structural holes (constraint + effective size)", run(lambda: len(structural_holes(G))),
        _sum(run(lambda: len(nx.constraint(G, weight="strength"))),
             run(lambda: len(nx.effective_size(G, weight="strength")))))
    row("Louvain", run(lambda: len(louvain(G).communities)),
        run(lambda: len(nx.community.louvain_communities(G, weight="strength", seed=0))))
    row("Leiden", run(lambda: len(leiden(G).communities)), None)
    row("rank_brokers (full graph, end to end)", run(lambda: len(rank_brokers(G_full))), None)
    row("find_coalitions (full graph, end to end)", run(lambda: len(find_coalitions(G_full)["coalitions"])), None)
    return rows, about


def _betweenness(G: nx.Graph, k: int | None = None) -> tuple:
    result = betweenness(G, weight="distance", k=k, seed=0)
    return result.method, result.scores, result.k


def _sum(first: Measured, second: Measured) -> Measured:
    """Two runs reported as one (NetworkX needs two calls for what ours computes in one)."""
    if first.timed_out or second.timed_out:
        return Measured(first.seconds + second.seconds, timed_out=True)
    return Measured(first.seconds + second.seconds, error=first.error or second.error)


COLUMNS = ("agents", "ties", "measure", "ours", "plain NetworkX", "speed-up", "note")


def main(argv: list[str] | None = None) -> int:
    args = resolve(parser(__doc__.split("\n", 1)[0], SIZES, QUICK_SIZES).parse_args(argv))
    # The C libraries are imported (and so loaded) once, before any timed call: an import is not analysis time.
    import igraph  # noqa: F401
    import leidenalg  # noqa: F401

    about = machine(networkx=package_version("networkx"), igraph=package_version("igraph"),
                    leidenalg=package_version("leidenalg"))
    rows, sizes = [], []
    for agents in args.sizes:
        size_rows, graph = measure_size(agents, args.timeout)
        rows += size_rows
        sizes.append(f"- {graph['nodes']:,} agents / {graph['edges']:,} ties: organisation network of a synthetic "
                     f"corpus of {graph['triples']:,} triples (full graph {graph['full_nodes']:,} nodes, mapped "
                     f"in {seconds_text(graph['build'])})")
    print("\n" + table(COLUMNS, rows))
    body = "## Analysis\n\n" + table(COLUMNS, rows) + "\n\nGraphs:\n" + "\n".join(sizes) + "\n\n" + EXPLANATION
    if args.results:
        write_section(args.results, "analysis", body, about)
        print(f"\nwritten to {args.results}")
    return 0


EXPLANATION = f"""\
Each time is one call in a forked process on the same graph (time-out: the run's `--timeout`). Betweenness
takes `distance` (= 1/strength) as edge length, structural holes and communities take `strength`. The top-{TOP_K}
overlap compares sampled betweenness with the exact scores (igraph, same graph) where those finished. The
synthetic organisation network is sparse: hometown associations tie to their federation and to the bodies that
co-fund their projects, and many municipal governments and committees have no tie at all."""


if __name__ == "__main__":
    sys.exit(main())
