"""``diaspora-kg neo4j start|stop|status``: the managed local Neo4j."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..neo4j.plugins import GDS_VERSION
from ..neo4j.server import NEO4J_VERSION
from ..report.commands import invoked_as
from ..settings import load_settings
from .app import (
    echo,
    main,
    reports_errors,
)


# -- neo4j ------------------------------------------------------------------------------------------------------
@main.group()
def neo4j():
    """Run the managed local Neo4j 5.26 (a JVM from Maven Central artifacts, Bolt and Browser on 127.0.0.1)."""


def _instance_options(func):
    func = click.option("--data-dir", type=click.Path(path_type=Path), default=None,
                        help="Folder of this instance (default: DKG_NEO4J_DATA_DIR, else .neo4j in a checkout, "
                             "~/.local/share/diaspora-kg/neo4j when installed).")(func)
    func = click.option("--port", type=int, default=None,
                        help="Bolt port on 127.0.0.1 (default: DKG_NEO4J_PORT or 17687).")(func)
    return func


def _instance(port, data_dir, http_port=None, gds=True):
    from ..neo4j.connection import managed_instance

    settings = load_settings()
    echo(f"Using {settings.describe(managed_data_dir=data_dir)}.")
    return managed_instance(settings, port=port, data_dir=data_dir, http_port=http_port, gds=gds)


def _print_status(status) -> None:
    if status.running:
        echo(f"Neo4j {status.version or NEO4J_VERSION} [green]running[/green]")
    else:  # no run to ask its version: say what a start would run
        echo(f"Neo4j [yellow]stopped[/yellow] (`{invoked_as()} neo4j start` starts Neo4j {NEO4J_VERSION} here)")
    echo(f"  uri:      {status.uri}")
    if status.running:
        echo(f"  browser:  {status.browser_url or '- (this run serves no HTTP; stop and start it again)'}")
        echo(f"  pid:      {status.pid or '-'}")
    echo(f"  data dir: {status.data_dir}")


def _free_http_port(instance, port, http_port) -> None:
    """A second instance (``--port`` given, ``--http-port`` not) takes a free HTTP port when the configured one
    (``DKG_NEO4J_HTTP_PORT`` or 17474) is taken, most likely by the first instance's Neo4j Browser, and says so."""
    from ..neo4j.server import port_open

    if port is None or http_port is not None or not instance.http_port or instance.running_pid() is not None:
        return
    if port_open(instance.http_port):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            free = sock.getsockname()[1]
        echo(f"HTTP port {instance.http_port} is taken (by another instance's Neo4j Browser?): this instance "
             f"serves Browser on port {free} instead (--http-port chooses one).")
        instance.http_port = free


@neo4j.command()
@_instance_options
@click.option("--http-port", type=click.IntRange(1, 65535), default=None,
              help="HTTP port on 127.0.0.1 for Neo4j Browser (default: DKG_NEO4J_HTTP_PORT or 17474).")
@click.option("--timeout", type=float, default=180.0, show_default=True, help="Seconds to wait for Bolt.")
@click.option("--gds/--no-gds", default=True, show_default=True,
              help="Load the Graph Data Science library (gds.* procedures; jars fetched once, about 15 MB).")
@reports_errors
def start(port, data_dir, http_port, timeout, gds):
    """Start the instance; returns once Bolt and HTTP answer (a no-op when it already runs)."""
    instance = _instance(port, data_dir, http_port, gds)
    _free_http_port(instance, port, http_port)
    already = instance.running_pid() is not None
    status = instance.start(timeout=timeout, echo=echo)
    if not already:
        echo("Started." + (f" Graph Data Science {GDS_VERSION} loaded (gds.* procedures)." if gds
                           else " Without Graph Data Science (--no-gds)."))
    elif status.port != instance.port:
        echo(f"[yellow]Already running on port {status.port}, not on {instance.port}:[/yellow] this data folder "
              f"is served at {status.uri}. To change the port: `diaspora-kg neo4j stop --data-dir "
              f"{instance.data_dir}`, then start again with --port {instance.port}.")
    else:
        echo("Already running.")
    _print_status(status)


@neo4j.command()
@_instance_options
@reports_errors
def stop(port, data_dir):
    """Shut the instance down cleanly."""
    instance = _instance(port, data_dir)
    echo(f"Stopped Neo4j at {instance.uri}." if instance.stop() else f"No Neo4j was running at {instance.uri}.")


@neo4j.command()
@_instance_options
@reports_errors
def status(port, data_dir):
    """Print URI, Neo4j version, pid and data folder; exit 3 when the instance is not running."""
    settings = load_settings()
    if not settings.managed and port is None and data_dir is None:
        echo(f"NEO4J_URI is set: commands use {settings.uri} (database {settings.database}).")
    instance_status = _instance(port, data_dir).status()
    _print_status(instance_status)
    if not instance_status.running:
        sys.exit(3)
