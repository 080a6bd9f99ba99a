"""``diaspora-kg query`` and ``queries``: the query library and your own Cypher."""

from __future__ import annotations

from pathlib import Path

import click

from ..report.commands import invoked_as
from ..report.table import Layout, parse_columns, print_rows
from .app import (
    echo,
    main,
    params_from,
    reports_errors,
    table_options,
)

#: The library's columns: names whole (they are typed back), then what to pass and what the query answers.
LIBRARY_LAYOUT = Layout(default=("name", "params", "description", "theme"),
                        roles={"name": "key", "theme": "key", "mode": "key", "params": "text",
                               "description": "text"})


class Seconds(click.ParamType):
    """A query timeout in seconds: a finite number in :data:`graph_loader.neo4j.queries.TIMEOUT_RANGE`."""

    name = "seconds"

    def convert(self, value, param, ctx):
        from ..errors import UsageError
        from ..neo4j.queries import check_timeout

        try:
            return check_timeout(float(value))
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        except UsageError as exc:
            self.fail(f"{exc.message}; {exc.hint}", param, ctx)


# -- query ------------------------------------------------------------------------------------------------------
@main.command()
@click.argument("name", required=False)
@click.option("--cypher", "cypher_text", help="Run this Cypher text instead of a library query.")
@click.option("--file", "cypher_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Run the query in this .cypher file.")
@click.option("--param", "-p", "param_values", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; VALUE is read as JSON where it parses (numbers, lists, booleans).")
@table_options
@click.option("--write", is_flag=True,
              help="Allow the query to write or administer (library queries must be mode: write).")
@click.option("--timeout", type=Seconds(), default=None, metavar="SECONDS",
              help="Stop the query on the server after this many seconds.")
@reports_errors
def query(name, cypher_text, cypher_file, param_values, fmt, columns, wide, write, timeout):
    """Run a named query from cypher/, a .cypher file, or Cypher text; read-only unless --write.

    Read-only means a pure read: writes, schema changes and admin commands (TERMINATE TRANSACTIONS) are refused.
    Ctrl-C stops the query on the server at once.
    """
    from ..neo4j.connection import connect
    from ..neo4j.queries import run_cypher, run_file, run_named

    if sum(x is not None for x in (name, cypher_text, cypher_file)) != 1:
        raise click.UsageError("give exactly one of NAME, --cypher TEXT or --file F.cypher")
    params = params_from(param_values)
    with connect(echo=echo) as db:
        if name:
            rows = run_named(db, name, params, write=write, timeout=timeout)
        elif cypher_file:
            rows = run_file(db, cypher_file, params, write=write, timeout=timeout)
        else:
            rows = run_cypher(db, cypher_text, params, write=write, timeout=timeout)
    print_rows(rows, fmt, title=name, columns=parse_columns(columns), wide=wide)


@main.command()
@table_options
@reports_errors
def queries(fmt, columns, wide):
    """List the query library: name, parameters, description, theme, mode.

    On a terminal, the queries by theme, each name whole with its parameters and, under it, what it answers;
    --columns or --wide give a table, --format csv or json every field.
    """
    from ..neo4j.catalogue import catalogue

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
    if fmt == "table" and columns is None and not wide:
        _print_library(rows)
    else:
        print_rows(rows, fmt, title="diaspora-kg query library", layout=LIBRARY_LAYOUT,
                   columns=parse_columns(columns), wide=wide)


def _print_library(rows: list[dict]) -> None:
    """The library for a terminal: by theme, each query's name whole (it is typed back) and its parameters, then
    its description wrapped between words under it."""
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    out = Console()
    out.print(Text.assemble(("diaspora-kg query library", "bold"), f": {len(rows)} queries; run one with"))
    out.print(Text(f"  {invoked_as()} query NAME -p key=value"), soft_wrap=True)
    theme = None
    for row in rows:
        if row["theme"] != theme:
            theme = row["theme"]
            out.print()
            out.print(Text(theme, style="bold underline"))
        head = Text.assemble((row["name"], "bold cyan"),
                             ("  " + row["params"] if row["params"] else "", ""),
                             ("  (writes)" if row["mode"] == "write" else "", "yellow"))
        out.print(Padding(head, (0, 0, 0, 2)))
        out.print(Padding(Text(row["description"]), (0, 0, 0, 6)))
