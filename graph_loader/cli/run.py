"""``diaspora-kg run`` (the main job) and ``audit``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

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
        echo(f"[yellow]skipped:[/yellow] {escape(skipped)}")
    if result.removed:
        shown = ", ".join(escape(str(p.relative_to(result.out) if p.is_relative_to(result.out) else p))
                          for p in result.removed[:4])
        echo(f"Removed {len(result.removed)} file(s) an earlier run wrote and this one did not: {shown}"
             + (" …" if len(result.removed) > 4 else ""))
    names = sorted({p.relative_to(result.out).parts[0] if p.is_relative_to(result.out) else p.name
                    for p in result.files})
    echo(f"Wrote {len(set(result.files))} files to {escape(str(result.out))}/: {escape(', '.join(names))}. "
         f"Open {escape(str(result.out / 'report.html'))} (or report.md) first.")
    if result.uri:
        echo(f"Next: `{escape(result.command)} queries` lists the questions; `{escape(result.command)} query NAME` asks "
             f"one; the graph stays up at {result.uri} until `{escape(result.command)} neo4j stop`.")


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

