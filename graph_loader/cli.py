"""The ``diaspora-kg`` command line: thin wrappers that parse options, call the library and report.

Every command prints what it did (counts, paths); errors are one message with a hint and an exit code
(0 ok, 1 invalid data, 2 other errors).
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from .errors import DiasporaKGError
from .report.rows import FORMATS, parse_param, print_rows
from .settings import load_settings

# Messages to stderr, results to stdout (so they can be piped); no wrapping inside paths and messages.
console = Console(stderr=True, soft_wrap=True)


def reports_errors(func):
    """Turn a DiasporaKGError into a clear message on stderr and its exit code, without a traceback.

    Ctrl-C ends with exit 130 and one line. Anything else is a bug of ours: one line naming it (the traceback
    only with ``DKG_DEBUG=1``) and exit 2, so that a user never has to read a Python stack.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DiasporaKGError as exc:
            report = getattr(exc, "report", None)
            if report is not None:
                console.print(report.to_text(), markup=False, highlight=False)
            _error(exc.message, exc.hint)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            _error("interrupted by Ctrl-C", "nothing half-done is reported as done; run the same command again to finish")
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 — the last line of defence against a traceback
            if os.environ.get("DKG_DEBUG"):
                raise
            _error(f"internal error ({exc.__class__.__name__}: {str(exc)[:300]})",
                   "this is a bug in diaspora-kg: please report it with the command you ran; "
                   "DKG_DEBUG=1 shows the traceback")
            sys.exit(2)

    return wrapper


def _error(message: str, hint: str | None) -> None:
    # Text, not markup: a message may hold brackets ("foundedYear [1990, 1995]") that rich would eat.
    console.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False)
    if hint:
        console.print(Text.assemble("  ", ("hint:", "yellow"), " ", hint), highlight=False)


