"""``diaspora-kg query`` and ``queries``: the query library and your own Cypher."""

from __future__ import annotations

from pathlib import Path

import click

from ..report.rows import FORMATS, print_rows
from .app import (
    echo,
    main,
    params_from,
    reports_errors,
)


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
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--write", is_flag=True,
              help="Allow the query to write or administer (library queries must be mode: write).")
@click.option("--timeout", type=Seconds(), default=None, metavar="SECONDS",
              help="Stop the query on the server after this many seconds.")
@reports_errors
def query(name, cypher_text, cypher_file, param_values, fmt, write, timeout):
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
    print_rows(rows, fmt, title=name)


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@reports_errors
def queries(fmt):
    """List the query library: name, theme, description, parameters, mode."""
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
    print_rows(rows, fmt, title="diaspora-kg query library")
