"""Commands about data: ``validate``, ``load``, ``unload``, ``sources``, ``export``, ``schema``, ``synth``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..report.table import Layout, parse_columns, print_rows
from .app import (
    console,
    echo,
    main,
    note,
    print_warnings,
    progress_factory,
    reports_errors,
    table_options,
    validator_option,
)

#: The load report's columns: which file, what happened, what it wrote; the reference count and time with --wide.
LOAD_LAYOUT = Layout(default=("source", "status", "nodes", "relationships", "triples"),
                     roles={"source": "path", "status": "key", "nodes": "name", "relationships": "name",
                            "seconds": "number"})
#: The loaded sources: which file, its counts, whether it is whole, when.
SOURCES_LAYOUT = Layout(default=("source", "triples", "nodes", "relationships", "complete", "loaded_at"),
                        roles={"source": "path", "loaded_at": "key"})
#: The states a count may have, in the order a report names them (a dry run: would-create, present).
STATES = ("created", "updated", "unchanged", "would-create", "present")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@validator_option
@reports_errors
def validate(paths, fmt, validator):
    """Validate RDF/CSV files against the SHACL shapes (default: the seed corpus).

    Exit codes: 0 valid (warnings allowed), 1 invalid, 2 error (unreadable file, syntax error).
    """
    from ..loading import prepare_and_validate
    from ..rdf.sources import FilesContext, inspect_paths
    from ..report.rows import to_json

    prepared, report = prepare_and_validate(inspect_paths(paths), FilesContext(), validator=validator)
    if fmt == "json":
        print(to_json(report.to_json()))
    else:
        print(report.to_text())
        for item in prepared:
            print_warnings(item.source.key, item.mapped.warnings)
        echo(f"Validated {len(prepared)} file(s), {sum(p.mapped.triples for p in prepared)} triples: "
              f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s).")
    sys.exit(0 if report.conforms else 1)




def _counts_text(counter) -> str:
    """``created 40, updated 7`` (states in :data:`STATES` order, zeros left out), or ``-``."""
    states = sorted(counter, key=lambda st: STATES.index(st) if st in STATES else len(STATES))
    return ", ".join(f"{state.replace('-', ' ')} {counter[state]:,}" for state in states if counter[state]) or "-"


def _file_rows(report, flat: bool) -> list[dict]:
    """One row per file of the load report: counts as text for a table, one column per state for CSV.

    Node counts leave out the reference rows (nodes a file only points at; see
    :data:`graph_loader.merge.REFERENCED`), which get a column of their own.
    """
    from collections import Counter

    from ..merge import REFERENCED

    rows = []
    for f in report.files:
        nodes = Counter()
        for label, counter in f.counts.by_label.items():
            if label != REFERENCED:
                nodes.update(counter)
        referenced = sum(f.counts.by_label.get(REFERENCED, Counter()).values())
        row = {"source": f.key, "status": f.status, "triples": f.triples}
        if flat:
            row.update({f"nodes_{st}": nodes.get(st, 0) for st in STATES if any(
                st in c for g in report.files for lab, c in g.counts.by_label.items() if lab != REFERENCED)})
            row.update({f"relationships_{st}": f.counts.relationships.get(st, 0) for st in STATES
                        if any(st in g.counts.relationships for g in report.files)})
        else:
            row.update({"nodes": _counts_text(nodes), "relationships": _counts_text(f.counts.relationships)})
        row.update({"referenced": referenced, "seconds": round(f.seconds, 2)})
        rows.append(row)
    return rows


def _by_kind(title: str, counters: dict, state: str) -> str | None:
    """``Nodes created (700): Evidence 340, State 82, …``: one state's counts by label or type, largest first."""
    counts = sorted(((name, c[state]) for name, c in counters.items() if c.get(state)), key=lambda x: (-x[1], x[0]))
    if not counts:
        return None
    total = sum(n for _, n in counts)
    return f"{title} {state.replace('-', ' ')} ({total:,}): " + ", ".join(f"{name} {n:,}" for name, n in counts) + "."