def _params(values: tuple[str, ...]) -> dict:
    try:
        return dict(parse_param(v) for v in values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _echo(message: str) -> None:
    console.print(message, highlight=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="diaspora-kg")
def main():
    """diaspora-kg: a knowledge graph of diaspora institutions and their transnational ties."""


# -- neo4j ------------------------------------------------------------------------------------------------------
@main.group()
def neo4j():
    """Run the managed local Neo4j 5.26 (a JVM from Maven Central artifacts, Bolt on 127.0.0.1)."""


def _instance_options(func):
    func = click.option("--data-dir", type=click.Path(path_type=Path), default=None,
                        help="Folder of this instance (default: DKG_NEO4J_DATA_DIR or .neo4j).")(func)
    func = click.option("--port", type=int, default=None,
                        help="Bolt port on 127.0.0.1 (default: DKG_NEO4J_PORT or 17687).")(func)
    return func


def _instance(port, data_dir):
    from .neo4j.connection import managed_instance

    settings = load_settings()
    _echo(f"Using {settings.describe(managed_data_dir=data_dir)}.")
    return managed_instance(settings, port=port, data_dir=data_dir)


def _print_status(status) -> None:
    state = "[green]running[/green]" if status.running else "[yellow]stopped[/yellow]"
    _echo(f"Neo4j {status.version or '?'} {state}")
    _echo(f"  uri:      {status.uri}")
    _echo(f"  pid:      {status.pid or '-'}")
    _echo(f"  data dir: {status.data_dir}")


@neo4j.command()
@_instance_options
@click.option("--timeout", type=float, default=180.0, show_default=True, help="Seconds to wait for Bolt.")
@reports_errors
def start(port, data_dir, timeout):
    """Start the instance; returns once Bolt answers (a no-op when it already runs)."""
    instance = _instance(port, data_dir)
    already = instance.running_pid() is not None
    status = instance.start(timeout=timeout, echo=_echo)
    if not already:
        _echo("Started.")
    elif status.port != instance.port:
        _echo(f"[yellow]Already running on port {status.port}, not on {instance.port}:[/yellow] this data folder "
              f"is served at {status.uri}. To change the port: `diaspora-kg neo4j stop --data-dir "
              f"{instance.data_dir}`, then start again with --port {instance.port}.")
    else:
        _echo("Already running.")
    _print_status(status)


@neo4j.command()
@_instance_options
@reports_errors
def stop(port, data_dir):
    """Shut the instance down cleanly."""
    instance = _instance(port, data_dir)
    _echo(f"Stopped Neo4j at {instance.uri}." if instance.stop() else f"No Neo4j was running at {instance.uri}.")


@neo4j.command()
@_instance_options
@reports_errors
def status(port, data_dir):
    """Print URI, Neo4j version, pid and data folder; exit 3 when the instance is not running."""
    settings = load_settings()
    if not settings.managed and port is None and data_dir is None:
        _echo(f"NEO4J_URI is set: commands use {settings.uri} (database {settings.database}).")
    instance_status = _instance(port, data_dir).status()
    _print_status(instance_status)
    if not instance_status.running:
        sys.exit(3)


# -- query ------------------------------------------------------------------------------------------------------
@main.command()
@click.argument("name", required=False)
@click.option("--cypher", "cypher_text", help="Run this Cypher text instead of a library query.")
@click.option("--file", "cypher_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Run the query in this .cypher file.")
@click.option("--param", "-p", "param_values", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; VALUE is read as JSON where it parses (numbers, lists, booleans).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--write", is_flag=True,
              help="Allow the query to write or administer (library queries must be mode: write).")
@click.option("--timeout", type=click.FloatRange(min=0.001), default=None, metavar="SECONDS",
              help="Stop the query on the server after this many seconds.")
@reports_errors
def query(name, cypher_text, cypher_file, param_values, fmt, write, timeout):
    """Run a named query from cypher/, a .cypher file, or Cypher text; read-only unless --write.

    Read-only means a pure read: writes, schema changes and admin commands (TERMINATE TRANSACTIONS) are refused.
    Ctrl-C stops the query on the server at once.
    """
    from .neo4j.connection import connect
    from .neo4j.queries import run_cypher, run_file, run_named

    if sum(x is not None for x in (name, cypher_text, cypher_file)) != 1:
        raise click.UsageError("give exactly one of NAME, --cypher TEXT or --file F.cypher")
    params = _params(param_values)
    with connect(echo=_echo) as db:
        if name:
            rows = run_named(db, name, params, write=write, timeout=timeout)
        elif cypher_file:
            rows = run_file(db, cypher_file, params, write=write, timeout=timeout)
        else:
            rows = run_cypher(db, cypher_text, params, write=write, timeout=timeout)
    print_rows(rows, fmt, title=name)


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@reports_errors
def queries(fmt):
    """List the query library: name, theme, description, parameters, mode."""
    from .neo4j.catalogue import catalogue

    rows = [
        {
            "name": q.name,
            "theme": q.theme,
            "mode": q.mode,
            "params": ", ".join(f"${p.name}: {p.type}{' (optional)' if p.optional else ''}" for p in q.params),
            "description": q.description,
        }
        for q in catalogue().values()
    ]
    print_rows(rows, fmt, title="diaspora-kg query library")


# -- validate / load / unload -------------------------------------------------------------------------------
def _progress_factory():
    """A rich progress bar per source (on stderr), shown for inputs large enough to take a while."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bars: list[Progress] = []

    def make(description: str, total: int):
        if total < 2000 or not console.is_terminal:
            return lambda n: None
        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       console=console, transient=True)
        bars.append(bar)
        bar.start()
        task = bar.add_task(description, total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)
            if bar.tasks[task].finished:
                bar.stop()

        return advance

    return make


def _validator_option(func):
    from .shacl import DEFAULT_ENGINE, ENGINES

    return click.option("--validator", type=click.Choice(list(ENGINES)), default=DEFAULT_ENGINE, show_default=True,
                        help="SHACL engine: compiled (fast) or pyshacl (the reference; slow on large inputs).")(func)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_validator_option
@reports_errors
def validate(paths, fmt, validator):
    """Validate RDF/CSV files against the SHACL shapes (default: the seed corpus).

    Exit codes: 0 valid (warnings allowed), 1 invalid, 2 error (unreadable file, syntax error).
    """
    from . import shacl
    from .rdf.sources import (
        attach_relationship_updates,
        context_from_files,
        prepare,
        referenced_uris,
        warn_untyped,
    )
    from .report.rows import to_json

    prepared = prepare(paths)
    attach_relationship_updates(prepared)
    warn_untyped(prepared)
    report = shacl.validate(prepared, context_from_files(referenced_uris(prepared)), engine=validator)
    if fmt == "json":
        print(to_json(report.to_json()))
    else:
        print(report.to_text())
        for item in prepared:
            _print_warnings(item.source.key, item.mapped.warnings)
        _echo(f"Validated {len(prepared)} file(s), {sum(p.mapped.triples for p in prepared)} triples: "
              f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s).")
    sys.exit(0 if report.conforms else 1)


#: Warnings shown per file; the JSON output lists them all.
SHOWN_WARNINGS = 20


def _print_warnings(key: str, warnings: list[str]) -> None:
    for warning in warnings[:SHOWN_WARNINGS]:
        console.print(Text.assemble(("warning", "yellow"), f" {key}: {warning}"), highlight=False)
    if len(warnings) > SHOWN_WARNINGS:
        _echo(f"... and {len(warnings) - SHOWN_WARNINGS} more warning(s) for {key} (`--format json` lists all)")


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
        _echo(f"{len(report.validation.warnings)} validation warning(s) (loaded anyway; "
              "see `diaspora-kg validate` for the list).")
    for f in report.files:
        _print_warnings(f.key, f.warnings)
    if totals.dangling:
        _echo(f"[yellow]{len(totals.dangling)} tie(s) point at resources that do not exist[/yellow]")
    _echo(f"Done in {report.seconds:.1f} s.")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=5000, show_default=True,
              help="Rows per transaction.")
@click.option("--dry-run", is_flag=True, help="Validate and report what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Reload files even when they are unchanged.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_validator_option
@reports_errors
def load(paths, batch_size, dry_run, force, fmt, validator):
    """Validate and load RDF (Turtle, N-Triples, JSON-LD, RDF/XML) and CSV templates into Neo4j.

    With no PATH, loads the seed corpus (data/gazetteer and data/seed). Loading is idempotent: unchanged files
    are skipped, changed files replace their previous facts. Violations stop the load (exit 1), nothing written.
    """
    from .loading import load as load_paths
    from .neo4j.connection import connect
    from .report.rows import to_json

    with connect(echo=_echo) as db:
        report = load_paths(paths or None, db, batch_size=batch_size, dry_run=dry_run, force=force,
                            progress=_progress_factory(), validator=validator)
    if fmt == "json":
        print(to_json([report.to_dict()])[1:-1])
    else:
        _print_load_report(report)


@main.command()
@click.argument("source")
@reports_errors
def unload(source):
    """Remove what only SOURCE asserted (a file path or a key from `diaspora-kg sources`)."""
    from .neo4j.connection import connect
    from .neo4j.ledger import unload as unload_source

    with connect(echo=_echo) as db:
        result = unload_source(db, source)
    _echo(f"Unloaded {result['source']}: removed {result['nodes_removed']} nodes and "
          f"{result['relationships_removed']} relationships; kept {result['nodes_kept']} nodes and "
          f"{result['relationships_kept']} relationships that other sources also assert.")


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@reports_errors
def sources(fmt):
    """List the loaded sources (files) with their counts."""
    from .neo4j.connection import connect
    from .neo4j.ledger import loaded_sources

    with connect(echo=_echo) as db:
        print_rows(loaded_sources(db), fmt, title="Loaded sources")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "jsonld", "graphml", "gexf", "csv"]),
              required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output file (a folder for csv: nodes.csv and relationships.csv).")
@reports_errors
def export(fmt, out):
    """Export the graph from Neo4j: RDF (round-trips through `load`), GraphML/GEXF for Gephi, or CSV."""
    from .export import export as export_graph
    from .neo4j.connection import connect
    from .neo4j.ledger import namespace_prefixes
    from .neo4j.read import read_property_graph
    from .ontology.schema import load_schema

    with connect(echo=_echo) as db:
        graph = read_property_graph(db)
        prefixes = namespace_prefixes(db)
    warnings: list[str] = []
    paths = export_graph(graph, load_schema(), fmt, out, prefixes, on_warning=warnings.append)
    _print_warnings("export", warnings)
    _echo(f"Exported {len(graph.nodes)} nodes and {len(graph.relationships)} relationships as {fmt}: "
          + ", ".join(map(str, paths)))


@main.command()
@click.option("--write-cypher", is_flag=True, help="Rewrite cypher/schema/create_schema.cypher from the ontology.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@reports_errors
def schema(write_cypher, fmt):
    """Show the property-graph schema the ontology defines: labels, relationship types, n-ary relationships."""
    from .ontology.schema import SCHEMA_CYPHER, load_schema, schema_cypher

    graph_schema = load_schema()
    if write_cypher:
        SCHEMA_CYPHER.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_CYPHER.write_text(schema_cypher(graph_schema), encoding="utf-8")
        _echo(f"Wrote {SCHEMA_CYPHER}")
        return
    rows = [{"kind": "node label", "name": c.label, "superclasses": ", ".join(c.labels[1:]),
             "maps": c.iri.split("#")[-1]} for c in graph_schema.classes.values() if c.relationship is None]
    rows += [{"kind": "relationship", "name": p.type, "superclasses": "", "maps": p.name}
             for p in graph_schema.object_properties.values() if p.store_as == "relationship"]
    rows += [{"kind": "n-ary relationship", "name": n.type, "superclasses": "",
              "maps": f"{n.class_iri.split('#')[-1]} ({n.source_property.split('#')[-1]} -> "
                      f"{n.target_property.split('#')[-1]})"} for n in graph_schema.nary.values()]
    print_rows(rows, fmt, title="Property-graph schema (from ontology/diaspora.ttl)")


# -- analysis and pictures --------------------------------------------------------------------------------------
def _full_graph(from_rdf: tuple[Path, ...] | None):
    """The full NetworkX graph from Neo4j, or straight from RDF/CSV files when ``from_rdf`` is given."""
    from .ontology.schema import load_schema

    schema = load_schema()
    if from_rdf is not None:
        from .rdf.sources import from_files

        return from_files(from_rdf or None, schema).to_networkx(schema), None
    from .neo4j.connection import connect
    from .neo4j.read import read_property_graph

    db = connect(echo=_echo)
    return read_property_graph(db).to_networkx(schema), db


def _rdf_option(func):
    return click.option("--from-rdf", "from_rdf", multiple=True, type=click.Path(exists=True, path_type=Path),
                        help="Analyse these RDF/CSV files straight, without Neo4j (repeatable).")(
        click.option("--offline", is_flag=True, help="Analyse the seed corpus files without Neo4j.")(func))


@main.command()
@click.argument("what", type=click.Choice(["brokers", "coalitions", "summary"]))
@click.option("--projection", type=click.Choice(["organisations", "affiliation-projection"]),
              default="organisations", show_default=True)
@click.option("--method", type=click.Choice(["louvain", "leiden"]), default="louvain", show_default=True)
@click.option("--top", type=int, default=15, show_default=True, help="How many brokers to show.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--no-write", is_flag=True, help="Do not write the scores back to Neo4j.")
@_rdf_option
@reports_errors
def analyze(what, projection, method, top, seed, fmt, no_write, from_rdf, offline):
    """Find brokers and coalitions with NetworkX; write scores back to Neo4j as score_* properties."""
    from .analysis.summary import analyse
    from .report.rows import to_json

    G, db = _full_graph(from_rdf if (from_rdf or offline) else None)
    result = analyse(G, projection=projection, method=method, seed=seed)
    if db is not None:
        if not no_write:
            from .neo4j.scores import write_scores

            count = write_scores(db, result["scores"])
            _echo(f"Wrote scores ({', '.join(sorted(result['scores']))}) to {count} nodes as score_* properties.")
        db.close()
    meta, coalitions = result["brokers_meta"], result["coalitions"]
    if what in ("brokers", "summary"):
        rows = result["brokers"][:top]
        if fmt == "json" and what == "brokers":
            print(to_json(rows))
        else:
            print_rows(rows, fmt, title=f"Top {len(rows)} brokers ({projection} projection)")
        b = meta["betweenness"]
        _echo(f"betweenness: {b['method']} ({b['backend']}{', k=' + str(b['k']) if b.get('k') else ''}) on "
              f"{meta['nodes']} nodes, {meta['edges']} ties; weights as distances"
              + (f"; {b['error']}" if b.get("error") else ""))
    if what in ("coalitions", "summary"):
        rows = [{"id": c["id"], "size": c["size"], "dominant_country": c.get("dominant_country"),
                 "dominant_kind": c.get("dominant_kind"), "summary": c.get("summary"),
                 "members": [{"uri": m["uri"], "name": m["name"]} for m in c["members"]]}
                for c in coalitions["coalitions"]]
        if fmt == "json" and what == "coalitions":
            print(to_json(rows))
        else:
            print_rows([{**r, "members": "; ".join(m["name"] for m in r["members"])} for r in rows], fmt,
                       title="Coalitions")
        stab = coalitions.get("stability") or {}
        _echo(f"{coalitions['method']} ({coalitions['backend']}), modularity {coalitions['modularity']:.3f}, "
              f"stability across {stab.get('runs')} seeds: mean ARI {stab.get('mean_ari', float('nan')):.2f}; "
              f"{coalitions.get('singletons', 0)} actors in no coalition")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output file: .html (interactive), .png, .svg or .pdf (static figure).")
@click.option("--query", "query_name", help="Draw the nodes a named query returns.")
@click.option("--param", "-p", "param_values", multiple=True, metavar="KEY=VALUE")
@click.option("--focus", help="Draw the neighbourhood of this organisation (name, acronym or URI).")
@click.option("--depth", type=click.IntRange(1, 6), default=1, show_default=True)
@click.option("--color-by", type=click.Choice(["class", "country", "coalition"]), default="class", show_default=True)
@click.option("--size-by", default="degree", show_default=True,
              help="degree, or a broker measure: betweenness, effective_size, brokerage, ...")
@click.option("--physics/--no-physics", default=None, help="Force the physics simulation on or off.")
@click.option("--title", default="diaspora-kg network")
@_rdf_option
@reports_errors
def viz(out, query_name, param_values, focus, depth, color_by, size_by, physics, title, from_rdf, offline):
    """Draw the network: a self-contained HTML file (search, legend, filters) or a figure for a paper."""
    from .analysis.summary import analyse
    from .ontology.schema import load_schema
    from .viz import views, write_figure, write_html

    G, db = _full_graph(from_rdf if (from_rdf or offline) else None)
    try:
        if query_name:
            if db is None:
                raise click.UsageError("--query needs Neo4j (drop --offline/--from-rdf)")
            from .neo4j.queries import run_named

            view = views.from_rows(G, run_named(db, query_name, _params(param_values)))
        elif focus:
            view = views.neighbourhood(G, focus, depth)
        else:
            view = views.whole(G)
    finally:
        if db is not None:
            db.close()
    scores, groups = None, None
    if size_by != "degree" or color_by == "coalition":
        result = analyse(G)
        scores = {k: v for k, v in result["scores"].items() if k != "coalition"}
        groups = result["scores"]["coalition"]
    styles = load_schema().styles()
    options = dict(styles=styles, color_by=color_by, size_by=size_by, scores=scores, groups=groups)
    if out.suffix.lower() == ".html":
        summary = write_html(view, out, evidence=views.evidence_index(G), title=title,
                             physics="auto" if physics is None else physics, **options)
        _echo(f"Wrote {summary.path} ({summary.nodes} nodes, {summary.edges} ties, {summary.bytes / 1e6:.1f} MB, "
              f"{summary.mode}); it opens offline in any browser.")
    else:
        info = write_figure(view, out, title=title, **options)
        _echo(f"Wrote {info['path']} ({info['nodes']} nodes, {info['edges']} ties, {info['format']}).")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output folder (default: out/).")
@click.option("--offline", is_flag=True, help="Do not use Neo4j: validate, analyse and draw from the RDF files.")
@reports_errors
def run(out, offline):
    """The main job: load the seed corpus, answer the questions, find brokers and coalitions, audit, draw, report."""
    import time

    from rich.table import Table

    from .pipeline import DEFAULT_OUT
    from .pipeline import run as run_job

    started = time.perf_counter()
    result = run_job(out or DEFAULT_OUT, echo=_echo, offline=offline)
    table = Table(title="diaspora-kg run")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    for s in result.steps:
        table.add_row(s["step"], f"{s['seconds']:.1f}")
    table.add_row("[bold]total[/bold]", f"{time.perf_counter() - started:.1f}")
    console.print(table)
    for skipped in result.skipped:
        _echo(f"[yellow]skipped:[/yellow] {skipped}")
    _echo(f"Wrote {len(set(result.files))} files to {result.out}/: report.md, report.html, network.html, "
          "network.png, graph.graphml, brokers.*, coalitions.*, queries/*" + (", audit.*" if result.audit else ""))
    if result.uri:
        _echo("Next: `.venv/bin/diaspora-kg queries` lists the questions; `.venv/bin/diaspora-kg query NAME` asks "
              f"one; the graph stays up at {result.uri} until `.venv/bin/diaspora-kg neo4j stop`.")


def _register_optional_commands() -> None:
    """Commands whose modules carry their own click command (kept next to the code they drive)."""
    from .synth import synth_command

    main.add_command(synth_command, "synth")
    try:
        from .audit import audit_command
    except ImportError:
        return
    main.add_command(audit_command, "audit")


_register_optional_commands()
