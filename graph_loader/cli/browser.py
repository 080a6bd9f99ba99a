"""``diaspora-kg browser``: Neo4j Browser on the configured server, with the connection prefilled, the query
library's guide and the project's style."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import click

from ..errors import UsageError
from ..settings import PROJECT_ROOT, load_settings
from .app import echo, main, reports_errors


def browser_url(http_url: str, bolt_uri: str, user: str) -> str:
    """Browser's address with the connection prefilled (``connectURL``: scheme, user, host, port; never a
    password)."""
    parts = urlsplit(bolt_uri)
    connect = f"{parts.scheme}://{user}@{parts.hostname}:{parts.port or 7687}"
    return f"{http_url}/browser/?connectURL={quote(connect, safe='')}"


def _has_display() -> bool:
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@main.command()
@click.option("--open/--no-open", "open_", default=True, show_default=True,
              help="Open the URL in the desktop browser (only where a display is present).")
@click.option("--guide", is_flag=True,
              help="Write the guide and style to out/browser/ and serve them on localhost until Ctrl-C.")
@click.option("--guide-port", type=click.IntRange(0, 65535), default=17475, show_default=True,
              help="Port of the guide server on 127.0.0.1 (0: any free port).")
@reports_errors
def browser(open_, guide, guide_port):
    """Print (and open) the Neo4j Browser URL of the configured server, connection prefilled."""
    from ..neo4j import browser_guide
    from ..neo4j.connection import managed_instance

    settings = load_settings()
    echo(f"Using {settings.describe()}.")
    if settings.managed:
        instance = managed_instance(settings)
        status = instance.start(echo=echo)  # at once when it runs already
        if not status.http_url:
            raise click.ClickException("this run of the managed Neo4j serves no HTTP: "
                                       "`diaspora-kg neo4j stop`, then `diaspora-kg neo4j start`")
        url = browser_url(status.http_url, status.uri, "neo4j")
        where = (f"the password is in {instance.credentials_file} (readable by you only). To use your own, put it "
                 "in that file (8 characters or more) and restart: `diaspora-kg neo4j stop && diaspora-kg neo4j "
                 "start`.")
    else:
        host = urlsplit(settings.uri).hostname
        url = browser_url(f"http://{host}:7474", settings.uri, settings.user)
        where = "the password is NEO4J_PASSWORD of your .env (docker compose: the one NEO4J_AUTH was set from)."
    echo(f"Neo4j Browser: {url}")
    echo(f"  user {'neo4j' if settings.managed else settings.user}; {where}")
    click.echo(url)
    if open_ and _has_display():
        import webbrowser

        webbrowser.open(url)
    if guide:
        folder = PROJECT_ROOT / "out" / "browser"
        paths = browser_guide.write(folder)
        try:
            server, guide_url = browser_guide.serve(Path(folder), guide_port)
        except OSError as exc:  # the port is taken (EADDRINUSE) or not ours to open (EACCES below 1024)
            import errno

            why = "is in use (another guide server, or another program)" if exc.errno == errno.EADDRINUSE \
                else f"cannot be opened ({exc.strerror or exc})"
            raise UsageError(f"the guide server's port {guide_port} on 127.0.0.1 {why}",
                             hint="choose another with --guide-port PORT, or --guide-port 0 for any free port "
                                  f"(the guide and style are written to {paths['guide'].parent} already)") from None
        echo(f"Guide and style written to {paths['guide'].parent}; in Browser run:  :guide {guide_url}")
        echo("  (its last slide applies the style; or drag out/browser/style.grass onto Browser)")
        echo("Serving the guide; Ctrl-C to stop.")
        try:
            while True:
                time.sleep(3600)
        finally:
            server.shutdown()