def _print_load_report(report, columns, wide) -> None:
    """The load report on stderr: a table of the files, then in sentences what was written, by label and type."""
    from collections import Counter

    from ..merge import REFERENCED

    title = "Load report" + (" (dry run: nothing written)" if report.dry_run else "")
    print_rows(_file_rows(report, flat=False), "table", title=title, console=console, layout=LOAD_LAYOUT,
               columns=columns, wide=wide)
    totals = report.totals
    labels = {k: v for k, v in totals.by_label.items() if k != REFERENCED}
    lines = [_by_kind(kind, counters, state) for kind, counters in (("Nodes", labels),
                                                                     ("Relationships", totals.by_type))
             for state in STATES]
    referenced = totals.by_label.get(REFERENCED, Counter())
    present = referenced.get("updated", 0) + referenced.get("unchanged", 0)
    if present:
        lines.append(f"Referenced, not described: {present:,} node(s) already in the graph that the files' ties "
                     "point at (places, organisations, ...). Nothing of them changes but their list of sources, "
                     "which now names these files too, so that they stay while these files' ties point at them.")
    if referenced.get("created"):
        lines.append(f"Referenced but not in the graph: {referenced['created']:,} node(s) the files' ties point "
                     "at were made as bare placeholders (stub: true) until a file describes them.")
    if report.validation is not None and report.validation.warnings:
        lines.append(f"{len(report.validation.warnings)} validation warning(s) (loaded anyway; "
                     "see `diaspora-kg validate` for the list).")
    for line in filter(None, lines):
        note(line)
    for f in report.files:
        print_warnings(f.key, f.warnings)
    if totals.dangling:
        echo(f"[yellow]{len(totals.dangling)} tie(s) point at resources that do not exist[/yellow]")
    # One message line each, as every command's messages are (not wrapped: copied and searched whole).
    if report.method:
        writer = "Neo4j's bulk importer" if report.method == "import" else "Bolt transactions"
        if report.dry_run:
            echo(f"Nothing written (dry run); a load would write with {writer}: {report.method_reason}.")
        else:
            echo(f"Written with {writer}: {report.method_reason}.")
    elif report.dry_run:
        echo("Nothing written (dry run).")
    echo(f"Done in {report.seconds:.1f} s.")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=5000, show_default=True,
              help="Rows per transaction.")
@click.option("--dry-run", is_flag=True, help="Validate and report what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Reload files even when they are unchanged.")
@table_options
@click.option("--method", type=click.Choice(["auto", "bolt", "import"]), default="auto", show_default=True,
              help="How to write: bolt (transactions, any server), import (Neo4j's bulk importer: a first load into "
                   "the managed instance's empty database), auto (the importer when it can run and pays off).")
@validator_option
@reports_errors
def load(paths, batch_size, dry_run, force, fmt, columns, wide, validator, method):
    """Validate and load RDF (Turtle, N-Triples, JSON-LD, RDF/XML) and CSV templates into Neo4j.

    With no PATH, loads the seed corpus (data/gazetteer and data/seed). Loading is idempotent: unchanged files
    are skipped, changed files replace their previous facts. Violations stop the load (exit 1), nothing written.
    """
    from ..loading import load as load_paths
    from ..neo4j.connection import connect
    from ..report.rows import to_json

    with connect(echo=echo) as db:
        report = load_paths(paths or None, db, batch_size=batch_size, dry_run=dry_run, force=force,
                            progress=progress_factory(), validator=validator, method=method, echo=echo)
    if fmt == "json":
        print(to_json(report.to_dict()))
    elif fmt == "csv":
        print_rows(_file_rows(report, flat=True), "csv")
    else:
        _print_load_report(report, parse_columns(columns), wide)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@reports_errors
def unload(sources, fmt):
    """Remove what only these sources asserted: files, folders (every loaded source inside, as `load` takes
    them) or keys from `diaspora-kg sources`."""
    from ..loading import unload as unload_sources
    from ..neo4j.connection import connect
    from ..neo4j.ledger import load_lock

    with connect(echo=echo) as db, load_lock(db, echo):  # not in the middle of a load
        results = unload_sources(sources, db)
    if fmt != "table":
        print_rows(results, fmt)
        return
    for r in results:
        if "merges_undone" in r:  # a decisions file (`resolve --apply`)
            echo(f"Unloaded {r['source']}: undid {r['merges_undone']:,} merge(s); {r['nodes_restored']:,} merged "
                 f"node(s) and {r['relationships_restored']:,} of their relationships are their own again.")
            continue
        echo(f"Unloaded {r['source']}: removed {r['nodes_removed']:,} nodes and {r['relationships_removed']:,} "
             f"relationships; kept {r['nodes_kept']:,} nodes and {r['relationships_kept']:,} relationships that "
             "other sources also assert.")
    if len(results) > 1:
        total = {k: sum(r[k] for r in results) for k in ("nodes_removed", "relationships_removed", "nodes_kept",
                                                         "relationships_kept")}
        echo(f"Unloaded {len(results)} sources: removed {total['nodes_removed']:,} nodes and "
             f"{total['relationships_removed']:,} relationships in all; kept {total['nodes_kept']:,} nodes and "
             f"{total['relationships_kept']:,} relationships that other sources also assert.")


