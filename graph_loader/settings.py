"""Where things are and how to reach Neo4j, from the environment or one ``.env`` file.

``NEO4J_URI`` (with ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``) points every command at an existing
server: docker compose, Neo4j Desktop, Aura, or a cluster through a ``neo4j://`` routing URI. When it is unset,
commands use the managed local Neo4j (:mod:`graph_loader.neo4j.server`) on ``DKG_NEO4J_PORT`` (Bolt) and
``DKG_NEO4J_HTTP_PORT`` (HTTP: Neo4j Browser) with its data in ``DKG_NEO4J_DATA_DIR``.

Variables already in the environment win over the ``.env`` file. Exactly one ``.env`` is read: ``DKG_ENV_FILE``
when set, else ``.env`` in the current folder, else the checkout's ``.env`` (its root) or, for an installed package,
the per-user ``~/.config/diaspora-kg/.env``; commands say which (:attr:`Settings.env_file`).

Where state goes by default: in a checkout, beside the code as always (``.neo4j/``, ``.cache/`` at its root); an
installed package (a wheel, ``pipx``) has no such folder, so it uses per-user folders that do not depend on the
folder a command is run from: ``~/.local/share/diaspora-kg/neo4j`` and ``~/.cache/diaspora-kg`` (``XDG_DATA_HOME``,
``XDG_CACHE_HOME`` and ``XDG_CONFIG_HOME`` move them, as the XDG base directory convention says). A ``.env`` chooses settings, never code: the Neo4j launcher runs from this package and
the jars it loads are checked against the checksums this package ships (:mod:`graph_loader.neo4j.server`).

Every value is checked here, so a bad one is one clear error naming the variable (and the file it came from),
never a traceback later; a password is never part of a message, and a URI is only ever shown without user-info.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from .errors import ConfigurationError
from .resources import checkout_root

#: The repository's root when the package runs from a checkout, else None (an installed package).
CHECKOUT_ROOT = checkout_root()
#: Where ``run`` writes ``out/`` by default: the checkout's root, or the current folder for an installed package.
#: (The files the package reads are found by :mod:`graph_loader.resources`, never from here.)
PROJECT_ROOT = CHECKOUT_ROOT or Path.cwd()
#: The per-user folders' name under the XDG base directories (installed package only).
APP_NAME = "diaspora-kg"
DEFAULT_MANAGED_PORT = 17687
#: The managed instance's HTTP port (Neo4j Browser at /browser/), on 127.0.0.1 like Bolt.
DEFAULT_MANAGED_HTTP_PORT = 17474
#: The URI schemes the official driver accepts (``+s``: TLS, ``+ssc``: TLS with a self-signed certificate).
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
HEAP_PATTERN = re.compile(r"[1-9][0-9]*[kKmMgG]")


@dataclass(frozen=True)
class Settings:
    """Connection and path settings; ``password`` is kept out of ``repr`` so it is never printed."""

    uri: str | None
    user: str
    password: str | None = field(repr=False)
    database: str
    managed_port: int
    managed_data_dir: Path
    cache_dir: Path
    heap: str
    env_file: Path | None = None
    allow_url_import: bool = False
    managed_http_port: int = DEFAULT_MANAGED_HTTP_PORT

    @property
    def managed(self) -> bool:
        """True when no external server is configured and the managed local Neo4j is used."""
        return not self.uri

    def describe(self, managed_data_dir: Path | None = None) -> str:
        """One line for the user: which server the commands use, and which ``.env`` said so.

        ``managed_data_dir`` names the managed instance's folder when a command overrides the setting.
        """
        origin = f"settings from {self.env_file}" if self.env_file else "no .env file"
        if self.managed or managed_data_dir is not None:
            return f"the managed Neo4j (data in {managed_data_dir or self.managed_data_dir}; {origin})"
        return f"NEO4J_URI {self.uri}, database {self.database} ({origin})"


def env_file_to_read(explicit: Path | None = None) -> Path | None:
    """The one ``.env`` to read: ``explicit``, ``DKG_ENV_FILE``, ``./.env``, or the checkout's (installed: the
    per-user one), whichever comes first."""
    named = explicit or os.environ.get("DKG_ENV_FILE")
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigurationError(f"DKG_ENV_FILE names {path}, which is not a file",
                                     hint="point DKG_ENV_FILE at a .env file, or unset it")
        return path.resolve()
    fallback = CHECKOUT_ROOT / ".env" if CHECKOUT_ROOT else user_dir("XDG_CONFIG_HOME", ".config") / ".env"
    for candidate in (Path.cwd() / ".env", fallback):
        if candidate.is_file():
            return candidate.resolve()
    return None


def load_settings(env_file: Path | None = None) -> Settings:
    """Read and check the settings from ``os.environ`` and, below it, one ``.env`` file."""
    path = env_file_to_read(env_file)
    values: dict[str, str | None] = {}
    if path is not None:
        try:
            values.update(dotenv_values(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{path}: cannot read this .env file ({exc.__class__.__name__})",
                                     hint="make it a UTF-8 text file of NAME=value lines") from None
    origin = {name: str(path) for name in values}
    values.update(os.environ)
    origin.update({name: "the environment" for name in os.environ})

    def get(name: str, default: str | None = None) -> str | None:
        value = values.get(name)
        return value if value not in (None, "") else default

    def where(name: str) -> str:
        return f"{name} (from {origin.get(name, 'the default')})"

    uri = get("NEO4J_URI")
    if uri is not None:
        uri = check_neo4j_uri(uri, where("NEO4J_URI"))
    return Settings(
        uri=uri,
        user=get("NEO4J_USER", "neo4j"),
        password=get("NEO4J_PASSWORD"),
        database=get("NEO4J_DATABASE", "neo4j"),
        managed_port=_port(get("DKG_NEO4J_PORT", str(DEFAULT_MANAGED_PORT)), where("DKG_NEO4J_PORT")),
        managed_data_dir=Path(get("DKG_NEO4J_DATA_DIR", str(default_data_dir()))),
        cache_dir=Path(get("DKG_CACHE_DIR", str(default_cache_dir()))),
        heap=_heap(get("DKG_NEO4J_HEAP", "2g"), where("DKG_NEO4J_HEAP")),
        env_file=path,
        allow_url_import=_flag(get("DKG_NEO4J_ALLOW_URL_IMPORT", "false"), where("DKG_NEO4J_ALLOW_URL_IMPORT")),
        managed_http_port=_port(get("DKG_NEO4J_HTTP_PORT", str(DEFAULT_MANAGED_HTTP_PORT)),
                                where("DKG_NEO4J_HTTP_PORT")),
    )


def user_dir(xdg_variable: str, fallback: str) -> Path:
    """This tool's per-user folder under an XDG base directory: ``$XDG_…/diaspora-kg``, else ``~/<fallback>/…``.

    >>> user_dir("XDG_CACHE_HOME", ".cache").name
    'diaspora-kg'
    """
    base = os.environ.get(xdg_variable)
    # The XDG convention ignores relative values: they would move with the folder a command runs from.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / fallback
    return root / APP_NAME


def default_data_dir() -> Path:
    """The managed Neo4j's folder unless ``DKG_NEO4J_DATA_DIR`` says otherwise: the checkout's ``.neo4j``, else
    ``~/.local/share/diaspora-kg/neo4j`` (the store, logs and password: per user, whatever the current folder)."""
    if CHECKOUT_ROOT:
        return CHECKOUT_ROOT / ".neo4j"
    return user_dir("XDG_DATA_HOME", ".local/share") / "neo4j"


def default_cache_dir() -> Path:
    """Where the Neo4j jars (about 120 MB, fetched once) are kept unless ``DKG_CACHE_DIR`` says otherwise: the
    checkout's ``.cache``, else ``~/.cache/diaspora-kg``."""
    if CHECKOUT_ROOT:
        return CHECKOUT_ROOT / ".cache"
    return user_dir("XDG_CACHE_HOME", ".cache")


