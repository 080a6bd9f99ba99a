"""The ``diaspora-kg`` command line: thin wrappers that parse options, call the library and report.

Every command prints what it did (counts, paths); errors are one message with a hint and an exit code
(0 ok, 1 invalid data, 2 other errors).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click
from rich.console import Console

from .errors import DiasporaKGError
from .output import FORMATS, parse_param, print_rows
from .settings import load_settings

console = Console(stderr=True)  # messages to stderr, results to stdout (so they can be piped)


def reports_errors(func):
    """Turn a DiasporaKGError into a clear message on stderr and its exit code, without a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DiasporaKGError as exc:
            report = getattr(exc, "report", None)
            if report is not None:
                console.print(report.to_text(), markup=False, highlight=False)
            console.print(f"[bold red]error:[/bold red] {exc.message}", highlight=False)
            if exc.hint:
                console.print(f"  [yellow]hint:[/yellow] {exc.hint}", highlight=False)
            sys.exit(exc.exit_code)

    return wrapper


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

    return managed_instance(load_settings(), port=port, data_dir=data_dir)


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
    _echo("Already running." if already else "Started.")
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
@click.option("--write", is_flag=True, help="Allow the query to write (library queries must be mode: write).")
@reports_errors
def query(name, cypher_text, cypher_file, param_values, fmt, write):
    """Run a named query from cypher/, a .cypher file, or Cypher text; read-only unless --write."""
    from .neo4j.connection import connect
    from .neo4j.queries import run_cypher, run_file, run_named

    if sum(x is not None for x in (name, cypher_text, cypher_file)) != 1:
        raise click.UsageError("give exactly one of NAME, --cypher TEXT or --file F.cypher")
    params = _params(param_values)
    with connect(echo=_echo) as db:
        if name:
            rows = run_named(db, name, params, write=write)
        elif cypher_file:
            rows = run_file(db, cypher_file, params, write=write)
        else:
            rows = run_cypher(db, cypher_text, params, write=write)
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