@main.command()
@table_options
@reports_errors
def sources(fmt, columns, wide):
    """List the loaded sources (files) with their counts."""
    from ..neo4j.connection import connect
    from ..neo4j.ledger import loaded_sources

    with connect(echo=echo) as db:
        rows = loaded_sources(db)
    if fmt == "table":  # minutes are enough on a terminal; CSV and JSON keep the full time
        rows = [{**r, "loaded_at": (r["loaded_at"] or "")[:16].replace("T", " ")} for r in rows]
    print_rows(rows, fmt, title="Loaded sources", layout=SOURCES_LAYOUT, columns=parse_columns(columns), wide=wide)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "jsonld", "graphml", "gexf", "csv"]),
              required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output file (a folder for csv: nodes.csv and relationships.csv).")
@reports_errors
def export(fmt, out):
    """Export the graph from Neo4j: RDF (round-trips through `load`), GraphML/GEXF for Gephi, or CSV."""
    from ..export import export as export_graph
    from ..neo4j.connection import connect
    from ..neo4j.ledger import namespace_prefixes
    from ..neo4j.read import read_property_graph
    from ..ontology.schema import load_schema

    with connect(echo=echo) as db:
        graph = read_property_graph(db)
        prefixes = namespace_prefixes(db)
    warnings: list[str] = []
    paths = export_graph(graph, load_schema(), fmt, out, prefixes, on_warning=warnings.append)
    print_warnings("export", warnings)
    echo(f"Exported {len(graph.nodes)} nodes and {len(graph.relationships)} relationships as {fmt}: "
          + ", ".join(map(str, paths)))


@main.command()
@click.option("--write-cypher", is_flag=True, help="Rewrite cypher/schema/create_schema.cypher from the ontology.")
@table_options
@reports_errors
def schema(write_cypher, fmt, columns, wide):
    """Show the property-graph schema the ontology defines: labels, relationship types, n-ary relationships."""
    from ..neo4j.schema import SCHEMA_CYPHER, schema_cypher
    from ..ontology.schema import load_schema

    graph_schema = load_schema()
    if write_cypher:
        SCHEMA_CYPHER.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_CYPHER.write_text(schema_cypher(graph_schema), encoding="utf-8")
        echo(f"Wrote {SCHEMA_CYPHER}")
        return
    rows = [{"kind": "node label", "name": c.label, "superclasses": ", ".join(c.labels[1:]),
             "maps": c.iri.split("#")[-1]} for c in graph_schema.classes.values() if c.relationship is None]
    rows += [{"kind": "relationship", "name": p.type, "superclasses": "", "maps": p.name}
             for p in graph_schema.object_properties.values() if p.store_as == "relationship"]
    rows += [{"kind": "n-ary relationship", "name": n.type, "superclasses": "",
              "maps": f"{n.class_iri.split('#')[-1]} ({n.source_property.split('#')[-1]} -> "
                      f"{n.target_property.split('#')[-1]})"} for n in graph_schema.nary.values()]
    print_rows(rows, fmt, title="Property-graph schema (from ontology/diaspora.ttl)",
               layout=Layout(roles={"name": "key", "kind": "key", "superclasses": "text", "maps": "name"}),
               columns=parse_columns(columns), wide=wide)



@main.command(name="synth")
@click.option("--triples", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Number of triples wanted (the corpus ends with the first HTA that reaches it).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed: the same seed gives the same file.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file: .ttl (Turtle) or .nt (N-Triples); never inside data/.")
@click.option("--part", default="", help="Put every resource under a namespace of its own (synthetic/<part>/), so "
                                         "the corpus loads beside another one as new triples.")
def synth_command(triples: int, seed: int, out_path: Path, part: str) -> None:
    """Write a synthetic corpus for benchmarks (every resource under the synthetic namespace, marked synthetic)."""
    from ..rdf.synth import write_synthetic

    try:
        written = write_synthetic(out_path, triples, seed, part)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--out") from exc
    click.echo(f"Wrote {written} synthetic triples (seed {seed}) to {out_path}", err=True)
