"""``diaspora-kg run`` (the main job) and ``audit``."""

from __future__ import annotations

from pathlib import Path

import click

from .app import (
    console,
    echo,
    main,
    reports_errors,
)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output folder (default: out/).")
@click.option("--offline", is_flag=True, help="Do not use Neo4j: validate, analyse and draw from the RDF files.")
@reports_errors
def run(out, offline):
    """The main job: load the seed corpus, answer the questions, find brokers and coalitions, audit, draw, report."""
    import time

    from rich.table import Table

    from ..pipeline import DEFAULT_OUT
    from ..pipeline import run as run_job

    started = time.perf_counter()
    result = run_job(out or DEFAULT_OUT, echo=echo, offline=offline)
    table = Table(title="diaspora-kg run")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    for s in result.steps:
        table.add_row(s["step"], f"{s['seconds']:.1f}")
    table.add_row("[bold]total[/bold]", f"{time.perf_counter() - started:.1f}")
    console.print(table)
    for skipped in result.skipped:
        echo(f"[yellow]skipped:[/yellow] {skipped}")
    echo(f"Wrote {len(set(result.files))} files to {result.out}/: report.md, report.html, network.html, "
          "network.png, graph.graphml, brokers.*, coalitions.*, queries/*" + (", audit.*" if result.audit else "")
          + (", ties.html, ties.png" if result.ties_map else ""))
    if result.uri:
        echo("Next: `.venv/bin/diaspora-kg queries` lists the questions; `.venv/bin/diaspora-kg query NAME` asks "
              f"one; the graph stays up at {result.uri} until `.venv/bin/diaspora-kg neo4j stop`.")


@main.command("audit")
@click.option("--format", "fmt_name", type=click.Choice(["table", "markdown", "json"]), default="table",
              show_default=True, help="table: a terminal table; markdown: an appendix; json: an array of findings.")
@reports_errors
def audit(fmt_name: str) -> None:
    """Recompute the corpus's totals, averages and shares and compare them with what the sources print."""
    from ..audit import run_audit, to_markdown, to_table_rows
    from ..neo4j.connection import connect
    from ..report.rows import print_rows, to_json

    with connect(echo=echo) as db:
        findings = run_audit(db)
    if fmt_name == "json":
        click.echo(to_json([f.to_dict() for f in findings]))
    elif fmt_name == "markdown":
        click.echo(to_markdown(findings))
    else:
        print_rows(to_table_rows(findings), "table", title="Source audit")

