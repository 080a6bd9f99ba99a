"""``diaspora-kg run`` (the main job) and ``audit``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..report.commands import invoked_as
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
        me = escape(invoked_as())
        echo(f"Next: `{me} queries` lists the questions; `{me} query NAME` asks one; the graph stays up at "
             f"{result.uri} until `{me} neo4j stop`.")


def _audit_layout():
    """The audit as a table (``--format table``): what and where first; the explanation with --wide/--columns."""
    from ..report.table import Layout

    return Layout(default=("severity", "subject", "reported", "recomputed", "kind", "table"),
                  roles={"severity": "key", "kind": "key", "table": "name", "subject": "name",
                         "explanation": "text", "locators": "text"})


def _print_findings(findings) -> None:
    """The audit for a terminal: a count, then per table each finding as a short block: severity and subject, the
    figures, the explanation and where the figures are, wrapped between words at the terminal's width."""
    from collections import Counter

    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    from ..audit.model import SEVERITIES, fmt

    out = Console()
    counts = Counter(f.severity for f in findings)
    out.print(Text.assemble(("Source audit", "bold"), f": {len(findings)} finding{'s' if len(findings) != 1 else ''} "
                            "(" + ", ".join(f"{counts.get(s, 0)} {s}" for s in SEVERITIES) + ")"))
    styles = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    group = object()
    for finding in findings:
        if finding.table_name != group:
            group = finding.table_name
            out.print()
            out.print(Text(group or "Figures of the text", style="bold underline"))
        out.print(Text.assemble((f"{finding.severity:<8}", styles.get(finding.severity, "")), finding.subject,
                                (f"  ({finding.kind})", "dim")))
        figures = ", ".join(f"{name} {fmt(v) if isinstance(v, int | float) else v}" for name, v in (
            ("reported", finding.reported), ("recomputed", finding.recomputed),
            ("difference", finding.difference)) if v is not None)
        body = Text()
        if figures:
            body.append(figures + "\n", style="bold")
        body.append(finding.explanation)
        where = _where([e["locator"] for e in finding.evidence if e.get("locator")])
        if where:
            body.append("\nwhere: " + where, style="dim")
        out.print(Padding(body, (0, 0, 0, 8)))
    out.print(Text("--format table for a table, markdown for an appendix with the quotes, csv or json for every "
                   "field", style="dim"))


def _where(locators: list[str]) -> str:
    """Locators joined, a table's rows named once: ``Table 1, rows 'La Paz', 'Cabañas'``; more than three rows
    as their count and the first and last (``Table 1, 14 rows: 'La Unión' … 'Total/average'``).

    >>> _where(["Table 1, row 'A'", "Table 1, row 'B'", "p. 3"])
    "Table 1, rows 'A', 'B'; p. 3"
    >>> _where([f"Table 1, row '{i}'" for i in range(14)])
    "Table 1, 14 rows: '0' … '13'"
    """
    import re

    groups: dict[str, list[str]] = {}
    for locator in dict.fromkeys(locators):
        match = re.fullmatch(r"(.+), row (.+)", locator)
        key, row = (match.group(1), match.group(2)) if match else (locator, None)
        groups.setdefault(key, [])
        if row is not None:
            groups[key].append(row)
    parts = []
    for key, rows in groups.items():
        if not rows:
            parts.append(key)
        elif len(rows) == 1:
            parts.append(f"{key}, row {rows[0]}")
        elif len(rows) <= 3:
            parts.append(f"{key}, rows {', '.join(rows)}")
        else:
            parts.append(f"{key}, {len(rows)} rows: {rows[0]} … {rows[-1]}")
    return "; ".join(parts)


@main.command("audit")
@click.option("--format", "fmt_name", type=click.Choice(["text", "table", "markdown", "csv", "json"]), default="text",
              show_default=True, help="text: each finding explained, for a terminal; table: one row per finding "
                                      "(--columns, --wide); markdown: an appendix; csv, json: every field.")
@click.option("--columns", default=None, metavar="A,B,...", help="The table's columns (with --format table).")
@click.option("--wide", is_flag=True, help="Every column (with --format table).")
@reports_errors
def audit(fmt_name: str, columns, wide) -> None:
    """Recompute the corpus's totals, averages and shares and compare them with what the sources print."""
    from ..audit import run_audit, to_markdown, to_table_rows
    from ..neo4j.connection import connect
    from ..report.rows import to_json
    from ..report.table import parse_columns, print_rows

    with connect(echo=echo) as db:
        findings = run_audit(db)
    if fmt_name == "json":
        click.echo(to_json([f.to_dict() for f in findings]))
    elif fmt_name == "markdown":
        click.echo(to_markdown(findings))
    elif fmt_name == "text" and columns is None and not wide:
        _print_findings(findings)
    else:
        print_rows(to_table_rows(findings), "csv" if fmt_name == "csv" else "table", title="Source audit",
                   layout=_audit_layout(), columns=parse_columns(columns), wide=wide)
