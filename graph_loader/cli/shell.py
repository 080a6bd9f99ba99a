"""``diaspora-kg shell``: Neo4j's cypher-shell on the server the other commands use."""

from __future__ import annotations

import sys

import click

from ..settings import load_settings
from .app import (
    echo,
    main,
    reports_errors,
)


@main.command(context_settings={"allow_interspersed_args": False})
@click.argument("shell_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- CYPHER-SHELL-ARGS...]")
@reports_errors
def shell(shell_args):
    """Open cypher-shell on the configured server (NEO4J_URI, or the managed Neo4j, started if needed).

    Arguments after -- go to cypher-shell: `diaspora-kg shell -- --format plain -f script.cypher`. Standard
    input passes through (`echo "RETURN 1;" | diaspora-kg shell`), and the exit code is cypher-shell's. The
    password reaches cypher-shell through its environment (NEO4J_PASSWORD), never its command line. The first
    run fetches cypher-shell from Maven Central into the cache folder.
    """
    from ..neo4j.connection import endpoint, open_database
    from ..neo4j.shell import check_args, ensure_cypher_shell, run_shell, shell_command

    check_args(shell_args)
    settings = load_settings()
    lib = ensure_cypher_shell(settings.cache_dir, echo=echo)
    target = endpoint(settings, echo=echo)
    # Our own check first: a wrong password or an unreachable server is one message with a hint, as elsewhere.
    open_database(target.uri, target.user, target.password, target.database).close()
    command = shell_command(lib, target.uri, target.user, target.password, target.database, shell_args)
    sys.exit(run_shell(command))
