"""``diaspora-kg map``: the map of transnational ties, from a named query's rows or from a file of rows."""

from __future__ import annotations

from pathlib import Path

import click

from .app import echo, main, params_from, reports_errors

#: The named query a map draws unless told otherwise.
DEFAULT_QUERY = "transnational_ties"


@main.command("map")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output file: .html (interactive, opens offline), .png, .svg or .pdf (a figure for a paper).")
@click.option("--query", "query_name", default=DEFAULT_QUERY, show_default=True,
              help="The named query whose rows are the arcs: any query that returns transnational_ties' columns.")
@click.option("--param", "-p", "param_values", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the query, e.g. -p country=MX.")
@click.option("--rows", "rows_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Map the rows in this file instead of asking Neo4j: the JSON or CSV that "
                   "`diaspora-kg query NAME --format json|csv` writes.")
@click.option("--tie", "ties", multiple=True, metavar="TYPE",
              help="Map only this kind of tie (repeatable, or comma-separated): association, federation, "
                   "contribution.")
@click.option("--weight", "weight_by", type=click.Choice(["count", "amount"]), default="count", show_default=True,
              help="Arc width: how many actors or contributions, or the US$ amount.")
@click.option("--view", type=click.Choice(["all", "us", "mx", "sv"]), default="all", show_default=True,
              help="What the map shows (first, on a page): every arc, the United States, Mexico, El Salvador.")
@click.option("--width", "width_in", type=click.FloatRange(1.0, 20.0), default=3.5, show_default=True,
              help="Figure width in inches (PNG, SVG, PDF): 3.5 is one journal column, 7 a page.")
@click.option("--title", default=None, help="A title above the map.")
@reports_errors
def map_command(out, query_name, param_values, rows_file, ties, weight_by, view, width_in, title):
    """Draw the map of transnational ties: arcs from US places to home places, coloured by tie.

    The page (.html) is one self-contained file with tooltips, filters by tie and home country and zoom to the
    United States, Mexico or El Salvador; nothing is fetched when it opens. The figure (.png, .svg, .pdf) fits a
    journal column.
    """
    from ..viz.geo import figure, page
    from ..viz.geo.ties import read_rows, ties_from_rows

    suffix = out.suffix.lower()
    if suffix not in (".html", ".png", ".svg", ".pdf"):
        raise click.BadParameter(f"cannot tell the map format of {out.name!r}: end it in .html, .png, .svg or .pdf",
                                 param_hint="--out")
    if rows_file is not None:
        if query_name != DEFAULT_QUERY or param_values:
            raise click.UsageError("give either --rows FILE or --query NAME (with -p), not both")
        all_ties, what = read_rows(rows_file), str(rows_file)
    else:
        from ..neo4j.connection import connect
        from ..neo4j.queries import run_named

        what = f"the rows of the query {query_name}"
        with connect(echo=echo) as db:
            rows = run_named(db, query_name, params_from(param_values))
        all_ties = ties_from_rows(rows, what=what)
    if not all_ties:
        source = str(rows_file) if rows_file is not None else f"the query {query_name}"
        echo(f"[yellow]warning:[/yellow] {source} gave no row: the map shows no arc "
             "(a place needs coordinates, lat and long, to be mapped).")
    options = {"ties": ties, "weight_by": weight_by, "view": view, "title": title, "what": what}
    if suffix == ".html":
        summary = page.write_map_html(all_ties, out, **options)
    else:
        summary = figure.write_map_figure(all_ties, out, width_in=width_in, **options)
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(summary.ties.items()))
    size = f"{summary.bytes / 1e6:.1f} MB" if summary.bytes >= 1e5 else f"{summary.bytes / 1e3:.0f} kB"
    echo(f"Wrote {summary.path}: {summary.arcs} arc{'s' * (summary.arcs != 1)}" + (f" ({kinds})" if kinds else "")
         + f" between {summary.places} places; {summary.format}, {size}"
         + ("; it opens offline in any browser." if suffix == ".html" else "."))
