"""A synthetic graph of up to millions of agents, built by Neo4j's bulk importer one part at a time.

The loader validates an input whole, in memory (about 0.9 GB per 10^6 triples), so a 10^6-agent synthetic corpus
(about 34 million triples) cannot go through ``load`` on a 24 GB machine, and Bolt writes of it in parts would take
over half an hour. The engine benchmark builds it here instead:

* the corpus is generated in parts of at most :data:`PART_AGENTS` agents, part *i* with seed *i* under its own
  namespace (:func:`graph_loader.rdf.synth.in_part`): parts share no resource, so the graph is that many disjoint
  synthetic diasporas;
* each part goes through the loader's own mapping (``prepare_sources``, ``source_rows``) and the bulk importer's own
  plan and CSV (``merge.plan_graph``, ``write_import_files``), then is dropped from memory: at any time Python holds
  one part;
* the importer builds the store from all parts' files at once, then the schema and the ledger are written as a
  first load writes them.

What it leaves out of a ``load``: SHACL validation (the generator's output is validated by the load benchmark at
10^5 and 10^6 triples). Synthetic data only: the files live under ``benchmarks/out``, never in ``data/``.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from graph_loader.merge import plan_graph
from graph_loader.neo4j import bulk_import, ledger
from graph_loader.neo4j.connection import Database
from graph_loader.neo4j.writer import GraphWriter, check_names
from graph_loader.ontology.schema import load_schema
from graph_loader.rdf.sources import inspect_paths, prepare_sources
from graph_loader.rdf.synth import write_synthetic

#: Agents per part: one part's mapping takes about 3 GB of Python memory.
PART_AGENTS = 100_000


def import_synthetic(db: Database, triples: int, agents: int, folder: Path, *,
                     part_agents: int = PART_AGENTS) -> dict:
    """Fill the managed, empty database ``db`` with a synthetic graph of about ``agents`` agents.

    ``triples`` is the corpus size of ``agents`` agents (``benchmarks.analysis.triples_for``), split evenly over
    ``ceil(agents / part_agents)`` parts; ``folder`` keeps the generated N-Triples files (reused by later runs).
    Returns ``{"parts", "triples", "nodes", "relationships", "seconds", "sha256"}``: what was imported, the wall
    time, and the part files' hashes (as the ledger records them).
    """
    from graph_loader.rdf.sources import source_rows

    started = time.perf_counter()
    parts = max(1, math.ceil(agents / part_agents))
    per_part = math.ceil(triples / parts)
    schema = load_schema()
    instance = db.instance
    folder.mkdir(parents=True, exist_ok=True)
    totals = {"parts": parts, "triples": 0, "nodes": 0, "relationships": 0}
    ledger_rows = []
    with bulk_import.exclusive_import(instance, db) as session:
        arguments: list[str] = []
        for i in range(parts):
            path = folder / f"big-{per_part}-part{i}.nt"
            if not path.exists():
                write_synthetic(path, per_part, seed=i, part=f"part{i}")
            (item,) = prepare_sources(inspect_paths([path]), schema)
            nodes, relationships = source_rows(item.mapped)
            check_names(schema, nodes, relationships)
            plan = plan_graph([(item.source.key, nodes, relationships)])
            arguments += bulk_import.write_import_files(plan.graph, session.folder, prefix=f"part{i}-")
            totals["triples"] += item.mapped.triples
            totals["nodes"] += len(plan.graph.nodes)
            totals["relationships"] += len(plan.graph.relationships)
            ledger_rows.append((item.source, item.mapped.triples, len(item.mapped.nodes),
                                len(item.mapped.relationships), item.mapped.prefixes))
            print(f"  part {i + 1}/{parts}: {item.mapped.triples:,} triples, {len(plan.graph.nodes):,} nodes, "
                  f"{len(plan.graph.relationships):,} relationships staged "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
            del item, nodes, relationships, plan
        print(f"  Neo4j's importer: {totals['nodes']:,} nodes, {totals['relationships']:,} relationships", flush=True)
        session.run(arguments)
        db.reconnect()
        GraphWriter(db, schema).ensure_schema()
        for source, triples_read, nodes, relationships, prefixes in ledger_rows:
            ledger.mark_started(db, source.key, source.sha256, source.path)
            ledger.mark_complete(db, source.key, triples=triples_read, nodes=nodes, relationships=relationships,
                                 prefixes=prefixes)
        session.commit()
    totals["seconds"] = time.perf_counter() - started
    totals["sha256"] = [source.sha256 for source, *_ in ledger_rows]
    return totals

