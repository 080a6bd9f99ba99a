"""Where the files this package reads live: the one module that knows, every other module asks here.

The package reads five folders: the ontology and its shapes (``ontology/``), the query library (``cypher/``), the
CSV templates (``data/templates/``) and the seed corpus (``data/gazetteer/`` and ``data/seed/``). They are found
in the first of three places, each laid out like the repository's root:

1. ``DKG_RESOURCES_DIR``, when set in the environment: a folder of your own with those five folders (a changed
   ontology or query library without reinstalling). Read from the environment only, never from a ``.env``: a
   ``.env`` chooses settings (which server, which port), not what the tool checks and loads.
2. The checkout, when the package runs from one (``make run``, ``pip install -e .``): the repository's top-level
   folders, the only copy under version control.
3. The installed package: the copies the wheel carries in ``graph_loader/_resources/``, made from the checkout's
   folders at build time by ``setup.py`` (never committed).

The Neo4j launcher (``graph_loader/neo4j/launcher/``) is always this package's own, whatever the setting: it is
code the managed Neo4j runs, and the jars it loads are checked against the checksums shipped beside it.

>>> sorted(RESOURCE_FOLDERS)
['cypher', 'data/gazetteer', 'data/seed', 'data/templates', 'ontology']
>>> (ontology_dir() / "diaspora.ttl").is_file() and (launcher_dir() / "Launcher.java").is_file()
True
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import ConfigurationError

RESOURCES_DIR_ENV = "DKG_RESOURCES_DIR"
#: The folders the package reads, relative to a resources root (the repository's layout). ``setup.py`` copies
#: the same list into the wheel (a unit test checks the two agree).
RESOURCE_FOLDERS = ("ontology", "cypher", "data/seed", "data/gazetteer", "data/templates")
#: Where the wheel carries the copies, inside the package.
PACKAGED_FOLDER = "_resources"
#: A file only the repository's root holds beside ``ontology/``: it tells a checkout from a site-packages folder.
CHECKOUT_MARKER = "pyproject.toml"


def package_dir() -> Path:
    """The installed ``graph_loader`` folder, as a real path (the launcher and the files read need one)."""
    folder = resources.files(__package__)
    if not isinstance(folder, Path):  # a zip import: nothing here can be handed to Java or rglob'ed
        raise ConfigurationError(f"graph_loader is imported from an archive ({folder}), not from a folder",
                                 hint="install it with pip (which unpacks it), or run from a checkout")
    return folder.resolve()  # resolved as the paths compared with it (source keys) are


def checkout_root() -> Path | None:
    """The repository's root when the package runs from a checkout (editable install included), else None."""
    root = package_dir().parent
    if (root / CHECKOUT_MARKER).is_file() and (root / "ontology" / "diaspora.ttl").is_file():
        return root
    return None


def resources_root() -> Path:
    """The folder laid out like the repository's root that holds the ontology, queries, templates and corpus.

    ``DKG_RESOURCES_DIR`` when set, else the checkout, else the copies inside the installed package; read on
    every call, so a test may set the variable for one call.
    """
    override = os.environ.get(RESOURCES_DIR_ENV)
    if override:
        return _checked_override(Path(override).expanduser())
    root = checkout_root()
    if root is not None:
        return root
    packaged = package_dir() / PACKAGED_FOLDER
    if not (packaged / "ontology").is_dir():
        raise ConfigurationError(f"this installation of graph_loader has no {packaged} (the ontology, queries "
                                 "and seed corpus the wheel should carry)",
                                 hint=f"reinstall from a wheel built with `pip wheel .`, or set {RESOURCES_DIR_ENV} "
                                      "to a folder laid out like the repository (ontology/, cypher/, data/)")
    return packaged


def _checked_override(root: Path) -> Path:
    """``root`` when it holds every folder of :data:`RESOURCE_FOLDERS`; else one error naming those missing."""
    if not root.is_dir():
        raise ConfigurationError(f"{RESOURCES_DIR_ENV} names {root}, which is not a folder",
                                 hint=f"point {RESOURCES_DIR_ENV} at a folder laid out like the repository's "
                                      "root, or unset it")
    missing = [name for name in RESOURCE_FOLDERS if not (root / name).is_dir()]
    if missing:
        raise ConfigurationError(f"{RESOURCES_DIR_ENV} names {root}, which has no {', '.join(missing)}",
                                 hint="copy those folders from the repository (or an installed package's "
                                      f"graph_loader/{PACKAGED_FOLDER}), or unset {RESOURCES_DIR_ENV}")
    return root.resolve()


def ontology_dir() -> Path:
    """The folder of ``diaspora.ttl``, ``concepts.ttl`` and ``shapes.ttl`` (see also ``DKG_ONTOLOGY_DIR``)."""
    return resources_root() / "ontology"


def cypher_dir() -> Path:
    """The query library: one named query per ``.cypher`` file, in folders by theme."""
    return resources_root() / "cypher"


def data_dir() -> Path:
    """The corpus folder (``data/``): the real data only; synthetic corpora are never written here."""
    return resources_root() / "data"


def templates_dir() -> Path:
    """The CSV templates for bringing your own data."""
    return data_dir() / "templates"


def seed_paths() -> tuple[Path, ...]:
    """The seed corpus, in load order: the gazetteer's countries and states, the gazetteer records of the towns and
    cities the seed links to (``seed-places.ttl``), then the article's facts (and the links, ``99-…``).

    The municipal gazetteer (``data/gazetteer/full/``: every Mexican municipio, Salvadoran and US places, some
    9,000 places) is not part of it: it is loaded on request (``diaspora-kg load data/gazetteer/full``), so that
    every load of the seed stays small (``data/gazetteer/README.md`` gives the figures).
    """
    gazetteer = data_dir() / "gazetteer"
    return gazetteer / "places.ttl", gazetteer / "seed-places.ttl", data_dir() / "seed"


def launcher_dir() -> Path:
    """The managed Neo4j's launcher (``Launcher.java``, ``pom.xml``, the jars' checksums): always the package's."""
    return package_dir() / "neo4j" / "launcher"


def cypher_shell_dir() -> Path:
    """cypher-shell's ``pom.xml`` and its jars' checksums (``diaspora-kg shell``): always the package's."""
    return package_dir() / "neo4j" / "cypher_shell"
