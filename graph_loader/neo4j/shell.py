"""cypher-shell, Neo4j's own console, fetched from Maven Central like the managed Neo4j and run on the same server.

The first run resolves ``org.neo4j:cypher-shell`` (:data:`CYPHER_SHELL_VERSION`, main class
:data:`MAIN_CLASS`) with Maven from ``cypher_shell/pom.xml`` into ``<cache>/cypher-shell/<version>/lib``; every
run checks those jars against ``cypher_shell/cypher-shell-jars.sha256`` (:mod:`graph_loader.neo4j.jars`), so a
cache folder a ``.env`` points at can hold nothing else that runs.

The server's address, user and database go on cypher-shell's command line; the password only through its
environment (``NEO4J_PASSWORD``, which cypher-shell reads), never in argv, where any local user can read it
(``/proc/<pid>/cmdline``, ``ps``). Standard input, output and error are the caller's, so ``echo "RETURN 1;" |
diaspora-kg shell`` works, and cypher-shell's exit code is the command's.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigurationError, ServerError
from ..resources import cypher_shell_dir
from .jars import ensure_jars
from .server import NO_JAVA_HINT, java_major_version

CYPHER_SHELL_VERSION = "5.26.30"
MAIN_CLASS = "org.neo4j.shell.Main"
#: The package's own pom and checksums (:func:`graph_loader.resources.cypher_shell_dir`), never a setting's.
SHELL_DIR = cypher_shell_dir()
POM = SHELL_DIR / "pom.xml"
JAR_CHECKSUMS = SHELL_DIR / "cypher-shell-jars.sha256"
#: A console starts often and runs little: a small heap, the client compiler only, the serial collector.
JVM_OPTIONS = ("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8")
#: cypher-shell's password option, refused with every spelling its parser takes (the environment carries it).
PASSWORD_OPTION = "--password"
#: cypher-shell's one-letter options that take no value: they may come before ``p`` in one word (``-vpX``).
SHORT_FLAGS = "hv"


def lib_dir(cache_dir: Path) -> Path:
    """Where cypher-shell's jars are kept: ``<cache>/cypher-shell/<version>/lib``."""
    return Path(cache_dir).resolve() / "cypher-shell" / CYPHER_SHELL_VERSION / "lib"


def ensure_cypher_shell(cache_dir: Path, echo=print) -> Path:
    """Check Java, fetch cypher-shell with Maven once, check its jars; return the folder of the jars."""
    version = java_major_version()
    if version is None:
        raise ServerError("Java was not found on the PATH (cypher-shell is a Java program)", hint=NO_JAVA_HINT)
    if version < 17:
        raise ServerError(f"Java {version} found; cypher-shell {CYPHER_SHELL_VERSION} needs Java 17 or newer",
                          hint=NO_JAVA_HINT)
    return ensure_jars(lib_dir(cache_dir), POM, JAR_CHECKSUMS, what="cypher-shell", version=CYPHER_SHELL_VERSION,
                       properties={"cypher-shell.version": CYPHER_SHELL_VERSION}, fetched_by="diaspora-kg shell",
                       hint=NO_JAVA_HINT, echo=echo)


@dataclass(frozen=True)
class ShellCommand:
    """The java command line (no secret in it) and the environment that carries the password."""

    argv: list[str]
    env: dict[str, str] = field(repr=False)


def names_password(arg: str) -> bool:
    """True when cypher-shell would read ``arg`` as its password option, in any spelling it accepts.

    Its parser (argparse4j) takes any prefix of a long option (``--pass``, ``--passw``; an ambiguous one such as
    ``--pa`` fails only after the password is on the command line), a value after ``=`` (``--pass=X``), and a
    short option's value joined to it, after flags that take none (``-pX``, ``-vpX``).

    >>> [a for a in ("--passw", "--pa", "--pass=x", "-pX", "-vp", "-P", "--param", "-fp", "--", "-") if
    ...  names_password(a)]
    ['--passw', '--pa', '--pass=x', '-pX', '-vp']
    """
    if arg.startswith("--"):
        name = arg.split("=", 1)[0]
        return len(name) > 2 and PASSWORD_OPTION.startswith(name)
    return arg.startswith("-") and arg[1:].lstrip(SHORT_FLAGS).startswith("p")


def check_args(args: Sequence[str]) -> None:
    """Refuse cypher-shell arguments that would put a password on its command line (no part of it is shown)."""
    for arg in args:
        if names_password(arg):
            option = "--password" if arg.startswith("--") else "-p"  # never the rest: it may be the password
            raise ConfigurationError(f"{option}: a password on the command line is readable by every local user, "
                                     "so diaspora-kg shell does not pass one",
                                     hint="the password comes from NEO4J_PASSWORD (or the managed instance's "
                                          "credentials file) through the environment")


def shell_command(lib: Path, uri: str, user: str, password: str | None, database: str,
                  args: Sequence[str] = (), base_env: Mapping[str, str] | None = None) -> ShellCommand:
    """The command that runs cypher-shell from ``lib`` on ``uri`` as ``user``, with ``args`` after ours.

    The password is in ``env["NEO4J_PASSWORD"]`` only; ``args`` naming a password option are refused, so no
    password reaches argv by way of this function. Without a password (a server without authentication, or
    none configured) any ``NEO4J_PASSWORD`` of ``base_env`` is dropped, and cypher-shell asks when it needs one.
    """
    check_args(args)
    env = dict(os.environ if base_env is None else base_env)
    env.pop("NEO4J_PASSWORD", None)
    if password:
        env["NEO4J_PASSWORD"] = password
    # cypher-shell would take these from the environment; the command line below names the server instead.
    for name in ("NEO4J_ADDRESS", "NEO4J_USERNAME", "NEO4J_DATABASE"):
        env.pop(name, None)
    argv = ["java", *JVM_OPTIONS, "-cp", f"{lib}/*", MAIN_CLASS,
            "--address", uri, "--username", user, "--database", database, *args]
    return ShellCommand(argv, env)


def run_shell(command: ShellCommand) -> int:
    """Run cypher-shell in the foreground on the caller's stdin/stdout/stderr; return its exit code.

    Ctrl-C belongs to cypher-shell while it runs (it stops the running query, or the shell): this process
    ignores it meanwhile. A cypher-shell killed by a signal gives 128 + the signal's number, as a shell does.
    """
    # A Python handler, not SIG_IGN: a caught signal is reset at exec, so the JVM keeps the default one.
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    try:
        try:
            proc = subprocess.Popen(command.argv, env=command.env)
        except OSError as exc:
            raise ServerError(f"cannot run java: {exc.strerror or exc}", hint=NO_JAVA_HINT) from None
        code = proc.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    return 128 - code if code < 0 else code
