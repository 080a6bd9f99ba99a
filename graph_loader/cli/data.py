"""Commands about data: ``validate``, ``load``, ``unload``, ``sources``, ``export``, ``schema``, ``synth``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..report.rows import FORMATS, print_rows
from .app import (
    console,
    echo,
    main,
    print_warnings,
    progress_factory,
    reports_errors,
    validator_option,
)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@validator_option
@reports_errors
def validate(paths, fmt, validator):
    """Validate RDF/CSV files against the SHACL shapes (default: the seed corpus).

    Exit codes: 0 valid (warnings allowed), 1 invalid, 2 error (unreadable file, syntax error).
    """
    from .. import shacl
    from ..rdf.sources import (
        attach_relationship_updates,
        context_from_files,
        prepare,
        referenced_uris,
        warn_untyped,
    )
    from ..report.rows import to_json

    prepared = prepare(paths)
    attach_relationship_updates(prepared)
    warn_untyped(prepared)
    report = shacl.validate(prepared, context_from_files(referenced_uris(prepared)), engine=validator)
    if fmt == "json":
        print(to_json(report.to_json()))
    else:
        print(report.to_text())
        for item in prepared:
            print_warnings(item.source.key, item.mapped.warnings)
        echo(f"Validated {len(prepared)} file(s), {sum(p.mapped.triples for p in prepared)} triples: "
              f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s).")
    sys.exit(0 if report.conforms else 1)




def _print_load_report(report) -> None:
    from rich.table import Table

    table = Table(title="Load report" + (" (dry run: nothing written)" if report.dry_run else ""))
    for column in ("source", "status", "triples", "nodes", "relationships", "seconds"):
        table.add_column(column)
    for f in report.files:
        table.add_row(f.key, f.status, str(f.triples),
                      ", ".join(f"{k} {v}" for k, v in sorted(f.counts.nodes.items())) or "-",
                      ", ".join(f"{k} {v}" for k, v in sorted(f.counts.relationships.items())) or "-",
                      f"{f.seconds:.2f}")
    console.print(table)
    totals = report.totals
    for title, column, counters in (("Nodes by label", "label", totals.by_label),
                                    ("Relationships by type", "type", totals.by_type)):
        if not counters:
            continue
        table = Table(title=title)
        table.add_column(column)
        states = sorted({s for c in counters.values() for s in c})
        for state in states:
            table.add_column(state, justify="right")
        for name, counter in sorted(counters.items()):
            table.add_row(name, *(str(counter.get(s, 0)) for s in states))
        console.print(table)
    if report.validation is not None and report.validation.warnings:
        echo(f"{len(report.validation.warnings)} validation warning(s) (loaded anyway; "
              "see `diaspora-kg validate` for the list).")
    for f in report.files:
        print_warnings(f.key, f.warnings)
    if totals.dangling:
        echo(f"[yellow]{len(totals.dangling)} tie(s) point at resources that do not exist[/yellow]")
    if report.method:
        writer = "Neo4j's bulk importer" if report.method == "import" else "Bolt transactions"
        echo(f"Written with {writer}: {report.method_reason}.")
    echo(f"Done in {report.seconds:.1f} s.")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=5000, show_default=True,
              help="Rows per transaction.")
@click.option("--dry-run", is_flag=True, help="Validate and report what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Reload files even when they are unchanged.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--method", type=click.Choice(["auto", "bolt", "import"]), default="auto", show_default=True,
              help="How to write: bolt (transactions, any server), import (Neo4j's bulk importer: a first load into "
                   "the managed instance's empty database), auto (the importer when it can run and pays off).")
@validator_option
@reports_errors
def load(paths, batch_size, dry_run, force, fmt, validator, method):
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
    else:
        _print_load_report(report)


@main.command()
@click.argument("source")
@reports_errors
def unload(source):
    """Remove what only SOURCE asserted (a file path or a key from `diaspora-kg sources`)."""
    from ..neo4j.connection import connect
    from ..neo4j.ledger import load_lock
    from ..neo4j.ledger import unload as unload_source

    with connect(echo=echo) as db, load_lock(db, echo):  # not in the middle of a load
        result = unload_source(db, source)
    echo(f"Unloaded {result['source']}: removed {result['nodes_removed']} nodes and "
          f"{result['relationships_removed']} relationships; kept {result['nodes_kept']} nodes and "
          f"{result['relationships_kept']} relationships that other sources also assert.")


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@reports_errors
def sources(fmt):
    """List the loaded sources (files) with their counts."""
    from ..neo4j.connection import connect
    from ..neo4j.ledger import loaded_sources

    with connect(echo=echo) as db:
        print_rows(loaded_sources(db), fmt, title="Loaded sources")


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
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@reports_errors
def schema(write_cypher, fmt):
    """Show the property-graph schema the ontology defines: labels, relationship types, n-ary relationships."""
    from ..ontology.schema import SCHEMA_CYPHER, load_schema, schema_cypher

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
    print_rows(rows, fmt, title="Property-graph schema (from ontology/diaspora.ttl)")



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