def redact_uri(uri: str) -> str:
    """``uri`` without any ``user:password@`` part, for messages.

    >>> redact_uri("bolt://neo4j:secret@db.example.org:7687")
    'bolt://***@db.example.org:7687'
    >>> redact_uri("neo4j+s://abc.databases.neo4j.io")
    'neo4j+s://abc.databases.neo4j.io'
    """
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return "<not a URI>" if "@" in uri else uri
    authority, slash, tail = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rsplit("@", 1)[1]
    return f"{scheme}://{authority}{slash}{tail}"


def check_neo4j_uri(uri: str, name: str = "NEO4J_URI") -> str:
    """Return ``uri`` when the driver can use it; else raise a ConfigurationError that never shows credentials.

    >>> check_neo4j_uri("bolt://127.0.0.1:7687")
    'bolt://127.0.0.1:7687'
    >>> try:
    ...     check_neo4j_uri("http://neo4j:secret@127.0.0.1:7474")
    ... except ConfigurationError as error:
    ...     print(error.message)
    NEO4J_URI carries credentials (http://***@127.0.0.1:7474)
    """
    shown = redact_uri(uri.strip())
    parts = urlsplit(uri.strip())
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ConfigurationError(f"{name} carries credentials ({shown})",
                                 hint="put the user in NEO4J_USER and the password in NEO4J_PASSWORD, "
                                      "and keep NEO4J_URI to scheme://host:port")
    hint = ("use bolt://host:7687 for one server or neo4j://host:7687 for a cluster (add +s for TLS)")
    if "://" not in uri or not parts.scheme:
        raise ConfigurationError(f"{name} is {shown!r}, which is not a URI", hint=hint)
    if parts.scheme not in NEO4J_SCHEMES:
        extra = ("; port 7474 is the HTTP/Browser port, Bolt listens on 7687 by default"
                 if parts.scheme in ("http", "https") else "")
        raise ConfigurationError(f"{name} is {shown}: the scheme {parts.scheme} is not a Neo4j (Bolt) scheme",
                                 hint=hint + extra)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or port == -1 or port == 0:
        raise ConfigurationError(f"{name} is {shown}: it needs a host and an optional port from 1 to 65535",
                                 hint=hint)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigurationError(f"{name} is {shown}: a Neo4j URI has no path, query or fragment",
                                 hint="choose the database with NEO4J_DATABASE instead")
    return uri.strip()


def _port(value: str, name: str) -> int:
    if not value.strip().isdigit() or not 1 <= int(value) <= 65535:
        raise ConfigurationError(f"{name} is {value!r}: a port is a whole number from 1 to 65535",
                                 hint="e.g. DKG_NEO4J_PORT=17687")
    return int(value)


def _heap(value: str, name: str) -> str:
    if not HEAP_PATTERN.fullmatch(value.strip()):
        raise ConfigurationError(f"{name} is {value!r}: a JVM heap size is a number and a unit, like 2g or 512m",
                                 hint="e.g. DKG_NEO4J_HEAP=2g")
    return value.strip()


def _flag(value: str, name: str) -> bool:
    if value.strip().lower() not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigurationError(f"{name} is {value!r}: use true or false")
    return value.strip().lower() in ("true", "1", "yes")
